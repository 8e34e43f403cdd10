"""Statistics of the letters (by kind, by unit, by month) and the register as a workbook.

The figures are counted in the database (one GROUP BY per table). A letter counts in
the period of its day of receipt. "Overdue" is judged on `today`: forwarded, not
answered, its deadline passed. "Answered late": answered after its deadline.

The register's workbook never carries a denouncer's identity, whoever prints it: a
workbook leaves the system, where no audit follows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.printing import TOTAL, Table, xlsx_of_tables
from vanphong.letters.models import Channel, Letter, LetterKind, LetterState
from vanphong.letters.selectors import identity_hidden

SECRET = "(được giữ bí mật)"


def _counts() -> dict[str, Any]:
    return {
        "received": Count("id"),
        "dropped": Count("id", filter=Q(state__in=[LetterState.FILED, LetterState.DUPLICATE])),
        "pending": Count("id", filter=Q(state=LetterState.RECEIVED)),
        "forwarded": Count("id", filter=Q(state=LetterState.FORWARDED)),
        "replied": Count("id", filter=Q(state=LetterState.REPLIED)),
        "late": Count("id", filter=Q(state=LetterState.REPLIED, replied_on__gt=F("deadline"))),
    }


def _overdue(today: dt.date) -> Count:
    return Count("id", filter=Q(state=LetterState.FORWARDED, deadline__lt=today))


def _row(label: str, values: dict[str, int]) -> list[Any]:
    return [
        label,
        values["received"],
        values["pending"],
        values["dropped"],
        values["forwarded"],
        values["overdue"],
        values["replied"],
        values["late"],
    ]


def _columns(first: str) -> list[str]:
    return [
        first,
        pgettext("letter count", "Received"),
        _("Awaiting classification or forwarding"),
        _("Filed or duplicate"),
        _("Forwarded, not yet answered"),
        _("of which overdue"),
        _("Answered"),
        _("of which late"),
    ]


def _sum(rows: list[dict[str, int]]) -> dict[str, int]:
    keys = ["received", "pending", "dropped", "forwarded", "overdue", "replied", "late"]
    return {key: sum(row[key] for row in rows) for key in keys}


def statistics(letters: QuerySet[Letter], *, today: dt.date) -> list[Table]:
    """Three tables over `letters` (already cut to the period and the committee)."""
    by_kind = {
        row["kind"]: row
        for row in letters.values("kind").annotate(**_counts(), overdue=_overdue(today)).order_by()
    }
    empty = dict.fromkeys(["received", "pending", "dropped", "forwarded", "overdue", "replied", "late"], 0)
    kind_rows = [(str(label), by_kind.get(value, empty)) for value, label in LetterKind.choices]
    kinds = Table(
        title=_("By kind"),
        columns=_columns(_("Kind")),
        rows=[_row(label, values) for label, values in kind_rows]
        + [_row(TOTAL, _sum([values for _label, values in kind_rows]))],
    )
    by_unit = list(
        letters.filter(forwarded_to__isnull=False)
        .values("forwarded_to__name", "forwarded_to__path")
        .annotate(**_counts(), overdue=_overdue(today))
        .order_by("forwarded_to__path")
    )
    units = Table(
        title=_("By competent unit (letters forwarded)"),
        columns=_columns(_("Unit")),
        rows=[_row(row["forwarded_to__name"], row) for row in by_unit] + [_row(TOTAL, _sum(by_unit))],
    )
    by_month: dict[tuple[int, int], dict[str, int]] = {}
    for row in (
        letters.annotate(month=TruncMonth("received_on"))
        .values("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = row["month"]
        key = (month.year, month.month)
        by_month.setdefault(key, {})[row["kind"]] = row["n"]
    kind_values = [value for value, _label in LetterKind.choices]
    month_rows: list[list[Any]] = [
        [f"{month:02d}/{year}", *[counts.get(kind, 0) for kind in kind_values], sum(counts.values())]
        for (year, month), counts in sorted(by_month.items())
    ]
    totals: list[int] = [sum(int(row[i]) for row in month_rows) for i in range(1, len(kind_values) + 2)]
    months = Table(
        title=_("By month of receipt"),
        columns=[_("Month"), *[str(label) for _value, label in LetterKind.choices], _("Total")],
        rows=[*month_rows, [TOTAL, *totals]],
    )
    channels = {
        row["channel"]: row["n"] for row in letters.values("channel").annotate(n=Count("id")).order_by()
    }
    channel_rows = [[str(label), channels.get(value, 0)] for value, label in Channel.choices]
    by_channel = Table(
        title=_("By channel"),
        columns=[_("Channel"), pgettext("letter count", "Received")],
        rows=[*channel_rows, [TOTAL, sum(channels.values())]],
    )
    return [kinds, units, months, by_channel]


def statistics_xlsx(tables: list[Table], *, committee: str, period: str) -> bytes:
    return xlsx_of_tables(
        sheet_title=_("Letters"),
        heading=[committee, _("Statistics of citizens' letters"), period],
        tables=tables,
    )


def register_table(letters: QuerySet[Letter], title: str) -> Table:
    """The register as printed: one row per letter, the denouncer's identity withheld."""
    rows: list[list[Any]] = []
    for letter in letters.select_related("forwarded_to"):
        hidden = identity_hidden(letter)
        sender = _("(anonymous)") if letter.anonymous else (SECRET if hidden else letter.sender_name)
        address = "" if letter.anonymous else (SECRET if hidden else letter.sender_address)
        rows.append(
            [
                letter.register_number or letter.display_code,
                letter.received_on.strftime("%d/%m/%Y"),
                str(Channel(letter.channel).label),
                str(LetterKind(letter.kind).label),
                sender,
                address,
                letter.subject,
                letter.forwarded_to.name if letter.forwarded_to else "",
                letter.deadline.strftime("%d/%m/%Y") if letter.deadline else "",
                str(LetterState(letter.state).label),
                letter.replied_on.strftime("%d/%m/%Y") if letter.replied_on else "",
            ]
        )
    return Table(
        title=title,
        columns=[
            _("Number"),
            _("Received on"),
            _("Channel"),
            _("Kind"),
            _("Sender"),
            pgettext("postal", "Address"),
            _("Subject"),
            _("Forwarded to"),
            _("Deadline"),
            _("State"),
            _("Replied on"),
        ],
        rows=rows,
    )


def register_xlsx(table: Table, *, committee: str) -> bytes:
    return xlsx_of_tables(sheet_title=_("Register"), heading=[committee], tables=[table])
