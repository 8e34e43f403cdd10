from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, OrganizationChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person
from vanphong.core.selectors import committee_leaders
from vanphong.programs import labels, selectors
from vanphong.programs.models import ItemState, OutputKind, Program, ProgramKind, planned_bounds
from vanphong.registry.models import DocumentType


def _queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class ProgramForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind of program"), choices=ProgramKind.choices, initial=ProgramKind.YEAR
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1945,
        max_value=2200,
        required=False,
        initial=lambda: timezone.localdate().year,
    )
    period = forms.IntegerField(
        label=_("Half, quarter or month"),
        min_value=0,
        max_value=12,
        required=False,
        help_text=_("1–2 for a six-month program, 1–4 for a quarter, 1–12 for a month."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Left blank: the usual title.")
    )

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "organization", committees)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["period"] = data["period"] or 0
        return data


class ProgramEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    place = forms.CharField(label=_("Place"), max_length=80, required=False)


class IssueForm(forms.Form):
    issued_on = DateField(label=_("Issued on"), initial=timezone.localdate)
    number = forms.IntegerField(
        label=_("Number"),
        min_value=1,
        required=False,
        help_text=_("The number of the CTr document, if known."),
    )


def time_choices(program: Program) -> list[tuple[str, str]]:
    """The times an item of `program` may be planned for: each year, quarter and
    month that overlaps its period, as "2026", "2026-Q4", "2026-11"."""
    choices: list[tuple[str, str]] = []
    for year in range(program.starts_on.year, program.ends_on.year + 1):
        if program.kind != ProgramKind.MONTH:
            if program.kind in (ProgramKind.TERM,):
                choices.append((str(year), labels.time_label(year, None, None)))
            for quarter in range(1, 5):
                if program.kind != ProgramKind.QUARTER and program.covers(
                    *planned_bounds(year, quarter, None)
                ):
                    choices.append((f"{year}-Q{quarter}", labels.time_label(year, quarter, None)))
        for month in range(1, 13):
            if program.covers(*planned_bounds(year, None, month)):
                choices.append((f"{year}-{month:02d}", labels.time_label(year, None, month)))
    return choices


def parse_time(value: str) -> dict[str, int | None]:
    """ "2026-11" → year 2026, month 11; "2026-Q4" → quarter 4; "2026" → the year;
    "" → nothing (the program's whole period)."""
    if not value:
        return {"planned_year": None, "planned_quarter": None, "planned_month": None}
    year, _sep, part = value.partition("-")
    if part.startswith("Q"):
        return {"planned_year": int(year), "planned_quarter": int(part[1:]), "planned_month": None}
    return {"planned_year": int(year), "planned_quarter": None, "planned_month": int(part) if part else None}


def time_value(year: int | None, quarter: int | None, month: int | None) -> str:
    if not year:
        return ""
    if month:
        return f"{year}-{month:02d}"
    if quarter:
        return f"{year}-Q{quarter}"
    return str(year)


class ItemForm(forms.Form):
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))
    lead = OrganizationChoiceField(label=_("Preparing body"), queryset=Organization.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Co-operating bodies"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    partners_note = forms.CharField(
        label=_("Other co-operating bodies"),
        max_length=300,
        required=False,
        help_text=_("Bodies outside the committee's tree, e.g. the city People's Committee."),
    )
    leader = PersonChoiceField(label=_("Leader in charge"), queryset=Person.objects.none(), required=False)
    planned = forms.ChoiceField(label=_("Planned time"), required=False)
    timing_note = forms.CharField(
        label=_("Timing note"),
        max_length=100,
        required=False,
        help_text=_("E.g. “second week”, “by the 20th”."),
    )
    output_kind = forms.ChoiceField(label=_("Expected output"), choices=OutputKind.choices)
    output_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all(), required=False
    )
    output_note = forms.CharField(label=_("Output note"), max_length=200, required=False)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = selectors.lead_bodies(program.organization)
        _queryset(self, "lead", bodies)
        _queryset(self, "partners", bodies)
        _queryset(self, "leader", committee_leaders(program.organization))
        planned = self.fields["planned"]
        assert isinstance(planned, forms.ChoiceField)
        planned.choices = [("", _("The whole period")), *time_choices(program)]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.update(parse_time(data.pop("planned") or ""))
        data["partners"] = list(data["partners"])
        return data


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ItemState.choices)
    done_on = DateField(label=_("Done on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BreakdownForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Into the program"), queryset=Program.objects.none())
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Left blank: the item's own content."),
    )

    def __init__(self, *args: Any, targets: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(
            self, "program", Program.objects.filter(pk__in=[p.pk for p in targets]).order_by("starts_on")
        )


class MoveForm(forms.Form):
    program = forms.ModelChoiceField(label=_("To the program"), queryset=Program.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, targets: list[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(
            self, "program", Program.objects.filter(pk__in=[p.pk for p in targets]).order_by("starts_on")
        )


KIND_FILTER = [("", _("All kinds")), *ProgramKind.choices]


class ProgramFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2200, required=False)
    kind = forms.ChoiceField(label=_("Kind of program"), choices=KIND_FILTER, required=False)
