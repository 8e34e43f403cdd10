"""The votes' and consultations' services: the quorum, one ballot per seat, nothing
after closing, delegates by the kind's rule, the majority on both bases with exact
numbers, results entered by hand; every write audited once, every refusal writing
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from vanphong.core.models import AuditEvent
from vanphong.handling.models import Notification
from vanphong.meetings import services as meeting_services
from vanphong.meetings.models import MajorityBasis, MeetingKind, Response
from vanphong.voting import selectors, services
from vanphong.voting.models import Consultation, ConsultationDocument, Recipient, Vote, Voter, VoteState
from vanphong.voting.tests.conftest import pdf_bytes, run


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def codes(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    exc = error.value
    if hasattr(exc, "error_dict"):
        return {e.code or "" for errors in exc.error_dict.values() for e in errors}
    return {e.code or "" for e in exc.error_list}


def secret_vote(meeting, committee, question="Thông qua phương án nhân sự"):
    return services.vote_open(actor=committee.secretary, meeting=meeting, question=question, kind="secret")


# --- Opening -----------------------------------------------------------------------------------


def test_no_vote_without_the_quorum(meeting, committee):
    # Three of six present: 2/3 of 6 is 4.
    run(meeting, committee, committee.btv[:3])
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        secret_vote(meeting, committee)
    assert codes(error) == {"quorum"}
    assert "3" in error.value.messages[0] and "4" in error.value.messages[0]
    assert Vote.objects.count() == 0 and AuditEvent.objects.count() == before


def test_no_vote_before_the_meeting_opens(meeting, committee):
    meeting_services.invitations_send(actor=committee.specialist, meeting=meeting)
    with pytest.raises(ValidationError) as error:
        secret_vote(meeting, committee)
    assert codes(error) == {"state"}
    assert Vote.objects.count() == 0


def test_the_chair_or_the_secretary_opens_a_vote_a_member_may_not(running, committee, outsider):
    vote = services.vote_open(actor=committee.specialist, meeting=running, question="Câu hỏi", kind="named")
    assert vote.state == VoteState.OPEN and events(services.AuditAction.VOTE_OPENED) == 1
    for person in (committee.standing[0], outsider):
        with pytest.raises(PermissionDenied):
            secret_vote(running, committee.__class__(**{**committee.__dict__, "secretary": person}))
    assert Vote.objects.count() == 1


def test_a_question_and_a_kind_are_needed(running, committee):
    with pytest.raises(ValidationError) as error:
        services.vote_open(actor=committee.secretary, meeting=running, question="  ", kind="raised")
    assert set(error.value.message_dict) == {"question", "kind"}


# --- Ballots -----------------------------------------------------------------------------------


def test_one_ballot_per_member_and_none_after_closing(running, committee):
    vote = secret_vote(running, committee)
    member = committee.standing[0]
    services.ballot_cast(actor=member, vote=vote, choice="for")
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=member, vote=vote, choice="against")
    assert codes(error) == {"voted"}
    vote.refresh_from_db()
    assert (vote.cast_for, vote.cast_against) == (1, 0)
    services.vote_close(actor=committee.secretary, vote=vote)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.standing[1], vote=vote, choice="for")
    assert codes(error) == {"closed"}
    with pytest.raises(ValidationError):
        services.vote_close(actor=committee.secretary, vote=vote)
    assert Voter.objects.filter(vote=vote).count() == 1
    assert events(services.AuditAction.BALLOT_CAST) == 1 and events(services.AuditAction.VOTE_CLOSED) == 1


def test_the_absent_and_outsiders_do_not_vote(running, committee, outsider):
    vote = secret_vote(running, committee)
    absent = committee.standing[3]
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=absent, vote=vote, choice="for")
    assert codes(error) == {"absent"}
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=outsider, vote=vote, choice="for")
    # The office sees the meeting but sits on no seat.
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.specialist, vote=vote, choice="for")
    assert codes(error) == {"not_member"}
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.deputy, vote=vote, choice="maybe")
    assert codes(error) == {"choice"}
    assert Voter.objects.count() == 0 and Vote.objects.get().cast_for == 0


def test_an_open_vote_is_counted_by_hand_not_by_ballots(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Thông qua", kind="open")
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.deputy, vote=vote, choice="for")
    assert codes(error) == {"show_of_hands"}
    with pytest.raises(ValidationError) as error:
        services.vote_hands_count(
            actor=committee.specialist, vote=vote, votes_for=4, votes_against=1, votes_abstain=1
        )
    assert codes(error) == {"too_many"}  # six hands, five present
    with pytest.raises(PermissionDenied):
        services.vote_hands_count(
            actor=committee.deputy, vote=vote, votes_for=1, votes_against=0, votes_abstain=0
        )
    services.vote_hands_count(
        actor=committee.specialist, vote=vote, votes_for=3, votes_against=2, votes_abstain=0
    )
    vote = services.vote_hands_count(
        actor=committee.specialist, vote=vote, votes_for=4, votes_against=1, votes_abstain=0
    )
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (4, 1, 0)
    last = AuditEvent.objects.filter(action=services.AuditAction.HANDS_COUNTED).order_by("-id").first()
    assert last.before == {"for": 3, "against": 2, "abstain": 0}
    assert last.after == {"for": 4, "against": 1, "abstain": 0}
    vote = services.vote_close(actor=committee.secretary, vote=vote)
    assert vote.passed is True and vote.majority_needed == 4
    with pytest.raises(ValidationError):
        services.vote_hands_count(
            actor=committee.specialist, vote=vote, votes_for=0, votes_against=5, votes_abstain=0
        )


# --- Delegates ---------------------------------------------------------------------------------


@pytest.fixture
def delegated(meeting, committee):
    """The last standing member sends a committee member (BCH) in their place; five
    members and the delegate are checked in."""
    meeting_services.invitations_send(actor=committee.specialist, meeting=meeting)
    absent = committee.standing[3]
    delegate = committee.committee_members[0]
    seat = meeting.invitations.get(person=absent)
    meeting_services.invitation_respond(
        actor=absent, invitation=seat, response=Response.DELEGATED, delegate=delegate
    )
    for invitation in meeting.invitations.all():
        meeting_services.check_in(actor=committee.specialist, invitation=invitation)
    meeting_services.meeting_open(actor=committee.secretary, meeting=meeting)
    return meeting, absent, delegate


def test_a_delegate_does_not_vote_where_the_kind_counts_only_members(delegated, committee):
    meeting, absent, delegate = delegated
    assert meeting.kind.delegates_count is False
    vote = secret_vote(meeting, committee)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=delegate, vote=vote, choice="for")
    assert codes(error) == {"delegate"}
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=absent, vote=vote, choice="for")
    assert codes(error) in ({"delegated"}, {"absent"}, {"not_member"})
    assert Voter.objects.count() == 0
    assert selectors.voting_seats(meeting).count() == 5


def test_a_delegate_votes_on_the_seat_where_the_kind_allows(delegated, committee):
    meeting, absent, delegate = delegated
    MeetingKind.objects.filter(pk=meeting.kind_id).update(delegates_count=True)
    meeting.kind.refresh_from_db()
    vote = services.vote_open(actor=committee.secretary, meeting=meeting, question="Thông qua", kind="named")
    services.ballot_cast(actor=delegate, vote=vote, choice="against")
    voter = Voter.objects.get()
    assert voter.person == delegate and voter.seat.person == absent and voter.choice == "against"
    [result] = selectors.results_for_meeting(meeting)
    assert result.named[0].in_place_of == absent
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=absent, vote=vote, choice="for")
    assert codes(error) == {"delegated"}


# --- The majority ------------------------------------------------------------------------------


def _vote_with(running, committee, choices, kind="named"):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Thông qua", kind=kind)
    for person, choice in zip(committee.btv, choices, strict=False):
        services.ballot_cast(actor=person, vote=vote, choice=choice)
    return services.vote_close(actor=committee.secretary, vote=vote)


def test_more_than_half_of_all_members(running, committee):
    # Six members, five present: more than half of six is four.
    vote = _vote_with(running, committee, ["for", "for", "for", "against", "abstain"])
    assert (vote.members, vote.present, vote.majority_basis) == (6, 5, MajorityBasis.ALL_MEMBERS)
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (3, 1, 1)
    assert vote.majority_needed == 4 and vote.passed is False
    vote = _vote_with(running, committee, ["for", "for", "for", "for", "against"])
    assert vote.majority_needed == 4 and vote.passed is True


def test_more_than_half_of_those_present(running, committee):
    MeetingKind.objects.filter(pk=running.kind_id).update(majority_basis=MajorityBasis.PRESENT)
    running.kind.refresh_from_db()
    # Five present: more than half of five is three.
    vote = _vote_with(running, committee, ["for", "for", "for", "against", "against"], kind="secret")
    assert (vote.present, vote.majority_basis, vote.majority_needed, vote.passed) == (
        5,
        MajorityBasis.PRESENT,
        3,
        True,
    )
    vote = _vote_with(running, committee, ["for", "for", "abstain", "against", "against"], kind="secret")
    assert (vote.majority_needed, vote.passed) == (3, False)
    closed = AuditEvent.objects.filter(action=services.AuditAction.VOTE_CLOSED).order_by("-id").first()
    assert closed.after["majority_basis"] == "present" and closed.after["majority_needed"] == 3


# --- Paper ballots -----------------------------------------------------------------------------


def test_named_votes_on_paper_are_entered_per_person(running, committee):
    vote = services.vote_open(actor=committee.secretary, meeting=running, question="Thông qua", kind="named")
    services.ballot_cast(actor=committee.secretary, vote=vote, choice="for")
    seat = running.invitations.get(person=committee.deputy)
    services.vote_paper_named(actor=committee.specialist, vote=vote, seat=seat, choice="against")
    with pytest.raises(ValidationError) as error:
        services.vote_paper_named(actor=committee.specialist, vote=vote, seat=seat, choice="for")
    assert codes(error) == {"voted"}
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.deputy, vote=vote, choice="for")
    assert codes(error) == {"voted"}
    absent = running.invitations.get(person=committee.standing[3])
    with pytest.raises(ValidationError) as error:
        services.vote_paper_named(actor=committee.specialist, vote=vote, seat=absent, choice="for")
    assert codes(error) == {"not_eligible"}
    services.vote_close(actor=committee.secretary, vote=vote)
    [result] = selectors.results_for_meeting(running)
    assert {(n.person, n.choice, n.on_paper) for n in result.named} == {
        (committee.secretary, "for", False),
        (committee.deputy, "against", True),
    }
    assert (result.votes_for, result.votes_against, result.passed) == (1, 1, False)
    assert events(services.AuditAction.PAPER_NAMED) == 1


def test_secret_paper_ballots_add_up_to_the_members_who_voted_on_paper(running, committee):
    vote = secret_vote(running, committee)
    services.ballot_cast(actor=committee.secretary, vote=vote, choice="for")
    paper = [running.invitations.get(person=p) for p in committee.btv[1:4]]
    with pytest.raises(ValidationError) as error:
        services.vote_paper_ballots(
            actor=committee.specialist, vote=vote, seats=paper, votes_for=3, votes_against=1, votes_abstain=0
        )
    assert codes(error) == {"mismatch"}
    with pytest.raises(ValidationError) as error:
        services.vote_paper_ballots(
            actor=committee.specialist,
            vote=vote,
            seats=[running.invitations.get(person=committee.secretary)],
            votes_for=1,
            votes_against=0,
            votes_abstain=0,
        )
    assert codes(error) == {"voted"}
    assert Voter.objects.count() == 1
    vote = services.vote_paper_ballots(
        actor=committee.specialist, vote=vote, seats=paper, votes_for=2, votes_against=1, votes_abstain=0
    )
    assert (vote.votes_for, vote.votes_against) == (3, 1)
    assert set(Voter.objects.filter(on_paper=True).values_list("choice", flat=True)) == {""}
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(actor=committee.btv[1], vote=vote, choice="against")
    assert codes(error) == {"voted"}
    entered = AuditEvent.objects.get(action=services.AuditAction.PAPER_BALLOTS)
    assert entered.after == {"seats": sorted(s.pk for s in paper), "ballots": 3}
    vote = services.vote_close(actor=committee.secretary, vote=vote)
    assert (vote.votes_for, vote.majority_needed, vote.passed) == (3, 4, False)


def test_the_secret_count_is_hidden_until_the_vote_closes(running, committee):
    vote = secret_vote(running, committee)
    services.ballot_cast(actor=committee.secretary, vote=vote, choice="for")
    [result] = selectors.results_for_meeting(running)
    assert result.votes_for is None and result.voters == 1 and result.closed is False
    services.vote_close(actor=committee.secretary, vote=vote)
    [result] = selectors.results_for_meeting(running)
    assert (result.votes_for, result.votes_against, result.voters, result.named) == (1, 0, 1, [])
    assert result.majority_basis == "all" and result.majority_needed == 4 and result.passed is False


# --- Written consultations ---------------------------------------------------------------------


def _consult(tree, committee, **kwargs):
    values = {
        "actor": committee.specialist,
        "organization": tree.city,
        "kind": MeetingKind.objects.get(code="btv"),
        "question": "Cho ý kiến về dự thảo Quy chế làm việc",
        "text": "Đề nghị các đồng chí cho ý kiến.",
        "deadline": timezone.now() + dt.timedelta(days=3),
        **kwargs,
    }
    return services.consultation_create(**values)


def test_a_consultation_goes_to_the_body_with_its_documents(
    tree, committee, media, django_capture_on_commit_callbacks
):
    committee.secretary.email = "bithu@example.vn"
    committee.secretary.save()
    pdf = SimpleUploadedFile("du-thao.pdf", pdf_bytes(2), content_type="application/pdf")
    with pytest.raises(PermissionDenied):
        _consult(tree, committee, actor=committee.standing[0])
    with django_capture_on_commit_callbacks(execute=True):
        consultation = _consult(tree, committee, uploads=[pdf])
    assert set(consultation.recipients.values_list("person", flat=True)) == {p.pk for p in committee.btv}
    assert Notification.objects.filter(url__endswith=f"/consultations/{consultation.pk}/").count() == 6
    assert [m.to for m in mail.outbox] == [["bithu@example.vn"]]
    document = consultation.documents.get()
    assert document.original_name == "du-thao.pdf" and document.content_type == "application/pdf"
    assert len(document.sha256) == 64 and document.file.read().startswith(b"%PDF")
    assert events(services.AuditAction.CONSULTATION_SENT) == 1


def test_a_consultation_refuses_bad_input_and_keeps_no_file(tree, committee, media):
    text = SimpleUploadedFile("ghi-chu.txt", b"chi la van ban", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        _consult(tree, committee, uploads=[text])
    assert codes(error) == {"type"}
    with pytest.raises(ValidationError) as error:
        _consult(tree, committee, question=" ", deadline=timezone.now() - dt.timedelta(hours=1))
    assert set(error.value.message_dict) == {"question", "deadline"}
    assert Consultation.objects.count() == 0 and ConsultationDocument.objects.count() == 0
    assert not any(media.rglob("*.*"))


def test_answers_tally_and_the_majority_of_all_members(tree, committee):
    consultation = _consult(tree, committee)
    with pytest.raises(PermissionDenied):
        services.consultation_answer(
            actor=committee.committee_members[0], consultation=consultation, choice="for"
        )
    with pytest.raises(ValidationError) as error:
        services.consultation_answer(actor=committee.deputy, consultation=consultation, choice="against")
    assert codes(error) == {"required"}
    for person, choice in zip(committee.btv, ["for", "for", "for", "against"], strict=False):
        services.consultation_answer(
            actor=person,
            consultation=consultation,
            choice=choice,
            opinion="Không đồng ý" if choice == "against" else "",
        )
    # Changing one's answer before the deadline: the last one counts.
    services.consultation_answer(actor=committee.secretary, consultation=consultation, choice="abstain")
    tally = selectors.consultation_tally(consultation)
    assert (tally.members, tally.answered, tally.votes_for, tally.votes_against, tally.votes_abstain) == (
        6,
        4,
        2,
        1,
        1,
    )
    assert tally.majority_needed == 4 and not tally.would_pass
    consultation = services.consultation_close(actor=committee.specialist, consultation=consultation)
    assert (
        consultation.answered,
        consultation.votes_for,
        consultation.majority_needed,
        consultation.passed,
    ) == (
        4,
        2,
        4,
        False,
    )
    assert consultation.majority_basis == "all"
    [(recorded, result)] = selectors.results_for_consultations(tree.city)
    assert recorded == consultation and (result.votes_for, result.majority_needed) == (2, 4)
    assert selectors.results_for_consultations(tree.city, closed_since=timezone.now()) == []
    with pytest.raises(ValidationError) as error:
        services.consultation_answer(actor=committee.standing[3], consultation=consultation, choice="for")
    assert codes(error) == {"closed"}
    assert events(services.AuditAction.CONSULTATION_ANSWERED) == 5
    assert events(services.AuditAction.CONSULTATION_CLOSED) == 1


def test_the_majority_of_those_who_answered(tree, committee):
    MeetingKind.objects.filter(code="btv").update(majority_basis=MajorityBasis.PRESENT)
    consultation = _consult(tree, committee)
    for person, choice in zip(committee.btv, ["for", "for", "against"], strict=False):
        services.consultation_answer(actor=person, consultation=consultation, choice=choice, opinion="Ý kiến")
    consultation = services.consultation_close(actor=committee.specialist, consultation=consultation)
    # Three answered: more than half of three is two.
    assert (consultation.answered, consultation.majority_needed, consultation.passed) == (3, 2, True)


def test_reminders_go_to_those_who_have_not_answered(tree, committee, django_capture_on_commit_callbacks):
    for n, person in enumerate(committee.btv):
        person.email = f"uv{n}@example.vn"
        person.save()
    consultation = _consult(tree, committee)
    mail.outbox.clear()
    for person in committee.btv[:4]:
        services.consultation_answer(actor=person, consultation=consultation, choice="for")
    with pytest.raises(PermissionDenied):
        services.consultation_remind(actor=committee.deputy, consultation=consultation)
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.consultation_remind(actor=committee.specialist, consultation=consultation)
    assert set(reminded) == set(committee.btv[4:])
    assert sorted(m.to[0] for m in mail.outbox) == ["uv4@example.vn", "uv5@example.vn"]
    waiting = Recipient.objects.filter(consultation=consultation, answered_at__isnull=True)
    assert set(waiting.values_list("reminders", flat=True)) == {1}
    assert Recipient.objects.filter(consultation=consultation, reminders=0).count() == 4
    latest = Notification.objects.filter(recipient=committee.btv[5]).order_by("-id").first()
    assert latest.url.endswith(f"/consultations/{consultation.pk}/")
    assert events(services.AuditAction.CONSULTATION_REMINDED) == 1
    for person in committee.btv[4:]:
        services.consultation_answer(actor=person, consultation=consultation, choice="for")
    with pytest.raises(ValidationError) as error:
        services.consultation_remind(actor=committee.specialist, consultation=consultation)
    assert codes(error) == {"nobody"}


def test_the_system_closes_at_the_deadline_and_not_before(tree, committee):
    consultation = _consult(tree, committee)
    services.consultation_answer(actor=committee.secretary, consultation=consultation, choice="for")
    with pytest.raises(ValidationError) as error:
        services.consultation_close(actor=None, consultation=consultation)
    assert codes(error) == {"deadline"}
    assert services.consultations_close_due() == 0
    Consultation.objects.filter(pk=consultation.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as error:
        services.consultation_answer(actor=committee.deputy, consultation=consultation, choice="for")
    assert codes(error) == {"deadline"}
    assert services.consultations_close_due() == 1
    consultation.refresh_from_db()
    assert consultation.is_closed and consultation.closed_by is None
    assert (consultation.votes_for, consultation.passed) == (1, False)


def test_a_vote_held_on_paper_at_a_closed_meeting_is_recorded_with_its_result(running, committee):
    with pytest.raises(ValidationError) as error:
        services.vote_record_held(
            actor=committee.specialist,
            meeting=running,
            question="Thông qua",
            kind="secret",
            votes_for=4,
            votes_against=1,
            votes_abstain=0,
        )
    assert codes(error) == {"state"}
    meeting_services.meeting_close(actor=committee.secretary, meeting=running)
    with pytest.raises(PermissionDenied):
        services.vote_record_held(
            actor=committee.deputy,
            meeting=running,
            question="Thông qua",
            kind="secret",
            votes_for=4,
            votes_against=1,
            votes_abstain=0,
        )
    with pytest.raises(ValidationError) as error:
        services.vote_record_held(
            actor=committee.specialist,
            meeting=running,
            question="Thông qua",
            kind="named",
            votes_for=6,
            votes_against=0,
            votes_abstain=0,
        )
    assert set(error.value.message_dict) == {"kind"}
    with pytest.raises(ValidationError) as error:
        services.vote_record_held(
            actor=committee.specialist,
            meeting=running,
            question="Thông qua",
            kind="secret",
            votes_for=6,
            votes_against=0,
            votes_abstain=0,
        )
    assert codes(error) == {"too_many"}
    vote = services.vote_record_held(
        actor=committee.specialist,
        meeting=running,
        question="Thông qua",
        kind="secret",
        votes_for=4,
        votes_against=1,
        votes_abstain=0,
    )
    assert vote.is_closed and (vote.cast_for, vote.members, vote.present) == (4, 6, 5)
    assert (vote.majority_needed, vote.passed) == (4, True)
    assert Voter.objects.count() == 0 and events(services.AuditAction.VOTE_RECORDED) == 1


def test_the_last_day_s_reminders_and_the_hourly_round(tree, committee):
    from vanphong.voting import tasks

    consultation = _consult(tree, committee)
    services.consultation_answer(actor=committee.secretary, consultation=consultation, choice="for")
    # Three days ahead: no reminder yet.
    assert services.consultations_remind_due() == 0
    later = consultation.deadline - dt.timedelta(hours=5)
    assert services.consultations_remind_due(later) == 5
    # An hour on: the same people are not reminded again.
    assert services.consultations_remind_due(later + dt.timedelta(hours=1)) == 0
    Recipient.objects.filter(consultation=consultation).update(
        reminded_at=timezone.now() - dt.timedelta(days=1)
    )
    assert services.consultations_remind_due(later + dt.timedelta(hours=1)) == 5
    assert events(services.AuditAction.CONSULTATION_REMINDED) == 2
    Consultation.objects.filter(pk=consultation.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    result = tasks.consultations_round.call()
    assert result == {"closed": 1, "reminded": 0}
    assert tasks.next_run(timezone.now()) > timezone.now()
