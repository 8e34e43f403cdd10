"""Two people acting on the same slip at the same moment (PostgreSQL): the slip's row
lock lets one through and shows the other the new state, so the slip is directed or
completed once, with one audit event, and the other is told why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vanphong.core import audit
from vanphong.core.models import AuditEvent
from vanphong.core.tests.factories import make_person
from vanphong.handling import services
from vanphong.handling.models import SlipState, TransferSlip
from vanphong.testing import in_threads, needs_postgresql

# Committed for real, so that the threads' own connections see the rows; the seeded
# document types come back through the serialized rollback.
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TODAY = timezone.localdate()


def _one_refused(results: list[object], errors: list[BaseException]) -> ValidationError:
    assert len(results) == 1 and isinstance(results[0], TransferSlip), (results, errors)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    return errors[0]


def _message(msgid: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the threads' language
        return _(msgid)


@needs_postgresql
@concurrent
def test_two_leaders_directing_at_once_direct_it_once(tree, clerk, secretary, deputy, handler, document):
    slip = services.slip_send(actor=clerk, document=document, leaders=[secretary, deputy])
    leaders = [secretary, deputy]
    results, errors = in_threads(
        2,
        lambda n: services.slip_direct(
            actor=leaders[n],
            slip=slip,
            instruction=f"Ý kiến của đồng chí thứ {n + 1}",
            lead_person=handler,
            deadline=TODAY + dt.timedelta(days=n + 3),
        ),
    )
    error = _one_refused(results, errors)
    assert error.messages == [_message("This slip has already been directed.")]
    winner = results[0]
    assert isinstance(winner, TransferSlip)
    slip.refresh_from_db()
    assert slip.state == SlipState.DIRECTED
    assert (slip.directed_by, slip.instruction, slip.deadline) == (
        winner.directed_by,
        winner.instruction,
        winner.deadline,
    )
    events = AuditEvent.objects.for_target(slip).filter(action=services.AuditAction.SLIP_DIRECTED)
    assert events.count() == 1 and events.get().actor == slip.directed_by
    assert audit.verify_all()[1] == []


@needs_postgresql
@concurrent
def test_two_handlers_completing_at_once_complete_it_once(tree, clerk, secretary, handler, document):
    slip = services.slip_send(actor=clerk, document=document, leaders=[secretary])
    colleague = make_person(organization=tree.grassroots, full_name="Phạm Thị Cùng Làm")
    slip = services.slip_direct(
        actor=secretary, slip=slip, instruction="Xử lý", lead_unit=tree.grassroots, lead_person=handler
    )
    handlers = [handler, colleague]
    results, errors = in_threads(
        2,
        lambda n: services.slip_complete(actor=handlers[n], slip=slip, note=f"Xong, báo cáo của {n + 1}"),
    )
    error = _one_refused(results, errors)
    assert error.messages == [_message("Handling is recorded only while the slip is in progress.")]
    winner = results[0]
    assert isinstance(winner, TransferSlip)
    slip.refresh_from_db()
    assert slip.state == SlipState.DONE
    assert (slip.completed_by, slip.completion_note) == (winner.completed_by, winner.completion_note)
    events = AuditEvent.objects.for_target(slip).filter(action=services.AuditAction.SLIP_COMPLETED)
    assert events.count() == 1 and events.get().actor == slip.completed_by
    assert audit.verify_all()[1] == []
