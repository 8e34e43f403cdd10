from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx,.odt"


class AttachmentForm(forms.Form):
    # `accept` only helps the file picker; the service reads the type from the content.
    file = forms.FileField(
        label=_("File"),
        max_length=255,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
