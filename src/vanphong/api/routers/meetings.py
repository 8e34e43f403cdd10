"""Paperless meetings through the API: the meetings one sees and their kinds; a meeting
with the items one may see, one's invitation and the quorum; creating, changing,
opening and closing a meeting; its agenda; its invitations, sending them, answering
one's own and the check-in; a pre-read's metadata and its stamped PDF.

As the pages (`meetings/views.py`): a meeting, item, document or invitation the caller
may not see is a 404 (an item above their clearance, or one they are not invited to,
does not exist for them: a classified item's title is shown to cleared people only);
managing it (the agenda, the invitations, the check-in) needs the committee's office
or the meeting's secretary, opening and closing its chair or a manager, else a 403; a
service's refusal is a 422 keyed by field. A classified item lists no document (it
carries no file, DOMAIN.md §2). The PDF is stamped with the reader's name and the
time, and audited, by `services.document_open`; it is served only where the meeting
allows downloads (a 403 otherwise: the page shows it inline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, invalid_choice, one, person_ref, ref, some
from vanphong.api.routers.meetings_schemas import (
    MeetingAnswerIn,
    MeetingCheckInIn,
    MeetingDetailOut,
    MeetingDocumentOut,
    MeetingIn,
    MeetingInvitationOut,
    MeetingInviteeIn,
    MeetingItemIn,
    MeetingItemMoveIn,
    MeetingItemOut,
    MeetingItemUpdateIn,
    MeetingKindOut,
    MeetingPage,
    MeetingQuery,
    MeetingQuorumOut,
    MeetingUpdateIn,
)
from vanphong.core.models import Person
from vanphong.core.selectors import committee_leaders
from vanphong.core.web import person_of
from vanphong.meetings import selectors, services
from vanphong.meetings.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingState,
)
from vanphong.meetings.selectors import Quorum
from vanphong.schedule.selectors import units_of

router = Router(tags=["meetings"])

PDF = "application/pdf"


# --- Output ---------------------------------------------------------------------------------------


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "organization": ref(meeting.organization),
        "kind": {"code": meeting.kind.code, "name": meeting.kind.name},
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "chair": person_ref(meeting.chair),
        "secretary": person_ref(meeting.secretary),
        "state": meeting.state,
        "event_id": meeting.event_id,
        "preread_days": meeting.preread_days,
        "downloads_allowed": meeting.downloads_allowed,
        "access_after": meeting.access_after,
        "access_days": meeting.access_days,
        "prereads_open_from": meeting.prereads_open_from(),
        "prereads_close_at": meeting.prereads_close_at(),
        "invited_at": meeting.invited_at,
        "opened_at": meeting.opened_at,
        "closed_at": meeting.closed_at,
    }


def _quorum(q: Quorum) -> dict[str, Any]:
    return {
        "members": q.members,
        "needed": q.needed,
        "present": q.present,
        "delegates_present": q.delegates_present,
        "majority": q.majority,
        "numerator": q.numerator,
        "denominator": q.denominator,
        "required": q.required,
        "reached": q.reached,
    }


def _invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "person": person_ref(invitation.person),
        "is_member": invitation.is_member,
        "response": invitation.response,
        "reason": invitation.reason,
        "delegate": person_ref(invitation.delegate),
        "responded_at": invitation.responded_at,
        "notified_at": invitation.notified_at,
        "checked_in_at": invitation.checked_in_at,
        "present": invitation.present,
    }


def _document(
    document: MeetingDocument, meeting: Meeting, readable: bool, downloadable: bool
) -> dict[str, Any]:
    return {
        "id": document.pk,
        "meeting_id": meeting.pk,
        "item_id": document.item_id,
        "title": document.title,
        "source": document.source,
        "original_name": document.original_name,
        "size": document.size,
        "page_count": document.page_count,
        "added_at": document.added_at,
        "readable": readable,
        "downloadable": readable and downloadable,
    }


def _item(item: AgendaItem, meeting: Meeting, reading: Reading) -> dict[str, Any]:
    """An item of `items_visible_to` (seen by the caller, within their clearance): its
    documents are readable when it carries files and the pre-reads are open to the
    caller, which is `selectors.may_read` for such an item, without a query each."""
    carries = selectors.item_may_carry_files(item)
    readable = carries and reading.open
    return {
        "id": item.pk,
        "order": item.order,
        "title": item.title,
        "presenter": person_ref(item.presenter),
        "preparing_unit": ref(item.preparing_unit),
        "planned_start": item.planned_start,
        "duration_minutes": item.duration_minutes,
        "secrecy": item.secrecy,
        "invite_all": item.invite_all,
        "invitees": [person_ref(p) for p in item.invitees.all()],
        "note": item.note,
        "carries_files": carries,
        # A classified item carries no file: not even its documents' titles are listed.
        "documents": [_document(d, meeting, readable, reading.download) for d in item.documents.all()]
        if carries
        else [],
    }


@dataclass(frozen=True)
class Reading:
    """What the caller may do with a meeting's pre-reads: read them now (the office
    and the meeting's secretary at any time), download them."""

    open: bool
    download: bool

    @classmethod
    def of(cls, person: Person, meeting: Meeting, now: dt.datetime) -> Reading:
        managing = selectors.may_manage(person, meeting)
        return cls(managing or meeting.prereads_open(now), selectors.may_download(person, meeting))


