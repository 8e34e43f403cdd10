"""Forms of the meeting pages: parsing and field messages only; the rules are the
services' (their refusals are attached to these fields by the views)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.forms import DateField, OrganizationChoiceField, PeopleChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.drafting.models import Draft
from vanphong.meetings.models import AccessAfter, MeetingKind, Response
from vanphong.registry.models import IncomingDocument
from vanphong.schedule.forms import TimeField


def _combine(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time))


class MeetingForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    kind = forms.ModelChoiceField(
        label=_("Kind of meeting"), queryset=MeetingKind.objects.filter(is_active=True)
    )
    title = forms.CharField(
        label=pgettext_lazy("meeting", "Title"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    day = DateField(label=_("Day"))
    starts_at = TimeField(label=_("Starts at"))
    ends_at = TimeField(label=_("Ends at"), required=False, help_text=_("Optional."))
    place = forms.CharField(label=pgettext_lazy("meeting", "Place"), max_length=300, required=False)
    chair = PersonChoiceField(label=_("Chair"), queryset=Person.objects.none(), required=False)
    secretary = PersonChoiceField(
        label=_("Meeting secretary"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Keeps the attendance and the minutes."),
    )
    preread_days = forms.IntegerField(
        label=_("Documents open days before"), min_value=0, max_value=60, initial=3
    )
    downloads_allowed = forms.BooleanField(
        label=_("Members may download the documents"),
        required=False,
        help_text=_("Otherwise they read them on screen only."),
    )
    access_after = forms.ChoiceField(
        label=_("After the meeting"), choices=AccessAfter.choices, initial=AccessAfter.AT_CLOSE
    )
    access_days = forms.IntegerField(
        label=_("Days of access after the meeting"), min_value=0, max_value=365, required=False, initial=0
    )
    confirm_double_booking = forms.BooleanField(
        label=_("A leader is booked twice: save it anyway"), required=False
    )

    def __init__(
        self, *args: Any, committees: Any, leaders: Any, people: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]
        self.fields["chair"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = people  # type: ignore[attr-defined]
        if editing:
            del self.fields["organization"]

    def values(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        day, start, end = data.pop("day"), data.pop("starts_at"), data.pop("ends_at")
        data["starts_at"] = _combine(day, start)
        data["ends_at"] = _combine(day, end)
        data["access_days"] = data.get("access_days") or 0
        return data


class ItemForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("meeting", "Title"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    presenter = PersonChoiceField(label=_("Presenter"), queryset=Person.objects.none(), required=False)
    preparing_unit = OrganizationChoiceField(
        label=_("Preparing unit"), queryset=Organization.objects.none(), required=False
    )
    planned_start = TimeField(label=_("Planned start"), required=False)
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=600, required=False)
    secrecy = forms.TypedChoiceField(
        label=_("Secrecy"), choices=Secrecy.choices, coerce=int, initial=Secrecy.NONE
    )
    invite_all = forms.BooleanField(label=_("Everyone invited to the meeting"), required=False, initial=True)
    invitees = PeopleChoiceField(
        label=_("Or only these"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any, units: Any, invited: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = people  # type: ignore[attr-defined]
        self.fields["preparing_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["invitees"].queryset = invited  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        invite_all = data.pop("invite_all")
        invitees = list(data.pop("invitees") or [])
        data["invitees"] = None if invite_all else invitees
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("meeting", "Title"), max_length=500, required=False, help_text=_("Optional.")
    )
    file = forms.FileField(label=_("PDF file"), required=False)
    incoming = forms.ModelChoiceField(
        label=_("Or an incoming document"), queryset=IncomingDocument.objects.none(), required=False
    )
    draft = forms.ModelChoiceField(label=_("Or a draft"), queryset=Draft.objects.none(), required=False)

    def __init__(self, *args: Any, incoming: Any, drafts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incoming"].queryset = incoming  # type: ignore[attr-defined]
        self.fields["draft"].queryset = drafts  # type: ignore[attr-defined]
        self.fields["incoming"].label_from_instance = lambda d: f"{d.number} — {d.symbol} {d.abstract[:80]}"  # type: ignore[attr-defined]
        self.fields["draft"].label_from_instance = lambda d: d.abstract[:100]  # type: ignore[attr-defined]


class InviteeForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none())
    is_member = forms.BooleanField(label=_("Counts as a member for the quorum"), required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(v, label) for v, label in Response.choices if v != Response.PENDING],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    delegate = PersonChoiceField(label=_("Delegate"), queryset=Person.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        people: Any,
        eligible: Any = None,
        committee: Organization | None = None,
        **kwargs: Any,
    ) -> None:
        """`people` are offered; `eligible` (the committee's and its office's people, a
        wider set) are accepted, so that the service says why one of them may not
        attend (invited already, attends for someone else, oneself). Anyone else is
        refused here with the rule rather than Django's generic "valid choice"."""
        super().__init__(*args, **kwargs)
        field = self.fields["delegate"]
        offered = PersonChoiceField(queryset=people, required=False)
        field.queryset = eligible if eligible is not None else people  # type: ignore[attr-defined]
        field.widget.choices = offered.choices
        if committee is not None:
            field.error_messages["invalid_choice"] = _(
                "Only a person holding a role in %(committee)s or its office may attend in your place, "
                "and not someone invited already."
            ) % {"committee": committee.name}
        else:
            field.error_messages["invalid_choice"] = _(
                "Only a person holding a role in the committee or its office may attend in your place, "
                "and not someone invited already."
            )
