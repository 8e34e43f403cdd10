"""Votes and written consultations: the only place that writes them. Each service is
keyword-only, takes the acting person, runs in one transaction and appends one audit
event.

Who may do what (`selectors`): the meeting's chair, its secretary and the office open
and close votes and enter the results counted by hand; a member sitting on a seat
that may vote casts one ballot; the committee's office sends a written consultation,
reminds and closes it; a member consulted answers it.

A vote refuses, with a message and nothing written: opening without the quorum (or
outside a meeting in progress), a second ballot for a seat, a ballot after closing,
a delegate where the kind of meeting does not count delegates, counts that add up to
more voters than there are."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vanphong.attachments import services as attachment_checks
from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.core.storage import files_removed_on_failure
from vanphong.handling.models import Notification
from vanphong.meetings import selectors as meeting_selectors
from vanphong.meetings import services as meeting_services
from vanphong.meetings.models import AgendaItem, Invitation, InvitedBody, Meeting, MeetingKind, MeetingState
from vanphong.voting import selectors
from vanphong.voting.models import (
    Choice,
    Consultation,
    ConsultationDocument,
    ConsultationState,
    Recipient,
    Vote,
    VoteKind,
    Voter,
    VoteState,
)


class AuditAction(enum.StrEnum):
    VOTE_OPENED = "voting.vote_opened"
    BALLOT_CAST = "voting.ballot_cast"
    HANDS_COUNTED = "voting.hands_counted"
    PAPER_BALLOTS = "voting.paper_ballots"
    PAPER_NAMED = "voting.paper_named"
    VOTE_CLOSED = "voting.vote_closed"
    VOTE_RECORDED = "voting.vote_recorded"
    CONSULTATION_SENT = "voting.consultation_sent"
    CONSULTATION_ANSWERED = "voting.consultation_answered"
    CONSULTATION_REMINDED = "voting.consultation_reminded"
    CONSULTATION_CLOSED = "voting.consultation_closed"


AUDIT_LABELS = {
    AuditAction.VOTE_OPENED: gettext_lazy("Vote opened"),
    AuditAction.BALLOT_CAST: gettext_lazy("Ballot cast"),
    AuditAction.HANDS_COUNTED: gettext_lazy("Show of hands entered"),
    AuditAction.PAPER_BALLOTS: gettext_lazy("Paper ballots entered"),
    AuditAction.PAPER_NAMED: gettext_lazy("Paper vote entered"),
    AuditAction.VOTE_CLOSED: gettext_lazy("Vote closed"),
    AuditAction.VOTE_RECORDED: gettext_lazy("Vote held on paper recorded"),
    AuditAction.CONSULTATION_SENT: gettext_lazy("Written consultation sent"),
    AuditAction.CONSULTATION_ANSWERED: gettext_lazy("Written consultation answered"),
    AuditAction.CONSULTATION_REMINDED: gettext_lazy("Written consultation reminders sent"),
    AuditAction.CONSULTATION_CLOSED: gettext_lazy("Written consultation closed"),
}
AUDIT_TARGET_PAGES = {"voting.vote": "voting_vote", "voting.consultation": "voting_consultation"}

CHOICES = {c.value for c in Choice}


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Votes -------------------------------------------------------------------------------------


def _locked_vote(vote: Vote) -> Vote:
    # Ballots, counts and closing of one vote are serialized on its row: the counters
    # of a secret vote are added to in place, and a ballot must not pass a closing.
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting__kind", "meeting__organization")
        .get(pk=vote.pk)
    )


def _check_runs(actor: Person, meeting: Meeting) -> None:
    if not selectors.may_run_votes(actor, meeting):
        raise PermissionDenied


def _check_open(vote: Vote) -> None:
    if vote.is_closed:
        raise ValidationError(_("This vote is closed: its result can no longer change."), code="closed")


def _counts(vote: Vote) -> dict[str, int]:
    return {
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstain": vote.votes_abstain,
    }


@transaction.atomic
def vote_open(
    *, actor: Person, meeting: Meeting, question: str, kind: str, item: AgendaItem | None = None
) -> Vote:
    """The chair or the secretary puts a question to the vote. Only while the meeting is
    in progress and its quorum is present (the kind's rule)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("kind", "organization")
        .get(pk=meeting.pk)
    )
    _check_runs(actor, meeting)
    question = " ".join(question.split())
    errors: dict[str, ValidationError] = {}
    if not question:
        errors["question"] = ValidationError(_("Write the question put to the vote."), code="required")
    if kind not in VoteKind.values:
        errors["kind"] = ValidationError(_("Choose how the members vote."), code="kind")
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = ValidationError(_("This item is not on the meeting's agenda."), code="item")
    if errors:
        raise ValidationError(errors)
    if meeting.state != MeetingState.IN_PROGRESS:
        raise ValidationError(_("A vote is held only while the meeting is in progress."), code="state")
    quorum = meeting_selectors.quorum(meeting)
    if quorum.required and not quorum.reached:
        raise ValidationError(
            _(
                "The quorum is not present: %(present)s of %(members)s members are here and "
                "%(needed)s are needed. No vote can be held."
            )
            % {"present": quorum.present, "members": quorum.members, "needed": quorum.needed},
            code="quorum",
        )
    vote = Vote.objects.create(
        meeting=meeting, item=item, question=question[:500], kind=kind, opened_by=actor
    )
    audit.record(
        actor=actor,
        action=AuditAction.VOTE_OPENED,
        target=vote,
        organization=meeting.organization,
        after={
            "meeting": meeting.pk,
            "item": item.pk if item else None,
            "question": vote.question,
            "kind": kind,
            "present": quorum.present,
            "members": quorum.members,
            "needed": quorum.needed,
        },
    )
    meeting_services.live_changed(meeting)
    return vote


