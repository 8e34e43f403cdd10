"""A period's numbers summed up the tree as an XLSX workbook, written as the
membership statistics are (`core.printing.xlsx_of_tables`). The workbook is the
office's document, in Vietnamese whatever the language of the person exporting it:
its headings are plain constants, deliberately not translated."""

from __future__ import annotations

from typing import Any

from vanphong.core.printing import TOTAL, Table, xlsx_of_tables
from vanphong.reports.selectors import PeriodSums, SumLine


def _name(sums: PeriodSums, line: SumLine) -> str:
    assert line.organization is not None
    if line.is_own:
        return f"Báo cáo của {line.organization.name}"
    return line.organization.name


def tables(sums: PeriodSums) -> list[Table]:
    previous = sums.previous_period.label if sums.previous_period else "Kỳ trước"
    lines = [(_name(sums, line), line) for line in sums.lines] + [(TOTAL, sums.total)]
    result = [
        Table(
            "Số tổ chức đã báo cáo",
            ["Tổ chức", "Đã gửi", "Phải gửi"],
            [[name, line.reported, line.asked] for name, line in lines],
        )
    ]
    for key, label in sums.keys:
        rows: list[list[Any]] = []
        for name, line in lines:
            ((_key, now, before, change),) = line.cells([key])
            rows.append([name, now, before, change])
        result.append(Table(label, ["Tổ chức", sums.period.label, previous, "Tăng (+), giảm (-)"], rows))
    return result


def filename(sums: PeriodSums) -> str:
    return f"tong-hop-bao-cao-{sums.period.pk}-{sums.node.pk}.xlsx"


def period_sums_xlsx(sums: PeriodSums) -> bytes:
    heading = [
        sums.node.name.upper(),
        f"TỔNG HỢP SỐ LIỆU: {sums.period.form.title.upper()} — {sums.period.label.upper()}",
        f"Cộng từ báo cáo đã gửi của {sums.total.reported}/{sums.total.asked} tổ chức; "
        f"so với {sums.previous_period.label if sums.previous_period else 'kỳ trước (không có)'}.",
    ]
    return xlsx_of_tables(sheet_title="Tổng hợp", heading=heading, tables=tables(sums))
