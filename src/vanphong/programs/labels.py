"""How a program's period and an item's time are said: on the screen in the
interface's language (msgids), and as printed on the issued CTr document, where the
words are fixed Vietnamese whatever the reader's language (as the drafting app's
rendering prints "ĐẢNG CỘNG SẢN VIỆT NAM"): the document is the committee's, not our
interface."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from vanphong.programs.models import Program, ProgramItem

ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]

# The output column's words for each kind (OutputKind), as printed.
PRINTED_OUTPUT = {
    "document": "Văn bản",
    "conference": "Hội nghị",
    "report": "Báo cáo",
    "meeting": "Cuộc họp",
    "inspection": "Thông báo kết quả kiểm tra",
    "other": "",
}


def roman(number: int) -> str:
    """Quarters and terms are numbered in Roman numerals: quý IV, khóa XVII."""
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


# --- On the screen ----------------------------------------------------------------------------


def period_label(program: Program) -> str:
    year = program.year
    if program.kind == "term":
        return str(program.term) if program.term else ""
    if program.kind == "half":
        if program.period == 1:
            return _("First half of %(year)s") % {"year": year}
        return _("Second half of %(year)s") % {"year": year}
    if program.kind == "quarter":
        return _("Quarter %(quarter)s of %(year)s") % {"quarter": roman(program.period), "year": year}
    if program.kind == "month":
        return _("Month %(month)s/%(year)s") % {"month": program.period, "year": year}
    return _("Year %(year)s") % {"year": year}


def time_label(year: int, quarter: int | None, month: int | None) -> str:
    if month:
        return _("Month %(month)s/%(year)s") % {"month": month, "year": year}
    if quarter:
        return _("Quarter %(quarter)s of %(year)s") % {"quarter": roman(quarter), "year": year}
    return _("Year %(year)s") % {"year": year}


def item_time_label(item: ProgramItem) -> str:
    """The item's time; planned for its whole 6-month or quarterly program, that
    program's period ("Second half of 2026"), not the year."""
    if item.spans_its_program:
        text = period_label(item.program)
    else:
        text = time_label(item.planned_year, item.planned_quarter, item.planned_month)
    return f"{text} ({item.timing_note})" if item.timing_note else text


# --- As printed ------------------------------------------------------------------------------


def printed_period(program: Program) -> str:
    year = program.year
    if program.kind == "term":
        number = f" {roman(program.term.number)}" if program.term else ""
        return f"toàn khóa{number}, nhiệm kỳ {program.starts_on.year}–{program.ends_on.year}"
    if program.kind == "half":
        return f"6 tháng {'đầu' if program.period == 1 else 'cuối'} năm {year}"
    if program.kind == "quarter":
        return f"quý {roman(program.period)} năm {year}"
    if program.kind == "month":
        return f"tháng {program.period} năm {year}"
    return f"năm {year}"


def printed_title(program: Program) -> str:
    """The usual title: "Chương trình công tác năm 2026"."""
    return f"Chương trình công tác {printed_period(program)}"


def printed_time(item: ProgramItem) -> str:
    if item.spans_its_program:
        period = printed_period(item.program)
        text = period[:1].upper() + period[1:]
    elif item.planned_month:
        text = f"Tháng {item.planned_month}/{item.planned_year}"
    elif item.planned_quarter:
        text = f"Quý {roman(item.planned_quarter)}/{item.planned_year}"
    else:
        text = f"Năm {item.planned_year}"
    return f"{text} ({item.timing_note})" if item.timing_note else text


def printed_output(item: ProgramItem) -> str:
    main = item.output_type.name if item.output_type else PRINTED_OUTPUT.get(item.output_kind, "")
    if item.output_note:
        return f"{main}: {item.output_note}" if main else item.output_note
    return main
