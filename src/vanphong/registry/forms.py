from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import DateField, OrganizationChoiceField
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import DocumentType, Urgency
from vanphong.registry.selectors import HandlingStatus, IncomingFilters, Order, OutgoingFilters


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
        # The clerk starts with the day it came, then reads the paper top down.
        self.fields["received_on"].widget.attrs["autofocus"] = True


ORDER_CHOICES = [(Order.RELEVANCE, _("Best match first")), (Order.DATE, _("Newest first"))]
REGISTER_CHOICES = [
    ("", _("All registers")),
    ("ordinary", _("Ordinary register")),
    ("classified", _("Classified register")),
]


HANDLING_STATUS_CHOICES = [
    ("", _("Any status")),
    (HandlingStatus.NONE, _("Not yet forwarded")),
    (HandlingStatus.OPEN, _("Being handled")),
    (HandlingStatus.OVERDUE, _("Overdue")),
    (HandlingStatus.DONE, _("Done")),
]


def _classified(choice: str) -> bool | None:
    return {"ordinary": False, "classified": True}.get(choice)


class IncomingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Number and symbol, issuer, abstract, file text; accents optional"),
    )
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all(), required=False
    )
    issuer = forms.CharField(label=_("Issuing body"), max_length=200, required=False)
    received_from = DateField(label=_("Received from"), required=False)
    received_to = DateField(label=_("Received until"), required=False)
    register = forms.ChoiceField(label=_("Register"), choices=REGISTER_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=HANDLING_STATUS_CHOICES, required=False)

    def filters(self) -> IncomingFilters:
        """The list's filters: none when the form is unbound or invalid (its errors
        are shown above the unfiltered list)."""
        if not self.is_valid():
            return IncomingFilters()
        data = self.cleaned_data
        return IncomingFilters(
            query=data["q"],
            order=data["order"] or Order.RELEVANCE,
            document_type=data["document_type"],
            issuer=data["issuer"],
            received_from=data["received_from"],
            received_to=data["received_to"],
            classified=_classified(data["register"]),
            status=data["status"],
        )


class OutgoingForm(forms.Form):
    """The columns of the outgoing register, in the order a clerk reads them off the
    signed document. The number and symbol are not asked: they are given on saving."""

    organization = OrganizationChoiceField(label=_("Issued by"), queryset=Organization.objects.none())
    document_type = forms.ModelChoiceField(label=_("Document type"), queryset=DocumentType.objects.all())
    issued_on = DateField(label=_("Issued on"), initial=timezone.localdate)
    abstract = forms.CharField(label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 3}))
    signer = forms.ModelChoiceField(label=_("Signed by"), queryset=Person.objects.none())
    signer_title = forms.CharField(
        label=_("Signing capacity"),
        max_length=120,
        required=False,
        help_text=_("As printed above the signature, e.g. T/M BAN THƯỜNG VỤ / BÍ THƯ"),
    )
    recipients = forms.CharField(
        label=_("Recipients"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Nơi nhận, one per line")
    )
    drafter = forms.ModelChoiceField(label=_("Drafted by"), queryset=Person.objects.none(), required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=32767, initial=1)
    secrecy = forms.TypedChoiceField(label=_("Secrecy"), coerce=int, initial=Secrecy.NONE)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, clerk: Person, issuers: Any, signers: Any, drafters: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        secrecy = self.fields["secrecy"]
        assert isinstance(secrecy, forms.TypedChoiceField)
        # Nobody registers what they may not read.
        secrecy.choices = [(value, label) for value, label in Secrecy.choices if value <= clerk.clearance]
        organization = self.fields["organization"]
        assert isinstance(organization, OrganizationChoiceField)
        organization.queryset = issuers
        organization.empty_label = None
        for name, people in (("signer", signers), ("drafter", drafters)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = people
        # The first thing a clerk reads off the paper: its type.
        self.fields["document_type"].widget.attrs["autofocus"] = True


STATUS_CHOICES = [("", _("Any status")), ("issued", _("Issued")), ("cancelled", _("Cancelled"))]


class OutgoingFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Number and symbol, abstract, recipients; accents optional"),
    )
    order = forms.ChoiceField(label=_("Order"), choices=ORDER_CHOICES, required=False)
    document_type = forms.ModelChoiceField(
        label=_("Document type"), queryset=DocumentType.objects.all(), required=False
    )
    issuer = OrganizationChoiceField(
        label=_("Issued by"), queryset=Organization.objects.none(), required=False
    )
    issued_from = DateField(label=_("Issued from"), required=False)
    issued_to = DateField(label=_("Issued until"), required=False)
    register = forms.ChoiceField(label=_("Register"), choices=REGISTER_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, issuers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuer = self.fields["issuer"]
        assert isinstance(issuer, OrganizationChoiceField)
        issuer.queryset = issuers

    def filters(self) -> OutgoingFilters:
        """As `IncomingFilterForm.filters`."""
        if not self.is_valid():
            return OutgoingFilters()
        data = self.cleaned_data
        return OutgoingFilters(
            query=data["q"],
            order=data["order"] or Order.RELEVANCE,
            document_type=data["document_type"],
            issuer=data["issuer"],
            issued_from=data["issued_from"],
            issued_to=data["issued_to"],
            classified=_classified(data["register"]),
            cancelled={"issued": False, "cancelled": True}.get(data["status"]),
        )


class OutgoingCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The document keeps its number; the register shows it cancelled with this reason."),
    )
