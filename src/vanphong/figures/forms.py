from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.forms import DateField
from vanphong.core.models import Organization
from vanphong.figures.selectors import Period, PeriodKind
from vanphong.programs.labels import roman

PERIOD_CHOICES = [
    (PeriodKind.YEAR.value, _("Year")),
    (PeriodKind.HALF.value, _("6 months")),
    (PeriodKind.QUARTER.value, _("Quarter")),
    (PeriodKind.MONTH.value, _("Month")),
    (PeriodKind.RANGE.value, pgettext_lazy("period", "From – to")),
]
# Years offered: the last ten and the next one (a year's program is planned ahead).
YEARS_BACK = 10


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * max(obj.depth - 2, 0)}{obj.name}"


class PeriodForm(forms.Form):
    """The committee and the period the figures are for: a year, one of its halves,
    quarters or months, or any two days. Bound to the page's query string."""

    committee = CommitteeChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, initial=PeriodKind.YEAR.value)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=[])
    half = forms.TypedChoiceField(
        label=_("Half of the year"),
        coerce=int,
        choices=[(1, _("First 6 months")), (2, _("Last 6 months"))],
        initial=1,
        required=False,
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(n, roman(n)) for n in range(1, 5)],
        initial=1,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, choices=[(n, str(n)) for n in range(1, 13)], initial=1, required=False
    )
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        committees: QuerySet[Organization],
        committee: Organization,
        today: dt.date,
        asked: bool = True,
    ) -> None:
        values = {
            "committee": committee.pk,
            "period": PeriodKind.YEAR.value,
            "year": today.year,
            "half": 1 if today.month <= 6 else 2,
            "quarter": (today.month - 1) // 3 + 1,
            "month": today.month,
        }
        values.update({key: value for key, value in data.items() if value not in ("", None)})
        super().__init__(values)
        self.today = today
        # Has the person asked for the figures (the Show button), or is the form only
        # asked again as they choose (htmx, on each change)?
        self.asked = asked
        committee_field = self.fields["committee"]
        assert isinstance(committee_field, forms.ModelChoiceField)
        committee_field.queryset = committees
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, str(y)) for y in range(today.year + 1, today.year - YEARS_BACK - 1, -1)]

    @property
    def kind(self) -> str:
        """The period's kind as asked (shown even when the form is invalid)."""
        value = self.data.get("period")
        return value if value in {kind.value for kind in PeriodKind} else PeriodKind.YEAR.value

    def full_clean(self) -> None:
        """Two days half typed are not refused while the person is still choosing:
        their errors wait until they ask for the figures (and there are none yet)."""
        super().full_clean()
        if not self.asked and self.kind == PeriodKind.RANGE.value and self.errors:
            self._errors = ErrorDict()
            self.cleaned_data.pop("figures_period", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = PeriodKind(data.get("period") or PeriodKind.YEAR)
        if kind is PeriodKind.RANGE:
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Enter the first day of the period."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Enter the last day of the period."))
            if start and end and start > end:
                self.add_error("end", _("The period cannot end before it starts."))
            if start and end and start <= end:
                data["figures_period"] = Period(start, end)
        elif data.get("year"):
            part = {PeriodKind.HALF: "half", PeriodKind.QUARTER: "quarter", PeriodKind.MONTH: "month"}
            number = (data.get(part[kind]) or 1) if kind in part else 0
            data["figures_period"] = Period.of(kind, data["year"], number)
        return data
