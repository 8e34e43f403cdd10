"""The public site's forms (contact, lookup) and the office's (announcement, image)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.public.captcha import captcha_field
from vanphong.public.models import AnnouncementKind

NAME_LIMIT = 200
CONTACT_LIMIT = 200
SUBJECT_LIMIT = 300
CONTENT_LIMIT = 10_000
CODE_LIMIT = 40

# Markup that would run in a browser: refused at the field (everything is shown
# escaped anyway; a letter that carries a script is not an honest letter).
SCRIPTED = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|svg|math|form|meta|link|base)\b"
    r"|<[^>]*\bon[a-z]+\s*="
    r"|(java|vb)script\s*:"
    r"|data\s*:\s*text/html",
    re.IGNORECASE,
)
PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{7,18}[0-9]$")


def _text(value: str, limit: int, *, multiline: bool = False) -> str:
    value = value.replace("\r\n", "\n").strip() if multiline else " ".join(value.split())
    if len(value) > limit:
        raise forms.ValidationError(
            _("At most %(limit)s characters (this has %(length)s)."),
            code="too_long",
            params={"limit": f"{limit:,}".replace(",", "."), "length": f"{len(value):,}".replace(",", ".")},
        )
    if SCRIPTED.search(value):
        raise forms.ValidationError(
            _("Remove the code or markup (such as <script>) from the text; write plain text."),
            code="scripted",
        )
    return value


class ContactForm(forms.Form):
    """Họ tên, how to answer, tiêu đề, nội dung, mã kiểm tra; and a field no person
    fills in (hidden from view and from screen readers): a program that fills every
    field gives itself away."""

    name = forms.CharField(label=_("Full name"), widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact = forms.CharField(
        label=_("E-mail or phone number"),
        help_text=_("So that the office can answer you."),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"))
    content = forms.CharField(
        label=_("Content"),
        help_text=_("Plain text, at most 10.000 characters."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    captcha = captcha_field(
        label=_("Check"),
        help_text=_("Type the result of the sum in the image."),
        error_messages={
            "invalid": _("The check's answer is wrong; a new question is shown, answer it again."),
            "required": _("Answer the check."),
        },
    )

    def clean_name(self) -> str:
        return _text(self.cleaned_data["name"], NAME_LIMIT)

    def clean_subject(self) -> str:
        return _text(self.cleaned_data["subject"], SUBJECT_LIMIT)

    def clean_content(self) -> str:
        return _text(self.cleaned_data["content"], CONTENT_LIMIT, multiline=True)

    def clean_contact(self) -> str:
        value = _text(self.cleaned_data["contact"], CONTACT_LIMIT)
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("This e-mail address is not valid."), code="contact") from error
        elif not PHONE.match(value):
            raise forms.ValidationError(_("Give an e-mail address or a phone number."), code="contact")
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "contact", "subject", "content"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["captcha"].widget.attrs["class"] = "form-control w-auto"

    def is_honeypot_filled(self) -> bool:
        return bool((self.data.get("website") or "").strip())


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=CODE_LIMIT,
        error_messages={
            "max_length": _(
                "A tracking code has at most %(limit_value)d characters (this has %(show_value)d)."
            )
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


class AnnouncementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AnnouncementKind.choices)
    title = forms.CharField(label=pgettext_lazy("public announcement", "Title"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        help_text=_("Plain text; a blank line starts a new paragraph."),
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