def _voting_seat(actor: Person, vote: Vote) -> Invitation:
    """The seat the actor votes on, or the refusal saying why they may not."""
    meeting = vote.meeting
    seat = meeting_selectors.seat_of(actor, meeting)
    if seat is None or not seat.is_member:
        raise ValidationError(_("Only the members of the body vote."), code="not_member")
    if seat.response == "delegated" and seat.person_id == actor.pk:
        raise ValidationError(
            _("You sent a delegate: your seat is theirs at this meeting."), code="delegated"
        )
    if seat.delegate_id == actor.pk and not meeting.kind.delegates_count:
        raise ValidationError(
            _("A delegate does not vote at this kind of meeting: only its members do."), code="delegate"
        )
    if not seat.present:
        raise ValidationError(
            _("You are not checked in: ask the secretary to record you present."), code="absent"
        )
    return seat


def _check_not_voted(vote: Vote, seat: Invitation, field: str | None = None) -> None:
    if Voter.objects.filter(vote=vote, seat=seat).exists():
        message = _("%(name)s has already voted.") % {"name": seat.attendee.full_name}
        if field:
            raise _refuse(field, message, "voted")
        raise ValidationError(_("You have already voted: a ballot cannot be cast twice."), code="voted")


def _add_ballot(vote: Vote, choice: str) -> None:
    """Add one to the counter of `choice`, in place (no row per ballot)."""
    column = {Choice.FOR: "cast_for", Choice.AGAINST: "cast_against", Choice.ABSTAIN: "cast_abstain"}[
        Choice(choice)
    ]
    Vote.objects.filter(pk=vote.pk).update(**{column: F(column) + 1})


@transaction.atomic
def ballot_cast(*, actor: Person, vote: Vote, choice: str) -> Vote:
    """A member present (or a delegate, where the kind counts delegates) votes once, in
    a named or secret vote. A secret ballot leaves no trace of the choice beside the
    person: only the vote's counter moves."""
    vote = _locked_vote(vote)
    if not selectors.may_see_vote(actor, vote):
        raise PermissionDenied
    _check_open(vote)
    if vote.kind == VoteKind.OPEN:
        raise ValidationError(
            _("This vote is by show of hands: the secretary enters the counts."), code="show_of_hands"
        )
    if choice not in CHOICES:
        raise _refuse("choice", _("Choose: in favour, against or not voting."), "choice")
    seat = _voting_seat(actor, vote)
    _check_not_voted(vote, seat)
    secret = vote.kind == VoteKind.SECRET
    Voter.objects.create(vote=vote, seat=seat, person=actor, choice="" if secret else choice)
    _add_ballot(vote, choice)
    audit.record(
        actor=actor,
        action=AuditAction.BALLOT_CAST,
        target=vote,
        organization=vote.meeting.organization,
        after={"vote": vote.pk, "seat": seat.pk}
        if secret
        else {"vote": vote.pk, "seat": seat.pk, "choice": choice},
    )
    vote.refresh_from_db()
    return vote


