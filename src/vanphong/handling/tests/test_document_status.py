"""Each slip service records where its document's handling stands in the registry
(not forwarded, being handled, done; the earliest open deadline), so that the
incoming register is filtered by status: each state reached through the real
services, overdue by the deadline, the list page, clearance, the demo, the backfill
of documents sent before, and two slips of one document completed at once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import make_person, persona
from vanphong.handling import demo, services
from vanphong.handling.models import SlipState, TransferSlip
from vanphong.handling.tests.conftest import register_document
from vanphong.handling.tests.test_demo import demo_city  # noqa: F401
from vanphong.registry.models import Handling, IncomingDocument
from vanphong.registry.selectors import HandlingStatus, IncomingFilters, incoming_results
from vanphong.testing import in_threads, needs_postgresql

TODAY = timezone.localdate()
STATUSES = (HandlingStatus.NONE, HandlingStatus.OPEN, HandlingStatus.OVERDUE, HandlingStatus.DONE)


def _status(document: IncomingDocument) -> tuple[str, dt.date | None]:
    document.refresh_from_db()
    return document.handling, document.handling_deadline


def _statuses(person, document: IncomingDocument) -> set[str]:
    """The statuses under which the register lists `document` for `person`."""
    return {
        status
        for status in STATUSES
        if document.pk in {d.pk for d in incoming_results(person, IncomingFilters(status=status))}
    }


def _direct(slip, leader, handler, **kwargs):
    return services.slip_direct(
        actor=leader, slip=slip, instruction="Giao đồng chí chủ trì xử lý", lead_person=handler, **kwargs
    )


def test_each_step_of_a_slip_records_the_documents_status(clerk, secretary, handler, document):
    assert _status(document) == (Handling.NONE, None)
    assert _statuses(clerk, document) == {"none"}

    slip = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    assert document.handling == Handling.OPEN  # the caller's object follows
    assert _status(document) == (Handling.OPEN, None)
    assert _statuses(clerk, document) == {"open"}

    deadline = TODAY + dt.timedelta(days=7)
    slip = _direct(slip, secretary, handler, deadline=deadline)
    assert _status(document) == (Handling.OPEN, deadline)

    services.slip_progress(actor=handler, slip=slip, note="Đang lấy ý kiến")
    assert _status(document) == (Handling.OPEN, deadline)

    events = AuditEvent.objects.count()
    services.slip_complete(actor=handler, slip=slip, note="Đã báo cáo")
    assert _status(document) == (Handling.DONE, None)
    assert _statuses(clerk, document) == {"done"}
    # One audit event, the slip's: the document's status is derived from it.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("pk").action == services.AuditAction.SLIP_COMPLETED


def test_a_document_is_done_when_all_its_slips_are_and_keeps_its_earliest_open_deadline(
    clerk, secretary, deputy, handler, document
):
    first = _direct(
        services.slip_send(actor=clerk, document=document, leaders=[secretary]),
        secretary,
        handler,
        deadline=TODAY + dt.timedelta(days=7),
    )
    second = _direct(
        services.slip_send(actor=clerk, document=document, leaders=[deputy]),
        deputy,
        handler,
        deadline=TODAY + dt.timedelta(days=3),
    )
    assert _status(document) == (Handling.OPEN, TODAY + dt.timedelta(days=3))
    services.slip_complete(actor=handler, slip=second)
    assert _status(document) == (Handling.OPEN, TODAY + dt.timedelta(days=7))
    # A third slip, awaiting direction: still being handled, with no deadline once
    # the first is done.
    third = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    services.slip_complete(actor=handler, slip=first)
    assert _status(document) == (Handling.OPEN, None)
    services.slip_complete(actor=handler, slip=_direct(third, secretary, handler))
    assert _status(document) == (Handling.DONE, None)
    assert set(TransferSlip.objects.values_list("state", flat=True)) == {SlipState.DONE}


@pytest.fixture
def received_weeks_ago(tree, clerk):
    """A document received four weeks ago, sent on paper the next day."""
    return register_document(
        tree,
        clerk,
        received_on=TODAY - dt.timedelta(days=28),
        document_date=TODAY - dt.timedelta(days=30),
        symbol="7-CV/BTCTW",
    )


def _sent_weeks_ago(clerk, secretary, document):
    return services.slip_send(
        actor=clerk, document=document, leaders=[secretary], sent_on=TODAY - dt.timedelta(days=27)
    )


def test_a_document_is_overdue_once_the_deadline_of_a_directed_slip_has_passed(
    tree, clerk, secretary, handler, document, received_weeks_ago
):
    directed_on = TODAY - dt.timedelta(days=25)
    late = _direct(
        _sent_weeks_ago(clerk, secretary, received_weeks_ago),
        secretary,
        handler,
        directed_on=directed_on,
        deadline=TODAY - dt.timedelta(days=1),
    )
    # Due today is not late yet.
    _direct(
        services.slip_send(actor=clerk, document=document, leaders=[secretary]),
        secretary,
        handler,
        deadline=TODAY,
    )
    assert _statuses(clerk, received_weeks_ago) == {"open", "overdue"}
    assert _statuses(clerk, document) == {"open"}
    services.slip_complete(actor=handler, slip=late, note="Hoàn thành muộn")
    assert _statuses(clerk, received_weeks_ago) == {"done"}


def test_the_register_page_lists_the_documents_of_one_status(
    client, tree, clerk, secretary, handler, document, received_weeks_ago
):
    untouched = register_document(tree, clerk, symbol="9-CV/BTCTW")
    services.slip_send(actor=clerk, document=document, leaders=[secretary])
    _direct(
        _sent_weeks_ago(clerk, secretary, received_weeks_ago),
        secretary,
        handler,
        directed_on=TODAY - dt.timedelta(days=25),
        deadline=TODAY - dt.timedelta(days=15),
    )
    client.force_login(clerk)
    url = reverse("incoming_list")
    shown = {
        status: client.get(url, {"status": status}).content.decode()
        for status in ("", "none", "open", "overdue", "done")
    }
    symbols = {"untouched": untouched.symbol, "sent": document.symbol, "late": received_weeks_ago.symbol}

    def listed(status: str) -> set[str]:
        return {name for name, symbol in symbols.items() if symbol in shown[status]}

    assert listed("") == {"untouched", "sent", "late"}
    assert listed("none") == {"untouched"}
    assert listed("open") == {"sent", "late"}
    assert listed("overdue") == {"late"} and shown["overdue"].count('data-status="overdue"') == 1
    assert listed("done") == set()
    assert "Quá hạn" in shown["overdue"] and 'data-status="open"' not in shown["overdue"]
    assert shown["open"].count('data-status="open"') == 1 and shown["none"].count("data-status=") == 0


def test_an_uncleared_person_finds_no_classified_document_under_any_status(
    client, tree, clerk, secretary, handler, classified
):
    specialist = persona(tree, Role.SPECIALIST, Secrecy.NONE)
    slip = services.slip_send(actor=clerk, document=classified, leaders=[secretary])
    for step in ("sent", "directed", "done"):
        if step == "directed":
            slip = _direct(slip, secretary, handler, deadline=TODAY)
        elif step == "done":
            services.slip_complete(actor=handler, slip=slip)
        assert _statuses(clerk, classified)  # the clerk, cleared, finds it
        for status in ("", *STATUSES):
            assert len(incoming_results(specialist, IncomingFilters(status=status))) == 0
    client.force_login(specialist)
    for status in ("", *STATUSES):
        page = client.get(reverse("incoming_list"), {"status": status}).content.decode()
        assert classified.symbol not in page and "Không tìm thấy văn bản nào." in page


def _expected(document: IncomingDocument) -> tuple[str, dt.date | None]:
    """The document's status as its slips say, worked out here from the slips."""
    slips = list(document.slips.all())
    if not slips:
        return Handling.NONE, None
    if all(slip.state == SlipState.DONE for slip in slips):
        return Handling.DONE, None
    deadlines = [s.deadline for s in slips if s.state == SlipState.DIRECTED and s.deadline is not None]
    return Handling.OPEN, min(deadlines, default=None)


