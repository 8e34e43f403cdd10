import datetime as dt

import pytest
from django.urls import reverse

from vanphong.core.models import AuditEvent, Organization, Role
from vanphong.core.services import AuditAction
from vanphong.core.tests.factories import kind, make_person


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_it_shows_the_organization_with_its_history(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.get(reverse("organization_detail", args=[tree.bloc.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đảng ủy Khối các cơ quan thành phố" in page
    assert "Đảng ủy Sở Tư pháp" in page  # its child
    assert "Lịch sử" in page and "Tạo tổ chức" in page  # the timeline, in Vietnamese


def test_it_creates_a_unit_and_audits_it(client, tree, office_chief):
    client.force_login(office_chief)
    before = _events(AuditAction.ORGANIZATION_CREATED)
    response = client.post(
        reverse("organization_create", args=[tree.bloc.pk]),
        {
            "name": "Chi bộ Sở Ngoại vụ",
            "abbreviation": "CB",
            "kind": kind("grassroots-cell").pk,
            "opened_on": "01/02/2024",
        },
    )
    created = Organization.objects.get(name="Chi bộ Sở Ngoại vụ")
    assert response.status_code == 302
    assert response["Location"] == reverse("organization_detail", args=[created.pk])
    assert created.opened_on == dt.date(2024, 2, 1)
    assert created.path.startswith(tree.bloc.path)
    assert _events(AuditAction.ORGANIZATION_CREATED) == before + 1
    event = AuditEvent.objects.filter(action=AuditAction.ORGANIZATION_CREATED).first()
    assert event is not None and event.actor == office_chief and event.client_address == "127.0.0.1"


def test_it_refuses_a_duplicate_abbreviation_in_vietnamese_and_saves_nothing(client, tree, office_chief):
    client.force_login(office_chief)
    count = Organization.objects.count()
    response = client.post(
        reverse("organization_create", args=[tree.city.pk]),
        {"name": "Văn phòng thứ hai", "abbreviation": "vptu", "kind": kind("office").pk},
    )
    assert response.status_code == 200
    assert "đã dùng ký hiệu" in response.content.decode()
    assert Organization.objects.count() == count


def test_it_refuses_a_malformed_date_in_vietnamese(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("organization_create", args=[tree.city.pk]),
        {"name": "Ban mới", "abbreviation": "BM", "kind": kind("board").pk, "opened_on": "31/02/2024"},
    )
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.content.decode()
    assert not Organization.objects.filter(name="Ban mới").exists()


def test_it_refuses_to_close_a_unit_with_open_units_under_it(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("organization_close", args=[tree.grassroots.pk]), {"closed_on": "01/01/2025", "note": ""}
    )
    assert response.status_code == 200
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.is_open


def test_it_closes_a_unit_and_keeps_it(client, tree, office_chief):
    member = make_person(organization=tree.cell)
    client.force_login(office_chief)
    response = client.post(
        reverse("organization_close", args=[tree.cell.pk]),
        {"closed_on": "01/07/2025", "note": "Sáp nhập vào Chi bộ Văn phòng Sở"},
    )
    assert response.status_code == 302
    tree.cell.refresh_from_db()
    assert tree.cell.closed_on == dt.date(2025, 7, 1)
    assert member.memberships.get().ended_on == dt.date(2025, 7, 1)
    page = client.get(reverse("organization_detail", args=[tree.cell.pk])).content.decode()
    assert "Sáp nhập vào Chi bộ Văn phòng Sở" in page


def test_it_moves_a_subtree(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("organization_move", args=[tree.grassroots.pk]), {"new_parent": tree.city.pk}
    )
    assert response.status_code == 302
    tree.cell.refresh_from_db()
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.depth == tree.city.depth + 1
    assert tree.cell.path.startswith(tree.grassroots.path)
    event = AuditEvent.objects.filter(action=AuditAction.ORGANIZATION_MOVED).get()
    assert event.before == {"parent": tree.bloc.pk, "parent_name": tree.bloc.name}


def test_it_does_not_offer_a_units_own_descendant_as_its_new_parent(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(reverse("organization_move", args=[tree.bloc.pk]), {"new_parent": tree.cell.pk})
    assert response.status_code == 200
    tree.bloc.refresh_from_db()
    assert tree.bloc.depth == tree.city.depth + 1


def test_it_refuses_a_term_ending_before_it_starts(client, tree, office_chief):
    client.force_login(office_chief)
    response = client.post(
        reverse("term_add", args=[tree.city.pk]),
        {"number": 17, "started_on": "15/10/2025", "ended_on": "01/01/2025"},
    )
    assert response.status_code == 200
    assert not tree.city.terms.exists()


@pytest.mark.parametrize(
    "name",
    ["organization_create", "organization_edit", "organization_move", "organization_close", "term_add"],
)
def test_it_forbids_the_clerk_to_change_the_tree(client, tree, clerk, name):
    client.force_login(clerk)
    assert client.get(reverse(name, args=[tree.city.pk])).status_code == 403


@pytest.mark.parametrize("name", ["organization_detail", "organization_edit", "organization_close"])
def test_it_hides_other_branches_from_outsiders(client, tree, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[tree.city.pk])).status_code == 404


def test_it_finds_a_unit_without_accents_through_htmx(client, tree, clerk):
    client.force_login(clerk)
    response = client.get(reverse("organization_list"), {"q": "dang uy so tu phap"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Đảng ủy Sở Tư pháp" in page
    assert "<html" not in page  # a fragment for htmx to swap in
    assert "Tỉnh ủy Hà Bắc" not in client.get(reverse("organization_list"), {"q": "tinh uy"}).content.decode()


def test_it_lists_the_units_a_member_starts_from(client, tree, member):
    client.force_login(member)
    page = client.get(reverse("organization_list")).content.decode()
    assert "Chi bộ Phòng Hành chính" in page
    assert "Đảng ủy Khối" not in page


def test_it_requires_sign_in(client, tree):
    response = client.get(reverse("organization_detail", args=[tree.city.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_secretary_sees_leaders_in_the_committee(client, tree, secretary):
    make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY, full_name="Trần Văn Phó")
    client.force_login(secretary)
    page = client.get(reverse("organization_detail", args=[tree.city.pk])).content.decode()
    assert "Trần Văn Phó" in page and "Phó Bí thư" in page


def test_a_units_history_shows_what_happened_in_it(client, tree, office_chief):
    make_person(organization=tree.grassroots, role=Role.SECRETARY, full_name="Lý Thị Bí Thư")
    client.force_login(office_chief)
    client.post(reverse("term_add", args=[tree.grassroots.pk]), {"number": 5, "started_on": "01/07/2025"})
    page = client.get(reverse("organization_detail", args=[tree.grassroots.pk])).content.decode()
    history = page[page.index('id="history"') :]
    assert "Thêm đảng viên" in history or "Thêm người" in history or "Lý Thị Bí Thư" in history
    assert "Thêm nhiệm kỳ" in history


def test_a_search_that_finds_nothing_says_so(client, tree, clerk):
    client.force_login(clerk)
    page = client.get(reverse("organization_list"), {"q": "xyzxyz"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in page
    assert "chưa được giao chức danh" not in page


def test_a_member_sees_the_way_up_without_links_to_units_they_may_not_open(client, tree, member):
    client.force_login(member)
    page = client.get(reverse("organization_detail", args=[tree.cell.pk])).content.decode()
    crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
    assert "Đảng ủy Sở Tư pháp" in crumbs
    assert reverse("organization_detail", args=[tree.grassroots.pk]) not in crumbs


def test_leaders_are_listed_secretary_first(client, tree, secretary):
    make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER, full_name="An Văn Cấp Ủy")
    make_person(organization=tree.city, role=Role.DEPUTY_SECRETARY, full_name="Vũ Văn Phó")
    client.force_login(secretary)
    page = client.get(reverse("organization_detail", args=[tree.city.pk])).content.decode()
    assert page.index(secretary.full_name) < page.index("Vũ Văn Phó") < page.index("An Văn Cấp Ủy")


def test_a_committee_counts_the_members_on_the_rolls_below_it(client, tree, office_chief, member):
    client.force_login(office_chief)
    page = client.get(reverse("organization_detail", args=[tree.grassroots.pk])).content.decode()
    assert "1 đảng viên" in page.lower()
