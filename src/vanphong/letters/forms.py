"""Forms of the letters' pages: input parsing and field messages; the rules are in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core import forms as core_forms
from vanphong.core.forms import OrganizationChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person
from vanphong.letters.models import AnonymousRule, Channel, LetterKind, LetterState, SessionState

KINDS = LetterKind.choices[1:]


class DateField(core_forms.DateField):
    """A date typed as dd/mm/yyyy, with the placeholder in the reader's words."""

    widget = forms.DateInput(
        attrs={
            "type": "text",
            "placeholder": pgettext_lazy("date placeholder", "dd/mm/yyyy"),
            "inputmode": "numeric",
        }
    )


class LetterFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *LetterKind.choices[1:]]
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *LetterState.choices]
    )
    unclassified = forms.BooleanField(label=_("Not yet classified"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class LetterRegisterForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    channel = forms.ChoiceField(
        label=pgettext_lazy("how a letter was received", "Received"),
        choices=[(Channel.POST, Channel.POST.label), (Channel.IN_PERSON, Channel.IN_PERSON.label)],
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    received_on = DateField(label=_("Received on"), initial=timezone.localdate)
    anonymous = forms.BooleanField(label=_("Anonymous letter (no name given)"), required=False)
    sender_name = forms.CharField(label=_("Sender's name"), max_length=200, required=False)
    sender_contact = forms.CharField(label=_("Email or phone"), max_length=200, required=False)
    sender_address = forms.CharField(label=pgettext_lazy("postal", "Address"), max_length=300, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    has_evidence = forms.BooleanField(label=_("Specific evidence enclosed"), required=False)
    note = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]
        if committees.count() == 1:
            self.fields["organization"].initial = committees.first()


class ClassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    anonymous = forms.BooleanField(label=_("Anonymous letter (no name given)"), required=False)
    has_evidence = forms.BooleanField(label=_("Specific evidence enclosed"), required=False)


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Duplicate of"),
        max_length=40,
        required=False,
        help_text=_(
            "The register number (e.g. 12/KNTC-2026) or tracking code of the first letter; empty to ungroup."
        ),
    )


class FileForm(forms.Form):
    reason = forms.CharField(label=_("Reason for filing"), widget=forms.Textarea(attrs={"rows": 2}))


class HandlerChoiceField(PersonChoiceField):
    """A handler as "Name — role, unit" (from `handler_memberships`): the city has
    several people of one name."""

    def label_from_instance(self, obj: Any) -> str:
        posts = getattr(obj, "handler_memberships", [])
        if not posts:
            return str(obj.full_name)
        where = "; ".join(f"{post.get_role_display()}, {post.organization.name}" for post in posts[:2])
        return f"{obj.full_name} — {where}"


class ForwardForm(forms.Form):
    unit = OrganizationChoiceField(label=_("Competent unit"), queryset=Organization.objects.none())
    handler = HandlerChoiceField(
        label=_("Handler"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The people of the chosen unit and of the office."),
        error_messages={
            "invalid_choice": pgettext_lazy(
                "letter handler",
                "This person does not work in the chosen unit or in the office: choose the handler again.",
            )
        },
    )
    instruction = forms.CharField(
        label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    complex_case = forms.BooleanField(label=_("Complex case (extended time limit)"), required=False)
    forwarded_on = DateField(label=_("Forwarded on"), initial=timezone.localdate)

    def __init__(self, *args: Any, units: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["handler"].queryset = people  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply (summary)"), widget=forms.Textarea(attrs={"rows": 4}))
    replied_on = DateField(label=_("Replied on"), initial=timezone.localdate)


class TimeLimitForm(forms.Form):
    acceptance_days = forms.IntegerField(label=_("Days to accept (thụ lý)"), min_value=0, max_value=365)
    acceptance_in_working_days = forms.BooleanField(
        label=_("Days to accept are working days"), required=False
    )
    resolution_days = forms.IntegerField(label=_("Days to resolve"), min_value=1, max_value=365)
    complex_extra_days = forms.IntegerField(
        label=_("Extra days for a complex case"), min_value=0, max_value=365
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300, required=False)


class RulesForm(forms.Form):
    receives_public_form = forms.BooleanField(label=_("Receives the public form's letters"), required=False)
    anonymous_complaint = forms.ChoiceField(label=_("Anonymous complaints"), choices=AnonymousRule.choices)
    anonymous_denunciation = forms.ChoiceField(
        label=_("Anonymous denunciations"), choices=AnonymousRule.choices
    )
    anonymous_petition = forms.ChoiceField(label=_("Anonymous petitions"), choices=AnonymousRule.choices)
    anonymous_feedback = forms.ChoiceField(label=_("Anonymous feedback"), choices=AnonymousRule.choices)


class StatisticsForm(forms.Form):
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end must not be before the start."))
        return data


class SessionForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    leader = PersonChoiceField(label=_("Receiving leader"), queryset=Person.objects.none())
    day = DateField(label=_("Day"))
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=pgettext_lazy("location", "Place"), max_length=300, required=False)
    add_to_schedule = forms.BooleanField(label=_("Add to the weekly schedule"), required=False, initial=True)

    def __init__(self, *args: Any, committees: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        if committees.count() == 1:
            self.fields["organization"].initial = committees.first()


class SessionRecordForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=SessionState.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VisitForm(forms.Form):
    visitor = forms.CharField(label=_("Who came"), max_length=300)
    about = forms.CharField(label=_("About what"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.CharField(
        label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    letters = forms.CharField(
        label=_("Letters concerned"),
        max_length=500,
        required=False,
        help_text=_("Register numbers or tracking codes, separated by commas."),
    )
