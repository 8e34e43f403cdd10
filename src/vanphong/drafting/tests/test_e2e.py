"""Issue 5's path in a real browser, in Vietnamese: the specialist drafts a công văn,
the Chief of Office approves it, the Secretary signs it (a wrong PIN first: refused,
nothing numbered) and it takes its number; it is sent to the bloc committee, whose
clerk sees it arrive with a valid-signature badge and registers it; the sender sees
it registered. A tampered copy of the signed PDF, attached to an incoming document,
shows as invalid."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from vanphong.core import services as core_services
from vanphong.core.models import Role, Secrecy
from vanphong.core.tests.factories import Tree, city_clerk, make_person, make_tree
from vanphong.drafting.models import Draft, DraftState
from vanphong.e2e import sign_in
from vanphong.exchange.models import Delivery, DeliveryState
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanphong.registry.tests.conftest import TERM_16_START, TERM_17_START
from vanphong.signatures import ca
from vanphong.signatures import services as signature_services
from vanphong.signatures.models import TrustAnchor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "test-results"
PASSWORD = "mat-khau-thu-nghiem"
PIN = "123456"
ABSTRACT = "V/v tổng kết công tác văn phòng cấp ủy năm 2026"


@pytest.fixture
def office(transactional_db) -> tuple[Tree, dict]:
    """The city committee with its 17th term running, its office's specialist and
    Chief, the Secretary with a DEMO certificate (PIN 123456) from an authority the
    office trusts, the city's clerk, and the bloc committee's clerk."""
    tree = make_tree()
    core_services.term_add(
        actor=None,
        organization=tree.city,
        number=16,
        started_on=TERM_16_START,
        ended_on=TERM_17_START - dt.timedelta(days=1),
    )
    core_services.term_add(actor=None, organization=tree.city, number=17, started_on=TERM_17_START)

    def person(organization, role, username, full_name, clearance=Secrecy.NONE):
        return make_person(
            organization=organization,
            role=role,
            clearance=clearance,
            username=username,
            full_name=full_name,
            password=PASSWORD,
        )

    people = {
        "chuyenvien": person(tree.office, Role.SPECIALIST, "chuyenvien", "Phạm Thị Soạn"),
        "chanhvp": person(tree.office, Role.OFFICE_CHIEF, "chanhvp", "Đỗ Văn Chánh", Secrecy.SECRET),
        "bithu": person(tree.city, Role.SECRETARY, "bithu", "Lê Văn Bình", Secrecy.TOP_SECRET),
        "vanthu": city_clerk(tree, password=PASSWORD),
        "vanthukhoi": person(tree.bloc, Role.CLERK, "vanthukhoi", "Trần Thị Khối"),
    }
    now = timezone.now()
    authority = ca.DemoAuthority.create(
        valid_from=now - dt.timedelta(days=30), valid_to=now + dt.timedelta(days=3650), key_type="ec"
    )
    TrustAnchor.objects.create(
        name="DEMO", certificate=authority.certificate.public_bytes(serialization.Encoding.DER), is_demo=True
    )
    key, certificate = authority.issue(
        people["bithu"].full_name,
        email=None,
        valid_from=now - dt.timedelta(days=1),
        valid_to=now + dt.timedelta(days=365),
        key_type="ec",
    )
    signature_services.credential_add_pkcs12(
        actor=None,
        person=people["bithu"],
        data=ca.pkcs12(key, certificate, [authority.certificate], PIN),
        passphrase=PIN,
        label="DEMO Lê Văn Bình",
        is_demo=True,
    )
    return tree, people


def _sign_in(browser, live_server, username: str, errors: list[str]) -> Page:
    """A fresh page signed in as `username`, in Vietnamese (the office's language);
    its script errors go into `errors`."""
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.set_default_timeout(10_000)
    page.on("pageerror", lambda error: errors.append(f"{username}: {error}"))
    sign_in(page, live_server.url, username, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "vi"
    return page


def _fetch(page: Page, live_server, link):
    """What the link leads to, fetched with the page's session (the browser would
    open the PDF in a new tab)."""
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok
    return response


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"drafting-{name}.png"), full_page=True)


def test_a_letter_is_drafted_approved_signed_sent_and_registered(live_server, browser, office):
    tree, people = office
    SHOTS.mkdir(parents=True, exist_ok=True)
    menu = "Menu chính"
    errors: list[str] = []

    # --- The specialist drafts the công văn, from its type's template. -------------------------
    page = _sign_in(browser, live_server, "chuyenvien", errors)
    page.get_by_role("navigation", name=menu).get_by_role("link", name="Dự thảo văn bản", exact=True).click()
    page.get_by_role("link", name="Soạn văn bản mới").click()
    page.wait_for_url("**/drafts/new/")
    page.locator("#draft-types").get_by_role("link", name="Công văn", exact=True).click()
    page.wait_for_url("**/drafts/new/?type=cong-van")
    letter = DocumentType.objects.get(code="cong-van")
    expect(page.get_by_label("Tên loại văn bản")).to_have_value(str(letter.pk))
    # The header lines the tree prints when left blank show in the empty fields (the
    # label is a new string: found by its id until it is translated).
    expect(page.locator("#id_issuing_body")).to_have_attribute("placeholder", "THÀNH ỦY NGỌC SƠN")
    page.get_by_label("Trích yếu").fill(ABSTRACT)
    page.get_by_label("Địa danh").fill("Ngọc Sơn")
    editor = page.frame_locator("iframe.tox-edit-area__iframe").locator("body#tinymce")
    expect(editor).to_contain_text("Kính gửi")  # the template's skeleton, replaced below
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("Kính gửi: Đảng ủy Khối các cơ quan thành phố")
    page.keyboard.press("Enter")
    page.keyboard.type("Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Thành ủy đề nghị các đảng ủy")
    page.keyboard.type(" trực thuộc báo cáo kết quả trước ngày 15/12. Đây là việc ")
    page.get_by_role("button", name="In đậm").click()
    page.keyboard.type("quan trọng")
    page.get_by_role("button", name="In đậm").click()
    page.keyboard.type(".")
    page.get_by_label("Thể thức ký").select_option("T/M")
    page.get_by_label("Thay mặt / ký thay cho").fill("Ban Thường vụ")
    page.get_by_label("Người ký", exact=True).select_option(label="Lê Văn Bình")
    page.get_by_label("Chức vụ người ký").fill("Bí thư")
    page.locator("#draft-form").get_by_label("Đảng ủy Khối các cơ quan thành phố", exact=True).check()
    _shot(page, "1-new")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.wait_for_url("**/drafts/*/")
    draft = Draft.objects.get()
    assert draft.abstract == ABSTRACT and draft.signer == people["bithu"]
    assert draft.body_html == (
        "<p>Kính gửi: Đảng ủy Khối các cơ quan thành phố</p>\n"
        "<p>Thực hiện Chương trình công tác năm 2026, Ban Thường vụ Thành ủy đề nghị các đảng ủy trực thuộc "
        "báo cáo kết quả trước ngày 15/12. Đây là việc <strong>quan trọng</strong>.</p>"
    ), draft.body_html
    assert list(draft.internal_recipients.all()) == [tree.bloc]
    assert draft.signature_lines() == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    assert draft.issuing_body == "THÀNH ỦY NGỌC SƠN"

    # It goes to the Chief of Office, chosen by default.
    submit_form = page.locator("#submit-form")
    expect(submit_form.get_by_label("Người duyệt thứ nhất")).to_have_value(str(people["chanhvp"].pk))
    submit_form.get_by_role("button", name="Trình").click()
    expect(page.locator("#draft-state")).to_have_text("Đang trình duyệt")
    expect(page.locator("#turn")).to_have_text("Đang chờ đồng chí Đỗ Văn Chánh.")
    _shot(page, "2-submitted")
    page.close()

    # --- The Chief of Office finds it waiting, reads the preview and approves it. -------------
    page = _sign_in(browser, live_server, "chanhvp", errors)
    page.get_by_role("navigation", name=menu).get_by_role("link", name="Dự thảo văn bản").click()
    expect(page.get_by_role("heading", name="Chờ đồng chí xử lý")).to_be_visible()
    _shot(page, "2b-waiting")
    page.locator("#to-act").get_by_role("link", name=ABSTRACT).click()
    page.wait_for_url(f"**/drafts/{draft.pk}/")
    expect(page.locator("#turn")).to_have_text("Chờ đồng chí xử lý")
    preview = _fetch(page, live_server, page.get_by_role("link", name="Xem bản in (PDF)"))
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF-")
    (SHOTS / "drafting-preview.pdf").write_bytes(preview.body())
    page.locator("#decision-form").get_by_role("button", name="Duyệt").click()
    expect(page.locator("#draft-state")).to_have_text("Chờ ký")
    page.close()

    # --- The Secretary signs: a wrong PIN is refused and numbers nothing; the right one issues it.
    page = _sign_in(browser, live_server, "bithu", errors)
    page.get_by_role("navigation", name=menu).get_by_role("link", name="Dự thảo văn bản").click()
    page.locator("#to-act").get_by_role("link", name=ABSTRACT).click()
    sign_form = page.locator("#sign-form")
    expect(sign_form.get_by_label("Chứng thư số")).to_contain_text("DEMO Lê Văn Bình")
    sign_form.get_by_label("Mã PIN hoặc mật khẩu chứng thư").fill("000000")
    sign_form.get_by_role("button", name="Ký số").click()
    expect(page.locator("#sign-form .invalid-feedback")).to_have_text(
        "Chữ ký không hợp lệ: Sai mật khẩu của tệp chứng thư số."
    )
    _shot(page, "3-wrong-pin")
    assert not OutgoingDocument.objects.exists()
    draft.refresh_from_db()
    assert draft.state == DraftState.AWAITING_SIGNATURE and not draft.signed_pdf
    page.locator("#sign-form").get_by_label("Mã PIN hoặc mật khẩu chứng thư").fill(PIN)
    page.locator("#sign-form").get_by_role("button", name="Ký số").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Số 01-CV/TU")
    expect(page.locator("#draft-state")).to_have_text("Đã ký")
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("01-CV/TU")
    draft.refresh_from_db()
    assert draft.outgoing is not None and draft.outgoing.symbol == "01-CV/TU"
    signed = _fetch(page, live_server, page.get_by_role("link", name="Bản PDF đã ký số"))
    assert signed.headers["content-type"] == "application/pdf"
    signed_pdf = signed.body()
    (SHOTS / "drafting-signed.pdf").write_bytes(signed_pdf)
    # Her page offers the sending too; the clerk does it below.
    expect(page.locator("#not-sent")).to_contain_text("Đảng ủy Khối các cơ quan thành phố")
    expect(page.locator("#send-button")).to_be_visible()
    _shot(page, "4-signed")
    page.close()

    # --- The city's clerk sends it from the outgoing register. ---------------------------------
    page = _sign_in(browser, live_server, "vanthu", errors)
    page.get_by_role("navigation", name=menu).get_by_role("link", name="Văn bản đi", exact=True).click()
    page.get_by_role("link", name="01-CV/TU").click()
    page.wait_for_url(f"**/registry/outgoing/{draft.outgoing.pk}/")
    page.get_by_role("button", name="Gửi đến các nơi nhận trong hệ thống").click()
    expect(page.locator(".alert-success")).to_have_text("Đã gửi đến Đảng ủy Khối các cơ quan thành phố.")
    expect(page.locator("#deliveries tbody tr")).to_have_text(
        re.compile("Đảng ủy Khối các cơ quan thành phố.*Đã gửi")
    )
    # Every recipient has it: nothing is left to send.
    expect(page.locator("#send-button")).to_have_count(0)
    _shot(page, "5-sent")
    page.close()

    # --- The bloc's clerk sees it arrive, valid, and registers it. -----------------------------
    page = _sign_in(browser, live_server, "vanthukhoi", errors)
    # (The entry's label may carry the number waiting: found by where it leads.)
    page.get_by_role("navigation", name=menu).locator("a[href='/exchange/']").click()
    row = page.locator("#queue tbody tr", has_text="01-CV/TU")
    expect(row.locator(".vp-signature")).to_have_text("✓ Chữ ký hợp lệ")
    expect(row).to_contain_text("Thành ủy Ngọc Sơn")
    _shot(page, "6-queue")
    row.get_by_role("link", name="01-CV/TU").click()
    expect(page.locator("#signature-check")).to_contain_text("Người ký: Lê Văn Bình")
    form = page.locator("#register-form")
    expect(form.get_by_label("Cơ quan ban hành")).to_have_value("Thành ủy Ngọc Sơn")
    expect(form.get_by_label("Số và ký hiệu")).to_have_value("01-CV/TU")
    expect(form.get_by_label("Trích yếu")).to_have_value(ABSTRACT)
    expect(form.get_by_label("Ngày văn bản")).to_have_value(timezone.localdate().strftime("%d/%m/%Y"))
    expect(form.get_by_label("Tên loại văn bản")).to_contain_text("Công văn")
    _shot(page, "7-delivery")
    form.get_by_role("button", name="Lưu vào sổ").click()
    page.wait_for_url("**/registry/incoming/*/")
    incoming = IncomingDocument.objects.get(organization=tree.bloc)
    assert page.url.endswith(f"/registry/incoming/{incoming.pk}/")
    assert (incoming.symbol, incoming.issuer, incoming.abstract) == (
        "01-CV/TU",
        "Thành ủy Ngọc Sơn",
        ABSTRACT,
    )
    attachments = page.locator("#attachments")
    expect(attachments.locator("li", has_text="01-CV-TU.pdf").locator(".vp-signature")).to_have_text(
        "✓ Chữ ký hợp lệ"
    )
    _shot(page, "8-registered")
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.REGISTERED and delivery.incoming == incoming

    # --- A tampered copy attached to the same document shows as invalid. ---------------------
    tampered = bytearray(signed_pdf)
    tampered[tampered.index(b"\n") + 2] ^= 0x01  # the header's binary comment: inside the signed range
    page.locator("#attachment-form input[type=file]").set_input_files(
        {"name": "01-CV-TU-ban-sua.pdf", "mimeType": "application/pdf", "buffer": bytes(tampered)}
    )
    page.locator("#attachment-form").get_by_role("button", name="Đính kèm").click()
    tampered_item = attachments.locator("li", has_text="01-CV-TU-ban-sua.pdf")
    expect(tampered_item.locator(".vp-signature")).to_have_text("✗ Chữ ký không hợp lệ")
    # The genuine one is still valid beside it.
    expect(attachments.locator("li", has_text="01-CV-TU.pdf").first.locator(".vp-signature")).to_have_text(
        "✓ Chữ ký hợp lệ"
    )
    _shot(page, "9-tampered")
    page.close()

    # --- Back at the sender: the delivery shows as registered, with its incoming number. -------
    page = _sign_in(browser, live_server, "chuyenvien", errors)
    page.goto(f"{live_server.url}/drafts/{draft.pk}/")
    registered = page.locator("#deliveries tbody tr", has_text="Đảng ủy Khối các cơ quan thành phố")
    expect(registered).to_contain_text("Đã vào sổ")
    expect(registered).to_contain_text(f"số đến {incoming.number}")
    # The drafter does not send (she would be refused): no button.
    expect(page.locator("#send-button")).to_have_count(0)
    _shot(page, "10-sender")
    page.close()
    assert errors == []
