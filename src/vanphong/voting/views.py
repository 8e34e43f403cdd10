"""The voting pages: a meeting's votes (the chair's panel: open, enter the results
counted by hand, close; the member's ballot with big buttons, refreshed by htmx), a
vote's tally, and the written consultations (list, new, a consultation with the
member's answer and the office's tally, reminders and closing). Thin: one checked
fetch, one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from vanphong.core.web import attach_errors, is_htmx, person_of
from vanphong.meetings import selectors as meeting_selectors
from vanphong.meetings.models import Meeting
from vanphong.voting import selectors, services
from vanphong.voting.forms import (
    AnswerForm,
    ConsultationForm,
    CountsForm,
    PaperBallotsForm,
    PaperNamedForm,
    VoteOpenForm,
)
from vanphong.voting.models import Consultation, ConsultationDocument, Vote, VoteKind


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(meeting_selectors.meetings_visible_to(person_of(request)), pk=pk)


def _vote(request: HttpRequest, pk: int) -> Vote:
    vote = get_object_or_404(
        Vote.objects.select_related("meeting__kind", "meeting__organization", "item"), pk=pk
    )
    if not selectors.may_see_vote(person_of(request), vote):
        raise Http404
    return vote


def _run(request: HttpRequest, pk: int) -> Vote:
    vote = _vote(request, pk)
    if not selectors.may_run_votes(person_of(request), vote.meeting):
        raise PermissionDenied
    return vote


def _consultation(request: HttpRequest, pk: int) -> Consultation:
    return get_object_or_404(selectors.consultations_visible_to(person_of(request)), pk=pk)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _back(vote: Vote) -> str:
    return reverse("voting_meeting", args=[vote.meeting_id]) + f"#vote-{vote.pk}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    meetings = list(selectors.meetings_with_votes_for(person)[:30])
    waiting = list(selectors.open_consultations_for(person))
    return render(request, "voting/home.html", {"meetings": meetings, "waiting": waiting})


# --- A meeting's votes -------------------------------------------------------------------------


def _ballots(request: HttpRequest, meeting: Meeting) -> list[dict[str, Any]]:
    """The open votes the person sees, with the seat they may vote on (None: they may
    not, or did)."""
    person = person_of(request)
    return [
        {
            "vote": vote,
            "seat": selectors.ballot_seat(person, vote),
            "voted": selectors.has_voted(person, vote),
        }
        for vote in selectors.votes_visible_to(person, meeting)
        .filter(state="open")
        .exclude(kind=VoteKind.OPEN)
    ]


def _member(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """What the polled part of the page shows: the ballots and, to those who do not run
    the votes, the results so far."""
    person = person_of(request)
    running = selectors.may_run_votes(person, meeting)
    return {
        "meeting": meeting,
        "running": running,
        "ballots": _ballots(request, meeting),
        "results": []
        if running
        else [selectors.result_of(v) for v in selectors.votes_visible_to(person, meeting)],
    }


def _panel(request: HttpRequest, meeting: Meeting, failed_forms: dict[int, Any]) -> list[dict[str, Any]]:
    """Each vote with its result and, for the chair's panel, its forms."""
    seats = selectors.voting_seats(meeting)
    rows = []
    for vote in selectors.votes_visible_to(person_of(request), meeting):
        row: dict[str, Any] = {"vote": vote, "result": selectors.result_of(vote)}
        if not vote.is_closed:
            failed = failed_forms.get(vote.pk)
            if vote.kind == VoteKind.OPEN:
                row["form"] = failed or CountsForm(
                    initial={
                        "votes_for": vote.hand_for,
                        "votes_against": vote.hand_against,
                        "votes_abstain": vote.hand_abstain,
                    },
                    auto_id=f"v{vote.pk}_%s",
                )
            else:
                voted = vote.voters.values("seat")
                free = seats.exclude(pk__in=voted)
                form_class = PaperBallotsForm if vote.kind == VoteKind.SECRET else PaperNamedForm
                row["form"] = failed or form_class(seats=free, auto_id=f"v{vote.pk}_%s")
        rows.append(row)
    return rows


def _meeting_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    person = person_of(request)
    running = selectors.may_run_votes(person, meeting)
    failed = extra.pop("failed", {})
    return {
        "meeting": meeting,
        "quorum": meeting_selectors.quorum(meeting),
        "running": running,
        "open_form": extra.pop("open_form", None)
        or (VoteOpenForm(items=meeting_selectors.items_visible_to(person, meeting)) if running else None),
        "rows": _panel(request, meeting, failed) if running else [],
        **_member(request, meeting),
        "eligible": selectors.voting_seats(meeting).count(),
        **extra,
    }


@login_required
def meeting_votes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "voting/meeting.html", _meeting_context(request, meeting))


@login_required
def meeting_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's ballots alone: the page asks for it every few seconds."""
    meeting = _meeting(request, pk)
    return render(request, "voting/_ballots.html", _member(request, meeting))


@login_required
@require_POST
def vote_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    person = person_of(request)
    if not selectors.may_run_votes(person, meeting):
        raise PermissionDenied
    form = VoteOpenForm(request.POST, items=meeting_selectors.items_visible_to(person, meeting))
    if form.is_valid():
        try:
            vote = services.vote_open(actor=person, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, services.opened_message(vote))
            return redirect(_back(vote))
    return render(
        request, "voting/meeting.html", _meeting_context(request, meeting, open_form=form), status=422
    )


