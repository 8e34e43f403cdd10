"""The outgoing register's pages: numbering a document from the form (its symbol shown
once saved), the list with htmx search, one entry with its history and the cancel
form, and classified documents kept from the uncleared everywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person, persona
from vanphong.registry import services
from vanphong.registry.models import DocumentType, NumberSeries, OutgoingDocument

TODAY = timezone.localdate()


@pytest.fixture
def form(tree, terms, secretary):
    def data(**overrides):
        values = {
            "organization": tree.city.pk,
            "document_type": DocumentType.objects.get(code="cong-van").pk,
            "issued_on": TODAY.strftime("%d/%m/%Y"),
            "abstract": "V/v chuẩn bị hội nghị tổng kết công tác năm",
            "signer": secretary.pk,
            "signer_title": "T/M BAN THƯỜNG VỤ / BÍ THƯ",
            "recipients": "Các đảng ủy trực thuộc,\nLưu VPTU.",
            "copies": 3,
            "secrecy": Secrecy.NONE,
            "urgency": 0,
        }
        values.update(overrides)
        return values

    return data


def test_the_clerk_numbers_a_document_and_sees_its_symbol(client, tree, clerk, form):
    client.force_login(clerk)
    page = client.get(reverse("outgoing_create")).content.decode()
    assert "autofocus" in page and "Thành ủy Ngọc Sơn (TU)" in page and "Văn phòng Thành ủy (VPTU)" in page
    response = client.post(reverse("outgoing_create"), form())
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outgoing_detail", args=[document.pk])
    assert (document.symbol, document.registered_by, document.copies) == ("01-CV/TU", clerk, 3)
    page = client.get(response["Location"]).content.decode()
    assert "01-CV/TU" in page  # in the message and the heading
    assert page.count("01-CV/TU") >= 2
    client.post(reverse("outgoing_create"), form())
    assert OutgoingDocument.objects.order_by("number").last().symbol == "02-CV/TU"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("abstract", "   ", "Trường này là bắt buộc"),
        ("issued_on", "31/02/2026", "dd/mm/yyyy"),
        ("recipients", "", "Trường này là bắt buộc"),
        ("copies", "0", "1"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_consumes_no_number(client, clerk, form, field, value, message):
    client.force_login(clerk)
    response = client.post(reverse("outgoing_create"), form(**{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    assert not OutgoingDocument.objects.exists() and not NumberSeries.objects.exists()
    client.post(reverse("outgoing_create"), form())
    assert OutgoingDocument.objects.get().number == 1


def test_the_services_refusal_shows_on_its_field(client, tree, clerk, form):
    """The office is offered as an issuer, but a công văn runs by term: the reason
    appears at the issuer field and nothing is numbered."""
    client.force_login(clerk)
    response = client.post(reverse("outgoing_create"), form(organization=tree.office.pk))
    assert response.status_code == 200
    assert 'id="id_organization_error"' in response.content.decode()
    assert not NumberSeries.objects.exists()


def test_a_clerk_is_not_offered_a_secrecy_above_their_clearance(client, clerk, form):
    client.force_login(clerk)  # cleared for Mật
    page = client.get(reverse("outgoing_create")).content.decode()
    assert ">Mật</option>" in page and "Tối mật" not in page
    response = client.post(reverse("outgoing_create"), form(secrecy=Secrecy.SECRET))
    assert response.status_code == 200 and not OutgoingDocument.objects.exists()


def test_the_list_finds_a_document_without_accents_through_htmx(client, clerk, outgoing):
    outgoing(abstract="V/v chuẩn bị đại hội chi bộ")
    client.force_login(clerk)
    response = client.get(reverse("outgoing_list"), {"q": "chuan bi dai hoi"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "01-CV/TU" in page and "<html" not in page
    assert "01-CV/TU" not in client.get(reverse("outgoing_list"), {"q": "ngan sach"}).content.decode()
    assert reverse("outgoing_create") in client.get(reverse("outgoing_list")).content.decode()


def test_a_classified_document_is_invisible_to_the_uncleared(client, tree, clerk, form):
    client.force_login(clerk)
    client.post(
        reverse("outgoing_create"),
        form(secrecy=Secrecy.CONFIDENTIAL, abstract="V/v an ninh nội bộ"),
        follow=True,  # the clerk reads the message with the symbol
    )
    document = OutgoingDocument.objects.get()
    assert document.register.is_classified
    uncleared = persona(tree, Role.SPECIALIST)
    client.force_login(uncleared)
    listing = client.get(reverse("outgoing_list")).content.decode()
    assert "01-CV/TU" not in listing and "an ninh" not in listing and "0 văn bản" in listing
    assert "01-CV/TU" not in client.get(reverse("outgoing_list"), {"q": "an ninh noi bo"}).content.decode()
    assert client.get(reverse("outgoing_detail", args=[document.pk])).status_code == 404
    deputy = make_person(organization=tree.office, role=Role.OFFICE_DEPUTY_CHIEF)
    client.force_login(deputy)
    assert "an ninh" not in client.get(reverse("audit_log")).content.decode()


def test_every_read_of_a_classified_document_is_audited(client, clerk, outgoing):
    document = outgoing(secrecy=Secrecy.CONFIDENTIAL)
    client.force_login(clerk)
    client.get(reverse("outgoing_detail", args=[document.pk]))
    reads = AuditEvent.objects.filter(
        action=services.AuditAction.OUTGOING_CLASSIFIED_READ, target_id=str(document.pk)
    )
    assert reads.count() == 1 and reads.get().actor == clerk


def test_the_clerk_cancels_a_document_which_keeps_its_number(client, clerk, outgoing):
    document = outgoing()
    client.force_login(clerk)
    page = client.get(reverse("outgoing_detail", args=[document.pk])).content.decode()
    assert reverse("outgoing_cancel", args=[document.pk]) in page
    response = client.post(reverse("outgoing_cancel", args=[document.pk]), {"note": ""})
    assert response.status_code == 200 and "Trường này là bắt buộc" in response.content.decode()
    document.refresh_from_db()
    assert not document.is_cancelled
    response = client.post(reverse("outgoing_cancel", args=[document.pk]), {"note": "Không phát hành"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.is_cancelled and document.number == 1 and document.cancelled_by == clerk
    page = client.get(reverse("outgoing_detail", args=[document.pk])).content.decode()
    assert "Không phát hành" in page and reverse("outgoing_cancel", args=[document.pk]) not in page
    assert "Không phát hành" in client.get(reverse("outgoing_list")).content.decode()
    assert outgoing().number == 2


def test_those_who_do_not_register_may_not_cancel(client, tree, secretary, outsider, outgoing):
    document = outgoing()
    client.force_login(secretary)
    page = client.get(reverse("outgoing_detail", args=[document.pk])).content.decode()
    assert reverse("outgoing_cancel", args=[document.pk]) not in page
    assert client.post(reverse("outgoing_cancel", args=[document.pk]), {"note": "Hủy"}).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("outgoing_cancel", args=[document.pk]), {"note": "Hủy"}).status_code == 404
    document.refresh_from_db()
    assert not document.is_cancelled


def test_outsiders_and_members_do_not_register_or_see(client, tree, outsider, member, outgoing):
    document = outgoing()
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(reverse("outgoing_create")).status_code == 403
        assert client.get(reverse("outgoing_detail", args=[document.pk])).status_code == 404
        assert "01-CV/TU" not in client.get(reverse("outgoing_list")).content.decode()


def test_the_menu_offers_the_outgoing_register(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("outgoing_list")}"' in page
