"""The meeting pages: the office's list, meeting form, agenda and invitation list;
the member's meetings, their meeting page with the items they may see, their answer
and the pre-reads (watermarked, inline unless downloads are allowed). Thin: one
checked fetch, one service call."""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import visible_to
from vanphong.core.selectors import committee_leaders
from vanphong.core.web import attach_errors, is_htmx, person_of
from vanphong.drafting.models import Draft
from vanphong.drafting.selectors import drafts_visible_to
from vanphong.meetings import selectors, services
from vanphong.meetings.forms import AnswerForm, DocumentForm, InviteeForm, ItemForm, MeetingForm
from vanphong.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingState,
    Response,
    SpeakerRequest,
)
from vanphong.registry.models import IncomingDocument
from vanphong.schedule.selectors import units_of


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    """A meeting the person may see (404 otherwise)."""
    return get_object_or_404(selectors.meetings_visible_to(person_of(request)), pk=pk)


def _managed(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting(request, pk)
    if not selectors.may_manage(person_of(request), meeting):
        raise PermissionDenied
    return meeting


def _item(request: HttpRequest, pk: int) -> AgendaItem:
    """An item of a meeting the person manages, within their clearance."""
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    meeting = _managed(request, item.meeting_id)
    if item.secrecy > person_of(request).clearance:
        raise Http404
    item.meeting = meeting
    return item


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The person's meetings; for the office, also the meetings it keeps."""
    person = person_of(request)
    upcoming, past = selectors.my_meetings(person)
    kept = list(selectors.managed_meetings(person)[:100])
    can_create = selectors.kept_committees(person).exists()
    if not kept and not upcoming and not past and not can_create:
        raise Http404
    return render(
        request,
        "meetings/home.html",
        {"upcoming": upcoming, "past": past, "kept": kept, "can_create": can_create},
    )


def _meeting_form(request: HttpRequest, committee: Organization | None, **kwargs: Any) -> MeetingForm:
    person = person_of(request)
    committees = selectors.kept_committees(person)
    if committee is None:
        committee = committees.first()
    leaders = committee_leaders(committee) if committee else selectors.committee_people(Organization())
    people = selectors.committee_people(committee) if committee else leaders
    return MeetingForm(request.POST or None, committees=committees, leaders=leaders, people=people, **kwargs)


def _double_booked(form: MeetingForm, error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and "confirm_double_booking" in error.error_dict


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = selectors.kept_committees(person)
    if not committees.exists():
        raise PermissionDenied
    chosen = request.POST.get("organization") or request.GET.get("organization")
    committee = committees.filter(pk=chosen).first() if chosen and chosen.isdigit() else committees.first()
    form = _meeting_form(request, committee, initial={"organization": committee})
    double_booked = False
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=person, **form.values())
        except ValidationError as error:
            double_booked = _double_booked(form, error)
            attach_errors(form, error)
        else:
            messages.success(request, _("The meeting is created and put in the weekly schedule."))
            return redirect("meetings_agenda", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "double_booked": double_booked})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    initial = {
        "kind": meeting.kind,
        "title": meeting.title,
        "place": meeting.place,
        "chair": meeting.chair,
        "secretary": meeting.secretary,
        "preread_days": meeting.preread_days,
        "downloads_allowed": meeting.downloads_allowed,
        "access_after": meeting.access_after,
        "access_days": meeting.access_days,
    }
    start = timezone.localtime(meeting.starts_at)
    initial.update(day=start.date(), starts_at=start.time())
    if meeting.ends_at:
        initial["ends_at"] = timezone.localtime(meeting.ends_at).time()
    form = _meeting_form(request, meeting.organization, initial=initial, editing=True)
    double_booked = False
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=person_of(request), meeting=meeting, **form.values())
        except ValidationError as error:
            double_booked = _double_booked(form, error)
            attach_errors(form, error)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect("meetings_meeting", meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "double_booked": double_booked},
    )


def _item_form(request: HttpRequest, meeting: Meeting, data: Any = None, **kwargs: Any) -> ItemForm:
    invited = meeting.invitations.values("person")
    people = selectors.committee_people(meeting.organization)
    return ItemForm(
        data,
        people=people,
        units=units_of(meeting.organization),
        invited=people.model.objects.filter(pk__in=invited).order_by("sort_key"),
        **kwargs,
    )


