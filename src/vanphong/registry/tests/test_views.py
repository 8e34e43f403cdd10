import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person
from vanphong.registry import services
from vanphong.registry.models import DocumentType, IncomingDocument

TODAY = timezone.localdate()


def _form(**overrides):
    data = {
        "received_on": TODAY.strftime("%d/%m/%Y"),
        "issuer": "Ban Tổ chức Trung ương",
        "symbol": "12-CV/BTCTW",
        "document_date": (TODAY - dt.timedelta(days=2)).strftime("%d/%m/%Y"),
        "document_type": DocumentType.objects.get(code="cong-van").pk,
        "abstract": "V/v hướng dẫn công tác chuẩn bị đại hội chi bộ",
        "secrecy": Secrecy.NONE,
        "urgency": 0,
    }
    data.update(overrides)
    return data


@pytest.fixture
def registered(tree, clerk):
    return services.incoming_register(
        actor=clerk,
        organization=tree.city,
        received_on=TODAY,
        issuer="Ban Tổ chức Trung ương",
        symbol="12-CV/BTCTW",
        document_date=TODAY - dt.timedelta(days=2),
        document_type=DocumentType.objects.get(code="cong-van"),
        abstract="V/v hướng dẫn công tác chuẩn bị đại hội chi bộ",
    )


def test_the_clerk_registers_a_document_and_gets_its_number(client, tree, clerk):
    client.force_login(clerk)
    response = client.post(reverse("incoming_create"), _form(handler_unit=tree.bloc.pk))
    document = IncomingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incoming_detail", args=[document.pk]
    )
    assert document.number == 1 and document.organization == tree.city and document.handler_unit == tree.bloc
    page = client.get(response["Location"]).content.decode()
    assert "Văn bản đến số 1" in page and "Vào sổ văn bản đến" in page  # the page and its history


def test_the_same_document_twice_gets_a_warning_with_a_link_and_no_number(client, tree, clerk, registered):
    client.force_login(clerk)
    response = client.post(
        reverse("incoming_create"), _form(issuer="BAN TỔ CHỨC TRUNG ƯƠNG", symbol="12 - cv/btctw")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Văn bản này có thể đã được vào sổ" in page
    assert reverse("incoming_detail", args=[registered.pk]) in page
    assert IncomingDocument.objects.count() == 1
    response = client.post(
        reverse("incoming_create"),
        _form(issuer="BAN TỔ CHỨC TRUNG ƯƠNG", symbol="12 - cv/btctw", confirm_duplicate="on"),
    )
    assert response.status_code == 302
    assert IncomingDocument.objects.order_by("number").last().number == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("abstract", "   ", "Trường này là bắt buộc"),
        ("received_on", (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y"), "tương lai"),
        ("document_date", "31/02/2026", "dd/mm/yyyy"),
        ("issuer", "", "Trường này là bắt buộc"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_consumes_no_number(client, tree, clerk, field, value, message):
    client.force_login(clerk)
    response = client.post(reverse("incoming_create"), _form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IncomingDocument.objects.exists()
    client.post(reverse("incoming_create"), _form())
    assert IncomingDocument.objects.get().number == 1  # the failed attempt took no number


def test_a_clerk_is_not_offered_a_secrecy_above_their_clearance(client, tree, clerk):
    client.force_login(clerk)  # cleared for Mật
    page = client.get(reverse("incoming_create")).content.decode()
    assert ">Mật</option>" in page and "Tối mật" not in page
    response = client.post(reverse("incoming_create"), _form(secrecy=Secrecy.TOP_SECRET))
    assert response.status_code == 200 and not IncomingDocument.objects.exists()


def test_a_classified_document_is_invisible_to_the_uncleared(client, tree, clerk):
    client.force_login(clerk)
    client.post(
        reverse("incoming_create"),
        _form(secrecy=Secrecy.CONFIDENTIAL, symbol="05-BC/TU", abstract="Báo cáo tình hình an ninh nội bộ"),
    )
    document = IncomingDocument.objects.get()
    assert document.register.is_classified
    uncleared = make_person(organization=tree.office, role=Role.SPECIALIST)
    client.force_login(uncleared)
    listing = client.get(reverse("incoming_list")).content.decode()
    assert "05-BC/TU" not in listing and "an ninh" not in listing and "0 văn bản" in listing
    assert "05-BC/TU" not in client.get(reverse("incoming_list"), {"q": "an ninh noi bo"}).content.decode()
    assert client.get(reverse("incoming_detail", args=[document.pk])).status_code == 404
    # Nor in the audit trail: a Phó Chánh Văn phòng not cleared for Mật reads the log.
    deputy = make_person(organization=tree.office, role=Role.OFFICE_DEPUTY_CHIEF)
    client.force_login(deputy)
    assert "05-BC/TU" not in client.get(reverse("audit_log")).content.decode()
    assert "05-BC/TU" not in client.get(reverse("organization_detail", args=[tree.city.pk])).content.decode()
    event = AuditEvent.objects.get(action=services.AuditAction.INCOMING_REGISTERED)
    assert event.secrecy == Secrecy.CONFIDENTIAL


def test_the_list_finds_a_document_without_accents_through_htmx(client, tree, clerk, registered):
    client.force_login(clerk)
    response = client.get(reverse("incoming_list"), {"q": "chuan bi dai hoi"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "12-CV/BTCTW" in page and "<html" not in page
    assert "12-CV/BTCTW" not in client.get(reverse("incoming_list"), {"q": "ngan sach"}).content.decode()


def test_outsiders_and_members_do_not_register_or_see(client, tree, outsider, member, registered):
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(reverse("incoming_create")).status_code == 403
        assert client.get(reverse("incoming_detail", args=[registered.pk])).status_code == 404
        assert "12-CV/BTCTW" not in client.get(reverse("incoming_list")).content.decode()


def test_the_menu_offers_the_incoming_register(client, tree, clerk):
    client.force_login(clerk)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("incoming_list")}">Văn bản đến</a>' in page


def test_every_read_of_a_classified_document_is_audited(client, tree, clerk):
    client.force_login(clerk)
    client.post(reverse("incoming_create"), _form(secrecy=Secrecy.CONFIDENTIAL, symbol="07-BC/TU"))
    document = IncomingDocument.objects.get()
    reads = AuditEvent.objects.filter(action=services.AuditAction.CLASSIFIED_READ, target_id=str(document.pk))
    client.get(reverse("incoming_detail", args=[document.pk]))
    client.get(reverse("incoming_detail", args=[document.pk]))
    assert (
        reads.count() == 2 and reads.first().actor == clerk and reads.first().secrecy == Secrecy.CONFIDENTIAL
    )
    client.get(reverse("incoming_export_xlsx"))
    assert reads.filter(after={"via": "export.xlsx"}).count() == 1


def test_reading_an_unclassified_document_writes_nothing(client, tree, clerk, registered):
    client.force_login(clerk)
    client.get(reverse("incoming_detail", args=[registered.pk]))
    assert not AuditEvent.objects.filter(action=services.AuditAction.CLASSIFIED_READ).exists()


def test_the_registers_are_in_the_menu_of_those_who_read_them(client, clerk, member, tree):
    incoming = reverse("incoming_list")
    client.force_login(clerk)
    assert f'href="{incoming}"' in client.get(reverse("dashboard")).content.decode()
    accountant = make_person(organization=tree.office, role=Role.ACCOUNTANT)
    for person in (member, accountant):
        client.force_login(person)
        assert f'href="{incoming}"' not in client.get(reverse("dashboard")).content.decode()
