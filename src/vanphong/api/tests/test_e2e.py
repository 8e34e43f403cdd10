"""API tokens in a real browser: a clerk opens the page from their own menu, creates a token,
sees it once, a program uses it against /api/v1/; the clerk revokes it and the
program is refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from vanphong.api.models import ApiToken
from vanphong.core.tests.factories import city_clerk, make_tree
from vanphong.core.tokens import token_hash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


def _api_status(url: str, token: str) -> tuple[int, object]:
    """What a program gets from the API with this token."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_token_is_created_seen_once_used_and_revoked(live_server, browser):
    tree = make_tree()
    city_clerk(tree, password=PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/account/login/")
    page.locator("#id_username").fill("vanthu")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")
    page.locator("#language").select_option("en")
    with page.expect_navigation():
        page.locator("footer form button[type=submit]").click()

    # From the person's own menu to the page; no token yet.
    page.get_by_role("button", name="Nguyễn Thị Hoa").click()
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/api/tokens/")
    assert "No API token yet." in page.locator("#token-table").inner_text()

    # Create one (in place, through htmx): the token is shown with the warning.
    page.locator("#id_name").fill("Máy quét văn thư")
    page.locator("#token-form button[type=submit]").click()
    page.locator("#new-token").wait_for()
    secret = page.locator("#new-token").input_value()
    assert "shown only this once" in page.locator("#new-token-panel").inner_text()
    token = ApiToken.objects.get()
    assert token.digest == token_hash(secret)
    page.screenshot(path=str(SHOTS / "e2e-apitoken.png"), full_page=True)

    # A program uses it.
    status, body = _api_status(live_server.url + "/api/v1/incoming/", secret)
    assert status == 200 and isinstance(body, dict) and body["count"] == 0

    # Never shown again: after a reload only its prefix is on the page, and it has been used.
    page.reload()
    assert secret not in page.content()
    row = page.locator(f"#token-table [data-token='{token.pk}']")
    assert f"{token.prefix}…" in row.inner_text()
    assert "Never used" not in row.inner_text()

    # Revoked (after confirming): the program is refused from then on.
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    row.get_by_text("Revoked on").wait_for()
    token.refresh_from_db()
    assert token.is_revoked
    status, body = _api_status(live_server.url + "/api/v1/incoming/", secret)
    assert status == 401 and body == {"detail": "Unauthorized"}
    page.close()
