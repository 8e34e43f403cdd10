import datetime as dt

import pytest
from django.urls import reverse

from vanphong.core import services
from vanphong.core.models import AuditEvent, Membership, Person, Role, Secrecy
from vanphong.core.services import AuditAction
from vanphong.core.tests.factories import make_person


def test_it_lists_people_sorted_the_vietnamese_way(client, tree, office_chief):
    for name in ["Lê Văn Bình", "Nguyễn Thị Ánh", "Trần Đức Anh", "Phạm Thị Ân"]:
        make_person(organization=tree.cell, full_name=name)
    client.force_login(office_chief)
    page = client.get(reverse("person_list"), {"q": "a"}).content.decode()
    positions = [
        page.index(name) for name in ["Trần Đức Anh", "Nguyễn Thị Ánh", "Phạm Thị Ân", "Lê Văn Bình"]
    ]
    assert positions == sorted(positions)


def test_it_finds_a_person_without_accents(client, tree, clerk):
    make_person(organization=tree.cell, full_name="Đặng Thị Hồng Nhung")
    client.force_login(clerk)
    page = client.get(reverse("person_list"), {"q": "dang thi hong"}).content.decode()
    assert "Đặng Thị Hồng Nhung" in page


def test_it_adds_a_person_with_their_first_role(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("person_create"),
        {
            "full_name": "  Võ   Thị Thu  Hà ",
            "username": "vothithuha",
            "organization": tree.cell.pk,
            "role": Role.MEMBER,
            "started_on": "03/02/2021",
            "gender": "F",
            "birth_date": "12/05/1990",
        },
    )
    person = Person.objects.get(username="vothithuha")
    assert response.status_code == 302
    assert person.full_name == "Võ Thị Thu Hà" and person.given_name == "Hà"
    assert not person.has_usable_password()
    assert person.memberships.get().organization == tree.cell
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_CREATED, target_id=str(person.pk)).count() == 1


def test_it_refuses_a_membership_ending_before_it_starts(client, tree, office_chief, member):
    client.force_login(office_chief)
    count = Membership.objects.count()
    response = client.post(
        reverse("membership_add", args=[member.pk]),
        {
            "organization": tree.grassroots.pk,
            "role": Role.SECRETARY,
            "started_on": "01/06/2025",
            "ended_on": "01/01/2025",
        },
    )
    assert response.status_code == 200
    assert "không thể kết thúc trước" in response.content.decode()
    assert Membership.objects.count() == count


def test_it_ends_a_role_and_keeps_it_as_history(client, tree, office_chief, member):
    client.force_login(office_chief)
    membership = member.memberships.get()
    response = client.post(reverse("membership_end", args=[membership.pk]), {"ended_on": "01/01/2024"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert str(membership.ended_on) == "2024-01-01"
    assert AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_ENDED).count() == 1


def test_it_refuses_a_clearance_above_the_actors_own(client, tree, office_chief, member):
    client.force_login(office_chief)  # cleared for Tối mật
    response = client.post(reverse("person_clearance", args=[member.pk]), {"clearance": Secrecy.TOP_SECRET})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.clearance == Secrecy.NONE
    client.post(reverse("person_clearance", args=[member.pk]), {"clearance": Secrecy.CONFIDENTIAL})
    member.refresh_from_db()
    assert member.clearance == Secrecy.CONFIDENTIAL
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_CLEARANCE_CHANGED).count() == 1


@pytest.mark.parametrize("name", ["person_edit", "person_clearance", "membership_add"])
def test_it_forbids_a_plain_member_to_change_people(client, tree, member, name):
    other = make_person(organization=tree.cell)
    client.force_login(member)
    assert client.get(reverse(name, args=[other.pk])).status_code in (403, 404)


def test_it_hides_people_of_other_branches(client, tree, clerk, outsider):
    client.force_login(clerk)
    assert client.get(reverse("person_detail", args=[outsider.pk])).status_code == 404
    assert outsider.full_name not in client.get(reverse("person_list")).content.decode()


def test_a_member_sees_their_own_page_and_history(client, tree, member):
    client.force_login(member)
    page = client.get(reverse("person_detail", args=[member.pk])).content.decode()
    assert member.username in page and "Lịch sử" in page


def test_the_audit_log_is_for_those_who_may_read_it(client, tree, clerk, office_chief):
    client.force_login(clerk)
    assert client.get(reverse("audit_log")).status_code == 403
    client.force_login(office_chief)
    page = client.get(reverse("audit_log")).content.decode()
    assert "Đảng ủy Sở Tư pháp" in page and "Tỉnh ủy Hà Bắc" not in page


def test_nobody_records_a_role_for_themselves(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("membership_add", args=[office_chief.pk]),
        {"organization": tree.city.pk, "role": Role.SECRETARY, "started_on": "01/06/2025"},
    )
    assert response.status_code == 200
    assert "Không ai tự ghi chức danh cho chính mình" in response.content.decode()
    assert not Membership.objects.filter(person=office_chief, role=Role.SECRETARY).exists()


def test_the_list_tells_people_of_one_name_apart_by_their_unit(client, tree, clerk):
    make_person(organization=tree.cell, full_name="Nguyễn Thị An")
    make_person(organization=tree.grassroots, full_name="Nguyễn Thị An", role=Role.SECRETARY)
    client.force_login(clerk)
    page = client.get(reverse("person_list"), {"q": "nguyen thi an"}).content.decode()
    assert "Chi bộ Phòng Hành chính" in page and "Đảng ủy Sở Tư pháp" in page


def test_a_persons_history_shows_their_roles_but_not_their_sign_ins(client, tree, office_chief, member):
    services.membership_add(
        actor=office_chief,
        person=member,
        organization=tree.grassroots,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2024, 1, 1),
    )
    services.sign_in_record(person=member)
    client.force_login(office_chief)
    page = client.get(reverse("person_detail", args=[member.pk])).content.decode()
    assert "Thêm chức danh" in page
    assert "Đăng nhập</strong>" not in page


def test_a_members_home_page_shows_their_cell(client, tree, member):
    make_person(organization=tree.cell, role=Role.SECRETARY, full_name="Hà Văn Bí Thư")
    client.force_login(member)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Chi bộ của tôi" in page
    assert "Hà Văn Bí Thư" in page and "Chi bộ Phòng Hành chính" in page and "Đảng ủy Sở Tư pháp" in page