def _items(person: Person, meeting: Meeting) -> QuerySet[AgendaItem]:
    return selectors.items_visible_to(person, meeting).prefetch_related("documents", "invitees")


def _detail(person: Person, meeting: Meeting) -> dict[str, Any]:
    """The meeting as the caller sees it, read again after any change."""
    meeting = Meeting.objects.select_related("kind", "organization", "chair", "secretary").get(pk=meeting.pk)
    seat = selectors.seat_of(person, meeting)
    now = timezone.now()
    managing = selectors.may_manage(person, meeting)
    reading = Reading.of(person, meeting, now)
    return {
        **_meeting(meeting),
        "items": [_item(item, meeting, reading) for item in _items(person, meeting)],
        "my_invitation": None if seat is None else _invitation(seat),
        "quorum": _quorum(selectors.quorum(meeting)),
        "may_manage": managing,
        "chairing": meeting.chair_id == person.pk,
        "prereads_open": reading.open,
    }


def _fresh_item(person: Person, item: AgendaItem) -> dict[str, Any]:
    meeting = Meeting.objects.select_related("organization").get(pk=item.meeting_id)
    return _item(
        _items(person, meeting).get(pk=item.pk), meeting, Reading.of(person, meeting, timezone.now())
    )


def _invitations(meeting: Meeting) -> list[dict[str, Any]]:
    return [_invitation(i) for i in meeting.invitations.select_related("person", "delegate")]


# --- Fetching -------------------------------------------------------------------------------------


def _visible_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    """A meeting the caller may see; 404 otherwise, as on the pages."""
    meeting: Meeting = get_object_or_404(selectors.meetings_visible_to(person_of(request)), pk=meeting_id)
    return meeting


def _managed_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = _visible_meeting(request, meeting_id)
    if not selectors.may_manage(person_of(request), meeting):
        raise PermissionDenied
    return meeting


def _visible_item(request: HttpRequest, item_id: int) -> AgendaItem:
    """An item the caller may see (in a meeting they see, invited to it and cleared
    for it); 404 otherwise."""
    person = person_of(request)
    item = get_object_or_404(AgendaItem.objects.only("pk", "meeting_id"), pk=item_id)
    meeting = _visible_meeting(request, item.meeting_id)
    found: AgendaItem | None = selectors.items_visible_to(person, meeting).filter(pk=item_id).first()
    if found is None:
        raise Http404
    found.meeting = meeting
    return found