def _clean_counts(votes_for: int, votes_against: int, votes_abstain: int) -> dict[str, int]:
    counts = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    errors = {
        field: ValidationError(_("Enter a whole number, zero or more."), code="count")
        for field, value in counts.items()
        if value is None or value < 0
    }
    if errors:
        raise ValidationError(errors)
    return counts


@transaction.atomic
def vote_hands_count(
    *, actor: Person, vote: Vote, votes_for: int, votes_against: int, votes_abstain: int
) -> Vote:
    """The secretary enters the show of hands of an open vote (again, until it
    closes: the last entry counts, each one audited)."""
    vote = _locked_vote(vote)
    _check_runs(actor, vote.meeting)
    _check_open(vote)
    if vote.kind != VoteKind.OPEN:
        raise ValidationError(_("Only an open vote is counted by a show of hands."), code="kind")
    counts = _clean_counts(votes_for, votes_against, votes_abstain)
    eligible = selectors.voting_seats(vote.meeting).count()
    if sum(counts.values()) > eligible:
        raise _refuse(
            "votes_for",
            _("%(total)s votes counted, but only %(eligible)s members may vote.")
            % {"total": sum(counts.values()), "eligible": eligible},
            "too_many",
        )
    before = _counts(vote)
    vote.hand_for, vote.hand_against, vote.hand_abstain = votes_for, votes_against, votes_abstain
    vote.save(update_fields=["hand_for", "hand_against", "hand_abstain"])
    audit.record(
        actor=actor,
        action=AuditAction.HANDS_COUNTED,
        target=vote,
        organization=vote.meeting.organization,
        before=before,
        after=_counts(vote),
    )
    return vote


@transaction.atomic
def vote_paper_ballots(
    *,
    actor: Person,
    vote: Vote,
    seats: Sequence[Invitation],
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
) -> Vote:
    """The secretary enters the paper ballots of a secret vote: the seats that voted
    on paper (they cannot vote again in the app) and the counts read from the ballot
    box, which must add up to them. Added to the ballots' counters, so nothing tells
    a paper ballot from one cast in the app."""
    vote = _locked_vote(vote)
    _check_runs(actor, vote.meeting)
    _check_open(vote)
    if vote.kind != VoteKind.SECRET:
        raise ValidationError(_("Paper ballots counted together are for a secret vote."), code="kind")
    counts = _clean_counts(votes_for, votes_against, votes_abstain)
    eligible = {
        seat.pk: seat for seat in selectors.voting_seats(vote.meeting).select_related("person", "delegate")
    }
    chosen = {seat.pk for seat in seats}
    if not chosen:
        raise _refuse("seats", _("Tick the members who voted on paper."), "required")
    if chosen - set(eligible):
        raise _refuse("seats", _("Only members present may vote."), "not_eligible")
    for pk in chosen:
        _check_not_voted(vote, eligible[pk], "seats")
    if sum(counts.values()) != len(chosen):
        raise _refuse(
            "votes_for",
            _("The ballots (%(ballots)s) must add up to the members who voted on paper (%(voters)s).")
            % {"ballots": sum(counts.values()), "voters": len(chosen)},
            "mismatch",
        )
    for pk in sorted(chosen):
        seat = eligible[pk]
        Voter.objects.create(vote=vote, seat=seat, person=seat.attendee, on_paper=True)
    # Added to the same counters as the app's ballots and audited without the counts:
    # one member voting on paper must not have their choice readable beside their seat.
    Vote.objects.filter(pk=vote.pk).update(
        cast_for=F("cast_for") + votes_for,
        cast_against=F("cast_against") + votes_against,
        cast_abstain=F("cast_abstain") + votes_abstain,
    )
    vote.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditAction.PAPER_BALLOTS,
        target=vote,
        organization=vote.meeting.organization,
        after={"seats": sorted(chosen), "ballots": len(chosen)},
    )
    return vote


