"""Printed registers: the incoming and outgoing registers of a period exported as the
paper books look (DOMAIN.md §2), as an XLSX workbook and as an A4 landscape PDF.

Only what the person may see goes in (`selectors.incoming_list`, `outgoing_list`): a
classified register is a sheet (or a section of the PDF) of its own, and for someone
not cleared for it there is no such sheet, no row and no count of its documents.

Laying out a PDF takes tens of milliseconds a row, so a PDF of more than
`PDF_SYNC_MAX_ROWS` rows is made in the background (`registry/tasks.py`,
`RegisterExport`): in parts of `PDF_CHUNK_ROWS` rows, so that the worker's memory
does not grow with the register, joined and numbered "Page n/N" afterwards. No export
holds more than `EXPORT_MAX_ROWS` rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import logging
import secrets
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core.models import Person, Secrecy
from vanphong.core.printing import excel_text, pdf_from_html
from vanphong.registry import selectors, services
from vanphong.registry.forms import IncomingFilterForm, OutgoingFilterForm
from vanphong.registry.models import (
    Direction,
    ExportStatus,
    IncomingDocument,
    OutgoingDocument,
    Register,
    RegisterExport,
    Urgency,
)

logger = logging.getLogger(__name__)

# A year's register, with a leap day: longer periods are exported in parts.
MAX_DAYS = 366
# No export holds more: a city office registers about 1,300 documents a year, and a
# PDF of this many rows keeps a worker busy for tens of minutes.
EXPORT_MAX_ROWS = 20_000
# A PDF of more rows is laid out in the background: in the demo walk-through 131 rows
# took 8 s while the clerk waited with no sign of progress (20–60 ms a row).
PDF_SYNC_MAX_ROWS = 50
# The PDF is laid out in parts of this many rows: WeasyPrint holds a whole document's
# layout in memory (about 300 MB per thousand rows).
PDF_CHUNK_ROWS = 500
# How long a register made in the background is kept for its download.
EXPORT_KEEP = dt.timedelta(days=1)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy translation
    width: float  # in characters, for the XLSX sheet
    pdf_width: float  # in per cent of the PDF table's width (270 mm)
    centred: bool = False  # short values (numbers, levels) centred in the XLSX cell


# The columns of the incoming register book, in its order (DOMAIN.md §2).
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Incoming no."), 7, 3.7, centred=True),
    Column(gettext_lazy("Received on"), 11, 7.4),
    Column(gettext_lazy("Issuing body"), 22, 11.1),
    Column(gettext_lazy("Number and symbol"), 15, 10.0),
    Column(gettext_lazy("Document date"), 11, 7.4),
    Column(gettext_lazy("Type and abstract"), 46, 22.0),
    Column(gettext_lazy("Secrecy level"), 9, 5.4, centred=True),
    Column(gettext_lazy("Urgency level"), 10, 5.6, centred=True),
    Column(gettext_lazy("Receiving unit or person"), 20, 9.6),
    Column(gettext_lazy("Deadline"), 11, 7.4),
    Column(gettext_lazy("Signature of receipt"), 11, 5.2),
    Column(gettext_lazy("Note"), 15, 5.2),
)

# The columns of the outgoing register book, in its order (DOMAIN.md §2).
OUTGOING_COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Number and symbol"), 14, 10.0),
    Column(gettext_lazy("Document date"), 11, 7.5),
    Column(gettext_lazy("Type and abstract"), 46, 25.0),
    Column(gettext_lazy("Signed by"), 18, 10.0),
    Column(gettext_lazy("Recipients"), 28, 17.0),
    Column(gettext_lazy("Drafting unit or person"), 18, 9.5),
    Column(gettext_lazy("Copies"), 7, 4.5, centred=True),
    Column(gettext_lazy("Secrecy and urgency"), 11, 6.5, centred=True),
    Column(gettext_lazy("Note"), 22, 10.0),
)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def check_period(start: dt.date, end: dt.date) -> Period:
    """The period to print, or a refusal the person can act on."""
    if start > end:
        raise ValidationError(
            _("The period is reversed: its start (%(start)s) is after its end (%(end)s).")
            % {"start": _short(start), "end": _short(end)}
        )
    period = Period(start, end)
    if period.days > MAX_DAYS:
        raise ValidationError(
            _("A printed register covers at most %(max)d days; export this period in parts.")
            % {"max": MAX_DAYS}
        )
    return period


def check_rows(rows: int) -> None:
    """Refuses a register too long to export at all."""
    if rows > EXPORT_MAX_ROWS:
        raise ValidationError(
            _(
                "A printed register holds at most %(max)s documents (this period has %(rows)s): "
                "export a shorter period."
            )
            % {"max": formats.number_format(EXPORT_MAX_ROWS), "rows": formats.number_format(rows)}
        )


def default_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Bounds the person left out: until today, from the first day of that year."""
    end = end or today
    start = start or dt.date(end.year, 1, 1)
    return start, end