def test_the_demos_documents_have_their_status(demo_city):  # noqa: F811
    demo.load_demo(city=demo_city.city, out=lambda _text: None)
    documents = list(IncomingDocument.objects.prefetch_related("slips"))
    assert [(d.handling, d.handling_deadline) for d in documents] == [_expected(d) for d in documents]
    clerk = make_person(organization=demo_city.office, role=Role.CLERK, clearance=Secrecy.SECRET)
    counts = {status: len(incoming_results(clerk, IncomingFilters(status=status))) for status in STATUSES}
    assert all(counts.values()), counts  # some of each
    overdue = {d.pk for d in incoming_results(clerk, IncomingFilters(status=HandlingStatus.OVERDUE))}
    assert overdue == set(TransferSlip.objects.overdue().values_list("document", flat=True))


def test_the_migration_fills_in_the_documents_sent_before(clerk, secretary, deputy, handler, tree):
    untouched = register_document(tree, clerk, symbol="1-CV/BTCTW")
    sent = register_document(tree, clerk, symbol="2-CV/BTCTW")
    services.slip_send(actor=clerk, document=sent, leaders=[secretary])
    directed = register_document(tree, clerk, symbol="3-CV/BTCTW")
    deadline = TODAY + dt.timedelta(days=5)
    _direct(services.slip_send(actor=clerk, document=directed, leaders=[secretary]), secretary, handler)
    _direct(
        services.slip_send(actor=clerk, document=directed, leaders=[deputy]),
        deputy,
        handler,
        deadline=deadline,
    )
    done = register_document(tree, clerk, symbol="4-CV/BTCTW")
    slip = _direct(services.slip_send(actor=clerk, document=done, leaders=[secretary]), secretary, handler)
    services.slip_complete(actor=handler, slip=slip)
    recorded = {d.pk: (d.handling, d.handling_deadline) for d in IncomingDocument.objects.all()}
    assert recorded == {
        untouched.pk: (Handling.NONE, None),
        sent.pk: (Handling.OPEN, None),
        directed.pk: (Handling.OPEN, deadline),
        done.pk: (Handling.DONE, None),
    }

    migration = importlib.import_module("vanphong.handling.migrations.0003_document_handling")
    migration.clear_document_handling(apps, None)
    assert set(IncomingDocument.objects.values_list("handling", "handling_deadline")) == {("none", None)}
    migration.fill_document_handling(apps, None)
    assert {d.pk: (d.handling, d.handling_deadline) for d in IncomingDocument.objects.all()} == recorded


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_slips_of_one_document_completed_at_once_leave_it_done(
    tree, clerk, secretary, deputy, office_chief, handler, document
):
    handlers = [
        handler,
        *(
            make_person(organization=tree.grassroots, clearance=Secrecy.CONFIDENTIAL, full_name=name)
            for name in ("Phạm Cùng Làm", "Võ Phối Hợp")
        ),
    ]
    slips = [
        _direct(services.slip_send(actor=clerk, document=document, leaders=[leader]), leader, person)
        for leader, person in zip([secretary, deputy, office_chief], handlers, strict=True)
    ]
    results, errors = in_threads(3, lambda n: services.slip_complete(actor=handlers[n], slip=slips[n]))
    assert errors == [] and len(results) == 3
    assert _status(document) == (Handling.DONE, None)
