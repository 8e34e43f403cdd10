"""The rich-text editor of a draft's body.

``RichTextWidget`` renders a plain ``<textarea>`` (without JavaScript the form still
works: the clerk types one paragraph per line and ``html.clean_body`` makes them
paragraphs) inside a wrapper whose ``data-*`` attributes configure the editor that
``static/js/richtext.js`` puts over it: TinyMCE, vendored under
``static/vendor/tinymce/`` (no CDN, no cloud, no API key). The template loads that
script itself, so any form using the widget works on any page, with no inline script
(a Content-Security-Policy of ``script-src 'self'`` suffices).

What the editor posts is HTML from the browser: always pass it through
``vanphong.drafting.html.clean_body`` before storing it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: Languages with a vendored TinyMCE language pack (others get TinyMCE's English).
EDITOR_LANGUAGES = frozenset({"vi"})


class RichTextWidget(forms.Textarea):
    template_name = "drafting/widgets/richtext.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 15, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        language = (get_language() or "").split("-")[0]
        context["editor_language"] = language if language in EDITOR_LANGUAGES else ""
        return context

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        # The project's template engine (templates/drafting/widgets/), whatever the
        # form's renderer: Django's default form renderer only searches the apps.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))
