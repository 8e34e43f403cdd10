"""Forms: input parsing and field messages. Rules that need the database live in the
services, whose ValidationErrors the views attach to these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Organization, OrganizationKind, Person, Role, Secrecy

DATE_WIDGET = forms.DateInput(attrs={"type": "text", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class DateField(forms.DateField):
    widget = DATE_WIDGET
    default_error_messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 25/11/2026.")}


class OrganizationChoiceField(forms.ModelChoiceField):
    """A choice of organizations, indented by depth so the tree shows in the list."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.name} ({obj.abbreviation})"


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of people, by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several people, by their full names."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way); cleans to a list, empty
    when the field is optional and nothing was chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        cleaned = single(data, initial)
        return [cleaned] if cleaned else []


def _limit_organizations(field: forms.Field, organizations: Any) -> None:
    assert isinstance(field, OrganizationChoiceField)
    field.queryset = organizations


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password."),
        "inactive": _("This account has been disabled."),
    }


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    abbreviation = forms.CharField(
        label=_("Abbreviation"), max_length=20, help_text=_("Used in document symbols, e.g. TU, VPTU, ĐUK.")
    )
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=OrganizationKind.objects.all())
    opened_on = DateField(label=_("Established on"), required=False)


class OrganizationMoveForm(forms.Form):
    new_parent = OrganizationChoiceField(label=_("New parent"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organizations(self.fields["new_parent"], parents)


class OrganizationCloseForm(forms.Form):
    closed_on = DateField(label=_("Closed on"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("E.g. merged into …, dissolved by decision no. …"),
    )


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=99)
    started_on = DateField(label=_("Starts on"))
    ended_on = DateField(label=_("Ends on"), required=False)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to use the last word of the full name."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Person.Gender.choices], required=False)
    birth_date = DateField(label=_("Date of birth"), required=False)
    joined_party_on = DateField(label=_("Admitted to the Party on"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class PersonCreateForm(PersonForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    started_on = DateField(label=_("From"), initial=timezone.localdate)
    field_order = ["full_name", "given_name", "username", "organization", "role", "started_on"]

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organizations(self.fields["organization"], organizations)


class ClearanceForm(forms.Form):
    clearance = forms.TypedChoiceField(label=_("Clearance"), choices=Secrecy.choices, coerce=int)


class MembershipForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    started_on = DateField(label=_("From"), initial=timezone.localdate)
    ended_on = DateField(label=_("Until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_organizations(self.fields["organization"], organizations)


class MembershipEndForm(forms.Form):
    ended_on = DateField(label=_("Ends on"), initial=timezone.localdate)
