"""What every printed list shares: HTML to PDF through WeasyPrint (the templates carry
their own style and fetch nothing), text as a spreadsheet cell may hold it, and the
pieces of a Word document that python-docx does not make itself."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vanphong.core.models import Organization, Person

# The label of a table's total row, which is printed in bold.
TOTAL = "Tổng số"

# The committee word a place follows: "Thành ủy Ngọc Sơn" is at "Ngọc Sơn".
COMMITTEE_WORDS = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy")


def place_of(organization: Organization) -> str:
    """The place a committee's documents are dated at: its name without the
    committee word ("Thành ủy Ngọc Sơn" → "Ngọc Sơn")."""
    name = organization.name
    lowered = name.lower()
    for word in COMMITTEE_WORDS:
        if lowered.startswith(word + " "):
            return name[len(word) + 1 :]
    return name


def office_chief_of(committee: Organization) -> Person | None:
    """The Chief of Office of the committee's own office (the office unit right under
    it), who signs what the office issues T/L the Standing Committee; None when the
    post is empty."""
    from vanphong.core.models import Membership, Role

    membership = (
        Membership.objects.current()
        .filter(
            organization__path__startswith=committee.path,
            organization__depth=committee.depth + 1,
            organization__kind__is_office=True,
            organization__closed_on__isnull=True,
            role=Role.OFFICE_CHIEF,
            person__is_active=True,
        )
        .select_related("person")
        .order_by("organization__path", "pk")
        .first()
    )
    return membership.person if membership else None


@dataclass(frozen=True)
class Table:
    """A table of figures as printed: its title, its column headings, its rows (the
    total last, its first cell TOTAL)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    # No base URL: the templates carry their own style and fetch nothing.
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def excel_text(value: str) -> str:
    """A string as Excel stores it: without the control characters XML forbids."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def docx_qn(name: str) -> str:
    """A `w:…` name as python-docx's XML wants it (namespace spelled out)."""
    from docx.oxml.ns import qn

    return str(qn(name))


def docx_table_borders(*, visible: bool) -> Any:
    """A table's borders (`w:tblBorders`): thin black lines everywhere, or none (the
    layout tables of a Party document's header and signature block)."""
    from docx.oxml import OxmlElement

    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(docx_qn("w:val"), "single" if visible else "nil")
        if visible:
            element.set(docx_qn("w:sz"), "4")
            element.set(docx_qn("w:color"), "000000")
        edges.append(element)
    return edges


def docx_border(table: Any, *, visible: bool) -> None:
    """Give a python-docx table thin black lines everywhere, or none."""
    table._tbl.tblPr.append(docx_table_borders(visible=visible))


def docx_paragraph(
    container: Any,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    first: bool = False,
    align: str = "center",
    indent: bool = False,
) -> Any:
    """One run of `text` in a new paragraph of `container` (a document or a table
    cell; `first`: in its first, empty paragraph), aligned "center", "left" or
    "justify"; `indent` indents its first line as a body paragraph is."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    return paragraph


def xlsx_of_tables(*, sheet_title: str, heading: Sequence[str], tables: Iterable[Table]) -> bytes:
    """A workbook of one sheet: the heading lines (the first two in bold: who, and what
    it counts), then each table under its title, boxed, its total row in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for number, line in enumerate(heading, start=1):
        sheet.append([excel_text(line)])
        if number <= 2:
            sheet.cell(number, 1).font = Font(bold=True, size=13 if number == 2 else 11)
    for table in tables:
        sheet.append([])
        sheet.append([excel_text(table.title)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for values in table.rows:
            sheet.append([excel_text(v) if isinstance(v, str) else v for v in values])
            for cell in sheet[sheet.max_row]:
                cell.border = box
                if values and values[0] == TOTAL:
                    cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 16
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
