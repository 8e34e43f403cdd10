from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import OrganizationChoiceField, PersonChoiceField
from vanphong.core.models import Organization, Person, Secrecy
from vanphong.drafting.models import SignatureForm
from vanphong.drafting.widgets import RichTextWidget
from vanphong.registry.models import DocumentType, Urgency


class OrganizationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DraftForm(forms.Form):
    """The draft as the specialist fills it in, top of the page to the bottom."""

    organization = OrganizationChoiceField(label=_("Issuer"), queryset=Organization.objects.none())
    document_type = forms.ModelChoiceField(label=_("Document type"), queryset=DocumentType.objects.all())
    superior_body = forms.CharField(
        label=_("Header: superior body"),
        max_length=200,
        required=False,
        help_text=_("Left blank, it is taken from the organization tree."),
    )
    issuing_body = forms.CharField(
        label=_("Header: issuing body"),
        max_length=200,
        required=False,
        help_text=_("Left blank, it is taken from the organization tree."),
    )
    abstract = forms.CharField(label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 2}))
    body_html = forms.CharField(label=_("Body"), required=False, widget=RichTextWidget())
    place = forms.CharField(label=_("Place"), max_length=80)
    secrecy = forms.TypedChoiceField(label=_("Secrecy"), coerce=int, initial=Secrecy.NONE)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )
    signature_form = forms.ChoiceField(
        label=_("Signature form"), choices=SignatureForm.choices, initial=SignatureForm.ON_BEHALF
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"),
        max_length=120,
        required=False,
        help_text=_("T/M, T/L: the collective (BAN THƯỜNG VỤ); K/T: the head (BÍ THƯ)."),
    )
    signer = PersonChoiceField(label=_("Signer"), queryset=Person.objects.none(), required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=120, required=False)
    internal_recipients = OrganizationsField(
        label=_("Recipient organizations in the system"),
        queryset=Organization.objects.none(),
        required=False,
        # Boxes to tick: a list where one picks several with Ctrl loses them all at a plain click.
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They receive the signed document electronically."),
    )
    external_recipients = forms.CharField(
        label=_("Other recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as printed after a dash."),
    )
    keep_copy = forms.CharField(label=_("Copy kept by"), max_length=200, initial="Lưu Văn phòng")

    def __init__(
        self,
        *args: Any,
        drafter: Person,
        issuers: Any,
        signers: Any,
        recipients: Any,
        header: tuple[str, str] = ("", ""),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # What a blank header line prints: the organization tree's lines for the issuer.
        for name, printed in zip(("superior_body", "issuing_body"), header, strict=True):
            if printed:
                self.fields[name].widget.attrs["placeholder"] = printed
        for name, queryset in (
            ("organization", issuers),
            ("signer", signers),
            ("internal_recipients", recipients),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        secrecy = self.fields["secrecy"]
        assert isinstance(secrecy, forms.TypedChoiceField)
        # Classified drafts only on an isolated LAN, and never above one's clearance.
        ceiling = drafter.clearance if settings.VANPHONG_ISOLATED_LAN else Secrecy.NONE
        secrecy.choices = [(value, label) for value, label in Secrecy.choices if value <= ceiling]


class SubmitForm(forms.Form):
    """Up to three reviewers, each a list of their own: the order on the page is the
    order they decide in (the Chief of Office first, then a board…), then the signer."""

    REVIEWERS = 3

    reviewer_1 = PersonChoiceField(label=_("First reviewer"), queryset=Person.objects.none(), required=False)
    reviewer_2 = PersonChoiceField(label=_("Second reviewer"), queryset=Person.objects.none(), required=False)
    reviewer_3 = PersonChoiceField(
        label=_("Third reviewer"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The Chief of Office, a board… Each decides in turn; then the signer."),
    )
    note = forms.CharField(
        label=_("Note to the reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, self.REVIEWERS + 1):
            field = self.fields[f"reviewer_{n}"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = candidates

    def reviewers(self) -> list[Person]:
        """The reviewers chosen, in their order, blanks skipped."""
        chosen = (self.cleaned_data.get(f"reviewer_{n}") for n in range(1, self.REVIEWERS + 1))
        return [person for person in chosen if person is not None]


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    credential = forms.ModelChoiceField(
        label=_("Certificate"), queryset=Person.objects.none(), empty_label=None
    )
    pin = forms.CharField(
        label=_("PIN or passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, credentials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["credential"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = credentials


class CompareForm(forms.Form):
    older = forms.IntegerField(min_value=1)
    newer = forms.IntegerField(min_value=1)
