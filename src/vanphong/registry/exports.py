"""Printed registers: the incoming register of a period exported as the paper book
looks (DOMAIN.md §2), as an XLSX workbook and as an A4 landscape PDF.

Only what the person may see goes in (`selectors.incoming_visible_to`): a classified
register is a sheet (or a section of the PDF) of its own, and for someone not cleared
for it there is no such sheet, no row and no count of its documents."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry import selectors
from vanphong.registry.models import IncomingDocument, Register, Urgency

# A year's register, with a leap day: longer periods are exported in parts.
MAX_DAYS = 366

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy translation
    width: float  # in characters, for the XLSX sheet
    pdf_width: float  # in per cent of the PDF table's width (270 mm)


# The columns of the incoming register book, in its order (DOMAIN.md §2).
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Incoming no."), 7, 3.7),
    Column(gettext_lazy("Received on"), 11, 7.4),
    Column(gettext_lazy("Issuing body"), 22, 11.1),
    Column(gettext_lazy("Number and symbol"), 15, 10.0),
    Column(gettext_lazy("Document date"), 11, 7.4),
    Column(gettext_lazy("Type and abstract"), 46, 22.0),
    Column(gettext_lazy("Secrecy level"), 9, 5.4),
    Column(gettext_lazy("Urgency level"), 10, 5.6),
    Column(gettext_lazy("Receiving unit or person"), 20, 9.6),
    Column(gettext_lazy("Deadline"), 11, 7.4),
    Column(gettext_lazy("Signature of receipt"), 11, 5.2),
    Column(gettext_lazy("Note"), 15, 5.2),
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


def default_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Bounds the person left out: until today, from the first day of that year."""
    end = end or today
    start = start or dt.date(end.year, 1, 1)
    return start, end


def filename(period: Period, extension: str) -> str:
    return f"so-van-ban-den-{period.slug()}.{extension}"


@dataclass
class Row:
    """One line of the book, as printed."""

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

    @property
    def type_and_abstract(self) -> str:
        return f"{self.document_type}: {self.abstract}"


@dataclass
class Section:
    """One register book: a sheet of the workbook, a part of the PDF."""

    organization: str
    register: str
    is_classified: bool
    rows: list[Row] = field(default_factory=list)


def _short(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _row(document: IncomingDocument) -> Row:
    receiver = [
        name
        for name in (
            document.handler_unit.name if document.handler_unit else "",
            document.handler_person.full_name if document.handler_person else "",
        )
        if name
    ]
    return Row(
        number=document.number,
        received_on=document.received_on,
        issuer=document.issuer,
        symbol=document.symbol,
        document_date=document.document_date,
        document_type=document.document_type.name,
        abstract=document.abstract,
        secrecy=str(Secrecy(document.secrecy).label) if document.secrecy else "",
        urgency=str(Urgency(document.urgency).label) if document.urgency else "",
        receiver=", ".join(receiver),
        deadline=document.deadline,
        note=document.note,
    )


def sections(person: Person, filters: selectors.IncomingFilters) -> list[Section]:
    """The registers the period touches, each with its rows in number order: what
    `person` may see, and only that."""
    documents = (
        selectors.incoming_list(person, filters)
        .select_related("organization", "handler_person")
        .order_by("organization__path", "register__year", "register__is_classified", "number")
    )
    result: list[Section] = []
    for _register_id, group in itertools.groupby(
        documents.iterator(chunk_size=500), key=lambda d: d.register_id
    ):
        entries = list(group)
        first = entries[0]
        result.append(_section(first.organization, first.register, [_row(d) for d in entries]))
    return result


def _section(organization: Organization, register: Register, rows: list[Row]) -> Section:
    return Section(
        organization=organization.name,
        register=str(register),
        is_classified=register.is_classified,
        rows=rows,
    )


def _empty_section() -> Section:
    """The one book printed when nothing was found: headings and no row."""
    return Section(organization="", register=str(_("Incoming register")), is_classified=False)


def title() -> str:
    return str(_("INCOMING DOCUMENTS REGISTER"))


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


def _text(value: str) -> str:
    """A string as Excel stores it: without the control characters XML forbids."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


HEADER_ROW = 5  # title, organization, register and period, a blank line, then headers


def build_xlsx(books: Sequence[Section], period: Period) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    books = list(books) or [_empty_section()]
    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre_top = Alignment(wrap_text=True, vertical="top", horizontal="center")
    last = get_column_letter(len(COLUMNS))

    for book, sheet_title in zip(books, _sheet_titles(books), strict=True):
        sheet: Worksheet = workbook.create_sheet(sheet_title)
        for row, (value, style) in enumerate(
            [
                (title(), Font(name="Times New Roman", size=15, bold=True)),
                (book.organization.upper(), bold),
                (subtitle(book, period), Font(name="Times New Roman", size=12, italic=True)),
            ],
            start=1,
        ):
            sheet.merge_cells(f"A{row}:{last}{row}")
            cell = sheet.cell(row=row, column=1, value=_text(value))
            cell.font = style
            cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 22

        for column, spec in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=HEADER_ROW, column=column, value=str(spec.label))
            cell.font, cell.border = bold, box
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            sheet.column_dimensions[get_column_letter(column)].width = spec.width

        for offset, line in enumerate(book.rows, start=1):
            values: Iterable[Any] = (
                line.number,
                line.received_on,
                _text(line.issuer),
                _text(line.symbol),
                line.document_date,
                _text(line.type_and_abstract),
                line.secrecy,
                line.urgency,
                _text(line.receiver),
                line.deadline,
                None,  # ký nhận: signed on paper
                _text(line.note),
            )
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=HEADER_ROW + offset, column=column, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text typed by a person is never a formula
                cell.font, cell.border = font, box
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                    cell.alignment = centre_top
                elif column in (1, 7, 8):
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


def render_html(books: Sequence[Section], period: Period) -> str:
    books = list(books) or [_empty_section()]
    page_word = str(_("Page")).replace("\\", "").replace('"', "")
    return render_to_string(
        "registry/incoming_register_print.html",
        {
            "title": title(),
            "books": [{"book": book, "subtitle": subtitle(book, period)} for book in books],
            "columns": COLUMNS,
            "page_word": page_word,
        },
    )


def build_pdf(books: Sequence[Section], period: Period) -> bytes:
    from weasyprint import HTML

    # No base URL: the template carries its own style and fetches nothing.
    pdf = HTML(string=render_html(books, period)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