@login_required
@require_POST
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    try:
        services.ballot_cast(actor=person_of(request), vote=vote, choice=request.POST.get("choice", ""))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, services.cast_message())
    if is_htmx(request):
        # The refusal or the thanks beside the ballots, not in them: the panel polls
        # every 2 s and would wipe it (a ballot after closing seemed to do nothing).
        context = {**_member(request, vote.meeting), "flash": list(messages.get_messages(request))}
        return render(request, "voting/_ballots.html", context)
    return redirect("voting_meeting", vote.meeting_id)


@login_required
@require_POST
def hands(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _run(request, pk)
    form = CountsForm(request.POST, auto_id=f"v{vote.pk}_%s")
    if form.is_valid():
        try:
            services.vote_hands_count(actor=person_of(request), vote=vote, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, services.saved_message())
            return redirect(_back(vote))
    context = _meeting_context(request, vote.meeting, failed={vote.pk: form})
    return render(request, "voting/meeting.html", context, status=422)


@login_required
@require_POST
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _run(request, pk)
    person = person_of(request)
    free = selectors.voting_seats(vote.meeting).exclude(pk__in=vote.voters.values("seat"))
    form: PaperBallotsForm | PaperNamedForm
    try:
        if vote.kind == VoteKind.SECRET:
            form = PaperBallotsForm(request.POST, seats=free, auto_id=f"v{vote.pk}_%s")
            if form.is_valid():
                data = form.cleaned_data
                services.vote_paper_ballots(
                    actor=person,
                    vote=vote,
                    seats=list(data["seats"]),
                    votes_for=data["votes_for"],
                    votes_against=data["votes_against"],
                    votes_abstain=data["votes_abstain"],
                )
        else:
            form = PaperNamedForm(request.POST, seats=free, auto_id=f"v{vote.pk}_%s")
            if form.is_valid():
                services.vote_paper_named(
                    actor=person,
                    vote=vote,
                    seat=form.cleaned_data["seat"],
                    choice=form.cleaned_data["choice"],
                )
    except ValidationError as error:
        attach_errors(form, error)
    if form.is_bound and form.is_valid() and not form.errors:
        messages.success(request, services.saved_message())
        return redirect(_back(vote))
    context = _meeting_context(request, vote.meeting, failed={vote.pk: form})
    return render(request, "voting/meeting.html", context, status=422)


@login_required
@require_POST
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _run(request, pk)
    try:
        services.vote_close(actor=person_of(request), vote=vote)
    except ValidationError as error:
        _refused(request, error)
    return redirect("voting_vote", vote.pk)


@login_required
def vote_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The tally: the counts (a secret vote's once closed), the basis of the majority,
    the result, who voted (and how, for a named vote)."""
    vote = _vote(request, pk)
    result = selectors.result_of(vote)
    voters = list(vote.voters.select_related("person", "seat__person").order_by("person__sort_key", "pk"))
    return render(
        request,
        "voting/vote.html",
        {
            "vote": vote,
            "result": result,
            "voters": voters,
            "eligible": selectors.voting_seats(vote.meeting).count(),
            "running": selectors.may_run_votes(person_of(request), vote.meeting),
        },
    )


# --- Written consultations ---------------------------------------------------------------------


def _committees(request: HttpRequest) -> Any:
    return meeting_selectors.kept_committees(person_of(request))


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    rows = [
        {
            "consultation": c,
            "tally": selectors.consultation_tally(c),
            "mine": selectors.recipient_of(person, c),
        }
        for c in selectors.consultations_visible_to(person).order_by("-created_at", "-pk")[:100]
    ]
    can_create = _committees(request).exists()
    return render(request, "voting/consultations.html", {"rows": rows, "can_create": can_create})


@login_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    committees = _committees(request)
    if not committees.exists():
        raise PermissionDenied
    form = ConsultationForm(
        request.POST or None,
        request.FILES or None,
        committees=committees,
        initial={"organization": committees.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(actor=person_of(request), **form.values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, services.sent_message(consultation))
            return redirect("voting_consultation", consultation.pk)
    return render(request, "voting/consultation_form.html", {"form": form})


@login_required
def consultation_page(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    person = person_of(request)
    mine = selectors.recipient_of(person, consultation)
    keeping = selectors.may_keep_consultations(person, consultation.organization)
    form = None
    if mine is not None and not consultation.is_closed:
        initial = {"choice": mine.choice, "opinion": mine.opinion} if mine.choice else None
        form = AnswerForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.consultation_answer(actor=person, consultation=consultation, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, services.answered_message())
                return redirect("voting_consultation", consultation.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "voting/consultation.html",
        {
            "consultation": consultation,
            "mine": mine,
            "form": form,
            "keeping": keeping,
            "tally": selectors.consultation_tally(consultation),
            "show_tally": keeping or consultation.is_closed,
            "recipients": list(consultation.recipients.select_related("person")) if keeping else [],
            "documents": list(consultation.documents.all()),
        },
        status=422 if form is not None and form.errors else 200,
    )


def _kept(request: HttpRequest, pk: int) -> Consultation:
    consultation = _consultation(request, pk)
    if not selectors.may_keep_consultations(person_of(request), consultation.organization):
        raise PermissionDenied
    return consultation


@login_required
@require_POST
def consultation_remind(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _kept(request, pk)
    try:
        people = services.consultation_remind(actor=person_of(request), consultation=consultation)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, services.reminded_message(len(people)))
    return redirect("voting_consultation", consultation.pk)


@login_required
@require_POST
def consultation_close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _kept(request, pk)
    try:
        services.consultation_close(actor=person_of(request), consultation=consultation)
    except ValidationError as error:
        _refused(request, error)
    return redirect("voting_consultation", consultation.pk)


@login_required
def consultation_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(ConsultationDocument.objects.select_related("consultation"), pk=pk)
    _consultation(request, document.consultation_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
