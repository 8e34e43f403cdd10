"""The contact form's check (mã kiểm tra): django-simple-captcha, offline, with a text
alternative.

The image shows a small sum ("7+5="); the library's audio alternative needs `flite`
(an English voice) and is not used: the page gives the same question in Vietnamese
words under the image ("bảy cộng năm bằng mấy?") for those who cannot see it. That
text is readable by a program too, which is why the form also has a honeypot field
and a rate limit per client: the check slows scripts, it does not stop a determined one.
"""

from __future__ import annotations

import secrets
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
WORDS = {"+": "cộng", "-": "trừ"}


def challenge() -> tuple[str, str]:
    """(what the image shows, the answer): a sum or a difference of numbers up to ten."""
    left, right = secrets.randbelow(10) + 1, secrets.randbelow(10) + 1
    if secrets.randbelow(2):
        return f"{left}+{right}=", str(left + right)
    left, right = max(left, right), min(left, right)
    return f"{left}-{right}=", str(left - right)


def spoken(text: str) -> str:
    """ "7+5=" in Vietnamese words: "bảy cộng năm bằng mấy?" """
    for sign, word in WORDS.items():
        if sign in text:
            left, right = text.rstrip("=").split(sign)
            return f"{DIGITS[int(left)]} {word} {DIGITS[int(right)]} bằng mấy?"
    return ""


class TextAlternativeInput(CaptchaTextInput):
    """The library's widget, plus the question in words."""

    template_name = "public/captcha_widget.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        store = CaptchaStore.objects.filter(hashkey=self._key).only("challenge").first()
        context["spoken"] = spoken(store.challenge) if store is not None else ""
        return context


def captcha_field(**kwargs: Any) -> CaptchaField:
    return CaptchaField(
        widget=TextAlternativeInput(attrs={"autocomplete": "off", "inputmode": "numeric"}), **kwargs
    )
