from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, OrganizationChoiceField
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import DocumentType, Urgency


class IncomingForm(forms.Form):
    """The columns of the incoming register, in the order a clerk reads them off the
    document: who sent it, its number and date, what it is, how secret and urgent."""

    received_on = DateField(label=_("Received on"), initial=timezone.localdate)
    issuer = forms.CharField(label=_("Issuing body"), max_length=200)
    symbol = forms.CharField(
        label=_("Number and symbol"), max_length=60, required=False, help_text=_("E.g. 12-CV/TU")
    )
    document_date = DateField(label=_("Document date"))
    document_type = forms.ModelChoiceField(label=_("Document type"), queryset=DocumentType.objects.all())
    abstract = forms.CharField(label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 3}))
    secrecy = forms.TypedChoiceField(label=_("Secrecy"), coerce=int, initial=Secrecy.NONE)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    handler_unit = OrganizationChoiceField(
        label=_("Receiving unit"), queryset=Organization.objects.none(), required=False
    )
    deadline = DateField(label=_("Deadline"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("This is not the same document: register it anyway"), required=False
    )

    def __init__(self, *args: Any, clerk: Person, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        secrecy = self.fields["secrecy"]
        assert isinstance(secrecy, forms.TypedChoiceField)
        # Nobody registers what they may not read.
        secrecy.choices = [(value, label) for value, label in Secrecy.choices if value <= clerk.clearance]
        handler = self.fields["handler_unit"]
        assert isinstance(handler, OrganizationChoiceField)
        handler.queryset = units


class IncomingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all(), required=False
    )
    received_from = DateField(label=_("Received from"), required=False)
    received_to = DateField(label=_("Received until"), required=False)