@dataclass
class Row:
    """One line of the incoming book, as printed."""

    number: int
    received_on: dt.date
    issuer: str
    symbol: str
    document_date: dt.date
    document_type: str
    abstract: str
    secrecy: str
    urgency: str
    receiver: str
    deadline: dt.date | None
    note: str
    cancelled = False  # incoming entries are never cancelled

    @property
    def type_and_abstract(self) -> str:
        return f"{self.document_type}: {self.abstract}"

    def cells(self) -> tuple[Any, ...]:
        """The values of the XLSX row, in the order of `COLUMNS`."""
        return (
            self.number,
            self.received_on,
            self.issuer,
            self.symbol,
            self.document_date,
            self.type_and_abstract,
            self.secrecy,
            self.urgency,
            self.receiver,
            self.deadline,
            None,  # ký nhận: signed on paper
            self.note,
        )


@dataclass
class OutgoingRow:
    """One line of the outgoing book, as printed. A cancelled document keeps its line
    and its number, with the reason it was cancelled."""

    symbol: str
    issued_on: dt.date
    document_type: str
    abstract: str
    signer: str
    recipients: str  # one per line
    drafter: str
    copies: int
    secrecy: str
    urgency: str
    note: str
    cancelled_on: dt.date | None = None
    cancel_note: str = ""

    @property
    def cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def type_and_abstract(self) -> str:
        return f"{self.document_type}: {self.abstract}"

    @property
    def levels(self) -> str:
        return ", ".join(level for level in (self.secrecy, self.urgency) if level)

    @property
    def cancellation(self) -> str:
        if self.cancelled_on is None:
            return ""
        return _("Cancelled on %(day)s: %(reason)s") % {
            "day": _short(self.cancelled_on),
            "reason": self.cancel_note,
        }

    @property
    def full_note(self) -> str:
        return "\n".join(part for part in (self.cancellation, self.note) if part)

    def cells(self) -> tuple[Any, ...]:
        """The values of the XLSX row, in the order of `OUTGOING_COLUMNS`."""
        return (
            self.symbol,
            self.issued_on,
            self.type_and_abstract,
            self.signer,
            self.recipients,
            self.drafter,
            self.copies,
            self.levels,
            self.full_note,
        )


@dataclass
class Section:
    """One register book: a sheet of the workbook, a part of the PDF."""

    organization: str
    register: str
    is_classified: bool
    rows: list[Any] = field(default_factory=list)  # Row or OutgoingRow


def _short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _levels(secrecy: int, urgency: int) -> tuple[str, str]:
    return (
        str(Secrecy(secrecy).label) if secrecy else "",
        str(Urgency(urgency).label) if urgency else "",
    )


def _row(document: IncomingDocument) -> Row:
    receiver = [
        name
        for name in (
            document.handler_unit.name if document.handler_unit else "",
            document.handler_person.full_name if document.handler_person else "",
        )
        if name
    ]
    secrecy, urgency = _levels(document.secrecy, document.urgency)
    return Row(
        number=document.number,
        received_on=document.received_on,
        issuer=document.issuer,
        symbol=document.symbol,
        document_date=document.document_date,
        document_type=document.document_type.name,
        abstract=document.abstract,
        secrecy=secrecy,
        urgency=urgency,
        receiver=", ".join(receiver),
        deadline=document.deadline,
        note=document.note,
    )