@transaction.atomic
def vote_paper_named(*, actor: Person, vote: Vote, seat: Invitation, choice: str) -> Vote:
    """The secretary records a member's choice given on paper in a named vote."""
    vote = _locked_vote(vote)
    _check_runs(actor, vote.meeting)
    _check_open(vote)
    if vote.kind != VoteKind.NAMED:
        raise ValidationError(_("A choice is entered by name only in a named vote."), code="kind")
    if choice not in CHOICES:
        raise _refuse("choice", _("Choose: in favour, against or not voting."), "choice")
    eligible = (
        selectors.voting_seats(vote.meeting).filter(pk=seat.pk).select_related("person", "delegate").first()
    )
    if eligible is None:
        raise _refuse("seat", _("Only members present may vote."), "not_eligible")
    _check_not_voted(vote, eligible, "seat")
    Voter.objects.create(vote=vote, seat=eligible, person=eligible.attendee, on_paper=True, choice=choice)
    _add_ballot(vote, choice)
    audit.record(
        actor=actor,
        action=AuditAction.PAPER_NAMED,
        target=vote,
        organization=vote.meeting.organization,
        after={"seat": eligible.pk, "person": eligible.attendee.pk, "choice": choice},
    )
    vote.refresh_from_db()
    return vote


@transaction.atomic
def vote_close(*, actor: Person, vote: Vote) -> Vote:
    """Close the vote and lock its result: the counts, the members and those present
    now, the majority's basis (the meeting kind's), the votes needed and whether the
    question passed."""
    vote = _locked_vote(vote)
    _check_runs(actor, vote.meeting)
    _check_open(vote)
    kind = vote.meeting.kind
    quorum = meeting_selectors.quorum(vote.meeting)
    vote.state = VoteState.CLOSED
    vote.closed_by = actor
    vote.closed_at = timezone.now()
    vote.members = quorum.members
    vote.present = quorum.present
    vote.majority_basis = kind.majority_basis
    vote.majority_needed = kind.majority_of(quorum.members, quorum.present)
    vote.passed = vote.votes_for >= vote.majority_needed
    vote.save()
    audit.record(
        actor=actor,
        action=AuditAction.VOTE_CLOSED,
        target=vote,
        organization=vote.meeting.organization,
        before={"state": VoteState.OPEN},
        after={
            "state": vote.state,
            **_counts(vote),
            "members": vote.members,
            "present": vote.present,
            "majority_basis": vote.majority_basis,
            "majority_needed": vote.majority_needed,
            "passed": vote.passed,
        },
    )
    meeting_services.live_changed(vote.meeting)
    return vote