def _document_form(
    request: HttpRequest, meeting: Meeting, item: AgendaItem, data: Any = None, files: Any = None
) -> DocumentForm:
    person = person_of(request)
    # The latest hundred of each that the person may see (a choice list, not a search).
    incoming: QuerySet[IncomingDocument] = visible_to(
        person, IncomingDocument.objects.filter(organization=meeting.organization), secrecy_field="secrecy"
    )
    recent_incoming = list(incoming.order_by("-received_on", "-number").values_list("pk", flat=True)[:100])
    drafts = drafts_visible_to(person).filter(organization__path__startswith=meeting.organization.path)
    recent_drafts = list(drafts.order_by("-updated_at").values_list("pk", flat=True)[:100])
    return DocumentForm(
        data,
        files,
        incoming=IncomingDocument.objects.filter(pk__in=recent_incoming).order_by("-received_on", "-number"),
        drafts=Draft.objects.filter(pk__in=recent_drafts).order_by("-updated_at"),
        auto_id=f"item{item.pk}_%s",
    )


def _agenda_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    person = person_of(request)
    items = _with_files(
        list(selectors.items_visible_to(person, meeting).prefetch_related("documents", "invitees"))
    )
    hidden = meeting.items.count() - len(items)
    failed = extra.pop("document_form", None)
    for item in items:
        # Each item its own form (and ids); the one that was refused shows its errors.
        item.document_form = (  # type: ignore[attr-defined]
            failed
            if failed is not None and item.pk == extra.get("failed_item")
            else _document_form(request, meeting, item)
        )
    return {
        "meeting": meeting,
        "items": items,
        "hidden": hidden,
        "form": extra.pop("form", None) or _item_form(request, meeting, initial={"invite_all": True}),
        **extra,
    }


