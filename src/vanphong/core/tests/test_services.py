"""The services of the core app: one audit event each, field-keyed refusals that
save nothing, and the tree operations (move, close) that must keep history intact."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from vanphong.core import audit, services
from vanphong.core.models import (
    AuditChainHead,
    AuditEvent,
    CongressTerm,
    Membership,
    Organization,
    Person,
    Role,
    Secrecy,
)
from vanphong.core.services import AuditAction, PersonRecord
from vanphong.core.tests.factories import Tree, kind, make_person, make_tree
from vanphong.testing import in_threads as _in_threads
from vanphong.testing import needs_postgresql

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@contextmanager
def exactly_one_event(action: str) -> Iterator[list[AuditEvent]]:
    """Asserts that the block appends exactly one audit event, of type `action`; the
    list it yields holds that event afterwards."""
    last = _last_event_id()
    written: list[AuditEvent] = []
    yield written
    written.extend(AuditEvent.objects.filter(id__gt=last).order_by("id"))
    assert [event.action for event in written] == [action]


def _database_state() -> dict[str, Any]:
    """Every row the core services may write, to prove a refusal left them alone."""
    models: list[type[Model]] = [Organization, Person, Membership, CongressTerm, AuditEvent, AuditChainHead]
    return {model.__name__: list(model._default_manager.order_by("pk").values()) for model in models}


def refused(field: str, call: Callable[[], object]) -> ValidationError:
    """Runs `call`, which must raise a ValidationError keyed to `field` and leave the
    database exactly as it was."""
    before = _database_state()
    with pytest.raises(ValidationError) as info:
        call()
    assert hasattr(info.value, "error_dict"), "the error must be keyed to a field"
    assert field in info.value.message_dict, info.value.message_dict
    assert _database_state() == before
    return info.value


# --- Exactly one event per service ------------------------------------------------------


def _record(tree: Tree, full_name: str = "Phan Văn Nhập", username: str = "nhap1") -> PersonRecord:
    return PersonRecord(
        username=username,
        full_name=full_name,
        gender="M",
        birth_date=dt.date(1980, 5, 1),
        joined_party_on=dt.date(2005, 3, 2),
        organization_id=tree.cell.pk,
        role=Role.MEMBER,
        started_on=dt.date(2024, 1, 1),
    )


SERVICE_CALLS: dict[str, Callable[[Tree, Person, Person], object]] = {
    AuditAction.ORGANIZATION_CREATED: lambda tree, actor, member: services.organization_create(
        actor=actor,
        parent=tree.city,
        name="Ban Tuyên giáo Thành ủy",
        abbreviation="BTGTU",
        kind=kind("board"),
    ),
    AuditAction.ORGANIZATION_CHANGED: lambda tree, actor, member: services.organization_update(
        actor=actor,
        organization=tree.bloc,
        name="Đảng ủy Khối các cơ quan",
        abbreviation="ĐUK",
        kind=kind("provincial-party"),
        opened_on=dt.date(2020, 1, 1),
    ),
    AuditAction.ORGANIZATION_MOVED: lambda tree, actor, member: services.organization_move(
        actor=actor, organization=tree.grassroots, new_parent=tree.city
    ),
    AuditAction.ORGANIZATION_CLOSED: lambda tree, actor, member: services.organization_close(
        actor=actor, organization=tree.cell, closed_on=TODAY, note="Sáp nhập"
    ),
    AuditAction.TERM_ADDED: lambda tree, actor, member: services.term_add(
        actor=actor, organization=tree.city, number=16, started_on=dt.date(2020, 10, 16)
    ),
    AuditAction.PERSON_CREATED: lambda tree, actor, member: services.person_create(
        actor=actor, username="moi", full_name="Lưu Thị Mới", organization=tree.cell
    ),
    AuditAction.PERSON_CHANGED: lambda tree, actor, member: services.person_update(
        actor=actor, person=member, full_name="Nguyễn Văn Đổi", phone="0912 345 678"
    ),
    AuditAction.PERSON_CLEARANCE_CHANGED: lambda tree, actor, member: services.person_set_clearance(
        actor=actor, person=member, clearance=Secrecy.CONFIDENTIAL
    ),
    AuditAction.PEOPLE_IMPORTED: lambda tree, actor, member: services.people_import(
        actor=actor, organization=tree.grassroots, records=[_record(tree)]
    ),
    AuditAction.MEMBERSHIP_ADDED: lambda tree, actor, member: services.membership_add(
        actor=actor, person=member, organization=tree.grassroots, role=Role.COMMITTEE_MEMBER, started_on=TODAY
    ),
    AuditAction.MEMBERSHIP_ENDED: lambda tree, actor, member: services.membership_end(
        actor=actor, membership=Membership.objects.get(person=member), ended_on=TODAY
    ),
    AuditAction.SIGNED_IN: lambda tree, actor, member: services.sign_in_record(person=member),
    AuditAction.SIGN_IN_FAILED: lambda tree, actor, member: services.sign_in_failure_record(
        username=member.username, person=member
    ),
    AuditAction.SIGNED_OUT: lambda tree, actor, member: services.sign_out_record(person=member),
    AuditAction.PASSWORD_CHANGED: lambda tree, actor, member: services.password_change(
        actor=member, person=member, new_password="mat-khau-moi-2025"
    ),
    AuditAction.PASSWORD_RESET: lambda tree, actor, member: services.password_change(
        actor=actor, person=member, new_password="mat-khau-cap-lai-2025", reset=True
    ),
}


def test_every_event_type_has_a_service_call_below():
    declared = {value for name, value in vars(AuditAction).items() if name.isupper()}
    assert declared == set(SERVICE_CALLS)


@pytest.mark.parametrize("action", list(SERVICE_CALLS))
def test_each_service_writes_exactly_one_event_of_its_type(tree, office_chief, member, action):
    with exactly_one_event(action) as events:
        SERVICE_CALLS[action](tree, office_chief, member)
    event = events[0]
    # Who the event names: the person signing in or out or changing their own
    # password, nobody for a failed attempt, otherwise the acting office chief.
    expected_actor = {
        AuditAction.SIGNED_IN: member,
        AuditAction.SIGNED_OUT: member,
        AuditAction.PASSWORD_CHANGED: member,
        AuditAction.SIGN_IN_FAILED: None,
    }.get(action, office_chief)
    assert event.actor == expected_actor
    assert event.actor_name == (expected_actor.full_name if expected_actor else "")
    assert list(audit.verify()) == []


def test_a_secretary_follows_another_once_the_first_has_ended(tree, member):
    first = make_person(organization=tree.cell, role=Role.SECRETARY, full_name="Bùi Văn Thứ Nhất")
    services.membership_end(actor=None, membership=first.memberships.get(), ended_on=TODAY)
    services.membership_add(
        actor=None,
        person=member,
        organization=tree.cell,
        role=Role.SECRETARY,
        started_on=TODAY + dt.timedelta(days=1),
    )
    assert Membership.objects.filter(organization=tree.cell, role=Role.SECRETARY).count() == 2


def test_a_member_transfers_by_ending_one_roll_and_starting_the_next(tree, member):
    services.membership_end(actor=None, membership=member.memberships.get(), ended_on=TODAY)
    services.membership_add(
        actor=None,
        person=member,
        organization=tree.grassroots,
        role=Role.MEMBER,
        started_on=TODAY + dt.timedelta(days=1),
    )
    assert member.memberships.filter(role=Role.MEMBER).count() == 2


def test_a_failed_sign_in_on_an_unknown_account_writes_nothing(tree):
    last = _last_event_id()
    services.sign_in_failure_record(username="khong-ai", person=None)
    assert _last_event_id() == last


def test_the_password_itself_is_never_audited(tree, member):
    with exactly_one_event(AuditAction.PASSWORD_CHANGED) as events:
        services.password_change(actor=member, person=member, new_password="bi-mat-tuyet-doi-9")
    assert "bi-mat-tuyet-doi-9" not in repr((events[0].before, events[0].after))
    member.refresh_from_db()
    assert member.check_password("bi-mat-tuyet-doi-9")


# --- Refusals: keyed to a field, nothing saved ------------------------------------------------

Refusal = tuple[str, Callable[[], object]]
# Each case sets its scene with valid calls, then returns the field the error must
# name and the one call that must be refused.
REFUSALS: dict[str, Callable[[Tree, Person], Refusal]] = {}


def refusal(name: str) -> Callable[[Callable[[Tree, Person], Refusal]], Callable[[Tree, Person], Refusal]]:
    def register(case: Callable[[Tree, Person], Refusal]) -> Callable[[Tree, Person], Refusal]:
        REFUSALS[name] = case
        return case

    return register


@refusal("duplicate abbreviation under one parent")
def case_duplicate_abbreviation(tree: Tree, member: Person) -> Refusal:
    # tree.city is the object the fixture holds, read before its children were added:
    # the check must not trust its stale child count.
    assert tree.city.numchild == 0
    return "abbreviation", lambda: services.organization_create(
        actor=None, parent=tree.city, name="Văn phòng thứ hai", abbreviation="vptu", kind=kind("office")
    )


@refusal("a clearance above the actor's own")
def case_clearance_above_own(tree: Tree, member: Person) -> Refusal:
    chief = make_person(organization=tree.office, role=Role.OFFICE_CHIEF, clearance=Secrecy.SECRET)
    return "clearance", lambda: services.person_set_clearance(
        actor=chief, person=member, clearance=Secrecy.TOP_SECRET
    )


@refusal("a role recorded by its holder")
def case_role_for_oneself(tree: Tree, member: Person) -> Refusal:
    chief = make_person(organization=tree.office, role=Role.OFFICE_DEPUTY_CHIEF, clearance=Secrecy.SECRET)
    return "role", lambda: services.membership_add(
        actor=chief, person=chief, organization=tree.city, role=Role.SECRETARY, started_on=TODAY
    )


@refusal("a second Secretary at once")
def case_second_secretary(tree: Tree, member: Person) -> Refusal:
    make_person(organization=tree.cell, role=Role.SECRETARY, full_name="Bùi Văn Thứ Nhất")
    return "role", lambda: services.membership_add(
        actor=None, person=member, organization=tree.cell, role=Role.SECRETARY, started_on=TODAY
    )


@refusal("a member on two cells' rolls at once")
def case_two_rolls(tree: Tree, member: Person) -> Refusal:
    return "organization", lambda: services.membership_add(
        actor=None, person=member, organization=tree.grassroots, role=Role.MEMBER, started_on=TODAY
    )


@refusal("a unit ranked above its parent")
def case_kind_above_parent(tree: Tree, member: Person) -> Refusal:
    return "kind", lambda: services.organization_create(
        actor=None,
        parent=tree.bloc,
        name="Ban Chấp hành Trung ương 2",
        abbreviation="TW2",
        kind=kind("central"),
    )


@refusal("a move under a unit of lower rank")
def case_move_under_lower_rank(tree: Tree, member: Person) -> Refusal:
    return "new_parent", lambda: services.organization_move(
        actor=None, organization=tree.grassroots, new_parent=tree.office
    )


@refusal("a founding date in the future")
def case_founded_in_the_future(tree: Tree, member: Person) -> Refusal:
    return "opened_on", lambda: services.organization_create(
        actor=None,
        parent=tree.bloc,
        name="Chi bộ Tương lai",
        abbreviation="CB",
        kind=kind("grassroots-cell"),
        opened_on=TODAY + dt.timedelta(days=1),
    )


@refusal("a committee taking an office's abbreviation")
def case_committee_clashing_with_office(tree: Tree, member: Person) -> Refusal:
    return "abbreviation", lambda: services.organization_create(
        actor=None,
        parent=tree.city,
        name="Đảng ủy Văn phòng",
        abbreviation="VPTU",
        kind=kind("provincial-party"),
    )


@refusal("duplicate abbreviation by renaming")
def case_duplicate_by_renaming(tree: Tree, member: Person) -> Refusal:
    board = services.organization_create(
        actor=None, parent=tree.city, name="Ban Tổ chức", abbreviation="BTCTU", kind=kind("board")
    )
    return "abbreviation", lambda: services.organization_update(
        actor=None, organization=board, name=board.name, abbreviation="VPTU", kind=board.kind, opened_on=None
    )


@refusal("duplicate abbreviation by moving")
def case_duplicate_by_moving(tree: Tree, member: Person) -> Refusal:
    office = services.organization_create(
        actor=None, parent=tree.bloc, name="Văn phòng Đảng ủy Khối", abbreviation="VPTU", kind=kind("office")
    )
    return "abbreviation", lambda: services.organization_move(
        actor=None, organization=office, new_parent=tree.city
    )


@refusal("empty name")
def case_empty_name(tree: Tree, member: Person) -> Refusal:
    return "name", lambda: services.organization_create(
        actor=None, parent=tree.city, name=" \t ", abbreviation="X", kind=kind("board")
    )


@refusal("unit under a closed parent")
def case_closed_parent(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.cell, closed_on=TODAY)
    # tree.cell still says it is open: the service must read the row.
    return "parent", lambda: services.organization_create(
        actor=None, parent=tree.cell, name="Tổ đảng", abbreviation="TĐ", kind=kind("cell")
    )


@refusal("move under its own descendant")
def case_move_under_descendant(tree: Tree, member: Person) -> Refusal:
    return "parent", lambda: services.organization_move(
        actor=None, organization=tree.city, new_parent=tree.cell
    )


@refusal("move under itself")
def case_move_under_itself(tree: Tree, member: Person) -> Refusal:
    return "parent", lambda: services.organization_move(
        actor=None, organization=tree.bloc, new_parent=tree.bloc
    )


@refusal("move under the parent it already has")
def case_move_in_place(tree: Tree, member: Person) -> Refusal:
    return "parent", lambda: services.organization_move(
        actor=None, organization=tree.bloc, new_parent=tree.city
    )


@refusal("move under a closed unit")
def case_move_under_closed(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.cell, closed_on=TODAY)
    return "parent", lambda: services.organization_move(
        actor=None, organization=tree.office, new_parent=tree.cell
    )


@refusal("close with open units under it")
def case_close_with_children(tree: Tree, member: Person) -> Refusal:
    return "closed_on", lambda: services.organization_close(
        actor=None, organization=tree.grassroots, closed_on=TODAY
    )


@refusal("close in the future")
def case_close_in_future(tree: Tree, member: Person) -> Refusal:
    return "closed_on", lambda: services.organization_close(
        actor=None, organization=tree.cell, closed_on=TOMORROW
    )


@refusal("close twice")
def case_close_twice(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.cell, closed_on=YESTERDAY)
    return "closed_on", lambda: services.organization_close(
        actor=None, organization=tree.cell, closed_on=TODAY
    )


@refusal("close before founding")
def case_close_before_founding(tree: Tree, member: Person) -> Refusal:
    services.organization_update(
        actor=None,
        organization=tree.cell,
        name=tree.cell.name,
        abbreviation="CB",
        kind=tree.cell.kind,
        opened_on=dt.date(2020, 1, 1),
    )
    return "closed_on", lambda: services.organization_close(
        actor=None, organization=tree.cell, closed_on=dt.date(2019, 12, 31)
    )


@refusal("founded after closing")
def case_founded_after_closing(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.cell, closed_on=dt.date(2024, 1, 1))
    return "opened_on", lambda: services.organization_update(
        actor=None,
        organization=tree.cell,
        name=tree.cell.name,
        abbreviation="CB",
        kind=tree.cell.kind,
        opened_on=dt.date(2024, 1, 2),
    )


@refusal("term ending the day it starts")
def case_term_backwards(tree: Tree, member: Person) -> Refusal:
    return "ended_on", lambda: services.term_add(
        actor=None,
        organization=tree.city,
        number=16,
        started_on=dt.date(2020, 10, 16),
        ended_on=dt.date(2020, 10, 16),
    )


def _term_16(tree: Tree) -> CongressTerm:
    return services.term_add(
        actor=None,
        organization=tree.city,
        number=16,
        started_on=dt.date(2020, 10, 16),
        ended_on=dt.date(2025, 10, 15),
    )


@refusal("term overlapping the end of another")
def case_term_overlap_end(tree: Tree, member: Person) -> Refusal:
    _term_16(tree)
    return "started_on", lambda: services.term_add(
        actor=None, organization=tree.city, number=17, started_on=dt.date(2025, 10, 15)
    )


@refusal("term around another")
def case_term_around(tree: Tree, member: Person) -> Refusal:
    _term_16(tree)
    return "started_on", lambda: services.term_add(
        actor=None,
        organization=tree.city,
        number=15,
        started_on=dt.date(2015, 10, 16),
        ended_on=dt.date(2030, 1, 1),
    )


@refusal("open term overlapping an earlier open term")
def case_term_open_overlap(tree: Tree, member: Person) -> Refusal:
    services.term_add(actor=None, organization=tree.city, number=16, started_on=dt.date(2020, 10, 16))
    return "started_on", lambda: services.term_add(
        actor=None, organization=tree.city, number=17, started_on=dt.date(2025, 10, 16)
    )


@refusal("term number repeated")
def case_term_number_repeated(tree: Tree, member: Person) -> Refusal:
    _term_16(tree)
    return "number", lambda: services.term_add(
        actor=None, organization=tree.city, number=16, started_on=dt.date(2025, 10, 16)
    )


@refusal("term for an office")
def case_term_for_office(tree: Tree, member: Person) -> Refusal:
    return "number", lambda: services.term_add(
        actor=None, organization=tree.office, number=1, started_on=dt.date(2020, 1, 1)
    )


@refusal("username taken, in another case")
def case_username_taken(tree: Tree, member: Person) -> Refusal:
    return "username", lambda: services.person_create(
        actor=None, username=member.username.upper(), full_name="Trùng Tên"
    )


@refusal("empty full name")
def case_empty_full_name(tree: Tree, member: Person) -> Refusal:
    return "full_name", lambda: services.person_create(actor=None, username="x0", full_name="   ")


@refusal("born in the future")
def case_born_in_future(tree: Tree, member: Person) -> Refusal:
    return "birth_date", lambda: services.person_create(
        actor=None, username="x1", full_name="Vũ Văn Mai", birth_date=TOMORROW
    )


@refusal("admitted before birth")
def case_admitted_before_birth(tree: Tree, member: Person) -> Refusal:
    return "joined_party_on", lambda: services.person_update(
        actor=None,
        person=member,
        full_name=member.full_name,
        birth_date=dt.date(1990, 1, 1),
        joined_party_on=dt.date(1989, 12, 31),
    )


@refusal("person in a closed unit")
def case_person_in_closed_unit(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.office, closed_on=TODAY)
    tree.office.refresh_from_db()
    return "organization", lambda: services.person_create(
        actor=None, username="x2", full_name="Đào Thị Lan", organization=tree.office
    )


@refusal("membership ending before it starts")
def case_membership_backwards(tree: Tree, member: Person) -> Refusal:
    return "ended_on", lambda: services.membership_add(
        actor=None,
        person=member,
        organization=tree.grassroots,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2024, 6, 1),
        ended_on=dt.date(2024, 5, 31),
    )


@refusal("membership in a closed unit")
def case_membership_closed_unit(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.office, closed_on=TODAY)
    tree.office.refresh_from_db()
    return "organization", lambda: services.membership_add(
        actor=None, person=member, organization=tree.office, role=Role.CLERK, started_on=TODAY
    )


@refusal("the same role twice at once")
def case_same_role_twice(tree: Tree, member: Person) -> Refusal:
    return "role", lambda: services.membership_add(
        actor=None, person=member, organization=tree.cell, role=Role.MEMBER, started_on=dt.date(2023, 1, 1)
    )


@refusal("membership ended before it started")
def case_membership_end_before_start(tree: Tree, member: Person) -> Refusal:
    return "ended_on", lambda: services.membership_end(
        actor=None, membership=Membership.objects.get(person=member), ended_on=dt.date(2019, 12, 31)
    )


@refusal("membership ended twice")
def case_membership_ended_twice(tree: Tree, member: Person) -> Refusal:
    services.membership_end(actor=None, membership=Membership.objects.get(person=member), ended_on=YESTERDAY)
    return "ended_on", lambda: services.membership_end(
        actor=None, membership=Membership.objects.get(person=member), ended_on=TODAY
    )


@refusal("import repeating a username")
def case_import_repeats(tree: Tree, member: Person) -> Refusal:
    return "records", lambda: services.people_import(
        actor=None,
        organization=tree.grassroots,
        records=[_record(tree, username="lap"), _record(tree, username="LAP")],
    )


@refusal("import of a taken username")
def case_import_taken(tree: Tree, member: Person) -> Refusal:
    return "records", lambda: services.people_import(
        actor=None, organization=tree.grassroots, records=[_record(tree, username=member.username.upper())]
    )


@refusal("import into a unit outside the organization")
def case_import_outside(tree: Tree, member: Person) -> Refusal:
    outside = _record(tree, username="ngoai")
    outside = PersonRecord(**{**outside.__dict__, "organization_id": tree.other_province.pk})
    return "records", lambda: services.people_import(
        actor=None, organization=tree.bloc, records=[_record(tree), outside]
    )


@refusal("import into a closed unit")
def case_import_closed(tree: Tree, member: Person) -> Refusal:
    services.organization_close(actor=None, organization=tree.cell, closed_on=TODAY)
    return "records", lambda: services.people_import(
        actor=None, organization=tree.grassroots, records=[_record(tree)]
    )


@refusal("import with a birth date in the future")
def case_import_born_in_future(tree: Tree, member: Person) -> Refusal:
    record = PersonRecord(**{**_record(tree).__dict__, "birth_date": TOMORROW})
    return "records", lambda: services.people_import(
        actor=None, organization=tree.grassroots, records=[record]
    )


@refusal("import of a row without a name")
def case_import_without_name(tree: Tree, member: Person) -> Refusal:
    record = PersonRecord(**{**_record(tree).__dict__, "full_name": "  "})
    return "records", lambda: services.people_import(
        actor=None, organization=tree.grassroots, records=[record]
    )


@pytest.mark.parametrize("case", list(REFUSALS))
def test_it_refuses_bad_input_keyed_to_the_field_and_saves_nothing(tree, member, case):
    field, call = REFUSALS[case](tree, member)
    refused(field, call)


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_refusal_speaks_vietnamese(tree, member, case):
    field, call = REFUSALS[case](tree, member)
    with override("en"):
        english = refused(field, call).message_dict[field]
    with override("vi"):
        vietnamese = refused(field, call).message_dict[field]
    assert vietnamese != english
    assert all(not message.isascii() for message in vietnamese), vietnamese


def test_the_english_source_of_a_refusal(tree, member):
    """The msgid the translators work from, pinned once so the Vietnamese test above
    compares against real text."""
    field, call = REFUSALS["move under its own descendant"](tree, member)
    with override("en"):
        error = refused(field, call)
    assert error.message_dict == {
        "parent": ["An organization cannot be moved under itself or one of its own units."]
    }


# --- Abbreviations ----------------------------------------------------------------------------


def test_the_same_abbreviation_is_fine_under_another_parent(tree):
    under_bloc = services.organization_create(
        actor=None, parent=tree.bloc, name="Văn phòng Đảng ủy Khối", abbreviation="VP", kind=kind("office")
    )
    under_grassroots = services.organization_create(
        actor=None,
        parent=tree.grassroots,
        name="Văn phòng Đảng ủy Sở",
        abbreviation="VP",
        kind=kind("office"),
    )
    assert under_bloc.abbreviation == under_grassroots.abbreviation == "VP"


def test_committees_under_one_parent_share_the_abbreviation_of_their_level(tree):
    # Every provincial committee signs /TU: the fixture already holds two under TW.
    assert tree.city.abbreviation == tree.other_province.abbreviation == "TU"
    third = services.organization_create(
        actor=None, parent=tree.central, name="Thành ủy Hải Đông", abbreviation="TU", kind=kind("provincial")
    )
    assert Organization.objects.get_parent(third) == tree.central


def test_a_closed_unit_frees_its_abbreviation(tree):
    services.organization_close(actor=None, organization=tree.office, closed_on=TODAY)
    new_office = services.organization_create(
        actor=None,
        parent=tree.city,
        name="Văn phòng Thành ủy (mới)",
        abbreviation="VPTU",
        kind=kind("office"),
    )
    assert new_office.abbreviation == "VPTU"


# --- Closing and moving keep history ---------------------------------------------------------


def test_closing_ends_open_memberships_and_keeps_the_rows(tree, member):
    earlier = services.membership_add(
        actor=None,
        person=member,
        organization=tree.cell,
        role=Role.SECRETARY,
        started_on=dt.date(2015, 1, 1),
        ended_on=dt.date(2019, 12, 31),
    )
    later = services.membership_add(
        actor=None,
        person=member,
        organization=tree.cell,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2021, 1, 1),
        ended_on=TODAY + dt.timedelta(days=365),
    )
    current = Membership.objects.get(person=member, role=Role.MEMBER)
    closed_on = YESTERDAY
    with exactly_one_event(AuditAction.ORGANIZATION_CLOSED) as events:
        services.organization_close(
            actor=None, organization=tree.cell, closed_on=closed_on, note=" Sáp nhập "
        )
    cell = Organization.objects.get(pk=tree.cell.pk)
    assert (cell.closed_on, cell.closing_note, cell.is_open) == (closed_on, "Sáp nhập", False)
    assert Membership.objects.get(pk=current.pk).ended_on == closed_on
    assert Membership.objects.get(pk=later.pk).ended_on == closed_on
    assert Membership.objects.get(pk=earlier.pk).ended_on == dt.date(2019, 12, 31)
    assert Membership.objects.filter(organization=cell).count() == 3
    assert sorted(events[0].after["memberships_ended"]) == sorted([current.pk, later.pk])
    assert events[0].before["closed_on"] is None
    assert events[0].after["closed_on"] == closed_on.isoformat()


def test_moving_a_subtree_moves_the_paths_below_and_keeps_memberships(tree, member):
    old_cell_path = Organization.objects.get(pk=tree.cell.pk).path
    chief = make_person(organization=tree.grassroots, role=Role.SECRETARY)
    with exactly_one_event(AuditAction.ORGANIZATION_MOVED) as events:
        moved = services.organization_move(actor=None, organization=tree.grassroots, new_parent=tree.city)
    city = Organization.objects.get(pk=tree.city.pk)
    bloc = Organization.objects.get(pk=tree.bloc.pk)
    cell = Organization.objects.get(pk=tree.cell.pk)
    assert Organization.objects.get_parent(moved) == city
    assert Organization.objects.get_parent(cell) == moved
    assert moved.path.startswith(city.path) and moved.depth == city.depth + 1
    assert cell.path.startswith(moved.path) and cell.depth == moved.depth + 1
    assert cell.path != old_cell_path
    assert (bloc.numchild, city.numchild) == (0, 3)
    assert Membership.objects.get(person=member).organization == cell
    assert Membership.objects.get(person=chief).organization == moved
    assert events[0].before == {"parent": bloc.pk, "parent_name": bloc.name}
    assert events[0].after == {"parent": city.pk, "parent_name": city.name}
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_a_new_term_may_start_the_day_after_the_last_one_ends(tree):
    _term_16(tree)
    with exactly_one_event(AuditAction.TERM_ADDED):
        term = services.term_add(
            actor=None, organization=tree.city, number=17, started_on=dt.date(2025, 10, 16)
        )
    assert term.covers(dt.date(2025, 10, 16)) and not term.covers(dt.date(2025, 10, 15))


# --- Bulk import ----------------------------------------------------------------------------


def _records(tree: Tree, count: int, prefix: str) -> list[PersonRecord]:
    units = [tree.grassroots.pk, tree.cell.pk]
    return [
        PersonRecord(
            username=f"{prefix}{n:04d}",
            full_name=f"Nguyễn Thị Số {n}",
            gender="F",
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=n),
            joined_party_on=dt.date(2000, 1, 1),
            organization_id=units[n % 2],
            role=Role.MEMBER,
            started_on=dt.date(2024, 1, 1),
        )
        for n in range(count)
    ]


def _import_queries(tree: Tree, count: int, prefix: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        services.people_import(
            actor=None, organization=tree.grassroots, records=_records(tree, count, prefix)
        )
    return len(queries)


def test_people_import_writes_rows_in_bulk_and_one_event(tree):
    # In bulk: a handful of queries, not one or more per row. (SQLite's parameter
    # limit splits a bulk insert of Person rows into batches of about fifty.)
    assert _import_queries(tree, 300, "b") < 30
    people_before = Person.objects.count()
    with exactly_one_event(AuditAction.PEOPLE_IMPORTED) as events:
        assert (
            services.people_import(actor=None, organization=tree.grassroots, records=_records(tree, 40, "c"))
            == 40
        )
    assert Person.objects.count() == people_before + 40
    imported = Person.objects.get(username="c0007")
    assert imported.full_name == "Nguyễn Thị Số 7"
    assert imported.given_name == "7"
    assert imported.search_name == "nguyen thi so 7"
    assert not imported.has_usable_password()
    assert Membership.objects.get(person=imported).organization == tree.cell
    assert events[0].target_id == str(tree.grassroots.pk)
    assert events[0].after["count"] == 40
    assert events[0].after["usernames"][:2] == ["c0000", "c0001"]


def test_people_import_of_many_rows_stays_under_the_databases_parameter_limits(tree):
    records = _records(tree, 1200, "d")
    assert services.people_import(actor=None, organization=tree.grassroots, records=records) == 1200
    assert Membership.objects.filter(person__username__startswith="d").count() == 1200


# --- Concurrent writers (PostgreSQL) ---------------------------------------------------------

# Committed for real, so that the writers' own connections see the tree. The rollback
# is serialized like the project's other transactional tests (test_e2e): mixing the
# two kinds makes the later ones fail on the content types a plain flush recreates.
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@needs_postgresql
@concurrent
def test_units_added_at_once_under_one_parent_get_distinct_paths():
    tree = make_tree()
    stop = threading.Event()
    seen_problems: list[audit.ChainProblem] = []

    def watch() -> None:
        # Verifying while clerks write must not report their appends as tampering.
        from django.db import connections

        try:
            while not stop.is_set():
                seen_problems.extend(audit.verify())
        finally:
            connections.close_all()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        results, errors = _in_threads(
            10,
            lambda n: services.organization_create(
                actor=None, parent=tree.city, name=f"Ban số {n}", abbreviation=f"B{n}", kind=kind("board")
            ),
        )
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert errors == []
    paths = {organization.path for organization in results}
    assert len(paths) == 10
    city = Organization.objects.get(pk=tree.city.pk)
    children = Organization.objects.get_children(city)
    assert children.count() == city.numchild == 12  # the office, the bloc and the ten boards
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert seen_problems == []
    assert list(audit.verify()) == []
    assert AuditChainHead.objects.get().length == AuditEvent.objects.count() == 7 + 10


@needs_postgresql
@concurrent
def test_one_abbreviation_claimed_at_once_goes_to_one_unit():
    tree = make_tree()
    results, errors = _in_threads(
        10,
        lambda n: services.organization_create(
            actor=None, parent=tree.city, name=f"Ban Dân vận {n}", abbreviation="BDVTU", kind=kind("board")
        ),
    )
    assert len(results) == 1
    assert len(errors) == 9 and all(isinstance(error, ValidationError) for error in errors), errors
    assert Organization.objects.filter(abbreviation="BDVTU").count() == 1
    assert list(audit.verify()) == []
