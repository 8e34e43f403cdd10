"""Forms of the transfer slip: parsing only; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, OrganizationChoiceField, PeopleChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.abbreviation})"


class SendForm(forms.Form):
    leaders = PeopleChoiceField(
        label=_("Leaders"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Those who direct the committee's work and are cleared for the document."),
    )
    note = forms.CharField(
        label=_("Office note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, leaders: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leaders"]
        assert isinstance(field, PeopleChoiceField)
        field.queryset = leaders


class DirectionForm(forms.Form):
    instruction = forms.CharField(
        label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    lead_unit = OrganizationChoiceField(
        label=_("Lead unit"), queryset=Organization.objects.none(), required=False
    )
    lead_person = PersonChoiceField(label=_("Lead person"), queryset=Person.objects.none(), required=False)
    co_units = UnitsChoiceField(
        label=_("Co-handling units"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    co_persons = PeopleChoiceField(
        label=_("Co-handling persons"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    directed_on = DateField(
        label=_("Directed on"),
        required=False,
        initial=timezone.localdate,
        help_text=_("The day the instruction was given, if it was written on the paper slip earlier."),
    )
    deadline = DateField(label=_("Deadline"), required=False)

    def __init__(
        self, *args: Any, units: QuerySet[Organization], people: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("lead_unit", units),
            ("co_units", units),
            ("lead_person", people),
            ("co_persons", people),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
