from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vanphong.core.forms import MultipleFileField, OrganizationChoiceField
from vanphong.core.models import Organization


class BatchForm(forms.Form):
    organization = OrganizationChoiceField(label=_("Archive of"), queryset=Organization.objects.none())
    title = forms.CharField(
        label=_("Batch name"),
        max_length=200,
        required=False,
        help_text=_("E.g. Hồ sơ Hội nghị BTV 1998, hộp 12."),
    )
    scans = MultipleFileField(
        label=_("Scanned files"),
        help_text=_(
            "PDF, TIFF (several pages), JPEG, PNG, or a ZIP of them. Each file is checked on its own."
        ),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
        self.fields["scans"].widget.attrs["accept"] = ".pdf,.tif,.tiff,.jpg,.jpeg,.png,.zip"


class ScanSearchForm(forms.Form):
    q = forms.CharField(label=_("Words inside the scans"), required=False)
