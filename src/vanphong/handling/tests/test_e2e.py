"""The path of a transfer slip in a real browser: the clerk sends a document to the
Secretary, who directs it with a deadline; the lead person reports progress and
completes it; the slip's history shows every step."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import city_clerk, make_person, make_tree
from vanphong.handling.models import SlipState, TransferSlip
from vanphong.registry.models import DocumentType
from vanphong.registry.services import incoming_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def office(transactional_db):
    tree = make_tree()
    people = {
        "vanthu": city_clerk(tree, password=PASSWORD),
        "bithu": make_person(
            organization=tree.city,
            role=Role.SECRETARY,
            clearance=Secrecy.TOP_SECRET,
            username="bithu",
            full_name="Lê Văn Bình",
            password=PASSWORD,
        ),
        "xuly": make_person(
            organization=tree.grassroots,
            role=Role.SECRETARY,
            clearance=Secrecy.CONFIDENTIAL,
            username="xuly",
            full_name="Trần Văn Xử",
            password=PASSWORD,
        ),
    }
    today = timezone.localdate()
    document = incoming_register(
        actor=people["vanthu"],
        organization=tree.city,
        received_on=today,
        issuer="Ban Tổ chức Trung ương",
        symbol="12-CV/BTCTW",
        document_date=today - dt.timedelta(days=2),
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v hướng dẫn công tác chuẩn bị đại hội chi bộ",
    )
    return tree, people, document


def _sign_in(browser, live_server, username):
    """A fresh page signed in as `username`, in English (the test does not depend
    on when the Vietnamese catalog gets the new strings)."""
    page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")
    page.locator("#language").select_option("en")
    with page.expect_navigation():
        page.locator("footer form button[type=submit]").click()
    return page


def test_a_slip_goes_from_the_clerk_to_the_secretary_to_the_handler(live_server, browser, office):
    tree, people, document = office
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The clerk sends the document to the Secretary from its page.
    page = _sign_in(browser, live_server, "vanthu")
    page.goto(f"{live_server.url}/registry/incoming/{document.pk}/")
    page.locator("#send-to-leaders").click()
    page.wait_for_url(f"**/handling/send/{document.pk}/")
    page.get_by_label("Lê Văn Bình").check()
    page.locator("#id_note").fill("Kính trình đồng chí Bí thư")
    page.locator("#send-form button[type=submit]").click()
    page.wait_for_url("**/handling/slips/*/")
    slip = TransferSlip.objects.get()
    assert slip.state == SlipState.SENT
    page.close()

    # The Secretary sees the notification in the menu, opens the slip and directs it.
    page = _sign_in(browser, live_server, "bithu")
    page.goto(live_server.url + "/handling/mine/")
    assert page.locator(f"#to-direct [data-slip='{slip.pk}']").is_visible()
    assert page.get_by_role("link", name="Notifications (1)").is_visible()
    page.locator(f"#to-direct [data-slip='{slip.pk}'] a").click()
    page.wait_for_url(f"**/handling/slips/{slip.pk}/")
    page.locator("#id_direct-instruction").fill("Giao Đảng ủy Sở Tư pháp chủ trì, báo cáo trước hạn.")
    page.locator("#id_direct-lead_unit").select_option(str(tree.grassroots.pk))
    page.locator("#id_direct-lead_person").select_option(str(people["xuly"].pk))
    deadline = timezone.localdate() + dt.timedelta(days=5)
    page.locator("#id_direct-deadline").fill(deadline.strftime("%d/%m/%Y"))
    page.locator("#direction-form button[type=submit]").click()
    page.wait_for_selector("#instruction")
    assert "Giao Đảng ủy Sở Tư pháp chủ trì" in page.locator("#instruction").inner_text()
    page.close()

    # The lead person reports progress (in place, through htmx) and completes it.
    page = _sign_in(browser, live_server, "xuly")
    page.goto(live_server.url + "/handling/mine/")
    page.locator(f"#to-handle [data-slip='{slip.pk}'] a").click()
    page.wait_for_url(f"**/handling/slips/{slip.pk}/")
    page.locator("#id_progress-note").fill("Đã họp triển khai")
    page.locator("#progress-form button[type=submit]").click()
    page.locator("#progress-notes").get_by_text("Đã họp triển khai").wait_for()
    page.locator("#id_complete-note").fill("Đã báo cáo Thường trực")
    page.locator("#complete-form button[type=submit]").click()
    page.wait_for_selector("#complete-form", state="detached")
    assert page.locator("#slip-state").inner_text() == "Done"

    history = page.locator("ol.timeline")
    for step in ("Handling completed", "Progress recorded", "Directed", "Sent to leaders"):
        assert history.get_by_text(step, exact=True).is_visible()
    page.screenshot(path=str(SHOTS / "e2e-slip.png"), full_page=True)
    slip.refresh_from_db()
    assert slip.state == SlipState.DONE and slip.progress.count() == 1
