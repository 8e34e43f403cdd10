"""The audit trail: append-only, hash-chained, and checked by `vanphong audit verify`."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import threading
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from vanphong.core import audit, services
from vanphong.core.management.commands.audit import Command as AuditCommand
from vanphong.core.middleware import ClientAddressMiddleware
from vanphong.core.models import AuditChainHead, AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import kind, make_person


@pytest.fixture
def busy_office(tree, office_chief, member):
    """The tree (7 events) and its personas, then a day's work through the services."""
    services.term_add(actor=office_chief, organization=tree.city, number=16, started_on=dt.date(2020, 10, 16))
    services.person_set_clearance(actor=office_chief, person=member, clearance=Secrecy.CONFIDENTIAL)
    services.organization_move(actor=office_chief, organization=tree.grassroots, new_parent=tree.city)
    services.membership_add(
        actor=office_chief,
        person=member,
        organization=tree.grassroots,
        role=Role.COMMITTEE_MEMBER,
        started_on=dt.date(2024, 1, 1),
    )
    services.person_update(actor=office_chief, person=member, full_name="Nguyễn Văn Đổi Tên")
    return tree


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id"))


def _raw(sql: str, params: list[Any]) -> None:
    """Tampering as an intruder with database access would do it, past the model."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_chain_verifies_after_several_services(busy_office):
    events = _events()
    # 7 units of the tree, 2 personas, 5 services above.
    assert len(events) == 14
    assert events[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    head = AuditChainHead.objects.get()
    assert (head.last_hash, head.length) == (events[-1].hash, 14)
    assert list(audit.verify()) == []


def test_verify_returns_the_number_of_events_walked(busy_office):
    walk = audit.verify()
    with pytest.raises(StopIteration) as done:
        next(walk)
    assert done.value.value == 14


def test_an_edited_row_is_detected(busy_office):
    victim = _events()[5]
    after = {**(victim.after or {}), "name": "Tên đã bị sửa"}
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    _raw(f'UPDATE core_auditevent SET "after" = %s{cast} WHERE id = %s', [json.dumps(after), victim.id])
    problems = list(audit.verify())
    assert [(p.event_id, "edited" in p.message) for p in problems] == [(victim.id, True)]


def test_an_edited_actor_name_is_detected(busy_office):
    victim = _events()[-2]
    _raw("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["Người khác", victim.id])
    assert [p.event_id for p in audit.verify()] == [victim.id]


def test_a_removed_middle_row_is_detected(busy_office):
    events = _events()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[6].id])
    problems = list(audit.verify())
    # The row after it no longer links to its predecessor, and the head counts one more.
    assert [(p.event_id, "removed" in p.message) for p in problems] == [(events[7].id, True), (None, True)]


def test_a_removed_newest_row_is_detected(busy_office):
    events = _events()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    problems = list(audit.verify())
    assert [(p.event_id, "newest events were removed" in p.message) for p in problems] == [(None, True)]


def test_a_row_removed_before_new_appends_is_still_detected(busy_office, member):
    events = _events()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[-1].id])
    services.sign_in_record(person=member)
    problems = list(audit.verify())
    newest = AuditEvent.objects.order_by("-id").first()
    assert newest is not None
    # The new event links to the removed one, and the head counted the removed one.
    assert [p.event_id for p in problems] == [newest.id, None]


def test_a_forged_row_at_the_end_is_detected(busy_office):
    last = _events()[-1]
    _raw(
        "INSERT INTO core_auditevent (at, actor_name, action, target_type, target_id, target_repr, "
        "secrecy, prev_hash, hash) VALUES (%s, '', 'person.created', 'core.person', '1', 'Giả', 0, %s, %s)",
        [timezone.now(), last.hash, "f" * 64],
    )
    problems = list(audit.verify())
    assert len(problems) == 2  # the forged row's own hash, and the head that never counted it
    assert problems[-1].event_id is None


def test_the_model_refuses_to_change_or_delete_an_event(busy_office):
    event = _events()[3]
    event.target_repr = "sửa"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="sửa")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 14
    assert list(audit.verify()) == []


def test_events_of_one_target_are_found(busy_office, member):
    actions = list(AuditEvent.objects.for_target(member).order_by("id").values_list("action", flat=True))
    assert actions == [
        services.AuditAction.PERSON_CREATED,
        services.AuditAction.PERSON_CLEARANCE_CHANGED,
        services.AuditAction.PERSON_CHANGED,
    ]


def test_record_outside_a_transaction_raises(tree, member):
    """A thread has its own connection, in autocommit: exactly where a careless
    caller would be. (The test itself runs inside a transaction.)"""
    from django.db import connections

    raised: list[BaseException] = []

    def careless_caller() -> None:
        try:
            audit.record(actor=None, action=services.AuditAction.SIGNED_IN, target=member)
        except BaseException as error:  # reported below
            raised.append(error)
        finally:
            connections.close_all()

    count = AuditEvent.objects.count()
    thread = threading.Thread(target=careless_caller)
    thread.start()
    thread.join(timeout=30)
    assert len(raised) == 1
    assert isinstance(raised[0], RuntimeError)
    assert "inside the service's transaction" in str(raised[0])
    assert AuditEvent.objects.count() == count


# --- The client's address ---------------------------------------------------------------------


def test_the_address_from_the_middleware_is_stored(tree, member):
    def view(request):
        services.sign_in_record(person=member)
        return HttpResponse("ok")

    request = RequestFactory().get("/", REMOTE_ADDR="203.113.0.9")
    ClientAddressMiddleware(view)(request)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.client_address) == (services.AuditAction.SIGNED_IN, "203.113.0.9")
    # Outside the request the address is forgotten again.
    assert audit.client_address.get() is None
    services.sign_out_record(person=member)
    assert AuditEvent.objects.order_by("-id").values_list("client_address", flat=True).first() is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.0.0.7", "10.0.0.7"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("fe80::1%eth0", "fe80::1"),
        ("unix-socket", None),
        ("", None),
    ],
)
def test_the_address_is_stored_as_the_database_returns_it_and_the_chain_holds(tree, member, given, stored):
    token = audit.client_address.set(given)
    try:
        services.sign_in_record(person=member)
    finally:
        audit.client_address.reset(token)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert event.client_address == stored
    assert list(audit.verify()) == []


# --- vanphong audit verify --------------------------------------------------------------------


def test_the_command_reports_an_intact_chain(tree):
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    assert out.getvalue() == "Chuỗi nhật ký toàn vẹn: 7 sự kiện.\n"
    assert err.getvalue() == ""


def test_the_command_reports_each_problem_and_fails(busy_office):
    events = _events()
    _raw("UPDATE core_auditevent SET target_repr = %s WHERE id = %s", ["sửa", events[2].id])
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[9].id])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=out, stderr=err)
    assert failure.value.returncode == 1
    assert "Chuỗi nhật ký bị phá vỡ: 3 lỗi trên 13 sự kiện." in str(failure.value)
    lines = err.getvalue().splitlines()
    assert lines == [
        f"Sự kiện #{events[2].id}: content does not match its hash (the row was edited)",
        f"Sự kiện #{events[10].id}: link to the previous event is broken (a row was removed or inserted)",
        "Đầu chuỗi: the chain ends at event #13 but the head records 14 events "
        "(newest events were removed or the head was altered)",
    ]
    assert out.getvalue() == ""


def test_the_command_exits_with_status_1_from_the_console(busy_office, monkeypatch):
    from django.core.management import base

    # run_from_argv closes every connection when done, which would end the test's own
    # transaction; the exit status is what is under test here.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [_events()[-1].id])
    command = AuditCommand(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["vanphong", "audit", "verify"])
    assert exit_.value.code == 1


def test_the_command_needs_a_subcommand(tree):
    with pytest.raises(CommandError):
        call_command("audit")


def test_an_organization_event_is_filed_under_that_organization(tree):
    board = services.organization_create(
        actor=None,
        parent=tree.city,
        name="Ủy ban Kiểm tra Thành ủy",
        abbreviation="UBKTTU",
        kind=kind("inspection"),
    )
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.target_type, event.target_id, event.organization) == (
        "core.organization",
        str(board.pk),
        board,
    )
    person = make_person(organization=board)
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.target_type, event.target_id, event.organization) == ("core.person", str(person.pk), board)
