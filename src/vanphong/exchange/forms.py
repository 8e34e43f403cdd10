from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import OrganizationChoiceField
from vanphong.core.models import Organization


class PackageImportForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Received by"), queryset=Organization.objects.none())
    package = forms.FileField(
        label=_("Exchange package (.zip)"),
        help_text=_("A ZIP with the signed document.pdf and its metadata.json, from another system."),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
