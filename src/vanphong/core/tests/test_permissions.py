"""Who may do what: every role, every action, every place and every clearance.

The table below is the policy as the office expects it (DOMAIN.md §1), written out by
hand and reviewed line by line; it is deliberately not imported from
`permissions.GRANTS`, so that a change to the grants fails here until someone
decides it was meant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from vanphong.core import services
from vanphong.core.models import Membership, Organization, Person, Role, Secrecy
from vanphong.core.permissions import Action, can, may_anywhere, visible_to
from vanphong.core.tests.factories import Tree, kind, make_person, persona

# Where a role reaches, per action: "O" on the committee it acts for (own), "S" on the
# units below it too (sub-organizations). Nobody reaches another branch of the tree.
# Actions a role lacks are left out (nothing anywhere).
EXPECTED: dict[Role, dict[Action, str]] = {
    # Leaders direct the whole Party organization under their committee.
    # They read the office's figures of their committee and of those below it.
    # The membership statistics of their committee's subtree too, down to each cell.
    Role.SECRETARY: {
        Action.VIEW: "OS",
        Action.SEE_DENOUNCER: "OS",
        Action.DIRECT: "OS",
        Action.VIEW_AUDIT: "OS",
        Action.VIEW_FIGURES: "OS",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
    },
    Role.DEPUTY_SECRETARY: {
        Action.VIEW: "OS",
        Action.SEE_DENOUNCER: "OS",
        Action.DIRECT: "OS",
        Action.VIEW_AUDIT: "OS",
        Action.VIEW_FIGURES: "OS",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
    },
    Role.STANDING_MEMBER: {
        Action.VIEW: "OS",
        Action.SEE_DENOUNCER: "OS",
        Action.DIRECT: "OS",
        Action.VIEW_FIGURES: "OS",
        Action.VIEW_STATISTICS: "OS",
    },
    # Reports from below (issue 8): a committee's Secretaries and office staff send its
    # own reports to the committee above; the office's chiefs and specialists ask for
    # reports and receive them for their own committee, never for another's.
    # A committee member sees what the committee leads, and directs nothing alone.
    Role.COMMITTEE_MEMBER: {Action.VIEW: "OS"},
    # The office chief keeps the tree, people and roles of the whole subtree, reads
    # its audit trail, and drafts and directs the office's own work.
    Role.OFFICE_CHIEF: {
        Action.VIEW: "OS",
        Action.SEE_DENOUNCER: "O",
        Action.ADMINISTER: "OS",
        Action.DRAFT: "O",
        Action.DIRECT: "O",
        Action.VIEW_AUDIT: "OS",
        Action.VIEW_FIGURES: "O",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
        Action.RECEIVE_REPORTS: "O",
    },
    Role.OFFICE_DEPUTY_CHIEF: {
        Action.VIEW: "OS",
        Action.SEE_DENOUNCER: "O",
        Action.ADMINISTER: "OS",
        Action.DRAFT: "O",
        Action.DIRECT: "O",
        Action.VIEW_AUDIT: "OS",
        Action.VIEW_FIGURES: "O",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
        Action.RECEIVE_REPORTS: "O",
    },
    # A board's head and deputies draft and direct their board's own work and report
    # for it; they administer no one and read no audit trail.
    Role.UNIT_HEAD: {
        Action.VIEW: "OS",
        Action.DRAFT: "O",
        Action.DIRECT: "O",
        Action.VIEW_FIGURES: "O",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
    },
    Role.UNIT_DEPUTY_HEAD: {
        Action.VIEW: "OS",
        Action.DRAFT: "O",
        Action.DIRECT: "O",
        Action.VIEW_FIGURES: "O",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
    },
    # Office staff see the subtree they serve, and act for their own committee only:
    # the clerk numbers the committee's documents, never a subordinate's. Both read
    # their own office's figures (the specialist writes the review report from them).
    # The chiefs and the specialists prepare the membership statistics of the whole
    # subtree the committee leads; the clerk does not.
    Role.SPECIALIST: {
        Action.VIEW: "OS",
        Action.DRAFT: "O",
        Action.VIEW_FIGURES: "O",
        Action.VIEW_STATISTICS: "OS",
        Action.SEND_REPORTS: "O",
        Action.RECEIVE_REPORTS: "O",
    },
    Role.CLERK: {Action.VIEW: "OS", Action.REGISTER: "O", Action.VIEW_FIGURES: "O", Action.SEND_REPORTS: "O"},
    Role.ARCHIVIST: {Action.VIEW: "OS", Action.ARCHIVE: "O"},
    # Dues are collected by every cell and passed upward: the accountant handles the
    # finance of the subtree but sees no more of it than its own committee.
    Role.ACCOUNTANT: {Action.VIEW: "O", Action.FINANCE: "OS"},
    # A member sees their own organization and nothing else.
    Role.MEMBER: {Action.VIEW: "O"},
}


def places(tree: Tree) -> dict[str, Organization]:
    return {"O": tree.city, "S": tree.grassroots, "X": tree.other_province}


@dataclass(frozen=True)
class Record:
    """A stand-in for any classified record that belongs to an organization."""

    organization: Organization
    secrecy: Secrecy


def test_the_table_covers_every_role_and_names_only_real_reaches():
    assert set(EXPECTED) == set(Role)
    for grants in EXPECTED.values():
        assert all(reach in {"O", "OS"} for reach in grants.values())


def test_the_matrix_of_roles_actions_places_and_clearances(tree):
    """13 roles × 4 clearances, each asked 12 actions × 3 places × 4 secrecy levels.
    Allowed exactly when the table reaches the place and the clearance is at least
    the record's secrecy."""
    where = places(tree)
    wrong: list[str] = []
    for role in Role:
        # One holder per role: a unit has one Secretary at a time. Clearance is a plain
        # field of the person that can() reads, so each clearance is tried in turn.
        person = persona(tree, role)
        for clearance in Secrecy:
            person.clearance = clearance
            for action in Action:
                reach = EXPECTED[role].get(action, "")
                for code, organization in where.items():
                    for secrecy in Secrecy:
                        expected = code in reach and clearance >= secrecy
                        actual = can(person, action, Record(organization, secrecy))
                        if actual != expected:
                            wrong.append(
                                f"{role.value} cleared {clearance.name} {action.value} "
                                f"on {code} {secrecy.name}: got {actual}, expected {expected}"
                            )
    assert wrong == []