def _managed_item(request: HttpRequest, item_id: int) -> AgendaItem:
    item = _visible_item(request, item_id)
    if not selectors.may_manage(person_of(request), item.meeting):
        raise PermissionDenied
    return item


def _visible_document(request: HttpRequest, document_id: int) -> MeetingDocument:
    """A document of an item the caller sees, where the item may carry files; 404
    otherwise (a classified item's documents do not exist for the API)."""
    document = get_object_or_404(MeetingDocument.objects.only("pk", "item_id"), pk=document_id)
    item = _visible_item(request, document.item_id)
    if not selectors.item_may_carry_files(item):
        raise Http404
    found = MeetingDocument.objects.get(pk=document.pk)
    found.item = item
    return found


def _managed_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.only("pk", "meeting_id"), pk=invitation_id)
    meeting = _managed_meeting(request, invitation.meeting_id)
    found = Invitation.objects.select_related("person", "delegate").get(pk=invitation.pk)
    found.meeting = meeting
    return found


def _kind(code: str | None) -> MeetingKind:
    kind = MeetingKind.objects.filter(code=code, is_active=True).first() if code else None
    if kind is None:
        raise invalid_choice("kind")
    return kind


def _invited_people(meeting: Meeting) -> QuerySet[Person]:
    return Person.objects.filter(pk__in=meeting.invitations.values("person"))


def _presenters(meeting: Meeting) -> QuerySet[Person]:
    """Whom the agenda's form offers as a presenter: the committee's people or the invited."""
    people = selectors.committee_people(meeting.organization).values("pk")
    return Person.objects.filter(Q(pk__in=people) | Q(pk__in=meeting.invitations.values("person")))


# --- Meetings -------------------------------------------------------------------------------------


@router.get("/", response={200: MeetingPage, **REFUSALS}, url_name="meeting_list")
def meeting_list(request: HttpRequest, filters: Query[MeetingQuery]) -> dict[str, Any]:
    """The meetings the caller sees: those they are invited to (or attend as a
    delegate), chair or keep the paperwork of, and every meeting of the committees
    whose office they work in."""
    meetings = selectors.meetings_visible_to(person_of(request))
    if filters.kind:
        meetings = meetings.filter(kind__code=filters.kind)
    if filters.state:
        meetings = meetings.filter(state=filters.state)
    if filters.organization:
        meetings = meetings.filter(organization_id=filters.organization)
    cut = timezone.now() - dt.timedelta(days=1)
    upcoming = ~Q(state=MeetingState.CLOSED) & (
        Q(ends_at__gte=cut) | Q(ends_at__isnull=True, starts_at__gte=cut)
    )
    if filters.when == "upcoming":
        meetings = meetings.filter(upcoming).order_by("starts_at", "pk")
    elif filters.when == "past":
        meetings = meetings.exclude(upcoming).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.order_by("-starts_at", "-pk")
    offset, limit = filters.offset, filters.limit
    page = list(meetings[offset : offset + limit])
    return {"count": meetings.count(), "limit": limit, "offset": offset, "items": [_meeting(m) for m in page]}


@router.get("/kinds/", response={200: list[MeetingKindOut], **REFUSALS}, url_name="meeting_kinds")
def meeting_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    """The kinds of meeting in use, with their quorum and majority rules."""
    return [
        {
            "code": kind.code,
            "name": kind.name,
            "invited_body": kind.invited_body,
            "quorum_numerator": kind.quorum_numerator,
            "quorum_denominator": kind.quorum_denominator,
            "majority_basis": kind.majority_basis,
            "delegates_count": kind.delegates_count,
        }
        for kind in MeetingKind.objects.filter(is_active=True)
    ]


