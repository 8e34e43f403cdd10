"""The two functions the public site calls: a form's letter in, its status out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vanphong.core.models import AuditEvent
from vanphong.letters import selectors, services
from vanphong.letters.models import CODE_ALPHABET, CODE_LENGTH, Channel, LetterState

pytestmark = pytest.mark.django_db


def send(**changes):
    values = {
        "name": "Phạm Thị Bình",
        "contact": "binh@example.vn",
        "subject": "Phản ánh tiếng ồn công trình ban đêm",
        "content": "Công trình thi công đến 1 giờ sáng.",
        "client_hash": "abc123",
    }
    values.update(changes)
    return services.letter_receive_from_form(**values)


def test_form_letter_is_registered_unclassified_with_a_code(tree, rules):
    letter = send()
    assert letter.organization == tree.city
    assert letter.channel == Channel.FORM
    assert letter.kind == "" and letter.number is None
    assert len(letter.tracking_code) == CODE_LENGTH
    assert set(letter.tracking_code) <= set(CODE_ALPHABET)
    event = AuditEvent.objects.get(target_id=str(letter.pk), action=services.AuditAction.RECEIVED)
    assert event.actor is None
    assert "Phạm Thị Bình" not in str(event.after) and "binh@example.vn" not in str(event.after)


def test_codes_differ(tree, rules):
    codes = {send().tracking_code for _ in range(20)}
    assert len(codes) == 20


def test_bad_input_is_refused_by_field(tree, rules):
    with pytest.raises(ValidationError) as error:
        send(name=" ", contact="", subject="", content="x" * (services.MAX_CONTENT + 1))
    assert set(error.value.message_dict) == {"name", "contact", "subject", "content"}


def test_without_rules_the_root_receives(tree):
    assert send().organization == tree.central


def test_public_status_shows_only_what_a_citizen_may_see(tree, rules, office_chief, handler):
    letter = send()
    status = selectors.public_status(letter.display_code.lower().replace("-", " "))
    assert status is not None
    assert status.received_on == letter.received_on
    assert status.state == LetterState.RECEIVED and status.forwarded_to == "" and status.deadline is None
    services.letter_classify(actor=office_chief, letter=letter, kind="feedback")
    services.letter_forward(
        actor=office_chief, letter=letter, unit=tree.bloc, handler=handler, instruction="Nội bộ"
    )
    status = selectors.public_status(letter.tracking_code)
    assert status is not None
    assert status.state == LetterState.FORWARDED
    assert status.forwarded_to == tree.bloc.name
    letter.refresh_from_db()
    assert status.deadline == letter.deadline
    fields = set(status.__dataclass_fields__)
    assert fields == {"code", "received_on", "state", "state_label", "forwarded_to", "deadline", "replied_on"}
    services.letter_reply(actor=handler, letter=letter, reply="Đã kiểm tra, yêu cầu dừng thi công ban đêm.")
    status = selectors.public_status(letter.tracking_code)
    assert status is not None and status.replied_on is not None


def test_unknown_code(tree):
    assert selectors.public_status("ZZZZZ-ZZZZZ") is None
    assert selectors.public_status("") is None
    assert selectors.public_status("x" * 500) is None
