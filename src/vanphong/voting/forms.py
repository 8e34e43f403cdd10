"""Forms of the voting pages: parsing and field messages only; the rules are the
services' (their refusals are attached to these fields by the views)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.forms import DateField, MultipleFileField, OrganizationChoiceField
from vanphong.core.models import Organization
from vanphong.meetings.models import AgendaItem, Invitation, InvitedBody, MeetingKind
from vanphong.schedule.forms import TimeField
from vanphong.voting.models import Choice, VoteKind


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invitation) -> str:
        return obj.attendee.full_name


class SeatsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Invitation) -> str:
        return obj.attendee.full_name


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MeetingKind) -> str:
        return str(obj.get_invited_body_display())


RADIO = {"class": "form-check-input"}


class VoteOpenForm(forms.Form):
    question = forms.CharField(
        label=_("Question put to the vote"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(
        label=_("How the members vote"),
        choices=VoteKind.choices,
        widget=forms.RadioSelect(attrs=RADIO),
        initial=VoteKind.SECRET,
    )
    item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False, help_text=_("Optional.")
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=10_000, initial=0)


class CountsForm(forms.Form):
    votes_for = _count(_("In favour"))
    votes_against = _count(_("Against"))
    votes_abstain = _count(_("Not voting"))


class PaperBallotsForm(CountsForm):
    seats = SeatsChoiceField(
        label=_("Members who voted on paper"),
        queryset=Invitation.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=RADIO),
    )

    def __init__(self, *args: Any, seats: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seats"].queryset = seats  # type: ignore[attr-defined]


class PaperNamedForm(forms.Form):
    seat = SeatChoiceField(label=_("Member"), queryset=Invitation.objects.none())
    choice = forms.ChoiceField(
        label=pgettext_lazy("vote", "Choice"), choices=Choice.choices, widget=forms.RadioSelect(attrs=RADIO)
    )

    def __init__(self, *args: Any, seats: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = seats  # type: ignore[attr-defined]


class ConsultationForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Committee"), queryset=Organization.objects.none())
    kind = BodyChoiceField(
        label=_("Body consulted"),
        queryset=MeetingKind.objects.filter(is_active=True).exclude(invited_body=InvitedBody.NONE),
        help_text=_("Its members are asked; the majority follows its rule."),
    )
    question = forms.CharField(
        label=_("Question put to the members"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    text = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    day = DateField(label=_("Answers by (day)"))
    time = TimeField(label=_("Answers by (time)"), initial=dt.time(17, 0))
    documents = MultipleFileField(label=_("Documents"), required=False)

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, time = data.pop("day"), data.pop("time")
        data["deadline"] = timezone.make_aware(dt.datetime.combine(day, time))
        data["uploads"] = data.pop("documents") or []
        return data


class AnswerForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect(attrs=RADIO)
    )
    opinion = forms.CharField(
        label=_("Your opinion"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