def _outgoing_row(document: OutgoingDocument) -> OutgoingRow:
    secrecy, urgency = _levels(document.secrecy, document.urgency)
    cancelled_on = timezone.localdate(document.cancelled_at) if document.cancelled_at else None
    return OutgoingRow(
        symbol=document.symbol,
        issued_on=document.issued_on,
        document_type=document.document_type.name,
        abstract=document.abstract,
        signer=document.signer.full_name,
        recipients="\n".join(line.strip() for line in document.recipients.splitlines() if line.strip()),
        drafter=document.drafter.full_name if document.drafter else "",
        copies=document.copies,
        secrecy=secrecy,
        urgency=urgency,
        note=document.note,
        cancelled_on=cancelled_on,
        cancel_note=document.cancel_note,
    )


def _incoming_documents(person: Person, filters: Any) -> QuerySet[IncomingDocument]:
    return selectors.incoming_list(person, filters).select_related(
        "organization", "handler_person", "document_type", "register", "handler_unit"
    )


def _outgoing_documents(person: Person, filters: Any) -> QuerySet[OutgoingDocument]:
    return selectors.outgoing_list(person, filters).select_related(
        "organization", "document_type", "register", "signer", "drafter"
    )


def _incoming_form(data: Any, person: Person) -> IncomingFilterForm:
    return IncomingFilterForm(data)


def _outgoing_form(data: Any, person: Person) -> OutgoingFilterForm:
    return OutgoingFilterForm(data, issuers=selectors.outgoing_issuers(person))


def _incoming_period(filters: selectors.IncomingFilters, period: Period) -> selectors.IncomingFilters:
    return dataclasses.replace(filters, received_from=period.start, received_to=period.end)


def _outgoing_period(filters: selectors.OutgoingFilters, period: Period) -> selectors.OutgoingFilters:
    return dataclasses.replace(filters, issued_from=period.start, issued_to=period.end)


@dataclass(frozen=True)
class Kind:
    """What differs between the incoming and the outgoing book."""

    direction: str
    title: Any  # lazy translations
    empty_register: Any
    columns: tuple[Column, ...]
    template: str
    file_prefix: str
    list_view: str  # the list the export is asked from, and returns to when refused
    documents: Callable[[Person, Any], QuerySet[Any]]
    row: Callable[[Any], Any]
    # The list's filter form (the printed register applies the list's filters), the
    # names of its period's fields, and its filters narrowed to the printed period.
    form: Callable[[Any, Person], Any]
    start_field: str
    end_field: str
    period_filters: Callable[[Any, Period], Any]
    # The book's order within one register: entries by number, or by day of issue
    # (outgoing numbers run per type, so the book reads by date).
    order: tuple[str, ...]


INCOMING = Kind(
    direction=Direction.INCOMING,
    title=gettext_lazy("INCOMING DOCUMENTS REGISTER"),
    empty_register=gettext_lazy("Incoming register"),
    columns=COLUMNS,
    template="registry/incoming_register_print.html",
    file_prefix="so-van-ban-den",
    list_view="incoming_list",
    documents=_incoming_documents,
    row=_row,
    form=_incoming_form,
    start_field="received_from",
    end_field="received_to",
    period_filters=_incoming_period,
    order=("number",),
)
OUTGOING = Kind(
    direction=Direction.OUTGOING,
    title=gettext_lazy("OUTGOING DOCUMENTS REGISTER"),
    empty_register=gettext_lazy("Outgoing register"),
    columns=OUTGOING_COLUMNS,
    template="registry/outgoing_register_print.html",
    file_prefix="so-van-ban-di",
    list_view="outgoing_list",
    documents=_outgoing_documents,
    row=_outgoing_row,
    form=_outgoing_form,
    start_field="issued_from",
    end_field="issued_to",
    period_filters=_outgoing_period,
    order=("issued_on", "registered_at", "pk"),
)
KINDS = {INCOMING.direction: INCOMING, OUTGOING.direction: OUTGOING}


def filename(period: Period, extension: str, kind: Kind = INCOMING) -> str:
    return f"{kind.file_prefix}-{period.slug()}.{extension}"


def documents(kind: Kind, person: Person, filters: Any) -> QuerySet[Any]:
    """Every entry of the printed register that `person` may see."""
    return kind.documents(person, filters)


