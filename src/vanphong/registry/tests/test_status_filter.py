"""The incoming register filtered by where each document's handling stands: the two
columns the handling app records (`services.incoming_handling_record`), the filter
on them, the form field and the list page. The slip services that record them are
tested in `handling/tests/test_document_status.py`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.registry import services
from vanphong.registry.forms import IncomingFilterForm
from vanphong.registry.models import Handling, IncomingDocument
from vanphong.registry.selectors import HandlingStatus, IncomingFilters, incoming_list, incoming_results

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def documents(incoming):
    """One document in each status: not forwarded, handled with no deadline, handled
    with a deadline today (not yet late), overdue, done."""

    def make(symbol: str, state: Handling, deadline: dt.date | None = None) -> IncomingDocument:
        document = incoming(symbol=symbol, abstract=f"Văn bản {symbol}")
        services.incoming_handling_record(document=document, state=state, deadline=deadline)
        return document

    return {
        "none": make("1-CV/BTCTU", Handling.NONE),
        "open": make("2-CV/BTCTU", Handling.OPEN),
        "due today": make("3-CV/BTCTU", Handling.OPEN, TODAY),
        "overdue": make("4-CV/BTCTU", Handling.OPEN, YESTERDAY),
        "done": make("5-CV/BTCTU", Handling.DONE),
    }


def _found(person, status: str) -> set[int]:
    return {d.pk for d in incoming_results(person, IncomingFilters(status=status))}


def test_a_new_document_is_not_yet_forwarded(incoming):
    document = incoming()
    document.refresh_from_db()
    assert (document.handling, document.handling_deadline) == (Handling.NONE, None)


def test_recording_the_handling_writes_the_columns_and_no_audit_event(incoming):
    document = incoming()
    events = AuditEvent.objects.count()
    services.incoming_handling_record(document=document, state=Handling.OPEN, deadline=YESTERDAY)
    assert (document.handling, document.handling_deadline) == (Handling.OPEN, YESTERDAY)
    document.refresh_from_db()
    assert (document.handling, document.handling_deadline) == (Handling.OPEN, YESTERDAY)
    # Done, nothing is left to be late for: the deadline goes with it.
    services.incoming_handling_record(document=document, state=Handling.DONE, deadline=YESTERDAY)
    document.refresh_from_db()
    assert (document.handling, document.handling_deadline) == (Handling.DONE, None)
    assert AuditEvent.objects.count() == events


def test_the_register_is_filtered_by_each_status(clerk, documents):
    pk = {name: document.pk for name, document in documents.items()}
    assert _found(clerk, "") == set(pk.values())
    assert _found(clerk, HandlingStatus.NONE) == {pk["none"]}
    # Overdue documents are still being handled.
    assert _found(clerk, HandlingStatus.OPEN) == {pk["open"], pk["due today"], pk["overdue"]}
    assert _found(clerk, HandlingStatus.OVERDUE) == {pk["overdue"]}
    assert _found(clerk, HandlingStatus.DONE) == {pk["done"]}
    # Printed registers and the API read the same filter.
    assert [d.pk for d in incoming_list(clerk, IncomingFilters(status=HandlingStatus.OVERDUE))] == [
        pk["overdue"]
    ]


def test_a_document_becomes_overdue_when_its_deadline_has_passed(clerk, documents, monkeypatch):
    tomorrow = TODAY + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _found(clerk, HandlingStatus.OVERDUE) == {documents["due today"].pk, documents["overdue"].pk}


def test_the_filter_form_passes_the_status_and_refuses_an_unknown_one(db):
    assert IncomingFilterForm({"status": "overdue"}).filters() == IncomingFilters(status="overdue")
    assert IncomingFilterForm({}).filters().status == ""
    refused = IncomingFilterForm({"status": "lost"})
    assert refused.filters() == IncomingFilters() and "status" in refused.errors


def test_the_list_page_filters_by_status_and_shows_it(client, clerk, documents):
    client.force_login(clerk)
    page = client.get(reverse("incoming_list")).content.decode()
    # The filter, with the clerk's words for each status.
    for label in ("Tình trạng", 'value="overdue"', 'value="none"', 'value="open"', 'value="done"'):
        assert label in page
    assert page.count('data-status="overdue"') == 1 and page.count('data-status="open"') == 2
    assert page.count('data-status="done"') == 1

    page = client.get(reverse("incoming_list"), {"status": "overdue"}).content.decode()
    assert "4-CV/BTCTU" in page and page.count('data-status="overdue"') == 1
    assert not any(symbol in page for symbol in ("1-CV/BTCTU", "2-CV/BTCTU", "3-CV/BTCTU", "5-CV/BTCTU"))
    assert '<option value="overdue" selected>' in page

    # The live filter asks for the results alone.
    part = client.get(reverse("incoming_list"), {"status": "none"}, HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert "1-CV/BTCTU" in text and "data-status" not in text and "<form" not in text


def test_an_uncleared_person_sees_no_classified_document_in_any_status(incoming, tree, clerk):
    specialist = persona(tree, Role.SPECIALIST, Secrecy.NONE)
    for state, deadline in (
        (Handling.NONE, None),
        (Handling.OPEN, None),
        (Handling.OPEN, YESTERDAY),
        (Handling.DONE, None),
    ):
        secret = incoming(secrecy=Secrecy.CONFIDENTIAL, symbol=f"{state}-{deadline}/BTCTU")
        services.incoming_handling_record(document=secret, state=state, deadline=deadline)
    plain = incoming(symbol="9-CV/BTCTU")
    services.incoming_handling_record(document=plain, state=Handling.OPEN, deadline=YESTERDAY)
    for status in ("", HandlingStatus.NONE, HandlingStatus.OPEN, HandlingStatus.OVERDUE, HandlingStatus.DONE):
        results = incoming_results(specialist, IncomingFilters(status=status))
        shown = {d.pk for d in results}
        assert all(d.secrecy == Secrecy.NONE for d in IncomingDocument.objects.filter(pk__in=shown))
        assert len(results) == len(shown) == (1 if status in ("", "open", "overdue") else 0)
        # The clerk, cleared, sees them.
        assert (
            len(incoming_results(clerk, IncomingFilters(status=status)))
            == {
                "": 5,
                "none": 1,
                "open": 3,
                "overdue": 2,
                "done": 1,
            }[status]
        )
