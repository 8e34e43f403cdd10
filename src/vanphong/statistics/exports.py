"""The membership statistics as an XLSX workbook: the page's tables on one sheet.

The workbook is the office's document, in Vietnamese whatever the language of the
person exporting it, as the figures' workbook is: its headings are plain constants,
deliberately not translated. `tables()` and `xlsx()` take any list of tables, so the
report forms' statistics can write theirs the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vanphong.core.printing import TOTAL, Table, xlsx_of_tables
from vanphong.figures.exports import printed_period
from vanphong.statistics.selectors import Line, MemberStatistics

GENDER_NAMES = {"male": "Nam", "female": "Nữ", "gender_unknown": "Chưa ghi giới tính"}
AGE_NAMES = {
    "under_30": "Dưới 30 tuổi",
    "from_30_to_45": "Từ 30 đến 45 tuổi",
    "from_46_to_60": "Từ 46 đến 60 tuổi",
    "over_60": "Trên 60 tuổi",
    "age_unknown": "Chưa ghi ngày sinh",
}


def _compare_columns(stats: MemberStatistics, first: str) -> list[str]:
    return [
        first,
        f"Ngày {stats.as_of:%d/%m/%Y}",
        f"Ngày {stats.previous_as_of:%d/%m/%Y}",
        "Tăng (+), giảm (-)",
        "Tỷ lệ (%)",
    ]


def _row(name: str, line: Line) -> list[Any]:
    return [name, line.value, line.previous, line.change, line.share]


def _unit_name(stats: MemberStatistics, line: Line) -> str:
    if line.organization is None:
        return f"Sinh hoạt tại {stats.node.name}"
    return line.organization.name


def tables(stats: MemberStatistics) -> list[Table]:
    members = stats.members
    admitted = stats.admitted
    total_row = [TOTAL, members.value, members.previous, members.change, 100.0 if members.value else None]
    return [
        Table(
            "Đảng viên theo tổ chức",
            [*_compare_columns(stats, "Tổ chức"), "Kết nạp trong kỳ", "Kết nạp kỳ trước"],
            [
                [*_row(_unit_name(stats, line), line), line.unit_now.admitted, line.unit_before.admitted]
                for line in stats.units
            ]
            + [[*total_row, admitted.value, admitted.previous]],
        ),
        Table(
            "Đảng viên theo giới tính",
            _compare_columns(stats, "Giới tính"),
            [_row(GENDER_NAMES[line.key], line) for line in stats.by_gender] + [total_row],
        ),
        Table(
            "Đảng viên theo độ tuổi",
            _compare_columns(stats, "Độ tuổi"),
            [_row(AGE_NAMES[line.key], line) for line in stats.by_age] + [total_row],
        ),
        Table(
            "Đảng viên mới kết nạp",
            [
                "",
                printed_period(stats.period).capitalize(),
                printed_period(stats.previous).capitalize(),
                "Tăng (+), giảm (-)",
            ],
            [["Kết nạp", admitted.value, admitted.previous, admitted.change]],
        ),
    ]


def filename(stats: MemberStatistics) -> str:
    return f"thong-ke-dang-vien-{stats.node.pk}-{stats.as_of.isoformat()}.xlsx"


def heading_lines(stats: MemberStatistics) -> list[str]:
    return [
        stats.node.name.upper(),
        f"THỐNG KÊ ĐẢNG VIÊN {printed_period(stats.period).upper()}",
        f"Số đảng viên tính đến ngày {stats.as_of:%d/%m/%Y}, so với ngày {stats.previous_as_of:%d/%m/%Y} "
        f"({printed_period(stats.previous)}); lập từ danh sách đảng viên các chi bộ.",
    ]


def xlsx(heading: Sequence[str], tables: Sequence[Table]) -> bytes:
    """One sheet: the heading lines, then each table under its title, its last row
    (the total) in bold."""
    return xlsx_of_tables(sheet_title="Thống kê", heading=heading, tables=tables)


def members_xlsx(stats: MemberStatistics) -> bytes:
    return xlsx(heading_lines(stats), tables(stats))
