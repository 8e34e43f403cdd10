"""Votes and written consultations through the API: a meeting's votes with their
results, opening, a ballot, results entered by hand, closing; the consultations one
sees, sending one (without files: the page takes them), answering, reminding,
closing.

As the pages (`voting/views.py`): a meeting, vote or consultation the caller may not
see is a 404; running a vote needs its chair, its secretary or the office, a
consultation's reminders and closing the committee's office, else a 403; a service's
refusal (no quorum, a second ballot, a closed vote) is a 422 keyed by field. A secret
vote's counts are null until it closes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, invalid_choice, one, person_ref, ref, some
from vanphong.api.routers.voting_schemas import (
    ConsultationAnswerIn,
    ConsultationIn,
    ConsultationOut,
    ConsultationRemindedOut,
    VoteBallotIn,
    VoteCountsIn,
    VoteIn,
    VoteOut,
    VotePaperBallotsIn,
    VotePaperNamedIn,
)
from vanphong.core.models import Person
from vanphong.core.web import person_of
from vanphong.meetings import selectors as meeting_selectors
from vanphong.meetings.models import InvitedBody, Meeting, MeetingKind
from vanphong.voting import selectors, services
from vanphong.voting.models import Consultation, Recipient, Vote

router = Router(tags=["voting"])


# --- Output ---------------------------------------------------------------------------------------


def _vote(vote: Vote, person: Person) -> dict[str, Any]:
    result = selectors.result_of(vote)
    return {
        "id": vote.pk,
        "meeting_id": vote.meeting_id,
        "item_id": vote.item_id,
        "item_title": result.item_title,
        "question": vote.question,
        "kind": vote.kind,
        "state": vote.state,
        "voters": result.voters,
        "votes_for": result.votes_for,
        "votes_against": result.votes_against,
        "votes_abstain": result.votes_abstain,
        "members": result.members,
        "present": result.present,
        "majority_basis": result.majority_basis or None,
        "majority_needed": result.majority_needed,
        "passed": result.passed,
        "named": [
            {
                "person": person_ref(n.person),
                "choice": n.choice,
                "on_paper": n.on_paper,
                "in_place_of": person_ref(n.in_place_of),
            }
            for n in result.named
        ],
        "may_vote": selectors.ballot_seat(person, vote) is not None,
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
    }


def _answer(recipient: Recipient) -> dict[str, Any]:
    return {
        "person": person_ref(recipient.person),
        "choice": recipient.choice or None,
        "opinion": recipient.opinion,
        "answered_at": recipient.answered_at,
        "reminders": recipient.reminders,
    }


def _consultation(consultation: Consultation, person: Person) -> dict[str, Any]:
    tally = selectors.consultation_tally(consultation)
    keeping = selectors.may_keep_consultations(person, consultation.organization)
    mine = selectors.recipient_of(person, consultation)
    return {
        "id": consultation.pk,
        "organization": ref(consultation.organization),
        "body": consultation.kind.code,
        "body_name": consultation.kind.name,
        "question": consultation.question,
        "text": consultation.text,
        "deadline": consultation.deadline,
        "state": consultation.state,
        "members": tally.members,
        "answered": tally.answered,
        "votes_for": tally.votes_for,
        "votes_against": tally.votes_against,
        "votes_abstain": tally.votes_abstain,
        "majority_basis": tally.majority_basis,
        "majority_needed": tally.majority_needed,
        "passed": consultation.passed,
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "original_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in consultation.documents.all()
        ],
        "mine": None if mine is None else _answer(mine),
        "answers": [_answer(r) for r in consultation.recipients.select_related("person")] if keeping else [],
    }


# --- Fetching -------------------------------------------------------------------------------------


def _visible_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting: Meeting = get_object_or_404(
        meeting_selectors.meetings_visible_to(person_of(request)), pk=meeting_id
    )
    return meeting


def _visible_vote(request: HttpRequest, vote_id: int) -> Vote:
    vote = get_object_or_404(
        Vote.objects.select_related("meeting__kind", "meeting__organization", "item"), pk=vote_id
    )
    if not selectors.may_see_vote(person_of(request), vote):
        raise Http404
    return vote


def _run(request: HttpRequest, vote_id: int) -> Vote:
    vote = _visible_vote(request, vote_id)
    if not selectors.may_run_votes(person_of(request), vote.meeting):
        raise PermissionDenied
    return vote


def _visible_consultation(request: HttpRequest, consultation_id: int) -> Consultation:
    consultation: Consultation = get_object_or_404(
        selectors.consultations_visible_to(person_of(request)), pk=consultation_id
    )
    return consultation


def _kept(request: HttpRequest, consultation_id: int) -> Consultation:
    consultation = _visible_consultation(request, consultation_id)
    if not selectors.may_keep_consultations(person_of(request), consultation.organization):
        raise PermissionDenied
    return consultation


# --- Votes ----------------------------------------------------------------------------------------


@router.get("/meetings/{meeting_id}/votes/", response={200: list[VoteOut], **REFUSALS}, url_name="vote_list")
def vote_list(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """The votes of a meeting the caller sees, in the order held, with their results."""
    person = person_of(request)
    meeting = _visible_meeting(request, meeting_id)
    return [_vote(vote, person) for vote in selectors.votes_visible_to(person, meeting)]


@router.post(
    "/meetings/{meeting_id}/votes/", response={201: VoteOut, **ACTION_REFUSALS}, url_name="vote_open"
)
def vote_open(request: HttpRequest, meeting_id: int, payload: VoteIn) -> Status[dict[str, Any]]:
    """Put a question to the vote: the chair, the meeting's secretary or the office,
    while the meeting is in progress with its quorum."""
    person = person_of(request)
    meeting = _visible_meeting(request, meeting_id)
    if not selectors.may_run_votes(person, meeting):
        raise PermissionDenied
    item = one(meeting_selectors.items_visible_to(person, meeting), payload.item, "item")
    vote = services.vote_open(
        actor=person, meeting=meeting, question=payload.question, kind=payload.kind, item=item
    )
    return Status(201, _vote(vote, person))


@router.get("/votes/{vote_id}/", response={200: VoteOut, **REFUSALS}, url_name="vote_detail")
def vote_detail(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    return _vote(_visible_vote(request, vote_id), person_of(request))


@router.post("/votes/{vote_id}/ballot/", response={200: VoteOut, **ACTION_REFUSALS}, url_name="vote_ballot")
def vote_ballot(request: HttpRequest, vote_id: int, payload: VoteBallotIn) -> dict[str, Any]:
    """Cast the caller's one ballot (a named or secret vote, a member present)."""
    vote = services.ballot_cast(
        actor=person_of(request), vote=_visible_vote(request, vote_id), choice=payload.choice
    )
    return _vote(vote, person_of(request))