def book_sections(kind: Kind, person: Person, filters: Any) -> list[Section]:
    """The registers the period touches, each with its rows in the book's order: what
    `person` may see, and only that."""
    entries = documents(kind, person, filters).order_by(
        "organization__path", "register__year", "register__is_classified", *kind.order
    )
    result: list[Section] = []
    for _register_id, group in itertools.groupby(
        entries.iterator(chunk_size=500), key=lambda d: d.register_id
    ):
        rows = list(group)
        first = rows[0]
        result.append(_section(first.organization.name, first.register, [kind.row(d) for d in rows]))
    return result


def sections(person: Person, filters: selectors.IncomingFilters) -> list[Section]:
    """The incoming registers of the period (`book_sections` of `INCOMING`)."""
    return book_sections(INCOMING, person, filters)


def outgoing_sections(person: Person, filters: selectors.OutgoingFilters) -> list[Section]:
    return book_sections(OUTGOING, person, filters)


def _section(organization: str, register: Register, rows: list[Any]) -> Section:
    return Section(
        organization=organization,
        register=str(register),
        is_classified=register.is_classified,
        rows=rows,
    )


def _empty_section(kind: Kind = INCOMING) -> Section:
    """The one book printed when nothing was found: headings and no row."""
    return Section(organization="", register=str(kind.empty_register), is_classified=False)


def title(kind: Kind = INCOMING) -> str:
    return str(kind.title)


def subtitle(section: Section, period: Period) -> str:
    return _("%(register)s, from %(start)s to %(end)s") % {
        "register": section.register,
        "start": _short(period.start),
        "end": _short(period.end),
    }


# --- XLSX ------------------------------------------------------------------------


