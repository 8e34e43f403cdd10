"""How an audit event reads on a page: labels and values in the reader's language,
related records by name, and a link to what the event is about."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from vanphong.core import audit, services
from vanphong.core.models import AuditEvent, Membership, Role, Secrecy
from vanphong.core.services import AuditAction, PersonRecord
from vanphong.core.templatetags.office import audit_changes, audit_target_url
from vanphong.core.tests.factories import kind

pytestmark = pytest.mark.django_db


def _event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).get()


def _rows(event: AuditEvent, language: str) -> dict[str, tuple[str, str]]:
    with override(language):
        rows = audit_changes(event)
    labels = [label for label, _old, _new in rows]
    assert len(labels) == len(set(labels)), labels
    return {label: (old, new) for label, old, new in rows}


# --- Rows ------------------------------------------------------------------------------------


def test_a_move_reads_as_the_parent_units_by_name(tree, office_chief):
    services.organization_move(actor=office_chief, organization=tree.grassroots, new_parent=tree.city)
    event = _event(AuditAction.ORGANIZATION_MOVED)
    assert _rows(event, "en") == {"Parent unit": ("Đảng ủy Khối các cơ quan thành phố", "Thành ủy Ngọc Sơn")}
    rows = _rows(event, "vi")
    assert "parent_name" not in rows and "parent" not in rows
    assert list(rows.values()) == [("Đảng ủy Khối các cơ quan thành phố", "Thành ủy Ngọc Sơn")]


def test_a_change_of_kind_and_founding_date_reads_in_vietnamese(
    tree, office_chief, django_assert_num_queries
):
    services.organization_update(
        actor=office_chief,
        organization=tree.grassroots,
        name=tree.grassroots.name,
        abbreviation=tree.grassroots.abbreviation,
        kind=kind("commune"),
        opened_on=dt.date(2024, 10, 1),
    )
    event = _event(AuditAction.ORGANIZATION_CHANGED)
    with django_assert_num_queries(1):  # the two kinds, together
        rows = _rows(event, "vi")
    assert rows == {
        "Loại": ("Đảng ủy cơ sở", "Đảng ủy xã, phường, đặc khu"),
        "Ngày thành lập": ("—", "01/10/2024"),
    }


def test_a_kind_that_is_gone_reads_as_its_id(tree):
    with transaction.atomic():
        audit.record(
            actor=None,
            action=AuditAction.ORGANIZATION_CHANGED,
            target=tree.cell,
            before={"kind": 987654, "is_open": True},
            after={"kind": tree.cell.kind_id, "is_open": False},
        )
    rows = _rows(_event(AuditAction.ORGANIZATION_CHANGED), "en")
    assert rows["Kind"] == ("#987654", "Chi bộ trực thuộc")
    assert rows["is_open"] == ("Yes", "No")  # no such field: its key, the values still readable


def test_a_new_person_reads_with_labels_and_their_first_role(tree, office_chief):
    person = services.person_create(
        actor=office_chief,
        username="tran.thi.hoa",
        full_name="Trần Thị Hoa",
        gender="F",
        birth_date=dt.date(1990, 3, 8),
        clearance=Secrecy.CONFIDENTIAL,
        organization=tree.cell,
        role=Role.MEMBER,
        started_on=dt.date(2024, 10, 1),
    )
    event = AuditEvent.objects.for_target(person).get(action=AuditAction.PERSON_CREATED)
    rows = _rows(event, "vi")
    assert rows["Giới tính"] == ("—", "Nữ")
    assert rows["Ngày sinh"] == ("—", "08/03/1990")
    assert rows["Mức được tiếp cận bí mật"] == ("—", "Mật")
    assert rows["Đang hoạt động"] == ("—", "Có")
    assert rows["Họ và tên"] == ("—", "Trần Thị Hoa")
    assert "E-mail" not in rows  # empty before and after: nothing to show
    role = rows["Chức danh"][1]
    assert role.startswith("Đảng viên — Chi bộ Phòng Hành chính") and "01/10/2024" in role
    assert not any("person:" in new or "True" in new or new == "F" for _old, new in rows.values())
    assert _rows(event, "en")["Role"] == ("—", "Party member — Chi bộ Phòng Hành chính, from 01/10/2024")


def test_a_clearance_reads_as_its_secrecy_label(tree, office_chief, member):
    services.person_set_clearance(actor=office_chief, person=member, clearance=Secrecy.CONFIDENTIAL)
    rows = _rows(_event(AuditAction.PERSON_CLEARANCE_CHANGED), "vi")
    assert rows == {"Mức được tiếp cận bí mật": ("Không mật", "Mật")}


def test_a_closing_reads_with_the_number_of_roles_it_ended(tree, office_chief, member):
    today = timezone.localdate()
    services.organization_close(actor=office_chief, organization=tree.cell, closed_on=today)
    event = _event(AuditAction.ORGANIZATION_CLOSED)
    assert _rows(event, "vi")["Ngày ngừng hoạt động"] == ("—", today.strftime("%d/%m/%Y"))
    assert _rows(event, "en")["Roles ended"] == ("—", "1")


def test_an_import_reads_as_a_count_and_the_first_usernames(tree, office_chief):
    records = [
        PersonRecord(
            username=f"dv{n:02}",
            full_name=f"Lê Văn Nhập {n}",
            gender="M",
            birth_date=None,
            joined_party_on=None,
            organization_id=tree.cell.pk,
            role=Role.MEMBER,
            started_on=dt.date(2024, 1, 1),
        )
        for n in range(1, 13)
    ]
    services.people_import(actor=office_chief, organization=tree.grassroots, records=records)
    rows = _rows(_event(AuditAction.PEOPLE_IMPORTED), "en")
    assert rows["Number of people"] == ("—", "12")
    assert rows["Usernames"] == ("—", ", ".join(f"dv{n:02}" for n in range(1, 11)) + ", …")


def test_a_role_added_names_the_person_and_the_unit(tree, office_chief, member):
    services.membership_add(
        actor=office_chief,
        person=member,
        organization=tree.grassroots,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2024, 5, 2),
    )
    rows = _rows(_event(AuditAction.MEMBERSHIP_ADDED), "vi")
    assert rows["Đảng viên, cán bộ"] == ("—", member.full_name)
    assert rows["Tổ chức"] == ("—", "Đảng ủy Sở Tư pháp")
    assert rows["Chức danh"] == ("—", "Cấp ủy viên")
    assert rows["Từ ngày"] == ("—", "02/05/2024")


def test_a_timeline_looks_up_related_names_once_per_model(
    tree, office_chief, member, django_assert_max_num_queries
):
    services.organization_move(actor=office_chief, organization=tree.cell, new_parent=tree.bloc)
    services.membership_add(
        actor=office_chief,
        person=member,
        organization=tree.grassroots,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2024, 5, 2),
    )
    events = list(AuditEvent.objects.all())
    assert len(events) >= 10
    with override("vi"), django_assert_max_num_queries(3):  # kinds, units, people
        page = render_to_string("core/_timeline.html", {"events": events, "show_target": True})
    assert "Chi bộ trực thuộc" in page and "Đảng ủy Sở Tư pháp" in page
    assert "loại 6" not in page and "parent" not in page


# --- Links ------------------------------------------------------------------------------------


def test_an_event_links_to_the_page_of_what_it_is_about(tree, office_chief, member):
    services.organization_move(actor=office_chief, organization=tree.grassroots, new_parent=tree.city)
    assert audit_target_url(_event(AuditAction.ORGANIZATION_MOVED)) == reverse(
        "organization_detail", args=[tree.grassroots.pk]
    )
    services.person_set_clearance(actor=office_chief, person=member, clearance=Secrecy.CONFIDENTIAL)
    assert audit_target_url(_event(AuditAction.PERSON_CLEARANCE_CHANGED)) == reverse(
        "person_detail", args=[member.pk]
    )
    membership = Membership.objects.get(person=member)
    services.membership_end(actor=office_chief, membership=membership, ended_on=timezone.localdate())
    assert audit_target_url(_event(AuditAction.MEMBERSHIP_ENDED)) == reverse(
        "person_detail", args=[member.pk]
    )
    services.term_add(actor=office_chief, organization=tree.city, number=17, started_on=dt.date(2025, 10, 1))
    assert audit_target_url(_event(AuditAction.TERM_ADDED)) == reverse(
        "organization_detail", args=[tree.city.pk]
    )


def test_an_event_about_something_without_a_page_links_nowhere(tree):
    event = AuditEvent(action="system.note", target_type="auth.group", target_id="3")
    assert audit_target_url(event) == ""
    assert audit_target_url(AuditEvent(target_type="core.membership", target_id="9", after={})) == ""


def test_the_audit_log_links_a_moved_unit_to_its_page(client, tree, office_chief):
    services.organization_move(actor=office_chief, organization=tree.grassroots, new_parent=tree.city)
    client.force_login(office_chief)
    page = client.get(reverse("audit_log")).content.decode()
    url = reverse("organization_detail", args=[tree.grassroots.pk])
    assert f'<a href="{url}">Đảng ủy Sở Tư pháp</a>' in page
    assert 'class="small d-none d-md-table-cell"' in page  # the address column folds away on phones


def test_the_dashboard_says_what_each_recent_change_is_about(client, tree, office_chief):
    services.organization_move(actor=office_chief, organization=tree.grassroots, new_parent=tree.city)
    client.force_login(office_chief)
    page = client.get(reverse("dashboard")).content.decode()
    url = reverse("organization_detail", args=[tree.grassroots.pk])
    assert f'— <a href="{url}">Đảng ủy Sở Tư pháp</a>' in page
    assert "Thành ủy Ngọc Sơn" in page and "parent_name" not in page
