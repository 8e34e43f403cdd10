from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class Pkcs12Form(forms.Form):
    certificate_file = forms.FileField(label=_("Certificate file (.p12, .pfx)"))
    passphrase = forms.CharField(
        label=_("Its passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Used once to check the file; not kept. You type it again at each signature."),
    )
    label = forms.CharField(label=_("Name for it"), max_length=120, required=False)


class Pkcs11Form(forms.Form):
    """A key on a token or HSM the server reaches, through a library the
    administrator allowed (VANPHONG_PKCS11_MODULES)."""

    module = forms.ChoiceField(label=_("PKCS#11 library"))
    token = forms.CharField(label=_("Token label"), max_length=120)
    key = forms.CharField(label=_("Key label"), max_length=120, required=False)
    pin = forms.CharField(
        label=_("PIN"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Used once to check the key; not kept. You type it again at each signature."),
    )
    label = forms.CharField(label=_("Name for it"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["module"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(path, path) for path in settings.VANPHONG_PKCS11_MODULES]


class TrustAnchorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    certificate = forms.FileField(label=_("Root certificate (PEM or DER)"))


class CrlForm(forms.Form):
    crl = forms.FileField(label=_("Revocation list (CRL)"))


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Signed PDF"))