@transaction.atomic
def vote_record_held(
    *,
    actor: Person,
    meeting: Meeting,
    question: str,
    kind: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    item: AgendaItem | None = None,
) -> Vote:
    """Record, from the meeting's paper record, a vote by show of hands or by secret
    ballot held at a meeting now closed (held on paper, or before the room had the
    app): the meeting's secretary or the office, the same quorum rule on the
    attendance recorded, the counts within those present; the vote is closed at once
    with its result."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("kind", "organization")
        .get(pk=meeting.pk)
    )
    if not meeting_selectors.may_manage(actor, meeting):
        raise PermissionDenied
    question = " ".join(question.split())
    errors: dict[str, ValidationError] = {}
    if not question:
        errors["question"] = ValidationError(_("Write the question put to the vote."), code="required")
    if kind not in (VoteKind.OPEN, VoteKind.SECRET):
        errors["kind"] = ValidationError(
            _("Only a show of hands or a secret ballot is recorded by its counts."), code="kind"
        )
    if item is not None and item.meeting_id != meeting.pk:
        errors["item"] = ValidationError(_("This item is not on the meeting's agenda."), code="item")
    if errors:
        raise ValidationError(errors)
    if meeting.state != MeetingState.CLOSED:
        raise ValidationError(_("Votes of a meeting still open are held in the app."), code="state")
    counts = _clean_counts(votes_for, votes_against, votes_abstain)
    quorum = meeting_selectors.quorum(meeting)
    if quorum.required and not quorum.reached:
        raise ValidationError(
            _(
                "The quorum is not present: %(present)s of %(members)s members are here and "
                "%(needed)s are needed. No vote can be held."
            )
            % {"present": quorum.present, "members": quorum.members, "needed": quorum.needed},
            code="quorum",
        )
    eligible = selectors.voting_seats(meeting).count()
    if sum(counts.values()) > eligible:
        raise _refuse(
            "votes_for",
            _("%(total)s votes counted, but only %(eligible)s members may vote.")
            % {"total": sum(counts.values()), "eligible": eligible},
            "too_many",
        )
    vote = Vote(
        meeting=meeting,
        item=item,
        question=question[:500],
        kind=kind,
        opened_by=actor,
        opened_at=meeting.closed_at or timezone.now(),
        state=VoteState.CLOSED,
        closed_by=actor,
        closed_at=meeting.closed_at or timezone.now(),
        members=quorum.members,
        present=quorum.present,
        majority_basis=meeting.kind.majority_basis,
        majority_needed=meeting.kind.majority_of(quorum.members, quorum.present),
    )
    if kind == VoteKind.SECRET:
        vote.cast_for, vote.cast_against, vote.cast_abstain = votes_for, votes_against, votes_abstain
    else:
        vote.hand_for, vote.hand_against, vote.hand_abstain = votes_for, votes_against, votes_abstain
    vote.passed = votes_for >= (vote.majority_needed or 0)
    vote.save()
    audit.record(
        actor=actor,
        action=AuditAction.VOTE_RECORDED,
        target=vote,
        organization=meeting.organization,
        after={
            "meeting": meeting.pk,
            "item": item.pk if item else None,
            "question": vote.question,
            "kind": kind,
            **_counts(vote),
            "members": vote.members,
            "present": vote.present,
            "majority_basis": vote.majority_basis,
            "majority_needed": vote.majority_needed,
            "passed": vote.passed,
        },
    )
    return vote


# --- Written consultations ---------------------------------------------------------------------


def _check_upload(upload: File[Any]) -> tuple[str, str, int, str]:
    """An upload checked as attachments are: not empty, within the size limit, of an
    accepted type read from its bytes, a PDF that opens. Its (name, type, size, sha)."""
    size = upload.size or 0
    if size == 0:
        raise _refuse("documents", _("The file is empty."), "empty")
    if size > attachment_checks.max_upload_bytes():
        raise _refuse(
            "documents",
            _("The file is %(size)s; the office accepts files up to %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(attachment_checks.max_upload_bytes())},
            "too_large",
        )
    sniffed = attachment_checks.sniff(upload)
    if sniffed.mime is None:
        raise _refuse(
            "documents",
            _("This file is %(found)s. Accepted: %(accepted)s.")
            % {"found": sniffed.found, "accepted": attachment_checks.accepted_names()},
            "type",
        )
    if sniffed.mime == attachment_checks.PDF:
        try:
            attachment_checks.pdf_pages(upload)
        except ValidationError as error:
            raise _refuse("documents", " ".join(error.messages), "pdf") from None
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "tai-lieu"
    return name, sniffed.mime, size, sha.hexdigest()


def _tell(people: Iterable[Person], text: str, url: str) -> None:
    """In the app, and by e-mail (after the commit) to those with an address."""
    for person in people:
        Notification.objects.create(recipient=person, text=text[:300], url=url)
        if person.email:
            address, body = person.email, f"{text}\n\n{settings.SITE_URL}{url}\n"

            def send(address: str = address, body: str = body) -> None:
                send_mail(f"[vanphong] {text[:120]}", body, None, [address], fail_silently=True)

            transaction.on_commit(send)


def consultation_create(
    *,
    actor: Person,
    organization: Organization,
    kind: MeetingKind,
    question: str,
    text: str = "",
    deadline: Any,
    uploads: Sequence[File[Any]] = (),
) -> Consultation:
    """The office sends a question in writing to the members of a body of the
    committee (the kind's body: BTV, BCH), with its documents and a deadline; each is
    told in the app and by e-mail. Stored files are removed if anything is refused."""
    with files_removed_on_failure() as stored:
        return _consultation_create(
            actor=actor,
            organization=organization,
            kind=kind,
            question=question,
            text=text,
            deadline=deadline,
            uploads=uploads,
            stored=stored,
        )


@transaction.atomic
def _consultation_create(
    *,
    actor: Person,
    organization: Organization,
    kind: MeetingKind,
    question: str,
    text: str,
    deadline: Any,
    uploads: Sequence[File[Any]],
    stored: list[str],
) -> Consultation:
    if not meeting_selectors.may_keep(actor, organization):
        raise PermissionDenied
    question = " ".join(question.split())
    errors: dict[str, ValidationError] = {}
    if not question:
        errors["question"] = ValidationError(_("Write the question put to the members."), code="required")
    if kind.invited_body == InvitedBody.NONE:
        errors["kind"] = ValidationError(_("Choose a body of the committee to consult."), code="kind")
    if deadline is None or deadline <= timezone.now():
        errors["deadline"] = ValidationError(_("The deadline must be in the future."), code="deadline")
    if errors:
        raise ValidationError(errors)
    members = list(meeting_selectors.body_members(organization, kind))
    if not members:
        raise _refuse("kind", _("This body has no members in the committee."), "nobody")
    consultation = Consultation.objects.create(
        organization=organization,
        kind=kind,
        question=question[:500],
        text=text.strip(),
        deadline=deadline,
        created_by=actor,
    )
    for upload in uploads:
        name, mime, size, sha = _check_upload(upload)
        document = ConsultationDocument(
            consultation=consultation,
            title=name.rsplit(".", 1)[0][:300] or name,
            original_name=name,
            content_type=mime,
            size=size,
            sha256=sha,
            added_by=actor,
        )
        document.file.save(name, upload, save=False)
        stored.append(document.file.name)
        document.save()
    Recipient.objects.bulk_create([Recipient(consultation=consultation, person=p) for p in members])
    url = reverse("voting_consultation", args=[consultation.pk])
    message = _("Your opinion is asked in writing: %(question)s (by %(deadline)s).") % {
        "question": consultation.question[:150],
        "deadline": date_format(timezone.localtime(deadline), "SHORT_DATETIME_FORMAT"),
    }
    _tell(members, message, url)
    audit.record(
        actor=actor,
        action=AuditAction.CONSULTATION_SENT,
        target=consultation,
        organization=organization,
        after={
            "question": consultation.question,
            "kind": kind.code,
            "deadline": deadline.isoformat(),
            "members": [p.pk for p in members],
            "documents": [d.sha256 for d in consultation.documents.all()],
        },
    )
    return consultation


def _locked_consultation(consultation: Consultation) -> Consultation:
    # Answers, reminders and closing of one consultation are serialized on its row.
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("organization", "kind")
        .get(pk=consultation.pk)
    )


def _check_answerable(consultation: Consultation) -> None:
    if consultation.is_closed:
        raise ValidationError(
            _("This consultation is closed: its result can no longer change."), code="closed"
        )


@transaction.atomic
def consultation_answer(
    *, actor: Person, consultation: Consultation, choice: str, opinion: str = ""
) -> Recipient:
    """A member consulted answers: their choice and their opinion. They may change it
    until the deadline."""
    consultation = _locked_consultation(consultation)
    recipient = Recipient.objects.select_for_update().filter(consultation=consultation, person=actor).first()
    if recipient is None:
        raise PermissionDenied
    _check_answerable(consultation)
    if timezone.now() >= consultation.deadline:
        raise ValidationError(_("The deadline has passed: answers are no longer taken."), code="deadline")
    if choice not in CHOICES:
        raise _refuse("choice", _("Choose: in favour, against or not voting."), "choice")
    opinion = opinion.strip()
    if choice == Choice.AGAINST and not opinion:
        raise _refuse("opinion", _("Say why you are against: your opinion is needed."), "required")
    before = audit.snapshot(recipient, ["choice", "opinion"])
    recipient.choice, recipient.opinion, recipient.answered_at = choice, opinion, timezone.now()
    recipient.save(update_fields=["choice", "opinion", "answered_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CONSULTATION_ANSWERED,
        target=consultation,
        organization=consultation.organization,
        before=before,
        after=audit.snapshot(recipient, ["choice", "opinion"]),
    )
    return recipient


@transaction.atomic
def consultation_remind(
    *,
    actor: Person | None,
    consultation: Consultation,
    not_since: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> list[Person]:
    """Remind, in the app and by e-mail, the members who have not answered (and, with
    `not_since`, were not reminded after it); the office does it (or the system,
    `actor` None). Returns who was reminded."""
    consultation = _locked_consultation(consultation)
    if actor is not None and not meeting_selectors.may_keep(actor, consultation.organization):
        raise PermissionDenied
    _check_answerable(consultation)
    pending = consultation.recipients.filter(answered_at__isnull=True)
    if not_since is not None:
        pending = pending.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=not_since))
    waiting = list(pending.select_related("person"))
    if not waiting:
        raise ValidationError(_("Everyone has answered: there is nobody to remind."), code="nobody")
    url = reverse("voting_consultation", args=[consultation.pk])
    message = _("Reminder: your opinion is awaited on %(question)s, by %(deadline)s.") % {
        "question": consultation.question[:150],
        "deadline": date_format(timezone.localtime(consultation.deadline), "SHORT_DATETIME_FORMAT"),
    }
    people = [r.person for r in waiting]
    _tell(people, message, url)
    now = at or timezone.now()
    for recipient in waiting:
        recipient.reminded_at = now
        recipient.reminders += 1
        recipient.save(update_fields=["reminded_at", "reminders"])
    audit.record(
        actor=actor,
        action=AuditAction.CONSULTATION_REMINDED,
        target=consultation,
        organization=consultation.organization,
        after={"reminded": [p.pk for p in people]},
    )
    return people


@transaction.atomic
def consultation_close(*, actor: Person | None, consultation: Consultation) -> Consultation:
    """Close the consultation and record its result: the members consulted, the
    answers, the counts, the majority's basis (the kind's: of all members consulted,
    or of those who answered), the votes needed and whether it passed. The office
    closes it at any time; the system (`actor` None) only once the deadline passed."""
    consultation = _locked_consultation(consultation)
    if actor is not None and not meeting_selectors.may_keep(actor, consultation.organization):
        raise PermissionDenied
    _check_answerable(consultation)
    if actor is None and timezone.now() < consultation.deadline:
        raise ValidationError(_("The deadline has not passed yet."), code="deadline")
    tally = selectors.consultation_tally(consultation)
    consultation.state = ConsultationState.CLOSED
    consultation.closed_by = actor
    consultation.closed_at = timezone.now()
    consultation.members = tally.members
    consultation.answered = tally.answered
    consultation.votes_for, consultation.votes_against, consultation.votes_abstain = (
        tally.votes_for,
        tally.votes_against,
        tally.votes_abstain,
    )
    consultation.majority_basis = consultation.kind.majority_basis
    consultation.majority_needed = tally.majority_needed
    consultation.passed = tally.votes_for >= tally.majority_needed
    consultation.save()
    audit.record(
        actor=actor,
        action=AuditAction.CONSULTATION_CLOSED,
        target=consultation,
        organization=consultation.organization,
        before={"state": ConsultationState.OPEN},
        after={
            "state": consultation.state,
            "members": consultation.members,
            "answered": consultation.answered,
            "for": consultation.votes_for,
            "against": consultation.votes_against,
            "abstain": consultation.votes_abstain,
            "majority_basis": consultation.majority_basis,
            "majority_needed": consultation.majority_needed,
            "passed": consultation.passed,
        },
    )
    return consultation


def consultations_remind_due(now: dt.datetime | None = None) -> int:
    """The system's reminder on the last day: for each open consultation due within a
    day, remind those who have not answered and were not reminded in the last 20
    hours (the worker runs it every hour). Returns how many people were reminded."""
    now = now or timezone.now()
    reminded = 0
    due = Consultation.objects.filter(
        state=ConsultationState.OPEN, deadline__gt=now, deadline__lte=now + dt.timedelta(days=1)
    )
    for consultation in due:
        try:
            people = consultation_remind(
                actor=None, consultation=consultation, not_since=now - dt.timedelta(hours=20), at=now
            )
        except ValidationError:
            continue  # everyone answered, or was reminded lately
        reminded += len(people)
    return reminded


def consultations_close_due() -> int:
    """Close, as the system, every consultation whose deadline has passed (the
    worker's task); each in its own transaction. Returns how many."""
    closed = 0
    for consultation in Consultation.objects.filter(
        state=ConsultationState.OPEN, deadline__lte=timezone.now()
    ):
        consultation_close(actor=None, consultation=consultation)
        closed += 1
    return closed


# --- Messages the pages and the API show after a write -----------------------------------------


def opened_message(vote: Vote) -> str:
    if vote.kind == VoteKind.OPEN:
        return _("The vote is open: count the hands and enter the counts.")
    return _("The vote is open: the members present vote on their screens.")


def cast_message() -> str:
    return _("Your vote is recorded.")


def saved_message() -> str:
    return _("The results are entered.")


def sent_message(consultation: Consultation) -> str:
    return _("The consultation is sent to %(n)s members.") % {"n": consultation.recipients.count()}


def answered_message() -> str:
    return _("Your answer is recorded. You may change it until the deadline.")


def reminded_message(n: int) -> str:
    return ngettext("%(n)s member reminded.", "%(n)s members reminded.", n) % {"n": n}
