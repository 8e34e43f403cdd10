"""Charts drawn on the server as inline SVG: no script, no library, nothing fetched,
readable by a screen reader and printable.

`{% bar_chart series title="…" %}` draws one horizontal bar per item of `series`,
the label above its bar (long names stay readable on a phone), the value at its end,
and, when the items have a `previous` value, a thin grey bar under it for the period
before. Items are `(label, value)` or `(label, value, previous)` tuples, or objects
with `label`, `value` and optionally `previous` and `url` (a bar with a url is a
link). Each bar carries a `<title>` naming its label and values; the chart's title
and description label the whole image."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

WIDTH = 480  # the viewBox: the SVG scales to its container
VALUE_ROOM = 64  # room right of the longest bar for its number
LABEL_CHARS = 54  # a longer label is cut (the bar's title keeps it whole)
_ids = itertools.count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    previous: float | None = None
    url: str = ""


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    short_label: str
    value: str
    title: str
    label_y: str
    bar_y: str
    width: str
    value_x: str
    value_y: str
    previous_y: str
    previous_width: str


def bars_of(series: Iterable[Any]) -> list[Bar]:
    bars = []
    for item in series:
        if isinstance(item, Bar):
            bars.append(item)
        elif isinstance(item, tuple | list):
            bars.append(Bar(str(item[0]), item[1], item[2] if len(item) > 2 else None))
        else:
            bars.append(
                Bar(
                    str(item.label),
                    item.value,
                    getattr(item, "previous", None),
                    str(getattr(item, "url", "") or ""),
                )
            )
    return bars


def _n(value: float) -> str:
    """A coordinate: plain digits and a dot whatever the language (an attribute)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def shown(value: float) -> str:
    """A value as written on the chart: a whole number without a decimal part (45, not
    "45,0"), grouped as the language groups thousands."""
    number = int(value) if float(value).is_integer() else value
    return number_format(number, force_grouping=True)


def layout(series: Iterable[Any]) -> tuple[list[DrawnBar], int, bool]:
    bars = bars_of(series)
    compare = any(bar.previous is not None for bar in bars)
    highest = max([bar.value for bar in bars] + [bar.previous or 0 for bar in bars] + [0])
    room = WIDTH - VALUE_ROOM
    row = 48 if compare else 40
    drawn = []
    for index, bar in enumerate(bars):
        top = index * row
        width = room * bar.value / highest if highest else 0
        previous_width = room * (bar.previous or 0) / highest if highest else 0
        value = shown(bar.value)
        if bar.previous is None:
            title = f"{bar.label}: {value}"
        else:
            before = shown(bar.previous)
            title = _("%(label)s: %(value)s (previous period: %(previous)s)") % {
                "label": bar.label,
                "value": value,
                "previous": before,
            }
        short = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        drawn.append(
            DrawnBar(
                bar=bar,
                short_label=short,
                value=value,
                title=title,
                label_y=_n(top + 15),
                bar_y=_n(top + 21),
                width=_n(max(width, 1 if bar.value else 0)),
                value_x=_n(width + 6),
                value_y=_n(top + 32),
                previous_y=_n(top + 36),
                previous_width=_n(previous_width),
            )
        )
    height = max(len(bars) * row, row)
    return drawn, height, compare


def highest(series: Iterable[Any], limit: int) -> tuple[list[Bar], int]:
    """The `limit` bars of the highest value, highest first, and how many there were:
    past a few dozen, bars in tree order make a page no one scrolls to the end of, and
    the table beside the chart lists every unit anyway."""
    bars = bars_of(series)
    if not limit or len(bars) <= limit:
        return bars, len(bars)
    return sorted(bars, key=lambda bar: bar.value, reverse=True)[:limit], len(bars)


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(
    series: Iterable[Any], title: str = "", description: str = "", chart_id: str = "", limit: int = 0
) -> dict[str, Any]:
    bars, total = highest(series, limit)
    drawn, height, compare = layout(bars)
    chart_id = chart_id or f"chart-{next(_ids)}"
    return {
        "cut": _("The %(shown)s highest of %(total)s; the table lists them all.")
        % {"shown": len(bars), "total": total}
        if len(bars) < total
        else "",
        "bars": drawn,
        "title": title,
        "description": description,
        "compare": compare,
        "chart_id": chart_id,
        "width": str(WIDTH),  # strings: an attribute never gets the thousands' dot
        "height": str(height),
        "count": str(len(drawn)),
    }
