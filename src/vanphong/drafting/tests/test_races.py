"""Signers at the same moment (PostgreSQL: SQLite serializes every writer): numbers
drawn at signing stay consecutive, one draft is never signed twice, and a refused
signature among them consumes no number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vanphong.core import audit
from vanphong.drafting import services
from vanphong.drafting.models import Draft, DraftState
from vanphong.drafting.tests.conftest import PIN
from vanphong.registry.models import NumberSeries, OutgoingDocument
from vanphong.testing import in_threads, needs_postgresql

concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@needs_postgresql
@concurrent
def test_ten_drafts_signed_at_once_take_ten_consecutive_numbers_and_a_wrong_pin_none(
    make_draft, specialist, secretary, issue_credential
):
    credential = issue_credential(secretary)
    drafts = [
        services.draft_submit(actor=specialist, draft=make_draft(abstract=f"V/v việc thứ {n}"), reviewers=[])
        for n in range(10)
    ]

    def sign(n: int) -> Draft:
        pin = "sai" if n % 5 == 0 else PIN  # two signatures refused
        return services.draft_sign(actor=secretary, draft=drafts[n], credential=credential, pin=pin)

    results, errors = in_threads(10, sign)
    assert len(results) == 8
    assert len(errors) == 2 and all(isinstance(error, ValidationError) for error in errors), errors
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    assert NumberSeries.objects.get().last_number == 8
    assert Draft.objects.filter(state=DraftState.SIGNED).count() == 8
    assert audit.verify_all()[1] == []


@needs_postgresql
@concurrent
def test_one_draft_signed_twice_at_once_is_signed_once(make_draft, specialist, secretary, issue_credential):
    credential = issue_credential(secretary)
    draft = services.draft_submit(actor=specialist, draft=make_draft(), reviewers=[])
    results, errors = in_threads(
        4, lambda n: services.draft_sign(actor=secretary, draft=draft, credential=credential, pin=PIN)
    )
    assert len(results) == 1 and len(errors) == 3, errors
    assert OutgoingDocument.objects.count() == 1 and NumberSeries.objects.get().last_number == 1
