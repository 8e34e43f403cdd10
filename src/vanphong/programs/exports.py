"""A work program printed in the usual table form, for issue as a CTr document: the
Party header (the committee, "ĐẢNG CỘNG SẢN VIỆT NAM", the number "Số …-CTr/…", place
and date), the title, the table (STT, Nội dung, Cơ quan chủ trì tham mưu, Cơ quan phối
hợp, Đồng chí phụ trách, Thời gian, Sản phẩm) and the signature block; to PDF through
WeasyPrint and to DOCX through python-docx.

As in the drafting app's rendering, every word the layout prints is fixed Vietnamese
(the document is the committee's, in whatever language its reader uses the office):
plain constants, deliberately not translated."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from vanphong.core.models import Membership, Role
from vanphong.core.printing import docx_border, docx_paragraph, docx_qn, pdf_from_html
from vanphong.drafting.layout import header_of
from vanphong.drafting.rendering import NUMBER_WORD, PARTY_NAME
from vanphong.programs import labels
from vanphong.programs.models import ItemState, Program, ProgramItem

TYPE_ABBREVIATION = "CTr"


@dataclass(frozen=True)
class Column:
    label: str
    width_mm: float
    centred: bool = False


COLUMNS = [
    Column("STT", 12, True),
    Column("Nội dung", 87),
    Column("Cơ quan chủ trì tham mưu", 38),
    Column("Cơ quan phối hợp", 38),
    Column("Đồng chí phụ trách", 30),
    Column("Thời gian", 24, True),
    Column("Sản phẩm", 33),
]
SIGNATURE_LINES = ("T/M BAN THƯỜNG VỤ", "BÍ THƯ")
TERM_SIGNATURE_LINES = ("T/M BAN CHẤP HÀNH", "BÍ THƯ")
RECIPIENTS_LABEL = "Nơi nhận:"
RECIPIENTS = ("- Các đồng chí Ủy viên Ban Chấp hành,", "- Các ban, đơn vị trực thuộc,", "- Lưu Văn phòng.")
TYPE_NAME = "CHƯƠNG TRÌNH"


def title_parts(title: str) -> tuple[str, str]:
    """The type name printed large and the abstract under it: "Chương trình công tác
    năm 2026" prints "CHƯƠNG TRÌNH" over "Công tác năm 2026"."""
    rest = title
    if title.lower().startswith(TYPE_NAME.lower()):
        rest = title[len(TYPE_NAME) :].strip()
    return TYPE_NAME, rest[:1].upper() + rest[1:]


@dataclass(frozen=True)
class Sheet:
    """Everything printed, already text."""

    superior_body: str
    issuing_body: str
    number_line: str
    place_date: str
    type_name: str  # "CHƯƠNG TRÌNH"
    abstract: str  # "Công tác năm 2026": the title without its type word
    rows: list[list[str]]
    signature_lines: Sequence[str]
    signer_name: str


def row(item: ProgramItem) -> list[str]:
    partners = [org.name for org in item.partners.all()]
    if item.partners_note:
        partners.append(item.partners_note)
    return [
        str(item.position),
        item.content,
        item.lead.name,
        ", ".join(partners),
        item.leader.full_name if item.leader else "",
        labels.printed_time(item),
        labels.printed_output(item),
    ]


def _secretary(program: Program) -> str:
    membership = (
        Membership.objects.current()
        .filter(organization=program.organization, role=Role.SECRETARY)
        .select_related("person")
        .first()
    )
    return membership.person.full_name if membership else ""


def sheet_of(program: Program, items: Sequence[ProgramItem]) -> Sheet:
    """The program as printed: items dropped are left out of the issued table."""
    superior, issuing = header_of(program.organization)
    number = f"{program.number:02d}" if program.number else "      "
    abbreviation = program.organization.abbreviation
    if program.issued_on:
        day = program.issued_on
        date = f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    else:
        date = f"ngày      tháng      năm {program.year or program.starts_on.year}"
    place = f"{program.place}, " if program.place else ""
    return Sheet(
        superior_body=superior,
        issuing_body=issuing,
        number_line=f"{NUMBER_WORD} {number}-{TYPE_ABBREVIATION}/{abbreviation}",
        place_date=place + date,
        type_name=TYPE_NAME,
        abstract=title_parts(program.title)[1],
        rows=[row(item) for item in items if item.state != ItemState.DROPPED],
        signature_lines=TERM_SIGNATURE_LINES if program.kind == "term" else SIGNATURE_LINES,
        signer_name=_secretary(program),
    )


def filename(program: Program, extension: str) -> str:
    return f"chuong-trinh-cong-tac-{program.pk}.{extension}"


def program_pdf(program: Program, items: Sequence[ProgramItem]) -> bytes:
    html = render_to_string(
        "programs/program_print.html",
        {
            "sheet": sheet_of(program, items),
            "party_name": PARTY_NAME,
            "columns": COLUMNS,
            "recipients_label": RECIPIENTS_LABEL,
            "recipients": RECIPIENTS,
        },
    )
    return pdf_from_html(html)


# The CTr table is set in 13 pt unless a line says otherwise.
_line = functools.partial(docx_paragraph, size=13)


def program_docx(program: Program, items: Sequence[ProgramItem]) -> bytes:
    """The same document for editing in Word: A4 landscape, Times New Roman, the
    header in a borderless table, the items in a table with the columns' headings
    repeated on each page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    sheet = sheet_of(program, items)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    normal: Any = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(docx_qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)

    header = document.add_table(rows=2, cols=2)
    docx_border(header, visible=False)
    left, right = header.rows[0].cells
    first = True
    if sheet.superior_body:
        _line(left, sheet.superior_body, size=14, first=True)
        first = False
    _line(left, sheet.issuing_body, bold=True, size=14, first=first)
    _line(left, "*", size=14)
    _line(right, PARTY_NAME, bold=True, size=15, first=True)
    left, right = header.rows[1].cells
    _line(left, sheet.number_line, size=14, first=True)
    _line(right, sheet.place_date, italic=True, size=14, first=True)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    run = title.add_run(sheet.type_name)
    run.bold, run.font.size = True, Pt(16)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = subtitle.add_run(sheet.abstract)
    run.bold, run.font.size = True, Pt(14)
    dashes = document.add_paragraph("-----")
    dashes.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dashes.paragraph_format.space_after = Pt(12)

    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.autofit = False
    docx_border(table, visible=True)
    heading = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(docx_qn("w:val"), "true")
    heading._tr.get_or_add_trPr().append(repeat)
    for cell, column in zip(heading.cells, COLUMNS, strict=True):
        cell.width = Mm(column.width_mm)
        _line(cell, column.label, bold=True, size=12, first=True)
    for values in sheet.rows:
        cells = table.add_row().cells
        for cell, column, value in zip(cells, COLUMNS, values, strict=True):
            cell.width = Mm(column.width_mm)
            _line(cell, value, size=12, first=True, align="center" if column.centred else "left")

    document.add_paragraph()
    closing = document.add_table(rows=1, cols=2)
    docx_border(closing, visible=False)
    left, right = closing.rows[0].cells
    label = _line(left, RECIPIENTS_LABEL, size=14, first=True, align="left")
    label.runs[0].underline = True
    for line in RECIPIENTS:
        _line(left, line, size=12, align="left")
    first = True
    for text in sheet.signature_lines:
        _line(right, text, bold=True, size=14, first=first)
        first = False
    for _blank in range(4):
        _line(right, "")
    _line(right, sheet.signer_name, bold=True, size=14)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