@pytest.mark.parametrize("role", list(Role))
def test_an_organization_itself_is_judged_like_an_unclassified_record(tree, role):
    person = persona(tree, role, Secrecy.NONE)
    for action in Action:
        for code, organization in places(tree).items():
            expected = code in EXPECTED[role].get(action, "")
            assert can(person, action, organization) is expected, (action, code)


def test_own_reach_includes_the_committees_office_but_not_the_units_below(tree):
    clerk = persona(tree, Role.CLERK)
    assert can(clerk, Action.REGISTER, tree.city)
    assert can(clerk, Action.REGISTER, tree.office)
    assert not can(clerk, Action.REGISTER, tree.bloc)
    assert not can(clerk, Action.REGISTER, tree.cell)


def test_office_staff_act_for_the_committee_not_for_the_office(tree):
    # The clerk's membership is in the office; the office has no units below it, yet
    # the clerk sees the whole subtree of the city committee.
    clerk = persona(tree, Role.CLERK)
    assert Membership.objects.get(person=clerk).organization == tree.office
    assert can(clerk, Action.VIEW, tree.cell)
    assert not can(clerk, Action.VIEW, tree.central)


def test_a_member_of_a_cell_sees_only_the_cell(tree, member):
    visible = set(visible_to(member, Organization.objects.all()))
    assert visible == {tree.cell}


# --- visible_to agrees with can ---------------------------------------------------------------


@pytest.fixture
def everyone(tree) -> list[Person]:
    """One persona per role, plus people placed around the tree to be seen or not."""
    people = [persona(tree, role, Secrecy.SECRET) for role in Role]
    people.append(make_person(organization=tree.cell, full_name="Hoàng Thị Chi Bộ"))
    people.append(make_person(organization=tree.other_province, full_name="Lý Văn Ngoài"))
    people.append(make_person(organization=tree.bloc, role=Role.SECRETARY, full_name="Tạ Văn Khối"))
    people.append(make_person(organization=None, full_name="Hệ Thống"))
    return people


def test_visible_to_matches_can_for_organizations(tree, everyone):
    organizations = list(Organization.objects.all())
    for person in everyone:
        for action in Action:
            seen = set(visible_to(person, Organization.objects.all(), action=action))
            allowed = {org for org in organizations if can(person, action, org)}
            assert seen == allowed, (person.full_name, action)


def test_visible_to_matches_can_for_people(tree, everyone):
    for person in everyone:
        for action in Action:
            seen = set(visible_to(person, Person.objects.all(), action=action))
            allowed = {other for other in everyone if can(person, action, other)}
            assert seen == allowed, (person.full_name, action)


