from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vanphong.archive.models import Dossier
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
    # An empty file is let through: the pipeline refuses it alone, naming it, and the
    # rest of the batch is read (the form's own refusal stopped the whole upload).
    scans = MultipleFileField(label=_("Scanned files"), allow_empty_file=True)

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
        self.fields["scans"].widget.attrs["accept"] = ".pdf,.tif,.tiff,.jpg,.jpeg,.png,.zip"
        self.fields["scans"].help_text = _(
            "PDF, TIFF (several pages), JPEG, PNG, or a ZIP of them, at most %(limit)s files at a "
            "time (more in a ZIP). Each file is checked on its own."
        ) % {"limit": max_upload_files()}


def max_upload_files() -> int:
    """How many files one upload may hold (Django's DATA_UPLOAD_MAX_NUMBER_FILES, which
    the settings raise for boxes of scans)."""
    return int(settings.DATA_UPLOAD_MAX_NUMBER_FILES or 0)


class ScanSearchForm(forms.Form):
    q = forms.CharField(label=_("Words inside the scans"), required=False)


class DossierChoiceField(forms.ModelChoiceField[Dossier]):
    def label_from_instance(self, obj: Dossier) -> str:
        return f"{obj.number}. {obj.title[:70]}"


class FilingForm(forms.Form):
    """A read scan filed into a dossier, with the title and the sheets the archivist
    corrects (prefilled with the title guessed from the text and the page count)."""

    dossier = DossierChoiceField(
        label=_("File in the dossier"), queryset=Dossier.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title of the document"),
        max_length=400,
        help_text=_("Guessed from the text read: correct it as the document says."),
    )
    sheets = forms.IntegerField(
        label=_("Sheets"),
        min_value=0,
        max_value=100_000,
        help_text=_("Its page count to begin with: a sheet printed on both sides is one sheet."),
    )

    def __init__(self, *args: Any, dossiers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dossier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = dossiers