@router.get("/{meeting_id}/", response={200: MeetingDetailOut, **REFUSALS}, url_name="meeting_detail")
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The meeting with the items the caller may see, their invitation and the quorum."""
    return _detail(person_of(request), _visible_meeting(request, meeting_id))


@router.get("/{meeting_id}/quorum/", response={200: MeetingQuorumOut, **REFUSALS}, url_name="meeting_quorum")
def meeting_quorum(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _quorum(selectors.quorum(_visible_meeting(request, meeting_id)))


@router.post("/", response={201: MeetingDetailOut, **ACTION_REFUSALS}, url_name="meeting_create")
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    """A meeting of a committee whose office the caller works in, put in its weekly
    schedule, the members of the kind's body invited (`invite_body`)."""
    person = person_of(request)
    committees = selectors.kept_committees(person)
    if not committees.exists():
        raise PermissionDenied(_("You do not keep any committee's meetings."))
    if payload.organization is None:
        if committees.count() > 1:
            raise ValidationError(
                {"organization": _("You keep several committees' meetings: choose the committee.")}
            )
        committee = committees.get()
    else:
        chosen = committees.filter(pk=payload.organization).first()
        if chosen is None:
            raise PermissionDenied(_("You do not keep this committee's meetings."))
        committee = chosen
    meeting = services.meeting_create(
        actor=person,
        organization=committee,
        kind=_kind(payload.kind),
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        chair=one(committee_leaders(committee), payload.chair, "chair"),
        secretary=one(selectors.committee_people(committee), payload.secretary, "secretary"),
        preread_days=payload.preread_days,
        downloads_allowed=payload.downloads_allowed,
        access_after=payload.access_after,
        access_days=payload.access_days,
        invite_body=payload.invite_body,
        confirm_double_booking=payload.confirm_double_booking,
    )
    return Status(201, _detail(person, meeting))


@router.patch(
    "/{meeting_id}/", response={200: MeetingDetailOut, **ACTION_REFUSALS}, url_name="meeting_update"
)
def meeting_update(request: HttpRequest, meeting_id: int, payload: MeetingUpdateIn) -> dict[str, Any]:
    """Change the fields sent (the office or the meeting's secretary); its entry in the
    weekly schedule follows. `chair` or `secretary` null: none."""
    meeting = _managed_meeting(request, meeting_id)
    committee = meeting.organization
    sent = payload.model_dump(exclude_unset=True)
    confirm = bool(sent.pop("confirm_double_booking", False))
    for name in ("place", "downloads_allowed", "access_days"):
        # Not nullable: a null is taken as left out.
        if name in sent and sent[name] is None:
            del sent[name]
    if "kind" in sent:
        sent["kind"] = _kind(sent["kind"])
    if "chair" in sent:
        sent["chair"] = one(committee_leaders(committee), sent["chair"], "chair")
    if "secretary" in sent:
        sent["secretary"] = one(selectors.committee_people(committee), sent["secretary"], "secretary")
    person = person_of(request)
    meeting = services.meeting_update(actor=person, meeting=meeting, confirm_double_booking=confirm, **sent)
    return _detail(person, meeting)


