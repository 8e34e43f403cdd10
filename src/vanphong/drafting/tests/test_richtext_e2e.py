"""The drafts' body editor in a real browser: TinyMCE from the vendored files only,
in Vietnamese, posting HTML that clean_body keeps; and the bare textarea without
JavaScript."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import expect

import vanphong
from vanphong.drafting.html import body_text, clean_body
from vanphong.drafting.tests.test_html import WORD_PASTE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("vanphong.drafting.tests.urls_richtext"),
]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PAGE = "/tests/richtext/"


VENDORED_EDITOR = {
    f"/static/vendor/{entry['file']}"
    for entry in json.loads((Path(vanphong.__file__).parent / "static/vendor/MANIFEST.json").read_text())[
        "files"
    ]
    if entry["file"].startswith("tinymce/") and entry["file"].endswith((".js", ".css"))
}


def watch(page, live_server, loaded=None):
    """Every request to another host, every failed response and every console error;
    the paths of the vendored editor's files fetched go into ``loaded``."""
    origin = urlsplit(live_server.url).netloc
    problems: list[str] = []

    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme not in {"data", "blob", "about"} and url.netloc != origin:
            problems.append(f"request to another host: {request.url}")
        if loaded is not None and url.path.startswith("/static/vendor/tinymce/"):
            loaded.add(url.path)

    page.on("request", on_request)
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and not r.url.endswith("/favicon.ico") and problems.append(f"{r.status} {r.url}")
        ),
    )
    # (A failed load is reported above with its URL: the browser's own /favicon.ico may fail.)
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and problems.append(f"console: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def test_the_clerk_writes_a_bold_word_and_a_table_and_the_server_keeps_them(live_server, browser):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    loaded: set[str] = set()
    problems = watch(page, live_server, loaded)
    page.goto(live_server.url + PAGE)

    # The editor replaces the textarea, with its toolbar in Vietnamese.
    editor = page.frame_locator("iframe.tox-edit-area__iframe").locator("body#tinymce")
    editor.wait_for()
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    expect(page.locator("[data-richtext-hint]")).to_be_hidden()
    assert editor.get_attribute("aria-label") == "Nội dung"  # the field's label, without its "*"
    toolbar = page.get_by_role("toolbar")
    assert toolbar.get_by_role("button").evaluate_all("buttons => buttons.map(b => b.ariaLabel)") == [
        "Hoàn tác",
        "Làm lại",
        "Khối Đoạn văn",
        "In đậm",
        "In nghiêng",
        "Gạch dưới",
        "Danh sách dạng biểu tượng",
        "Danh sách đánh số",
        "Canh trái",
        "Căn giữa",
        "Căn phải",
        "Căn đều hai bên",
        "Bảng",
    ]
    toolbar.get_by_role("button", name="Khối").click()
    # The block names are the site's msgids (Đoạn văn, Tiêu đề 2, Tiêu đề 3), which
    # TinyMCE's language pack translates again if it knows them.
    with translation.override("vi"):
        labels = [
            translation.gettext("Paragraph"),
            translation.gettext("Heading 2"),
            translation.gettext("Heading 3"),
        ]
    shown = page.evaluate("labels => labels.map(label => tinymce.util.I18n.translate(label))", labels)
    assert shown[0] == "Đoạn văn"
    assert page.get_by_role("menuitemcheckbox").all_inner_texts() == shown
    page.keyboard.press("Escape")

    # Sent empty, the required body comes back with the server's message (the hidden
    # textarea's own "required" would have stopped the browser without a word).
    page.get_by_role("button", name="Lưu").click()
    with translation.override("vi"):
        required = translation.gettext("This field is required.")
    expect(page.locator(".invalid-feedback")).to_have_text(required)
    editor.wait_for()

    # A paragraph whose last word is made bold with the toolbar.
    editor.click()
    page.keyboard.type("Căn cứ Điều lệ Đảng")
    page.keyboard.press("Shift+Control+ArrowLeft")
    page.get_by_role("button", name="In đậm").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    # A 2×2 table from the toolbar's grid, then its cells typed in.
    toolbar.get_by_role("button", name="Bảng").click()
    page.get_by_role("menuitem", name="Bảng", exact=True).click()
    page.get_by_role("button", name="2 cột, 2 hàng").click()
    page.keyboard.type("Đơn vị")
    page.keyboard.press("Tab")
    page.keyboard.type("Số lượng")
    page.keyboard.press("Tab")
    page.keyboard.type("Ban Tổ chức")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    assert editor.locator("table tr").count() == 2
    assert editor.locator("strong").inner_text() == "Đảng"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-richtext.png"), full_page=True)

    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    posted = page.locator("#posted").inner_text()
    body = clean_body(posted)
    assert body == (
        "<p>Căn cứ Điều lệ <strong>Đảng</strong></p>\n"
        "<table><tbody><tr><td>Đơn vị</td><td>Số lượng</td></tr>"
        "<tr><td>Ban Tổ chức</td><td>3</td></tr></tbody></table>"
    ), posted
    assert body_text(posted) == "Căn cứ Điều lệ Đảng\nĐơn vị | Số lượng\nBan Tổ chức | 3"
    # What the editor posted back is what the page shows again.
    page.frame_locator("iframe.tox-edit-area__iframe").locator("body#tinymce table").wait_for()
    assert problems == []
    # Every vendored file of the editor is used, and none is missing (no 404 above).
    assert loaded == VENDORED_EDITOR


def test_without_javascript_the_clerk_types_plain_paragraphs(live_server, browser):
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + PAGE)
    textarea = page.get_by_label("Nội dung")
    assert textarea.is_visible()
    with translation.override("vi"):
        hint = translation.gettext("Type each paragraph on its own line.")
    assert page.get_by_text(hint).is_visible()
    textarea.fill("Căn cứ Điều lệ Đảng;\n\nXét đề nghị của Văn phòng,")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert clean_body(page.locator("#posted").inner_text()) == (
        "<p>Căn cứ Điều lệ Đảng;</p>\n<p>Xét đề nghị của Văn phòng,</p>"
    )
    context.close()


def test_a_paste_from_word_keeps_text_alignment_emphasis_and_tables(live_server, browser):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 1000})
    problems = watch(page, live_server)
    page.goto(live_server.url + PAGE)
    editor = page.frame_locator("iframe.tox-edit-area__iframe").locator("body#tinymce")
    editor.click()
    # A real paste event, with the HTML Word puts on the clipboard.
    editor.evaluate(
        """(body, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "BÁO CÁO");
            const paste = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
            body.dispatchEvent(paste);
        }""",
        WORD_PASTE,
    )
    editor.locator("table").wait_for()
    html = page.evaluate("tinymce.activeEditor.getContent()")
    for junk in ("mso", "class=", "<!--", "<![", "<span", "<o:p", "<img", "font-family", "width"):
        assert junk not in html, (junk, html)
    # What the server keeps is the same as from Word's own HTML.
    assert clean_body(html) == clean_body(WORD_PASTE)
    assert problems == []