def _sheet_titles(books: Sequence[Section]) -> list[str]:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, all different."""
    titles: list[str] = []
    for book in books:
        base = "".join(" " if c in "[]:*?/\\" else c for c in book.register).strip()[:31] or "Sheet"
        name, n = base, 2
        while name.casefold() in (t.casefold() for t in titles):
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        titles.append(name)
    return titles


HEADER_ROW = 5  # title, organization, register and period, a blank line, then headers


def build_xlsx(books: Sequence[Section], period: Period, kind: Kind = INCOMING) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    books = list(books) or [_empty_section(kind)]
    columns = kind.columns
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    font = Font(name="Times New Roman", size=12)
    # A cancelled entry keeps its line, greyed, with the reason in its note.
    cancelled_font = Font(name="Times New Roman", size=12, italic=True, color="FF666666")
    bold = Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre_top = Alignment(wrap_text=True, vertical="top", horizontal="center")
    last = get_column_letter(len(columns))

    for book, sheet_title in zip(books, _sheet_titles(books), strict=True):
        sheet: Worksheet = workbook.create_sheet(sheet_title)
        for row, (value, style) in enumerate(
            [
                (title(kind), Font(name="Times New Roman", size=15, bold=True)),
                (book.organization.upper(), bold),
                (subtitle(book, period), Font(name="Times New Roman", size=12, italic=True)),
            ],
            start=1,
        ):
            sheet.merge_cells(f"A{row}:{last}{row}")
            cell = sheet.cell(row=row, column=1, value=excel_text(value))
            cell.font = style
            cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 22

        for column, spec in enumerate(columns, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=column, value=str(spec.label))
            cell.font, cell.border = bold, box
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            sheet.column_dimensions[get_column_letter(column)].width = spec.width

        for offset, line in enumerate(book.rows, start=1):
            for column, (value, spec) in enumerate(zip(line.cells(), columns, strict=True), start=1):
                if isinstance(value, str):
                    value = excel_text(value)
                cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text typed by a person is never a formula
                cell.font, cell.border = (cancelled_font if line.cancelled else font), box
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                    cell.alignment = centre_top
                elif spec.centred:
                    cell.alignment = centre_top
                else:
                    cell.alignment = wrap_top
        if not book.rows:
            row = HEADER_ROW + 1
            sheet.merge_cells(f"A{row}:{last}{row}")
            cell = sheet.cell(row=row, column=1, value=str(_("No document found.")))
            cell.font = font

        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = _("Page") + " &P/&N"
        sheet.oddFooter.center.font = "Times New Roman,Regular"

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- PDF -------------------------------------------------------------------------


@dataclass
class Part:
    """A run of one book's rows laid out together; `first` starts the book (its
    heading is printed), otherwise the rows continue it on a new page."""

    book: Section
    rows: list[Any]
    first: bool


def _page_word() -> str:
    # Inside a CSS string in the template: no backslash or quote may end it.
    return str(_("Page")).replace("\\", "").replace('"', "")


def _parts(books: Sequence[Section], size: int) -> list[list[Part]]:
    """The books cut into runs of at most `size` rows, each laid out by itself."""
    runs: list[list[Part]] = []
    current: list[Part] = []
    room = size
    for book in books:
        if not book.rows:
            current.append(Part(book, [], first=True))
            continue
        start = 0
        while start < len(book.rows):
            if room == 0:
                runs.append(current)
                current, room = [], size
            taken = book.rows[start : start + room]
            current.append(Part(book, taken, first=start == 0))
            start += len(taken)
            room -= len(taken)
    if current:
        runs.append(current)
    return runs


def _render_parts(parts: Sequence[Part], period: Period, kind: Kind, *, numbered: bool) -> str:
    return render_to_string(
        kind.template,
        {
            "title": title(kind),
            "books": [
                {
                    "book": part.book,
                    "rows": part.rows,
                    "first": part.first,
                    "subtitle": subtitle(part.book, period),
                }
                for part in parts
            ],
            "columns": kind.columns,
            "page_word": _page_word(),
            "numbered": numbered,
        },
    )


def render_html(books: Sequence[Section], period: Period, kind: Kind = INCOMING) -> str:
    """The whole register as one HTML document, its pages numbered by WeasyPrint."""
    books = list(books) or [_empty_section(kind)]
    return _render_parts([Part(book, book.rows, first=True) for book in books], period, kind, numbered=True)


def build_pdf(books: Sequence[Section], period: Period, kind: Kind = INCOMING) -> bytes:
    books = list(books) or [_empty_section(kind)]
    runs = _parts(books, PDF_CHUNK_ROWS)
    if len(runs) == 1:
        return pdf_from_html(_render_parts(runs[0], period, kind, numbered=True))
    # Each run laid out and written before the next, then joined: the pages are
    # numbered once their total is known.
    return _join_and_number([pdf_from_html(_render_parts(run, period, kind, numbered=False)) for run in runs])


def _join_and_number(pdfs: Sequence[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    total = len(writer.pages)
    numbers = render_to_string(
        "registry/register_print_numbers.html", {"pages": range(total), "page_word": _page_word()}
    )
    stamps = PdfReader(io.BytesIO(pdf_from_html(numbers)))
    assert len(stamps.pages) == total
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_page(stamp)
        page.compress_content_streams()  # merging leaves the page's text uncompressed
    writer.compress_identical_objects()
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


# --- Registers made in the background ------------------------------------------------------------


def filters_for(kind: Kind, form: Any, period: Period) -> Any:
    """The list's filters (its valid, bound `form`) narrowed to the printed period."""
    return kind.period_filters(form.filters(), period)


@transaction.atomic
def export_request(
    *,
    actor: Person,
    kind: Kind,
    querystring: str,
    period: Period,
    rows: int,
    extension: str = "pdf",
) -> RegisterExport:
    """Ask for a register to be made in the background, with the list's filters as
    `querystring` holds them: the task is queued once this transaction commits.
    Exports past their keeping time go at the same moment."""
    check_rows(rows)
    export_prune()
    asked = {
        "requested_by": actor,
        "direction": kind.direction,
        "extension": extension,
        "parameters": {"querystring": querystring, "language": translation.get_language() or "vi"},
        "period_start": period.start,
        "period_end": period.end,
    }
    # The same register asked for again (a second click) while it is being made.
    waiting = RegisterExport.objects.filter(
        **asked, status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).first()
    if waiting is not None:
        return waiting
    export = RegisterExport.objects.create(**asked, rows=rows)
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_pk: int) -> None:
    from vanphong.registry.tasks import register_export_build

    try:
        result = register_export_build.enqueue(export_pk)
    except Exception:
        logger.exception("register export %s could not be queued", export_pk)
        _fail(export_pk, traceback.format_exc())
        return
    RegisterExport.objects.filter(pk=export_pk).update(task_id=str(result.id)[:64])