def test_visible_to_matches_can_for_records_of_an_organization(tree, everyone):
    memberships = list(Membership.objects.select_related("organization__kind"))
    for person in everyone:
        for action in Action:
            seen = set(
                visible_to(person, Membership.objects.all(), organization_field="organization", action=action)
            )
            allowed = {m for m in memberships if can(person, action, m)}
            assert seen == allowed, (person.full_name, action)


def test_everyone_sees_themselves_but_may_do_no_more_to_their_own_record(tree):
    clerk = persona(tree, Role.CLERK)
    assert can(clerk, Action.VIEW, clerk)
    assert not can(clerk, Action.ADMINISTER, clerk)
    assert clerk in visible_to(clerk, Person.objects.all())
    assert clerk not in visible_to(clerk, Person.objects.all(), action=Action.ADMINISTER)


def test_a_person_is_visible_through_any_of_their_memberships(tree, secretary, outsider):
    someone = make_person(organization=tree.other_province, full_name="Đinh Văn Hai Nơi")
    assert not can(secretary, Action.VIEW, someone)
    assert someone not in visible_to(secretary, Person.objects.all())
    services.membership_add(
        actor=None,
        person=someone,
        organization=tree.cell,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2021, 1, 1),
    )
    assert can(secretary, Action.VIEW, someone)
    assert someone in visible_to(secretary, Person.objects.all())
    # The outsider leads the other province, where `someone` also belongs.
    assert can(outsider, Action.VIEW, someone)
    # An ended membership still ties the person to the organization's history.
    former = make_person(organization=tree.other_province, full_name="Mai Văn Cũ")
    services.membership_add(
        actor=None,
        person=former,
        organization=tree.grassroots,
        role=Role.MEMBER,
        started_on=dt.date(2010, 1, 1),
        ended_on=dt.date(2015, 1, 1),
    )
    assert can(secretary, Action.VIEW, former)
    assert former in visible_to(secretary, Person.objects.all())


# --- What grants nothing -----------------------------------------------------------------------


def _grants_nothing(person: Person, tree: Tree) -> bool:
    organizations = list(Organization.objects.all())
    return (
        not any(can(person, action, org) for action in Action for org in organizations)
        and not any(
            visible_to(person, Organization.objects.all(), action=action).exists() for action in Action
        )
        and not any(may_anywhere(person, action) for action in Action)
    )


def _chief_with_membership(tree: Tree, started_on: dt.date, ended_on: dt.date | None = None) -> Person:
    person = make_person(organization=None, clearance=Secrecy.TOP_SECRET)
    services.membership_add(
        actor=None,
        person=person,
        organization=tree.office,
        role=Role.OFFICE_CHIEF,
        started_on=started_on,
        ended_on=ended_on,
    )
    return person


def test_an_ended_membership_grants_nothing(tree):
    today = timezone.localdate()
    person = _chief_with_membership(tree, dt.date(2015, 1, 1), today - dt.timedelta(days=1))
    assert _grants_nothing(person, tree)


def test_a_membership_ending_today_still_grants(tree):
    today = timezone.localdate()
    person = _chief_with_membership(tree, dt.date(2015, 1, 1), today)
    assert can(person, Action.ADMINISTER, tree.grassroots)


def test_a_membership_starting_in_the_future_grants_nothing(tree):
    person = _chief_with_membership(tree, timezone.localdate() + dt.timedelta(days=1))
    assert _grants_nothing(person, tree)


def test_a_closed_organization_grants_nothing(tree):
    board = services.organization_create(
        actor=None, parent=tree.city, name="Ban Tổ chức Thành ủy", abbreviation="BTCTU", kind=kind("board")
    )
    person = make_person(organization=board, role=Role.SECRETARY, clearance=Secrecy.TOP_SECRET)
    assert can(person, Action.VIEW, board)
    services.organization_close(actor=None, organization=board, closed_on=timezone.localdate())
    assert _grants_nothing(person, tree)


def test_an_inactive_person_gets_nothing(tree):
    person = persona(tree, Role.SECRETARY, Secrecy.TOP_SECRET)
    assert can(person, Action.VIEW, tree.city)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    assert _grants_nothing(person, tree)
    assert not can(person, Action.VIEW, person)
    assert not visible_to(person, Person.objects.all()).exists()


def test_an_anonymous_visitor_gets_nothing(tree):
    anonymous = AnonymousUser()
    for action in Action:
        assert not can(anonymous, action, tree.city)
        assert not visible_to(anonymous, Organization.objects.all(), action=action).exists()
        assert not visible_to(anonymous, Person.objects.all(), action=action).exists()
        assert not may_anywhere(anonymous, action)
