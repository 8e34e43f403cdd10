"""The register's rules: numbers per register, classification, anonymous letters,
deadlines from the time limits kept as data, duplicates, replies, statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.factories import make_person
from vanphong.letters import exports, selectors, services
from vanphong.letters.models import Channel, Letter, LetterKind, LetterState, Register, TimeLimit
from vanphong.letters.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_complaints_and_denunciations_have_their_own_register(clerk, tree):
    petition = register(clerk, tree, kind=LetterKind.PETITION)
    complaint = register(clerk, tree, kind=LetterKind.COMPLAINT)
    denunciation = register(clerk, tree, kind=LetterKind.DENUNCIATION)
    feedback = register(clerk, tree, kind=LetterKind.FEEDBACK)
    assert (complaint.register, complaint.number) == (Register.COMPLAINTS, 1)
    assert (denunciation.register, denunciation.number) == (Register.COMPLAINTS, 2)
    assert (petition.register, petition.number) == (Register.PETITIONS, 1)
    assert (feedback.register, feedback.number) == (Register.PETITIONS, 2)
    assert denunciation.register_number == f"2/KNTC-{denunciation.year}"
    last_year = register(
        clerk, tree, kind=LetterKind.COMPLAINT, received_on=dt.date(timezone.localdate().year - 1, 12, 30)
    )
    assert last_year.number == 1


def test_registering_checks_the_input(clerk, tree):
    with pytest.raises(ValidationError) as error:
        register(clerk, tree, channel=Channel.FORM, kind="x", subject="", content=" ", sender_name="")
    assert {"channel", "kind", "subject", "content", "sender_name"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        register(clerk, tree, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert "received_on" in error.value.message_dict


def test_only_the_office_registers(member, outsider, tree):
    for person in (member, outsider):
        with pytest.raises(PermissionDenied):
            register(person, tree)


def test_classifying_a_form_letter_numbers_it_and_a_move_renumbers(clerk, tree, rules):
    register(clerk, tree, kind=LetterKind.PETITION)
    letter = services.letter_receive_from_form(name="A", contact="a@b.vn", subject="Đơn", content="Nội dung")
    letter = services.letter_classify(actor=clerk, letter=letter, kind=LetterKind.FEEDBACK)
    assert (letter.register, letter.number) == (Register.PETITIONS, 2)
    assert letter.acceptance_due == letter.received_on + dt.timedelta(days=10)
    letter = services.letter_classify(actor=clerk, letter=letter, kind=LetterKind.COMPLAINT)
    assert (letter.register, letter.number) == (Register.COMPLAINTS, 1)
    # The number left in the other register is not given again.
    assert register(clerk, tree, kind=LetterKind.PETITION).number == 3
    event = AuditEvent.objects.filter(action=services.AuditAction.CLASSIFIED).order_by("pk").last()
    assert event is not None and event.before["register_number"].startswith("2/KNPA")


def test_anonymous_letters_follow_the_office_rule(clerk, office_chief, tree):
    complaint = register(clerk, tree, kind=LetterKind.COMPLAINT, anonymous=True, sender_name="")
    bare = register(clerk, tree, kind=LetterKind.DENUNCIATION, anonymous=True, sender_name="")
    evidenced = register(
        clerk, tree, kind=LetterKind.DENUNCIATION, anonymous=True, sender_name="", has_evidence=True
    )
    petition = register(clerk, tree, kind=LetterKind.PETITION, anonymous=True, sender_name="Bỏ qua")
    assert complaint.state == LetterState.FILED and complaint.filed_reason
    assert bare.state == LetterState.FILED
    assert evidenced.state == LetterState.RECEIVED
    assert petition.state == LetterState.RECEIVED and petition.sender_name == ""
    services.rules_update(actor=office_chief, organization=tree.city, anonymous_complaint="handle")
    again = register(clerk, tree, kind=LetterKind.COMPLAINT, anonymous=True, sender_name="")
    assert again.state == LetterState.RECEIVED
    # A filed letter reclassified with evidence comes back to be handled.
    bare = services.letter_classify(actor=clerk, letter=bare, kind=LetterKind.DENUNCIATION, has_evidence=True)
    assert bare.state == LetterState.RECEIVED


def test_deadlines_come_from_the_time_limits(clerk, office_chief, tree, handler):
    monday = timezone.localdate() - dt.timedelta(days=60)
    monday -= dt.timedelta(days=monday.weekday())
    complaint = register(clerk, tree, kind=LetterKind.COMPLAINT, received_on=monday)
    complaint = services.letter_forward(actor=clerk, letter=complaint, unit=tree.bloc, forwarded_on=monday)
    assert complaint.deadline == monday + dt.timedelta(days=10 + 30)
    denunciation = register(clerk, tree, kind=LetterKind.DENUNCIATION, received_on=monday)
    assert denunciation.acceptance_due == monday + dt.timedelta(days=9)  # 7 working days
    denunciation = services.letter_forward(
        actor=clerk,
        letter=denunciation,
        unit=tree.bloc,
        handler=handler,
        forwarded_on=monday,
        complex_case=True,
    )
    assert denunciation.deadline == monday + dt.timedelta(days=9 + 30 + 30)
    # The office edits the data; new deadlines follow it, given ones stay.
    limit = TimeLimit.objects.get(kind=LetterKind.COMPLAINT)
    services.time_limit_update(
        actor=office_chief,
        limit=limit,
        acceptance_days=5,
        resolution_days=20,
        complex_extra_days=10,
        acceptance_in_working_days=False,
        legal_basis="Thử",
    )
    later = register(clerk, tree, kind=LetterKind.COMPLAINT, received_on=monday)
    later = services.letter_forward(actor=clerk, letter=later, unit=tree.bloc, forwarded_on=monday)
    assert later.deadline == monday + dt.timedelta(days=25)
    complaint.refresh_from_db()
    assert complaint.deadline == monday + dt.timedelta(days=40)


def test_only_the_chiefs_edit_time_limits(clerk, tree):
    with pytest.raises(PermissionDenied):
        services.time_limit_update(
            actor=clerk,
            limit=TimeLimit.objects.get(kind=LetterKind.COMPLAINT),
            acceptance_days=1,
            resolution_days=1,
            complex_extra_days=0,
            acceptance_in_working_days=False,
            legal_basis="",
        )


def test_forwarding_needs_a_classified_handled_letter(clerk, tree, rules):
    form_letter = services.letter_receive_from_form(name="A", contact="a", subject="S", content="C")
    with pytest.raises(ValidationError):
        services.letter_forward(actor=clerk, letter=form_letter, unit=tree.bloc)
    filed = register(clerk, tree, kind=LetterKind.COMPLAINT, anonymous=True, sender_name="")
    with pytest.raises(ValidationError):
        services.letter_forward(actor=clerk, letter=filed, unit=tree.bloc)


def test_the_handler_replies_and_lateness_is_kept(clerk, tree, handler, outsider):
    letter = register(clerk, tree, kind=LetterKind.FEEDBACK, received_on=dt.date(2026, 1, 5))
    letter = services.letter_forward(
        actor=clerk, letter=letter, unit=tree.bloc, handler=handler, forwarded_on=dt.date(2026, 1, 5)
    )
    with pytest.raises(PermissionDenied):
        services.letter_reply(actor=outsider, letter=letter, reply="Không")
    with pytest.raises(ValidationError):
        services.letter_reply(actor=handler, letter=letter, reply="  ")
    letter = services.letter_reply(
        actor=handler, letter=letter, reply="Đã trả lời", replied_on=dt.date(2026, 3, 1)
    )
    assert letter.state == LetterState.REPLIED and letter.replied_by == handler
    event = AuditEvent.objects.get(action=services.AuditAction.REPLIED, target_id=str(letter.pk))
    assert event.after["late"] is True
    with pytest.raises(ValidationError):
        services.letter_reply(actor=handler, letter=letter, reply="Lần hai")


def test_duplicates_group_under_the_first_letter(clerk, tree):
    first = register(clerk, tree, subject="Kiến nghị sửa đường liên thôn Đông", sender_name="Nguyễn Văn An")
    second = register(
        clerk, tree, subject="Kiến nghị lần hai sửa đường liên thôn Đông", sender_name="NGUYỄN VĂN AN"
    )
    third = register(
        clerk,
        tree,
        subject="Đề nghị sửa chữa đường liên thôn Đông",
        sender_name="Lê Thị Cúc",
        sender_contact="0900",
    )
    unrelated = register(
        clerk,
        tree,
        subject="Phản ánh ô nhiễm nhà máy gạch",
        sender_name="Hoàng Văn Dũng",
        sender_contact="0911",
    )
    suggested = [other for other, _score in selectors.likely_duplicates(second)]
    assert first in suggested and unrelated not in suggested
    assert selectors.likely_duplicates(unrelated) == []
    services.letter_mark_duplicate(actor=clerk, letter=second, original=first)
    services.letter_mark_duplicate(actor=clerk, letter=third, original=second)
    third.refresh_from_db()
    assert third.duplicate_of == first and third.state == LetterState.DUPLICATE
    assert set(first.duplicates.all()) == {second, third}
    with pytest.raises(ValidationError):
        services.letter_mark_duplicate(actor=clerk, letter=first, original=first)
    services.letter_mark_duplicate(actor=clerk, letter=third, original=None)
    third.refresh_from_db()
    assert third.duplicate_of is None and third.state == LetterState.RECEIVED


def test_a_duplicate_shows_its_originals_progress_to_the_citizen(clerk, tree, rules, handler):
    first = register(clerk, tree)
    copy = services.letter_receive_from_form(
        name="Nguyễn Văn An", contact="0912", subject="Đường", content="Lại"
    )
    services.letter_classify(actor=clerk, letter=copy, kind=LetterKind.PETITION)
    services.letter_mark_duplicate(actor=clerk, letter=copy, original=first)
    services.letter_forward(actor=clerk, letter=first, unit=tree.bloc, handler=handler)
    status = selectors.public_status(copy.tracking_code)
    assert status is not None and status.forwarded_to == tree.bloc.name and status.deadline is not None


def test_statistics_count_exactly(clerk, tree):
    today = timezone.localdate()
    day = today - dt.timedelta(days=100)
    a = register(clerk, tree, kind=LetterKind.COMPLAINT, received_on=day)
    b = register(clerk, tree, kind=LetterKind.COMPLAINT, received_on=day)
    c = register(clerk, tree, kind=LetterKind.DENUNCIATION, received_on=day)
    register(clerk, tree, kind=LetterKind.COMPLAINT, received_on=day, anonymous=True, sender_name="")  # filed
    register(clerk, tree, kind=LetterKind.PETITION, received_on=today)
    services.letter_forward(
        actor=clerk, letter=a, unit=tree.bloc, forwarded_on=day
    )  # deadline day+40: overdue
    # The handler works in the unit the letter goes to.
    handler = make_person(organization=tree.grassroots, role=Role.SPECIALIST, full_name="Đỗ Văn Cơ Sở")
    services.letter_forward(actor=clerk, letter=b, unit=tree.grassroots, forwarded_on=day, handler=handler)
    services.letter_reply(
        actor=handler, letter=b, reply="Xong", replied_on=day + dt.timedelta(days=50)
    )  # late
    services.letter_forward(actor=clerk, letter=c, unit=tree.bloc, forwarded_on=day)
    services.letter_reply(actor=clerk, letter=c, reply="Xong", replied_on=day + dt.timedelta(days=5))
    tables = exports.statistics(Letter.objects.filter(organization=tree.city), today=today)
    kinds, units, months, channels = tables
    rows = {row[0]: row[1:] for row in kinds.rows}
    # received, pending, filed/duplicate, forwarded, overdue, replied, late
    assert rows[str(LetterKind.COMPLAINT.label)] == [3, 0, 1, 1, 1, 1, 1]
    assert rows[str(LetterKind.DENUNCIATION.label)] == [1, 0, 0, 0, 0, 1, 0]
    assert rows[str(LetterKind.PETITION.label)] == [1, 1, 0, 0, 0, 0, 0]
    assert kinds.rows[-1] == ["Tổng số", 5, 1, 1, 1, 1, 2, 1]
    by_unit = {row[0]: row[1:] for row in units.rows}
    assert by_unit[tree.bloc.name] == [2, 0, 0, 1, 1, 1, 0]
    assert by_unit[tree.grassroots.name] == [1, 0, 0, 0, 0, 1, 1]
    assert months.rows[-1][-1] == 5
    assert channels.rows[-1] == ["Tổng số", 5]
    assert sum(row[-1] for row in months.rows[:-1]) == 5