def _fail(export_pk: int, error: str) -> None:
    RegisterExport.objects.filter(pk=export_pk).update(
        status=ExportStatus.FAILED, error=error[-4000:], finished_at=timezone.now()
    )


def export_run(export_pk: int) -> dict[str, Any]:
    """Make the file of one export (the background task's body): the rows the person
    who asked may see now, the reads of classified rows audited in their name."""
    claimed = RegisterExport.objects.filter(pk=export_pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:  # already made, failed, or taken by another worker
        return {"export": export_pk, "skipped": True}
    export = RegisterExport.objects.select_related("requested_by").get(pk=export_pk)
    stored = ""
    try:
        with translation.override(export.parameters.get("language") or None):
            kind = KINDS[export.direction]
            person = export.requested_by
            form = kind.form(QueryDict(export.parameters.get("querystring", "")), person)
            if not form.is_valid():
                raise ValidationError(form.errors.asexcel_text())
            period = Period(export.period_start, export.period_end)
            filters = filters_for(kind, form, period)
            books = book_sections(kind, person, filters)
            rows = sum(len(book.rows) for book in books)
            check_rows(rows)
            content = build_pdf(books, period, kind)
            stored = export.file.storage.save(
                export.file.field.generate_filename(export, f"{secrets.token_hex(16)}.pdf"),
                ContentFile(content),
            )
            with transaction.atomic():
                services.classified_reads_record(
                    actor=person,
                    documents=documents(kind, person, filters).filter(secrecy__gt=Secrecy.NONE),
                    via="export.pdf",
                )
                export.file.name = stored
                export.rows = rows
                export.secrecy = (
                    documents(kind, person, filters).aggregate(top=Max("secrecy"))["top"] or Secrecy.NONE
                )
                export.status = ExportStatus.DONE
                export.finished_at = timezone.now()
                export.save(update_fields=["file", "rows", "secrecy", "status", "finished_at"])
    except Exception:
        logger.exception("register export %s failed", export_pk)
        if stored:
            export.file.storage.delete(stored)
        _fail(export_pk, traceback.format_exc())
        raise
    return {"export": export_pk, "rows": rows, "file": stored}


def exports_of(person: Person) -> QuerySet[RegisterExport]:
    """The exports `person` asked for and may still open: never another's, and none
    holding a row classified above their clearance today."""
    if not person.is_active:
        return RegisterExport.objects.none()
    return RegisterExport.objects.filter(requested_by=person, secrecy__lte=person.clearance)


def export_filename(export: RegisterExport) -> str:
    return filename(Period(export.period_start, export.period_end), export.extension, KINDS[export.direction])


# Waiting longer than this for a worker to take the export, the page says whom to tell.
WAITING_LONG = dt.timedelta(minutes=2)


def export_state(export: RegisterExport, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the export's page shows besides the export itself."""
    now = now or timezone.now()
    kind = KINDS[export.direction]
    return {
        "register": kind.empty_register,
        "list_view": kind.list_view,
        "in_progress": export.status in (ExportStatus.PENDING, ExportStatus.RUNNING),
        "waiting_long": export.status == ExportStatus.PENDING and now - export.requested_at > WAITING_LONG,
        "expired": is_expired(export, now),
        "expires_at": expires_at(export),
        "filename": export_filename(export),
    }


def expires_at(export: RegisterExport) -> dt.datetime:
    """Kept for `EXPORT_KEEP` from when it was made (or asked for, until then)."""
    return (export.finished_at or export.requested_at) + EXPORT_KEEP


def is_expired(export: RegisterExport, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(export)


def export_prune(now: dt.datetime | None = None) -> int:
    """Delete the exports past their keeping time, with their files."""
    cutoff = (now or timezone.now()) - EXPORT_KEEP
    old = RegisterExport.objects.filter(
        Q(finished_at__lte=cutoff) | Q(finished_at__isnull=True, requested_at__lte=cutoff)
    )
    count = 0
    for export in old.only("pk", "file"):
        if export.file:
            export.file.storage.delete(export.file.name)
        export.delete()
        count += 1
    return count
