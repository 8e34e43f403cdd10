"""The catalogue (mục lục hồ sơ) printed in its standard columns, to PDF and XLSX, and
the dossier cover (bìa hồ sơ) to PDF (DOMAIN.md §4)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.archive.models import Dossier, DossierState, Fonds
from vanphong.core.printing import excel_text, pdf_from_html


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # characters in XLSX
    centred: bool = False


def columns() -> list[Column]:
    """The catalogue's columns (DOMAIN.md §4), in the office's language."""
    return [
        Column(pgettext("catalogue", "No."), 6, True),
        Column(pgettext("catalogue", "Number and symbol"), 14, True),
        Column(pgettext("dossier", "Title"), 50),
        Column(_("From – to"), 16, True),
        Column(_("Sheets"), 8, True),
        Column(_("Retention"), 12, True),
        Column(_("Box"), 8, True),
        Column(_("Note"), 20),
    ]


def _span(dossier: Dossier) -> str:
    days = [day.strftime("%d/%m/%Y") for day in (dossier.started_on, dossier.ended_on) if day]
    return " – ".join(days)


def retention_text(dossier: Dossier) -> str:
    if dossier.retention_years is None:
        return _("Permanent")
    return _("%(years)d years") % {"years": dossier.retention_years}


def note_text(dossier: Dossier) -> str:
    """The note column: a destroyed dossier says by which decision, apart from the note."""
    parts = []
    if dossier.destruction is not None:
        parts.append(
            _("Destroyed by decision No. %(number)s of %(date)s")
            % {
                "number": dossier.destruction.decision_number,
                "date": dossier.destruction.decided_on.strftime("%d/%m/%Y"),
            }
        )
    if dossier.note:
        parts.append(dossier.note)
    return "; ".join(parts)


def _number_or_text(value: str) -> int | str:
    """A box number is text (“3a”, “12/1”); a plain number is written as one."""
    return int(value) if value.isdigit() and len(value) < 10 else value


def rows(dossiers: Sequence[Dossier]) -> list[list[int | str]]:
    """The catalogue's rows; the order number, sheets and a plain box number are numbers."""
    return [
        [
            dossier.number,
            dossier.symbol,
            dossier.title,
            _span(dossier),
            dossier.sheets,
            retention_text(dossier),
            _number_or_text(dossier.box.number) if dossier.box else "",
            note_text(dossier),
        ]
        for dossier in dossiers
    ]


def catalogue_line(dossiers: Sequence[Dossier]) -> str:
    """The catalogue's own line under its title: “Mục lục số 1” (the numbers of the
    catalogues the list holds) and the years its dossiers span."""
    numbers = sorted({dossier.catalogue for dossier in dossiers}) or [1]
    line = _("Catalogue No. %(numbers)s") % {"numbers": ", ".join(str(n) for n in numbers)}
    years = sorted({day.year for d in dossiers for day in (d.started_on, d.ended_on) if day})
    if years:
        span = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
        line += " — " + _("Years %(span)s") % {"span": span}
    return line


def filename(fonds: Fonds, extension: str) -> str:
    return f"muc-luc-ho-so-phong-{fonds.number}.{extension}"


def destroyed_sheets(dossiers: Sequence[Dossier]) -> int:
    """The sheets of the dossiers destroyed, which the total counts (the catalogue
    keeps their rows): said apart under it."""
    return sum(dossier.sheets for dossier in dossiers if dossier.state == DossierState.DESTROYED)


def catalogue_pdf(fonds: Fonds, dossiers: Sequence[Dossier]) -> bytes:
    html = render_to_string(
        "archive/catalogue_print.html",
        {
            "fonds": fonds,
            "columns": columns(),
            "rows": rows(dossiers),
            "count": len(dossiers),
            "catalogue_line": catalogue_line(dossiers),
            "sheets": sum(dossier.sheets for dossier in dossiers),
            "destroyed_sheets": destroyed_sheets(dossiers),
        },
    )
    return pdf_from_html(html)


def catalogue_xlsx(fonds: Fonds, dossiers: Sequence[Dossier]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Catalogue")[:31]
    spec = columns()
    last = get_column_letter(len(spec))
    font, bold = Font(name="Times New Roman", size=12), Font(name="Times New Roman", size=12, bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row, (value, style) in enumerate(
        [
            (_("CATALOGUE OF DOSSIERS"), Font(name="Times New Roman", size=15, bold=True)),
            (_("Fonds %(number)s: %(name)s") % {"number": fonds.number, "name": fonds.name}, bold),
            (catalogue_line(dossiers), font),
        ],
        start=1,
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=excel_text(value))
        cell.font, cell.alignment = style, Alignment(horizontal="center")
    header = 4
    for column, item in enumerate(spec, start=1):
        cell = sheet.cell(row=header, column=column, value=item.label)
        cell.font, cell.border = bold, box
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = item.width
    lines = rows(dossiers)
    for offset, line in enumerate(lines, start=1):
        for column, (entry, item) in enumerate(zip(line, spec, strict=True), start=1):
            if isinstance(entry, int):
                cell = sheet.cell(row=header + offset, column=column, value=entry)
            else:
                cell = sheet.cell(row=header + offset, column=column, value=excel_text(entry))
                if entry.startswith("="):
                    cell.data_type = "s"  # text typed by a person is never a formula
            cell.font, cell.border = font, box
            cell.alignment = Alignment(
                wrap_text=True, vertical="top", horizontal="center" if item.centred else "general"
            )
    # The total of sheets under the column, a number as the rows' are.
    total = header + len(lines) + 1
    label = sheet.cell(row=total, column=3, value=_("Total sheets"))
    value = sheet.cell(row=total, column=5, value=sum(dossier.sheets for dossier in dossiers))
    cells = [label, value]
    destroyed = destroyed_sheets(dossiers)
    if destroyed:
        cells.append(sheet.cell(row=total + 1, column=3, value=_("Of which sheets destroyed")))
        cells.append(sheet.cell(row=total + 1, column=5, value=destroyed))
    for cell in cells:
        cell.font, cell.border = bold, box
    for cell in cells[1::2]:
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cover_pdf(dossier: Dossier) -> bytes:
    """The dossier cover: organization, fonds, title, from … to …, sheets, retention,
    catalogue and dossier numbers."""
    html = render_to_string(
        "archive/cover_print.html",
        {
            "dossier": dossier,
            "fonds": dossier.fonds,
            "span": _span(dossier),
            "retention": retention_text(dossier),
        },
    )
    return pdf_from_html(html)