@router.post(
    "/{meeting_id}/open/", response={200: MeetingDetailOut, **ACTION_REFUSALS}, url_name="meeting_open"
)
def meeting_open(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The chair (or a manager) opens the meeting, on its first item. The quorum is
    shown, not enforced: votes check it."""
    person = person_of(request)
    meeting = services.meeting_open(actor=person, meeting=_visible_meeting(request, meeting_id))
    return _detail(person, meeting)


@router.post(
    "/{meeting_id}/close/", response={200: MeetingDetailOut, **ACTION_REFUSALS}, url_name="meeting_close"
)
def meeting_close(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    person = person_of(request)
    meeting = services.meeting_close(actor=person, meeting=_visible_meeting(request, meeting_id))
    return _detail(person, meeting)


# --- Agenda ---------------------------------------------------------------------------------------


@router.post(
    "/{meeting_id}/items/", response={201: MeetingItemOut, **ACTION_REFUSALS}, url_name="meeting_item_add"
)
def item_add(request: HttpRequest, meeting_id: int, payload: MeetingItemIn) -> Status[dict[str, Any]]:
    """An item at the end of the agenda; `invitees` among the people invited."""
    meeting = _managed_meeting(request, meeting_id)
    person = person_of(request)
    item = services.item_add(
        actor=person,
        meeting=meeting,
        title=payload.title,
        presenter=one(_presenters(meeting), payload.presenter, "presenter"),
        preparing_unit=one(units_of(meeting.organization), payload.preparing_unit, "preparing_unit"),
        planned_start=payload.planned_start,
        duration_minutes=payload.duration_minutes,
        secrecy=payload.secrecy,
        invitees=None
        if payload.invitees is None
        else some(_invited_people(meeting), payload.invitees, "invitees"),
        note=payload.note,
    )
    return Status(201, _fresh_item(person, item))


@router.patch(
    "/items/{item_id}/", response={200: MeetingItemOut, **ACTION_REFUSALS}, url_name="meeting_item_update"
)
def item_update(request: HttpRequest, item_id: int, payload: MeetingItemUpdateIn) -> dict[str, Any]:
    item = _managed_item(request, item_id)
    meeting = item.meeting
    sent = payload.model_dump(exclude_unset=True)
    if "note" in sent:
        sent["note"] = (sent["note"] or "").strip()
    if "presenter" in sent:
        sent["presenter"] = one(_presenters(meeting), sent["presenter"], "presenter")
    if "preparing_unit" in sent:
        sent["preparing_unit"] = one(units_of(meeting.organization), sent["preparing_unit"], "preparing_unit")
    if "invitees" in sent:
        chosen = sent["invitees"]
        sent["invitees"] = None if chosen is None else some(_invited_people(meeting), chosen, "invitees")
    person = person_of(request)
    item = services.item_update(actor=person, item=item, **sent)
    return _fresh_item(person, item)


@router.post(
    "/items/{item_id}/move/", response={200: MeetingItemOut, **ACTION_REFUSALS}, url_name="meeting_item_move"
)
def item_move(request: HttpRequest, item_id: int, payload: MeetingItemMoveIn) -> dict[str, Any]:
    """Swap the item with the one before (`up`) or after it (`down`)."""
    person = person_of(request)
    item = services.item_move(
        actor=person, item=_managed_item(request, item_id), up=payload.direction == "up"
    )
    return _fresh_item(person, item)


@router.delete("/items/{item_id}/", response={204: None, **ACTION_REFUSALS}, url_name="meeting_item_remove")
def item_remove(request: HttpRequest, item_id: int) -> Status[None]:
    """Remove an item (and its documents) before the meeting opens."""
    services.item_remove(actor=person_of(request), item=_managed_item(request, item_id))
    return Status(204, None)


# --- Documents ------------------------------------------------------------------------------------


@router.get(
    "/documents/{document_id}/", response={200: MeetingDocumentOut, **REFUSALS}, url_name="meeting_document"
)
def document_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    """A pre-read's metadata: whether the caller may open it now, and download it."""
    document = _visible_document(request, document_id)
    person, meeting = person_of(request), document.item.meeting
    readable = selectors.may_read(person, document, timezone.now())
    return _document(document, meeting, readable, selectors.may_download(person, meeting))


@router.get(
    "/documents/{document_id}/pdf/",
    response=ACTION_REFUSALS,
    url_name="meeting_document_pdf",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The PDF, every page stamped with the reader's name and the time.",
                "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """The pre-read as a stamped PDF, audited as a download: only while the pre-reads
    are open to the caller and where the meeting allows downloads (403 otherwise)."""
    document = _visible_document(request, document_id)
    pdf, name = services.document_open(actor=person_of(request), document=document, download=True)
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = _attachment(name)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(name: str) -> str:
    header = content_disposition_header(True, name)
    assert header is not None
    return header


# --- Invitations ----------------------------------------------------------------------------------


@router.get(
    "/{meeting_id}/invitations/",
    response={200: list[MeetingInvitationOut], **ACTION_REFUSALS},
    url_name="meeting_invitations",
)
def invitation_list(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """Who is invited, their answers and attendance (the office or the meeting's secretary)."""
    return _invitations(_managed_meeting(request, meeting_id))


@router.post(
    "/{meeting_id}/invitations/",
    response={201: MeetingInvitationOut, **ACTION_REFUSALS},
    url_name="meeting_invitee_add",
)
def invitee_add(request: HttpRequest, meeting_id: int, payload: MeetingInviteeIn) -> Status[dict[str, Any]]:
    """Invite one more person of the committee or its office."""
    meeting = _managed_meeting(request, meeting_id)
    person = one(selectors.committee_people(meeting.organization), payload.person, "person")
    invitation = services.invitee_add(
        actor=person_of(request), meeting=meeting, person=person, is_member=payload.is_member
    )
    return Status(201, _invitation(Invitation.objects.select_related("person").get(pk=invitation.pk)))


@router.delete(
    "/invitations/{invitation_id}/",
    response={204: None, **ACTION_REFUSALS},
    url_name="meeting_invitee_remove",
)
def invitee_remove(request: HttpRequest, invitation_id: int) -> Status[None]:
    """Withdraw an invitation before the meeting opens."""
    services.invitee_remove(actor=person_of(request), invitation=_managed_invitation(request, invitation_id))
    return Status(204, None)


@router.post(
    "/{meeting_id}/invitations/send/",
    response={200: list[MeetingInvitationOut], **ACTION_REFUSALS},
    url_name="meeting_invitations_send",
)
def invitations_send(request: HttpRequest, meeting_id: int) -> list[dict[str, Any]]:
    """Render the giấy mời and send it, in the app and by e-mail, to everyone not told yet."""
    meeting = _managed_meeting(request, meeting_id)
    meeting = services.invitations_send(actor=person_of(request), meeting=meeting)
    return _invitations(meeting)


@router.post(
    "/{meeting_id}/respond/",
    response={200: MeetingInvitationOut, **ACTION_REFUSALS},
    url_name="meeting_respond",
)
def respond(request: HttpRequest, meeting_id: int, payload: MeetingAnswerIn) -> dict[str, Any]:
    """The caller answers their own invitation: confirmed, declined (with a `reason`)
    or delegated (to a `delegate` of the committee or its office, not invited)."""
    meeting = _visible_meeting(request, meeting_id)
    person = person_of(request)
    seat = meeting.invitations.filter(person=person).first()
    if seat is None:
        raise PermissionDenied(_("You are not invited to this meeting."))
    delegate = None
    if payload.response == "delegated":
        delegate = one(selectors.committee_people(meeting.organization), payload.delegate, "delegate")
    invitation = services.invitation_respond(
        actor=person, invitation=seat, response=payload.response, reason=payload.reason, delegate=delegate
    )
    return _invitation(Invitation.objects.select_related("person", "delegate").get(pk=invitation.pk))


@router.post(
    "/invitations/{invitation_id}/check-in/",
    response={200: MeetingInvitationOut, **ACTION_REFUSALS},
    url_name="meeting_check_in",
)
def check_in(request: HttpRequest, invitation_id: int, payload: MeetingCheckInIn) -> dict[str, Any]:
    """Record that the invited person (or their delegate) is in the room; `present`
    false undoes it. The quorum follows (`/{meeting_id}/quorum/`)."""
    invitation = _managed_invitation(request, invitation_id)
    invitation = services.check_in(actor=person_of(request), invitation=invitation, present=payload.present)
    return _invitation(Invitation.objects.select_related("person", "delegate").get(pk=invitation.pk))