@router.post("/votes/{vote_id}/hands/", response={200: VoteOut, **ACTION_REFUSALS}, url_name="vote_hands")
def vote_hands(request: HttpRequest, vote_id: int, payload: VoteCountsIn) -> dict[str, Any]:
    """The show of hands of an open vote (the last entry counts)."""
    vote = services.vote_hands_count(actor=person_of(request), vote=_run(request, vote_id), **payload.dict())
    return _vote(vote, person_of(request))


@router.post(
    "/votes/{vote_id}/paper-ballots/",
    response={200: VoteOut, **ACTION_REFUSALS},
    url_name="vote_paper_ballots",
)
def vote_paper_ballots(request: HttpRequest, vote_id: int, payload: VotePaperBallotsIn) -> dict[str, Any]:
    """A secret vote's paper ballots: the seats that voted on paper and the counts."""
    vote = _run(request, vote_id)
    seats = some(selectors.voting_seats(vote.meeting), payload.seats, "seats")
    vote = services.vote_paper_ballots(
        actor=person_of(request),
        vote=vote,
        seats=seats,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        votes_abstain=payload.votes_abstain,
    )
    return _vote(vote, person_of(request))


@router.post(
    "/votes/{vote_id}/paper-named/", response={200: VoteOut, **ACTION_REFUSALS}, url_name="vote_paper_named"
)
def vote_paper_named(request: HttpRequest, vote_id: int, payload: VotePaperNamedIn) -> dict[str, Any]:
    """A member's choice given on paper in a named vote."""
    vote = _run(request, vote_id)
    seat = one(vote.meeting.invitations.all(), payload.seat, "seat")
    vote = services.vote_paper_named(actor=person_of(request), vote=vote, seat=seat, choice=payload.choice)
    return _vote(vote, person_of(request))


