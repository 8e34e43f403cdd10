"""The office's figures exported: an XLSX workbook with one sheet of tables, and a
DOCX that is the skeleton of the office's review report (báo cáo kết quả công tác):
the Party header, the title, then the sections with their sentences filled with the
numbers ("Tham mưu ban hành 12 nghị quyết, 34 kết luận…"), the parts only people can
write left as "…", the signature block, and the tables as an appendix.

The report is the office's document, in Vietnamese whatever the language of the
person exporting it (as the drafting app prints "ĐẢNG CỘNG SẢN VIỆT NAM"): its words
are plain constants, deliberately not translated; so are the workbook's headings,
which the report's tables are copied from."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vanphong.core.models import Membership, Organization, Role
from vanphong.core.printing import (
    TOTAL,
    Table,
    docx_border,
    docx_paragraph,
    docx_qn,
    place_of,
    xlsx_of_tables,
)
from vanphong.drafting.layout import header_of
from vanphong.drafting.rendering import NUMBER_WORD, PARTY_NAME, RECIPIENTS_LABEL
from vanphong.figures.selectors import Figures, Period, PeriodKind
from vanphong.programs import labels

REPORT_TYPE = "BÁO CÁO"
REPORT_ABBREVIATION = "BC"
FONT = "Times New Roman"

# How the report counts each kind of event ("tổ chức 24 hội nghị").
EVENT_UNITS = {
    "conference": "hội nghị",
    "standing_committee": "cuộc họp Ban Thường vụ",
    "standing_briefing": "cuộc hội ý Thường trực",
    "working_session": "buổi làm việc",
    "field_inspection": "đợt kiểm tra, khảo sát",
    "reception": "đoàn khách",
    "other": "hoạt động khác",
}
EVENT_NAMES = {
    "conference": "Hội nghị",
    "standing_committee": "Họp Ban Thường vụ",
    "standing_briefing": "Hội ý Thường trực",
    "working_session": "Làm việc",
    "field_inspection": "Kiểm tra, khảo sát",
    "reception": "Tiếp khách, tiếp đoàn",
    "other": "Khác",
}
# The kinds the office organizes (the rest it receives, or are other).
ORGANIZED = ("conference", "standing_committee", "standing_briefing", "working_session", "field_inspection")
GAP = "…"


def printed_period(period: Period) -> str:
    """ "năm 2026", "6 tháng đầu năm 2026", "quý III năm 2026", "tháng 11 năm 2026",
    "từ ngày 01/01/2026 đến ngày 15/11/2026"."""
    if period.kind is PeriodKind.YEAR:
        return f"năm {period.year}"
    if period.kind is PeriodKind.HALF:
        return f"6 tháng {'đầu' if period.part == 1 else 'cuối'} năm {period.year}"
    if period.kind is PeriodKind.QUARTER:
        return f"quý {labels.roman(period.part)} năm {period.year}"
    if period.kind is PeriodKind.MONTH:
        return f"tháng {period.part} năm {period.year}"
    return f"từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}"


def _count(n: int) -> str:
    """A number as Vietnamese text writes it: 1.234."""
    return f"{n:,}".replace(",", ".")


def _list(parts: Sequence[str]) -> str:
    return ", ".join(parts)


# --- The sentences -------------------------------------------------------------------------------


def outgoing_sentence(figures: Figures) -> str:
    if not figures.outgoing_total:
        return "Trong kỳ chưa ban hành văn bản nào."
    parts = [f"{_count(row.count)} {row.name.lower()}" for row in figures.outgoing]
    text = f"Tham mưu ban hành {_count(figures.outgoing_total)} văn bản, gồm: {_list(parts)}"
    if figures.outgoing_classified:
        text += f" (trong đó {_count(figures.outgoing_classified)} văn bản mật)"
    return text + "."


def incoming_sentence(figures: Figures) -> str:
    if not figures.incoming_total:
        return "Trong kỳ chưa tiếp nhận văn bản đến nào."
    parts = [f"{_count(row.count)} {row.name.lower()}" for row in figures.incoming]
    total = _count(figures.incoming_total)
    text = f"Tiếp nhận, vào sổ và chuyển xử lý {total} văn bản đến, gồm: {_list(parts)}"
    if figures.incoming_classified:
        text += f" (trong đó {_count(figures.incoming_classified)} văn bản mật)"
    return text + "."


def events_sentence(figures: Figures) -> str:
    held = {row.kind: row.held for row in figures.events if row.held}
    if not held:
        return "Trong kỳ chưa có hoạt động nào trong lịch công tác."
    organized = [f"{_count(held[kind])} {EVENT_UNITS[kind]}" for kind in ORGANIZED if kind in held]
    clauses = []
    if organized:
        clauses.append(f"tổ chức {_list(organized)}")
    if "reception" in held:
        clauses.append(f"tiếp {_count(held['reception'])} {EVENT_UNITS['reception']}")
    if "other" in held:
        clauses.append(f"{_count(held['other'])} {EVENT_UNITS['other']}")
    return (
        f"Tham mưu, phục vụ {_count(figures.events_held)} hoạt động của Thường trực, Ban Thường vụ: "
        + "; ".join(clauses)
        + "."
    )


def tasks_sentence(figures: Figures) -> str:
    tasks = figures.tasks
    if tasks is None or not tasks.total:
        return "Trong kỳ không có nhiệm vụ theo kết luận, thông báo kết luận đến hạn."
    text = (
        f"Theo dõi, đôn đốc {_count(tasks.total)} nhiệm vụ đến hạn trong kỳ theo các kết luận, "
        f"thông báo kết luận (tính đến ngày {tasks.as_of:%d/%m/%Y}): "
        f"{_count(tasks.done_on_time)}/{_count(tasks.total)} nhiệm vụ hoàn thành đúng hạn "
        f"({tasks.on_time_percent}%)"
    )
    rest = [
        f"{_count(n)} {what}"
        for n, what in (
            (tasks.done_late, "nhiệm vụ hoàn thành quá hạn"),
            (tasks.overdue, "nhiệm vụ quá hạn chưa hoàn thành"),
            (tasks.not_yet_due, "nhiệm vụ chưa đến hạn"),
        )
        if n
    ]
    return text + (", " + _list(rest) if rest else "") + "."


def program_sentences(figures: Figures) -> list[str]:
    if not figures.programs:
        return [f"Kết quả thực hiện chương trình công tác: {GAP}"]
    return [
        f"{labels.printed_title(rate.program)}: "
        f"hoàn thành {_count(rate.done)}/{_count(rate.planned)} nội dung"
        + (f" ({rate.percent}%)" if rate.percent is not None else "")
        + "."
        for rate in figures.programs
    ]


# --- The tables (the workbook, and the report's appendix) ------------------------------------


def tables(figures: Figures) -> list[Table]:
    tasks = figures.tasks
    result = [
        Table(
            "Văn bản đi (ban hành)",
            ["Loại văn bản", "Số lượng", "Trong đó mật"],
            [[row.name, row.count, row.classified] for row in figures.outgoing]
            + [[TOTAL, figures.outgoing_total, figures.outgoing_classified]],
        ),
        Table(
            "Văn bản đến",
            ["Loại văn bản", "Số lượng", "Trong đó mật"],
            [[row.name, row.count, row.classified] for row in figures.incoming]
            + [[TOTAL, figures.incoming_total, figures.incoming_classified]],
        ),
        Table(
            "Hoạt động theo lịch công tác",
            ["Loại hoạt động", "Đã diễn ra", "Đã lên lịch (sau ngày lập)"],
            [[EVENT_NAMES[row.kind], row.held, row.ahead] for row in figures.events]
            + [[TOTAL, figures.events_held, figures.events_ahead]],
        ),
    ]
    if tasks is not None:
        result.append(
            Table(
                f"Nhiệm vụ đến hạn trong kỳ (tính đến ngày {tasks.as_of:%d/%m/%Y})",
                ["Tình trạng", "Số lượng"],
                [
                    ["Hoàn thành đúng hạn", tasks.done_on_time],
                    ["Hoàn thành quá hạn", tasks.done_late],
                    ["Quá hạn chưa hoàn thành", tasks.overdue],
                    ["Chưa đến hạn", tasks.not_yet_due],
                    [TOTAL, tasks.total],
                ],
            )
        )
    result.append(
        Table(
            "Thực hiện chương trình công tác",
            ["Chương trình", "Nội dung theo kế hoạch", "Đã hoàn thành", "Tỷ lệ (%)"],
            [
                [labels.printed_title(rate.program), rate.planned, rate.done, rate.percent]
                for rate in figures.programs
            ],
        )
    )
    return result


def filename(figures: Figures, extension: str) -> str:
    return f"so-lieu-cong-tac-{figures.committee.pk}-{figures.period.slug()}.{extension}"


def _heading(figures: Figures) -> str:
    return f"SỐ LIỆU CÔNG TÁC VĂN PHÒNG {printed_period(figures.period).upper()}"


def figures_xlsx(figures: Figures) -> bytes:
    """One sheet: the committee and the period, then each table under its title."""
    heading = [
        figures.committee.name.upper(),
        _heading(figures),
        f"Từ ngày {figures.period.start:%d/%m/%Y} đến ngày {figures.period.end:%d/%m/%Y}",
        f"Số liệu lập ngày {figures.today:%d/%m/%Y}",
    ]
    return xlsx_of_tables(sheet_title="Số liệu", heading=heading, tables=tables(figures))


# --- The report's skeleton (DOCX) ---------------------------------------------------------------


def office_of(committee: Organization) -> Organization | None:
    return (
        Organization.objects.filter(
            path__startswith=committee.path,
            depth=committee.depth + 1,
            kind__is_office=True,
            closed_on__isnull=True,
        )
        .select_related("kind")
        .order_by("path")
        .first()
    )


def _chief(office: Organization) -> str:
    membership = (
        Membership.objects.current()
        .filter(organization=office, role=Role.OFFICE_CHIEF)
        .select_related("person")
        .first()
    )
    return membership.person.full_name if membership else ""


@dataclass(frozen=True)
class Report:
    """Everything the report prints, already text."""

    superior_body: str
    issuing_body: str
    number_line: str
    place_date: str
    abstract: str
    sections: list[tuple[str, list[tuple[str, list[str]]]]]  # (heading, [(subheading, paragraphs)])
    recipients: list[str]
    signature_lines: list[str]
    signer_name: str


def report_of(figures: Figures) -> Report:
    committee = figures.committee
    office = office_of(committee)
    issuer = office or committee
    superior, issuing = header_of(issuer)
    period = printed_period(figures.period)
    results = [
        ("1. Công tác tham mưu ban hành văn bản", [outgoing_sentence(figures), GAP]),
        ("2. Công tác văn thư, tiếp nhận và xử lý văn bản đến", [incoming_sentence(figures), GAP]),
        ("3. Công tác phục vụ hoạt động của Thường trực, Ban Thường vụ", [events_sentence(figures), GAP]),
        ("4. Công tác theo dõi, đôn đốc thực hiện kết luận", [tasks_sentence(figures), GAP]),
        ("5. Thực hiện chương trình công tác", [*program_sentences(figures), GAP]),
    ]
    return Report(
        superior_body=superior,
        issuing_body=issuing,
        number_line=f"{NUMBER_WORD}      -{REPORT_ABBREVIATION}/{issuer.abbreviation}",
        place_date=f"{place_of(committee)}, ngày      tháng      năm {figures.today.year}",
        abstract=f"Kết quả công tác văn phòng {period}",
        sections=[
            ("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ", results),
            ("II. ĐÁNH GIÁ CHUNG", [("1. Ưu điểm", [GAP]), ("2. Hạn chế, nguyên nhân", [GAP])]),
            ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", [("", [GAP])]),
        ],
        recipients=[f"- Thường trực {committee.name} (để báo cáo),", "- Lưu Văn phòng."],
        signature_lines=["CHÁNH VĂN PHÒNG"] if office else ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"],
        signer_name=_chief(office) if office else "",
    )


# The report is set in 14 pt unless a line says otherwise.
_line = functools.partial(docx_paragraph, size=14)


def figures_docx(figures: Figures) -> bytes:
    """The review report's skeleton, for the office to finish in Word: A4 portrait,
    Times New Roman, the margins of 36-HD/VPTW."""
    from docx import Document
    from docx.shared import Mm, Pt

    report = report_of(figures)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal: Any = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(docx_qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)

    header = document.add_table(rows=2, cols=2)
    docx_border(header, visible=False)
    left, right = header.rows[0].cells
    first = True
    if report.superior_body:
        _line(left, report.superior_body, first=True)
        first = False
    _line(left, report.issuing_body, bold=True, first=first)
    _line(left, "*")
    _line(right, PARTY_NAME, bold=True, size=15, first=True)
    left, right = header.rows[1].cells
    _line(left, report.number_line, first=True)
    _line(right, report.place_date, italic=True, first=True)

    title = _line(document, REPORT_TYPE, bold=True, size=16)
    title.paragraph_format.space_before = Pt(18)
    _line(document, report.abstract, bold=True)
    _line(document, "-----").paragraph_format.space_after = Pt(12)

    for heading, parts in report.sections:
        _line(document, heading, bold=True, align="left").paragraph_format.space_before = Pt(6)
        for subheading, paragraphs in parts:
            if subheading:
                _line(document, subheading, bold=True, align="left", indent=True)
            for text in paragraphs:
                _line(document, text, align="justify", indent=True)

    document.add_paragraph()
    closing = document.add_table(rows=1, cols=2)
    docx_border(closing, visible=False)
    left, right = closing.rows[0].cells
    label = _line(left, RECIPIENTS_LABEL, bold=True, italic=True, size=12, first=True, align="left")
    label.runs[0].underline = True
    for line in report.recipients:
        _line(left, line, size=11, align="left")
    first = True
    for text in report.signature_lines:
        _line(right, text, bold=True, first=first)
        first = False
    for _blank in range(4):
        _line(right, "")
    _line(right, report.signer_name, bold=True)

    document.add_page_break()
    period = printed_period(figures.period)
    _line(document, "PHỤ LỤC", bold=True)
    _line(document, f"Số liệu công tác văn phòng {period}", bold=True)
    _line(document, f"(Kèm theo Báo cáo kết quả công tác văn phòng {period})", italic=True)
    for table in tables(figures):
        _line(document, table.title, bold=True, align="left").paragraph_format.space_before = Pt(12)
        grid = document.add_table(rows=1, cols=len(table.columns))
        docx_border(grid, visible=True)
        for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
            _line(cell, column, bold=True, size=12, first=True)
        for values in table.rows:
            cells = grid.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                text = "" if value is None else (_count(value) if isinstance(value, int) else str(value))
                total = values[0] == TOTAL
                _line(cell, text, size=12, first=True, align="center" if index else "left", bold=total)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
