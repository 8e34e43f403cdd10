from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, MultipleFileField, OrganizationChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person
from vanphong.followup.models import ConclusionKind, TaskState
from vanphong.registry.models import OutgoingDocument


class OrganizationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class LatestChoiceIterator(ModelChoiceIterator):
    """The first `field.offered` rows of the field's queryset: what the list offers,
    while the field validates against the whole queryset (a sliced one refuses every
    choice, since it cannot be filtered)."""

    def __init__(self, field: Any) -> None:
        super().__init__(field)
        self.queryset = self.queryset[: field.offered]


class OutgoingChoiceField(forms.ModelChoiceField):
    iterator = LatestChoiceIterator
    offered = 300  # the latest registered documents, newest first

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.symbol} ({obj.issued_on:%d/%m/%Y}) — {obj.abstract[:80]}"


class ConclusionForm(forms.Form):
    """A conclusion entered by hand, or taken from the outgoing register."""

    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    outgoing = OutgoingChoiceField(
        label=_("From the outgoing register"),
        queryset=OutgoingDocument.objects.none(),
        required=False,
        help_text=_("A registered conclusion or notice: its number, date and abstract are taken from it."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ConclusionKind.choices, required=False)
    symbol = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    issued_on = DateField(label=_("Date"), required=False)
    title = forms.CharField(label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, committees: Any, outgoing: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]
        self.fields["outgoing"].queryset = outgoing  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("outgoing"):
            for name in ("kind", "symbol", "issued_on", "title"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required when the conclusion is not taken from the register."))
        return data


class TaskForm(forms.Form):
    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = OrganizationChoiceField(label=_("Lead unit"), queryset=Organization.objects.none())
    co_units = OrganizationsField(
        label=_("Co-operating units"), queryset=Organization.objects.none(), required=False
    )
    leader = PersonChoiceField(label=_("Leader in charge"), queryset=Person.objects.none())
    deadline = DateField(label=_("Deadline"))

    def __init__(self, *args: Any, units: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label=_("Files"), required=False)
    done = forms.BooleanField(label=_("The task is done"), required=False)


# Not a TaskState: the board's "under way", not started and in progress together.
OPEN = "open"


class TaskFilterForm(forms.Form):
    """The task list's filters; the leaders' board links its counts here."""

    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All states")), (OPEN, _("Under way")), *TaskState.choices],
        required=False,
    )
    lead_unit = OrganizationChoiceField(
        label=_("Lead unit"), queryset=Organization.objects.none(), required=False
    )
    leader = PersonChoiceField(label=_("Leader in charge"), queryset=Person.objects.none(), required=False)
    committee = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