@login_required
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    """The agenda as the office edits it: items in order, each with its documents;
    a new item at the end."""
    meeting = _managed(request, pk)
    form = _item_form(request, meeting, request.POST or None, initial={"invite_all": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(actor=person_of(request), meeting=meeting, **form.values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The item is added."))
            return redirect("meetings_agenda", meeting.pk)
    return render(request, "meetings/agenda.html", _agenda_context(request, meeting, form=form))


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    meeting = item.meeting
    initial = {
        "title": item.title,
        "presenter": item.presenter,
        "preparing_unit": item.preparing_unit,
        "planned_start": item.planned_start,
        "duration_minutes": item.duration_minutes,
        "secrecy": item.secrecy,
        "invite_all": item.invite_all,
        "invitees": list(item.invitees.all()),
        "note": item.note,
    }
    form = _item_form(request, meeting, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=person_of(request), item=item, **form.values())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return redirect("meetings_agenda", meeting.pk)
    return render(request, "meetings/item_form.html", {"form": form, "item": item, "meeting": meeting})


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.item_move(actor=person_of(request), item=item, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        _errors_to_messages(request, error)
    if is_htmx(request):
        return render(request, "meetings/_items.html", _agenda_context(request, item.meeting))
    return redirect("meetings_agenda", item.meeting_id)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.item_remove(actor=person_of(request), item=item)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("The item is removed."))
    return redirect("meetings_agenda", item.meeting_id)


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    meeting = item.meeting
    form = _document_form(request, meeting, item, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_add(
                actor=person_of(request),
                item=item,
                title=data["title"],
                upload=data["file"],
                incoming=data["incoming"],
                draft=data["draft"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The document is added."))
            return redirect(reverse("meetings_agenda", args=[meeting.pk]) + f"#item-{item.pk}")
    # Shown again under its item with the refusal at its field.
    return render(
        request,
        "meetings/agenda.html",
        _agenda_context(request, meeting, document_form=form, failed_item=item.pk),
        status=400,
    )


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(MeetingDocument.objects.select_related("item"), pk=pk)
    item = _item(request, document.item_id)
    try:
        services.document_remove(actor=person_of(request), document=document)
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect(reverse("meetings_agenda", args=[item.meeting_id]) + f"#item-{item.pk}")


def _with_files(items: list[AgendaItem]) -> list[AgendaItem]:
    """Mark each item with whether it may carry files (for the template)."""
    for item in items:
        item.carries_files = selectors.item_may_carry_files(item)  # type: ignore[attr-defined]
    return items


def _meeting_context(
    request: HttpRequest, meeting: Meeting, answer_form: AnswerForm | None = None
) -> dict[str, Any]:
    person = person_of(request)
    seat = selectors.seat_of(person, meeting)
    managing = selectors.may_manage(person, meeting)
    items = _with_files(list(selectors.items_visible_to(person, meeting).prefetch_related("documents")))
    answering = (
        seat is not None
        and seat.person_id == person.pk
        and meeting.state in (MeetingState.INVITED, MeetingState.IN_PROGRESS)
    )
    if answering and answer_form is None:
        assert seat is not None
        answer_form = AnswerForm(
            initial={
                "response": None if seat.response == Response.PENDING else seat.response,
                "reason": seat.reason,
                "delegate": seat.delegate,
            },
            **_delegate_choices(meeting, person),
        )
    return {
        "meeting": meeting,
        "seat": seat,
        "items": items,
        "prereads_open": meeting.prereads_open() or managing,
        "managing": managing,
        "chairing": meeting.chair_id == person.pk,
        "quorum": selectors.quorum(meeting),
        "answer_form": answer_form if answering else None,
        "downloads": selectors.may_download(person, meeting),
        "minutes_behind": managing and selectors.minutes_behind(meeting),
    }


def _delegates(meeting: Meeting, person: Person) -> QuerySet[Person]:
    """Whom the select offers as a delegate: the committee's people not invited."""
    invited = meeting.invitations.values("person")
    return selectors.committee_people(meeting.organization).exclude(pk=person.pk).exclude(pk__in=invited)


def _delegate_choices(meeting: Meeting, person: Person) -> dict[str, Any]:
    """The answer form's delegate arguments: those offered, those the service judges
    (its refusals name the reason), and the committee the rule names."""
    return {
        "people": _delegates(meeting, person),
        "eligible": selectors.committee_people(meeting.organization),
        "committee": meeting.organization,
    }


@login_required
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting as a member sees it: time, place, their answer, the items they
    are invited to and cleared for, with their documents when these are open."""
    meeting = _meeting(request, pk)
    return render(request, "meetings/meeting.html", _meeting_context(request, meeting))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    person = person_of(request)
    seat = meeting.invitations.filter(person=person).first()
    if seat is None:
        raise PermissionDenied
    form = AnswerForm(request.POST, **_delegate_choices(meeting, person))
    if form.is_valid():
        try:
            services.invitation_respond(actor=person, invitation=seat, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your answer is recorded."))
            return redirect("meetings_meeting", meeting.pk)
    return render(request, "meetings/meeting.html", _meeting_context(request, meeting, form), status=400)


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A pre-read, stamped for its reader; inline, or as a download where allowed.
    404 for a document of an item the person may not see."""
    person = person_of(request)
    found = get_object_or_404(MeetingDocument.objects.select_related("item__meeting"), pk=pk)
    _meeting(request, found.item.meeting_id)
    if not selectors.may_see_item(person, found.item):
        raise Http404
    download = request.GET.get("download") == "1"
    try:
        pdf, name = services.document_open(actor=person, document=found, download=download)
    except ValidationError as error:
        _errors_to_messages(request, error)
        return redirect("meetings_meeting", found.item.meeting_id)
    response = FileResponse(
        io.BytesIO(pdf), content_type="application/pdf", as_attachment=download, filename=name
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    meeting = _meeting(request, pk)
    if not meeting.invitation_pdf:
        raise Http404
    return FileResponse(
        meeting.invitation_pdf.open("rb"), content_type="application/pdf", filename="giay-moi.pdf"
    )


def _invitations_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    invited = meeting.invitations.values("person")
    people = selectors.committee_people(meeting.organization).exclude(pk__in=invited)
    return {
        "meeting": meeting,
        "invitations": meeting.invitations.select_related("person", "delegate"),
        "quorum": selectors.quorum(meeting),
        "form": extra.pop("form", None) or InviteeForm(people=people),
        "may_check_in": meeting.state in (MeetingState.INVITED, MeetingState.IN_PROGRESS, MeetingState.DRAFT),
        "untold": meeting.invitations.filter(notified_at__isnull=True).exists(),
        **extra,
    }


@login_required
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is invited, their answers, the check-in and the quorum; inviting one more."""
    meeting = _managed(request, pk)
    invited = meeting.invitations.values("person")
    form = InviteeForm(
        request.POST or None, people=selectors.committee_people(meeting.organization).exclude(pk__in=invited)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitee_add(actor=person_of(request), meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The person is invited."))
            return redirect("meetings_invitations", meeting.pk)
    return render(request, "meetings/invitations.html", _invitations_context(request, meeting, form=form))


@login_required
@require_POST
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed(request, pk)
    try:
        services.invitations_send(actor=person_of(request), meeting=meeting)
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, _("The invitation is sent in the app and by e-mail."))
    return redirect("meetings_invitations", meeting.pk)


@login_required
@require_POST
def invitee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    seat = get_object_or_404(Invitation, pk=pk)
    meeting = _managed(request, seat.meeting_id)
    try:
        services.invitee_remove(actor=person_of(request), invitation=seat)
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect("meetings_invitations", meeting.pk)


@login_required
@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick someone in (or out); with htmx the row and the quorum are redrawn."""
    seat = get_object_or_404(Invitation, pk=pk)
    meeting = _managed(request, seat.meeting_id)
    try:
        seat = services.check_in(
            actor=person_of(request), invitation=seat, present=request.POST.get("present") == "1"
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    if is_htmx(request):
        return render(request, "meetings/_attendance.html", _invitations_context(request, meeting))
    return redirect("meetings_invitations", meeting.pk)


@login_required
@require_POST
def meeting_state(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    person = person_of(request)
    action = services.meeting_open if request.POST.get("action") == "open" else services.meeting_close
    try:
        action(actor=person, meeting=meeting)
    except ValidationError as error:
        _errors_to_messages(request, error)
    return redirect("meetings_meeting", meeting.pk)


# --- The live meeting (issue 9, item 4) --------------------------------------------------------
#
# One page for everyone at the meeting (`live`): the follow fragment (`live_follow`) polled
# every half second by htmx with the ETag of what it shows in If-None-Match, answered 304 when
# nothing changed (bench/meeting_live.py, docs/performance.md); the chair's and the
# secretary's controls and the speakers' queue in the same fragment; the person's own
# notes on each item and document below it, saved as they type.


def _live_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    person = person_of(request)
    screen = selectors.live_screen(person, meeting)
    etag = selectors.live_etag(person, meeting)
    return {
        "meeting": meeting,
        "screen": screen,
        "notices": selectors.live_notices(person, meeting) if meeting.state == "in_progress" else [],
        "etag": etag,
        "poll_headers": json.dumps({"If-None-Match": etag}),
    }


def _live_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = selectors.live_meeting(person_of(request), pk)
    if meeting is None:
        raise Http404
    return meeting


def _follow_response(request: HttpRequest, meeting: Meeting, errors: list[str] | None = None) -> HttpResponse:
    """The fragment alone, rendered without the site's context processors (the menu of
    every app): a poll after a change is 50 of these at once (bench/meeting_live.py)."""
    context = _live_context(request, meeting)
    context["errors"] = errors or []
    context["csrf_token"] = get_token(request)
    response = HttpResponse(get_template("meetings/_live_follow.html").render(context))
    response["ETag"] = context["etag"]
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The live meeting as the person sees it, and their private notes."""
    meeting = _live_meeting(request, pk)
    person = person_of(request)
    items = list(selectors.items_visible_to(person, meeting).prefetch_related("documents"))
    notes = {(n.item_id, n.document_id): n for n in selectors.notes_of(person).filter(item__in=items)}
    for item in items:
        item.my_note = notes.get((item.pk, None))  # type: ignore[attr-defined]
        item.carries_files = selectors.item_may_carry_files(item)  # type: ignore[attr-defined]
        item.live_documents = list(item.documents.all()) if item.carries_files else []  # type: ignore[attr-defined]
        for doc in item.live_documents:  # type: ignore[attr-defined]
            doc.my_note = notes.get((item.pk, doc.pk))
    context = _live_context(request, meeting)
    context["note_items"] = items
    return render(request, "meetings/live.html", context)


@login_required
def live_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment the live page polls: 304 when the ETag it sends is still current,
    from one query after the session's (bench/meeting_live.py)."""
    etag = selectors.live_unchanged(person_of(request), pk, request.headers.get("If-None-Match", ""))
    if etag is not None:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response
    return _follow_response(request, _live_meeting(request, pk))


def _after_live_post(request: HttpRequest, meeting: Meeting, error: ValidationError | None) -> HttpResponse:
    """With htmx, the fragment redrawn (with the refusal in it); without, back to the page."""
    if is_htmx(request):
        errors = error.messages if error is not None else None
        return _follow_response(request, _live_meeting(request, meeting.pk), errors)
    if error is not None:
        _errors_to_messages(request, error)
    return redirect("meetings_live", meeting.pk)


@login_required
@require_POST
def live_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair or the secretary puts the next, the previous or a chosen item on the screen."""
    meeting = _live_meeting(request, pk)
    person = person_of(request)
    if not selectors.runs_live(person, meeting):
        raise PermissionDenied
    action = request.POST.get("action")
    error = None
    try:
        if action == "next":
            services.live_next(actor=person, meeting=meeting)
        elif action == "previous":
            services.live_previous(actor=person, meeting=meeting)
        else:
            chosen = _int(request.POST.get("item"))
            item = selectors.items_visible_to(person, meeting).filter(pk=chosen).first()
            if item is None:
                raise ValidationError(_("Choose an item of this meeting's agenda."), code="item")
            services.live_show_item(actor=person, meeting=meeting, item=item)
    except ValidationError as exc:
        error = exc
    return _after_live_post(request, meeting, error)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@login_required
@require_POST
def live_speak(request: HttpRequest, pk: int) -> HttpResponse:
    """A member asks to speak on the current item, or withdraws their request."""
    meeting = _live_meeting(request, pk)
    person = person_of(request)
    error = None
    try:
        if request.POST.get("action") == "withdraw":
            mine = get_object_or_404(
                SpeakerRequest, pk=_int(request.POST.get("request")), meeting=meeting, person=person
            )
            services.speaker_withdraw(actor=person, request=mine)
        else:
            services.speaker_register(actor=person, meeting=meeting)
    except ValidationError as exc:
        error = exc
    return _after_live_post(request, meeting, error)


@login_required
@require_POST
def live_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair (or the secretary) gives the floor to a waiting speaker or marks them done."""
    found = get_object_or_404(SpeakerRequest, pk=pk)
    meeting = _live_meeting(request, found.meeting_id)
    person = person_of(request)
    if not selectors.runs_live(person, meeting):
        raise PermissionDenied
    error = None
    try:
        if request.POST.get("action") == "done":
            services.speaker_done(actor=person, request=found)
        else:
            services.speaker_give_floor(actor=person, request=found)
    except ValidationError as exc:
        error = exc
    return _after_live_post(request, meeting, error)


@login_required
@require_POST
def live_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the person's own note on an item (or on one of its documents: `document`)."""
    person = person_of(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    _live_meeting(request, item.meeting_id)
    if not selectors.may_see_item(person, item):
        raise Http404
    document = None
    if request.POST.get("document"):
        document = get_object_or_404(MeetingDocument, pk=_int(request.POST.get("document")), item=item)
    try:
        text = request.POST.get("text", "")
        note = services.note_save(actor=person, item=item, document=document, text=text)
    except ValidationError as error:
        if is_htmx(request):
            return render(request, "meetings/_live_note_status.html", {"errors": error.messages}, status=400)
        _errors_to_messages(request, error)
        return redirect("meetings_live", item.meeting_id)
    if is_htmx(request):
        return render(request, "meetings/_live_note_status.html", {"note": note})
    messages.success(request, _("Your note is saved."))
    return redirect(reverse("meetings_live", args=[item.meeting_id]) + f"#note-{item.pk}")
