"""RichTextWidget renders a working textarea (no JavaScript needed) plus the editor's
configuration, with no inline script. No database."""

from __future__ import annotations

import re

from django import forms
from django.utils import translation

from vanphong.drafting.widgets import RichTextWidget


class BodyForm(forms.Form):
    body = forms.CharField(label="Nội dung", widget=RichTextWidget)


def test_the_textarea_holds_the_body_escaped_and_the_script_is_loaded_from_static():
    html = str(BodyForm(initial={"body": "<p>a</p></textarea><script>alert(1)</script>"})["body"])
    assert '<textarea name="body" cols="40" rows="15" required id="id_body">' in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert scripts == [""]  # one script element, no inline code
    assert '<script src="/static/js/richtext.js" defer>' in html
    assert 'data-tinymce-src="/static/vendor/tinymce/tinymce.min.js"' in html
    assert 'data-base-url="/static/vendor/tinymce"' in html


def test_the_editor_speaks_vietnamese_only_where_a_language_pack_is_vendored():
    with translation.override("vi"):
        html = RichTextWidget().render("body", "")
    assert 'data-language="vi"' in html
    assert 'data-language-url="/static/vendor/tinymce/langs/vi.js"' in html
    with translation.override("en"):
        html = RichTextWidget().render("body", "")
    assert 'data-language=""' in html
    assert "data-language-url" not in html
    assert 'data-label-heading2="Heading 2"' in html


def test_attributes_given_to_the_widget_reach_the_textarea():
    html = RichTextWidget(attrs={"rows": 30, "class": "form-control"}).render(
        "body", None, attrs={"id": "x", "aria-describedby": "x_error"}
    )
    assert (
        '<textarea name="body" cols="40" rows="30" class="form-control" id="x" aria-describedby="x_error">'
        in html
    )
