from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.forms import DateField, OrganizationChoiceField, PeopleChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person
from vanphong.schedule.models import EventKind


class TimeField(forms.Field):
    """A time as the office writes it: 08:00, 8h00, 8h, 14.30."""

    widget = forms.TextInput(attrs={"placeholder": "hh:mm", "inputmode": "numeric", "size": 6})
    default_error_messages = {"invalid": _("Enter a time as hh:mm, e.g. 08:00 or 14:30.")}

    def to_python(self, value: Any) -> dt.time | None:
        text = str(value or "").strip().lower()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2})\s*(?:[:h.]\s*(\d{2})?)?", text)
        if match is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        hours, minutes = int(match[1]), int(match[2] or 0)
        if hours > 23 or minutes > 59:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.time(hours, minutes)

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%H:%M}" if isinstance(value, dt.time) else value


class EventForm(forms.Form):
    """An event of the week, as the office enters it."""

    day = DateField(label=_("Day"))
    all_day = forms.BooleanField(label=_("All day"), required=False)
    starts_at = TimeField(label=_("Starts at"), required=False)
    ends_at = TimeField(label=_("Ends at"), required=False, help_text=_("Optional."))
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        choices=EventKind.choices,
        initial=EventKind.OTHER,
        required=False,
        help_text=_("The office's figures count the events by kind."),
    )
    title = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label=pgettext_lazy("schedule", "Place"), max_length=300, required=False)
    presiding = PersonChoiceField(label=_("Presiding"), queryset=Person.objects.none(), required=False)
    attendees = PeopleChoiceField(
        label=_("Attending leaders"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Those booked here are checked against their other events."),
    )
    attendees_text = forms.CharField(
        label=_("Attending (as written)"),
        max_length=500,
        required=False,
        help_text=_("E.g. Các đồng chí Ủy viên Ban Thường vụ; lãnh đạo các ban đảng."),
    )
    preparing_unit = OrganizationChoiceField(
        label=_("Preparing unit"), queryset=Organization.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    confirm_double_booking = forms.BooleanField(
        label=_("A leader is booked twice: save it anyway"), required=False
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or EventKind.OTHER

    def __init__(self, *args: Any, leaders: Any, attendable: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("presiding", leaders), ("attendees", attendable), ("preparing_unit", units)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
