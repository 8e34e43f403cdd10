"""The handling demo on a small city: the office's board of an ordinary day, with
overdue slips among the others, loaded once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core import audit
from vanphong.core.models import AuditEvent, Person, Role, Secrecy
from vanphong.core.tests.factories import Tree, make_person
from vanphong.handling import demo, selectors
from vanphong.handling.models import SlipState, TransferSlip
from vanphong.handling.tests.conftest import register_document

TODAY = timezone.localdate()
DAYS = 70  # ten weeks of mail, two documents a day


@pytest.fixture
def demo_city(tree: Tree) -> Tree:
    """The demo's sign-ins on the small tree, and ten weeks of incoming documents,
    some with a deadline set on registering."""
    office = (
        ("vanthu", Role.CLERK),
        ("chanhvp", Role.OFFICE_CHIEF),
        ("phochanhvp", Role.OFFICE_DEPUTY_CHIEF),
        ("chuyenvien", Role.SPECIALIST),
    )
    for username, role in office:
        make_person(organization=tree.office, role=role, clearance=Secrecy.SECRET, username=username)
    make_person(organization=tree.city, role=Role.SECRETARY, clearance=Secrecy.TOP_SECRET, username="bithu")
    make_person(
        organization=tree.city, role=Role.DEPUTY_SECRETARY, clearance=Secrecy.SECRET, username="phobithu"
    )
    clerk = Person.objects.get(username="vanthu")
    for n in range(2 * DAYS):
        received = TODAY - dt.timedelta(days=DAYS - n // 2)
        register_document(
            tree,
            clerk,
            received_on=received,
            document_date=received - dt.timedelta(days=2),
            symbol=f"{n + 1}-CV/BTCTW",
            handler_unit=tree.grassroots if n % 2 else tree.office,
            deadline=received + dt.timedelta(days=12) if n % 3 == 0 else None,
        )
    return tree


def _kind(slip: TransferSlip) -> str:
    if slip.state == SlipState.SENT:
        return "awaiting"
    if slip.state == SlipState.DONE:
        assert slip.completed_at is not None
        late = slip.deadline is not None and timezone.localdate(slip.completed_at) > slip.deadline
        return "done late" if late else "done on time"
    return "overdue" if slip.is_overdue else "running"


def test_the_demo_has_overdue_slips_among_a_realistic_mix_and_loads_once(client, demo_city):
    messages: list[str] = []
    counts = demo.load_demo(city=demo_city.city, out=messages.append)
    slips = list(TransferSlip.objects.select_related("document"))
    assert counts == {"transfer_slips": demo.SLIPS} and len(slips) == demo.SLIPS and messages

    mix = Counter(_kind(slip) for slip in slips)
    assert set(mix) == {"awaiting", "overdue", "done late", "done on time", "running"}, mix
    assert mix["overdue"] >= 5, mix
    overdue = set(TransferSlip.objects.overdue())
    assert overdue == {slip for slip in slips if _kind(slip) == "overdue"}
    for slip in slips:
        assert timezone.localdate(slip.sent_at) >= slip.document.received_on
        if slip.state != SlipState.SENT:
            assert (
                slip.directed_on is not None and timezone.localdate(slip.sent_at) <= slip.directed_on <= TODAY
            )
            assert slip.deadline is None or slip.deadline >= slip.directed_on
    # Directed weeks ago, as the office entered them from the paper slips.
    assert any(slip.directed_earlier and slip.directed_on <= TODAY - dt.timedelta(weeks=3) for slip in slips)

    # The office's board starts with the overdue slips; each handler finds theirs.
    clerk = Person.objects.get(username="vanthu")
    board = list(selectors.board(clerk))
    assert set(board[: len(overdue)]) == overdue and len(board) == len(
        [s for s in slips if s.state != "done"]
    )
    client.force_login(clerk)
    page = client.get(reverse("slip_board")).content.decode()
    assert page.count('class="table-danger"') == len(overdue)
    mine = {
        slip
        for username in ("chanhvp", "phochanhvp", "chuyenvien")
        for slip in selectors.my_work(Person.objects.get(username=username)).overdue
    }
    assert mine == overdue
    handler = next(iter(overdue)).lead_person
    assert handler is not None
    client.force_login(handler)
    page = client.get(reverse("handling_mine")).content.decode()
    assert 'id="overdue"' in page
    assert page.split('id="overdue"')[1].split("</table>")[0].count("data-slip=") == len(
        selectors.my_work(handler).overdue
    )

    # Written through the services, each step audited; loading again adds nothing.
    assert list(audit.verify()) == []
    events = AuditEvent.objects.count()
    assert demo.load_demo(city=demo_city.city, out=messages.append) == {"transfer_slips": demo.SLIPS}
    assert TransferSlip.objects.count() == demo.SLIPS and AuditEvent.objects.count() == events