@router.post("/votes/{vote_id}/close/", response={200: VoteOut, **ACTION_REFUSALS}, url_name="vote_close")
def vote_close(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    """Close the vote: its result, the majority's basis and the votes needed are fixed."""
    vote = services.vote_close(actor=person_of(request), vote=_run(request, vote_id))
    return _vote(vote, person_of(request))


# --- Written consultations ------------------------------------------------------------------------


@router.get(
    "/consultations/", response={200: list[ConsultationOut], **REFUSALS}, url_name="consultation_list"
)
def consultation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The consultations the caller was asked or keeps (the latest hundred)."""
    person = person_of(request)
    consultations = selectors.consultations_visible_to(person).order_by("-created_at", "-pk")[:100]
    return [_consultation(c, person) for c in consultations]


@router.post(
    "/consultations/", response={201: ConsultationOut, **ACTION_REFUSALS}, url_name="consultation_create"
)
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[dict[str, Any]]:
    """Send a question to the members of a body of a committee the caller's office
    keeps (documents are added on the page)."""
    person = person_of(request)
    committee = one(meeting_selectors.kept_committees(person), payload.organization, "organization")
    kind = (
        MeetingKind.objects.filter(code=payload.body, is_active=True)
        .exclude(invited_body=InvitedBody.NONE)
        .first()
    )
    if kind is None:
        raise invalid_choice("body")
    consultation = services.consultation_create(
        actor=person,
        organization=committee,
        kind=kind,
        question=payload.question,
        text=payload.text,
        deadline=payload.deadline,
    )
    return Status(201, _consultation(consultation, person))


@router.get(
    "/consultations/{consultation_id}/",
    response={200: ConsultationOut, **REFUSALS},
    url_name="consultation_detail",
)
def consultation_detail(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    return _consultation(_visible_consultation(request, consultation_id), person_of(request))


@router.post(
    "/consultations/{consultation_id}/answer/",
    response={200: ConsultationOut, **ACTION_REFUSALS},
    url_name="consultation_answer",
)
def consultation_answer(
    request: HttpRequest, consultation_id: int, payload: ConsultationAnswerIn
) -> dict[str, Any]:
    """The caller's answer (until the deadline; the last one counts)."""
    consultation = _visible_consultation(request, consultation_id)
    services.consultation_answer(
        actor=person_of(request), consultation=consultation, choice=payload.choice, opinion=payload.opinion
    )
    return _consultation(consultation, person_of(request))


@router.post(
    "/consultations/{consultation_id}/remind/",
    response={200: ConsultationRemindedOut, **ACTION_REFUSALS},
    url_name="consultation_remind",
)
def consultation_remind(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    """Remind those who have not answered, in the app and by e-mail."""
    people = services.consultation_remind(
        actor=person_of(request), consultation=_kept(request, consultation_id)
    )
    return {"reminded": [person_ref(p) for p in people]}


@router.post(
    "/consultations/{consultation_id}/close/",
    response={200: ConsultationOut, **ACTION_REFUSALS},
    url_name="consultation_close",
)
def consultation_close(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    """Close the consultation and record its result."""
    consultation = services.consultation_close(
        actor=person_of(request), consultation=_kept(request, consultation_id)
    )
    return _consultation(consultation, person_of(request))
