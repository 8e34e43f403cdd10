from __future__ import annotations

from django import forms
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


class TrustAnchorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    certificate = forms.FileField(label=_("Root certificate (PEM or DER)"))


class CrlForm(forms.Form):
    crl = forms.FileField(label=_("Revocation list (CRL)"))


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Signed PDF"))
