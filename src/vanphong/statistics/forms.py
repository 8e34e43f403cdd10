from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanphong.figures.selectors import Period, PeriodKind
from vanphong.programs.labels import roman

PERIOD_CHOICES = [
    (PeriodKind.YEAR.value, _("Year")),
    (PeriodKind.HALF.value, _("6 months")),
    (PeriodKind.QUARTER.value, _("Quarter")),
    (PeriodKind.MONTH.value, _("Month")),
]
YEARS_BACK = 10
PARTS = {PeriodKind.HALF: "half", PeriodKind.QUARTER: "quarter", PeriodKind.MONTH: "month"}


class PeriodForm(forms.Form):
    """The period the statistics are for (a year, one of its halves, quarters or
    months; compared with the one before) and the unit, bound to the query string.
    Missing values default to the current quarter."""

    org = forms.IntegerField(widget=forms.HiddenInput, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=[])
    half = forms.TypedChoiceField(
        label=_("Half of the year"),
        coerce=int,
        choices=[(1, _("First 6 months")), (2, _("Last 6 months"))],
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(n, roman(n)) for n in range(1, 5)], required=False
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=[(n, str(n)) for n in range(1, 13)], required=False
    )

    def __init__(self, data: Any, *, org: int, today: dt.date) -> None:
        values: dict[str, Any] = {
            "org": org,
            "period": PeriodKind.QUARTER.value,
            "year": today.year,
            "half": 1 if today.month <= 6 else 2,
            "quarter": (today.month - 1) // 3 + 1,
            "month": today.month,
        }
        values.update({key: value for key, value in data.items() if value not in ("", None)})
        values["org"] = org
        super().__init__(values)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, str(y)) for y in range(today.year, today.year - YEARS_BACK - 1, -1)]

    @property
    def kind(self) -> str:
        value = self.data.get("period")
        return value if value in dict(PERIOD_CHOICES) else PeriodKind.QUARTER.value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year") and data.get("period"):
            kind = PeriodKind(data["period"])
            part = (data.get(PARTS[kind]) or 1) if kind in PARTS else 0
            data["statistics_period"] = Period.of(kind, data["year"], part)
        return data
