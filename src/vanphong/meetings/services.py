"""Meetings: the only place that writes them. Each service is keyword-only, takes the
acting person, runs in one transaction and appends one audit event (the schedule's
own services add theirs when a meeting's event is written).

Who may do what (`selectors`): the committee's office (DRAFT on the committee) creates
meetings; the office and the meeting's secretary edit them, their agenda, documents
and invitations, send the invitations and check people in; an invited person answers
their own invitation; the chair or a manager opens and closes the meeting; a reader
opens a pre-read (`document_open`, audited, watermarked)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.attachments import services as attachment_checks
from vanphong.core import audit
from vanphong.core.models import Membership, Organization, Person, Role, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.selectors import committee_leaders, unit_problem
from vanphong.core.storage import files_removed_on_failure
from vanphong.drafting import selectors as drafting_selectors
from vanphong.drafting import services as drafting_services
from vanphong.drafting.models import Draft, DraftState, SignatureForm
from vanphong.followup import services as followup_services
from vanphong.followup.models import Conclusion
from vanphong.handling.models import Notification
from vanphong.meetings import invitation as giay_moi
from vanphong.meetings import minutes as minutes_builder
from vanphong.meetings import prereads, selectors
from vanphong.meetings.models import (
    AccessAfter,
    AgendaItem,
    ConclusionTask,
    DocumentSource,
    Invitation,
    ItemConclusion,
    LiveState,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingPapers,
    MeetingState,
    PrivateNote,
    Response,
    SpeakerRequest,
    SpeakerState,
)
from vanphong.registry import services as registry_services
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanphong.schedule import services as schedule_services
from vanphong.schedule.models import EventState


class AuditAction(enum.StrEnum):
    MEETING_CREATED = "meetings.meeting_created"
    MEETING_UPDATED = "meetings.meeting_updated"
    MEETING_OPENED = "meetings.meeting_opened"
    MEETING_CLOSED = "meetings.meeting_closed"
    ITEM_ADDED = "meetings.item_added"
    ITEM_UPDATED = "meetings.item_updated"
    ITEM_MOVED = "meetings.item_moved"
    ITEM_REMOVED = "meetings.item_removed"
    DOCUMENT_ADDED = "meetings.document_added"
    DOCUMENT_REMOVED = "meetings.document_removed"
    DOCUMENT_OPENED = "meetings.document_opened"
    INVITEE_ADDED = "meetings.invitee_added"
    INVITEE_REMOVED = "meetings.invitee_removed"
    INVITATIONS_SENT = "meetings.invitations_sent"
    INVITATION_ANSWERED = "meetings.invitation_answered"
    CHECKED_IN = "meetings.checked_in"
    MINUTES_CREATED = "meetings.minutes_created"
    MINUTES_REFILLED = "meetings.minutes_refilled"
    CONCLUSION_WRITTEN = "meetings.conclusion_written"
    CONCLUSION_TASK_ADDED = "meetings.conclusion_task_added"
    CONCLUSION_TASK_REMOVED = "meetings.conclusion_task_removed"
    NOTICE_CREATED = "meetings.notice_created"
    NOTICE_REFILLED = "meetings.notice_refilled"
    NOTICE_HANDED_OVER = "meetings.notice_handed_over"


AUDIT_LABELS = {
    AuditAction.MEETING_CREATED: gettext_lazy("Meeting created"),
    AuditAction.MEETING_UPDATED: gettext_lazy("Meeting changed"),
    AuditAction.MEETING_OPENED: gettext_lazy("Meeting opened"),
    AuditAction.MEETING_CLOSED: gettext_lazy("Meeting closed"),
    AuditAction.ITEM_ADDED: gettext_lazy("Agenda item added"),
    AuditAction.ITEM_UPDATED: gettext_lazy("Agenda item changed"),
    AuditAction.ITEM_MOVED: gettext_lazy("Agenda item moved"),
    AuditAction.ITEM_REMOVED: gettext_lazy("Agenda item removed"),
    AuditAction.DOCUMENT_ADDED: gettext_lazy("Meeting document added"),
    AuditAction.DOCUMENT_REMOVED: gettext_lazy("Meeting document removed"),
    AuditAction.DOCUMENT_OPENED: gettext_lazy("Meeting document opened"),
    AuditAction.INVITEE_ADDED: gettext_lazy("Person invited to a meeting"),
    AuditAction.INVITEE_REMOVED: gettext_lazy("Invitation withdrawn"),
    AuditAction.INVITATIONS_SENT: gettext_lazy("Meeting invitations sent"),
    AuditAction.INVITATION_ANSWERED: gettext_lazy("Invitation answered"),
    AuditAction.CHECKED_IN: gettext_lazy("Attendance recorded"),
    AuditAction.MINUTES_CREATED: gettext_lazy("Minutes drafted from the meeting"),
    AuditAction.MINUTES_REFILLED: gettext_lazy("Minutes written again from the meeting"),
    AuditAction.CONCLUSION_WRITTEN: gettext_lazy("Conclusion on an item written"),
    AuditAction.CONCLUSION_TASK_ADDED: gettext_lazy("Task of a conclusion added"),
    AuditAction.CONCLUSION_TASK_REMOVED: gettext_lazy("Task of a conclusion removed"),
    AuditAction.NOTICE_CREATED: gettext_lazy("Concluding notice drafted"),
    AuditAction.NOTICE_REFILLED: gettext_lazy("Concluding notice written again from the conclusions"),
    AuditAction.NOTICE_HANDED_OVER: gettext_lazy("Notice's tasks handed to the follow-up board"),
}
AUDIT_TARGET_PAGES = {"meetings.meeting": "meetings_meeting"}

MEETING_FIELDS = [
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "chair",
    "secretary",
    "preread_days",
    "downloads_allowed",
    "access_after",
    "access_days",
]
ITEM_FIELDS = [
    "order",
    "title",
    "presenter",
    "preparing_unit",
    "planned_start",
    "duration_minutes",
    "secrecy",
    "note",
]
PDF = "application/pdf"


class Unchanged:
    """The default of an argument left out (where None means something)."""


UNCHANGED = Unchanged()


# --- Helpers -----------------------------------------------------------------------------------


def _check_manage(actor: Person, meeting: Meeting) -> None:
    if not selectors.may_manage(actor, meeting):
        raise PermissionDenied


def _check_open(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(_("This meeting is closed: it can no longer change."), code="closed")


def _locked(meeting: Meeting) -> Meeting:
    # Answers, check-ins and edits of one meeting are serialized on its row.
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organization__kind", "kind", "event")
        .get(pk=meeting.pk)
    )


def _meeting_snapshot(meeting: Meeting) -> dict[str, Any]:
    return {**audit.snapshot(meeting, [*MEETING_FIELDS, "state"]), "organization": meeting.organization_id}


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    data = audit.snapshot(item, [*ITEM_FIELDS, "invite_all"])
    data["invitees"] = sorted(p.pk for p in item.invitees.all())
    data["meeting"] = item.meeting_id
    return data


def _clean_meeting(committee: Organization, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values["title"] = " ".join(str(values.get("title") or "").split())
    values["place"] = " ".join(str(values.get("place") or "").split())
    if not values["title"]:
        errors["title"] = _("Enter what the meeting is about.")
    kind = values.get("kind")
    if not isinstance(kind, MeetingKind) or not kind.is_active:
        errors["kind"] = _("Choose the kind of meeting.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, dt.datetime):
        errors["starts_at"] = _("Enter the day and time the meeting starts.")
    elif ends is not None and ends <= starts:
        errors["ends_at"] = _("The meeting cannot end before it starts.")
    chair = values.get("chair")
    if chair is not None and not committee_leaders(committee).filter(pk=chair.pk).exists():
        errors["chair"] = _("%(name)s is not a leader of %(committee)s.") % {
            "name": chair.full_name,
            "committee": committee.name,
        }
    secretary = values.get("secretary")
    if secretary is not None and not selectors.committee_people(committee).filter(pk=secretary.pk).exists():
        errors["secretary"] = _("%(name)s is not in %(committee)s or its office.") % {
            "name": secretary.full_name,
            "committee": committee.name,
        }
    if values.get("access_after") not in AccessAfter.values:
        errors["access_after"] = _("Choose how long the documents stay open after the meeting.")
    elif values["access_after"] == AccessAfter.DAYS_AFTER and not values.get("access_days"):
        errors["access_days"] = _("Enter how many days the documents stay open after the meeting.")
    if values.get("preread_days") is None or not 0 <= int(values["preread_days"]) <= 60:
        errors["preread_days"] = _("The documents open between 0 and 60 days before the meeting.")
    if errors:
        raise ValidationError(errors)
    if values["access_after"] != AccessAfter.DAYS_AFTER:
        values["access_days"] = 0
    return values


def _event_values(meeting: Meeting) -> dict[str, Any]:
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    return {
        "day": start.date(),
        "starts_at": start.time().replace(second=0, microsecond=0),
        "ends_at": end.time().replace(second=0, microsecond=0)
        if end and end.date() == start.date()
        else None,
        "kind": meeting.kind.schedule_kind,
        "title": meeting.title,
        "place": meeting.place,
        "presiding": meeting.chair,
    }


def _attending(meeting: Meeting) -> list[Person]:
    """The invited people the schedule may name among those attending."""
    from vanphong.schedule.selectors import attendable_people

    invited = meeting.invitations.values("person")
    return list(attendable_people(meeting.organization).filter(pk__in=invited))


def _write_event(actor: Person, meeting: Meeting, *, confirm_double_booking: bool) -> None:
    """Put the meeting in the committee's weekly schedule, or bring its entry up to
    date, through the schedule's services (their checks and their audit events)."""
    values = _event_values(meeting)
    if meeting.event is None or meeting.event.state == EventState.CANCELLED:
        meeting.event = schedule_services.event_create(
            actor=actor,
            organization=meeting.organization,
            attendees=_attending(meeting),
            confirm_double_booking=confirm_double_booking,
            **values,
        )
        meeting.save(update_fields=["event"])
    else:
        schedule_services.event_update(
            actor=actor,
            event=meeting.event,
            attendees=_attending(meeting),
            confirm_double_booking=confirm_double_booking,
            **values,
        )


# --- Meetings ----------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Person,
    organization: Organization,
    kind: MeetingKind,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    place: str = "",
    chair: Person | None = None,
    secretary: Person | None = None,
    preread_days: int = 3,
    downloads_allowed: bool = False,
    access_after: str = AccessAfter.AT_CLOSE,
    access_days: int = 0,
    invite_body: bool = True,
    confirm_double_booking: bool = False,
) -> Meeting:
    """Create a meeting of the committee (the office only), invite the members of
    the kind's body (`invite_body`) and put it in the weekly schedule."""
    if not selectors.may_keep(actor, organization):
        raise PermissionDenied
    if not organization.kind.is_committee:
        raise ValidationError(_("Only a Party committee holds these meetings."))
    values = _clean_meeting(
        organization,
        {
            "kind": kind,
            "title": title,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "chair": chair,
            "secretary": secretary,
            "preread_days": preread_days,
            "downloads_allowed": downloads_allowed,
            "access_after": access_after,
            "access_days": access_days,
        },
    )
    meeting = Meeting.objects.create(organization=organization, created_by=actor, **values)
    invited: list[int] = []
    if invite_body:
        for person in selectors.body_members(organization, kind):
            Invitation.objects.create(meeting=meeting, person=person, is_member=True)
            invited.append(person.pk)
    if chair is not None and chair.pk not in invited:
        Invitation.objects.create(meeting=meeting, person=chair, is_member=False)
        invited.append(chair.pk)
    _write_event(actor, meeting, confirm_double_booking=confirm_double_booking)
    audit.record(
        actor=actor,
        action=AuditAction.MEETING_CREATED,
        target=meeting,
        organization=organization,
        after={**_meeting_snapshot(meeting), "invited": invited, "event": meeting.event_id},
    )
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: Person, meeting: Meeting, confirm_double_booking: bool = False, **changes: Any
) -> Meeting:
    """Change a meeting's fields (MEETING_FIELDS); its schedule entry follows."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_update() got unexpected fields: {sorted(unknown)}")
    before = _meeting_snapshot(meeting)
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    values = _clean_meeting(meeting.organization, {**current, **changes})
    if values == current:
        return meeting
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save()
    _write_event(actor, meeting, confirm_double_booking=confirm_double_booking)
    audit.record(
        actor=actor,
        action=AuditAction.MEETING_UPDATED,
        target=meeting,
        organization=meeting.organization,
        before=before,
        after=_meeting_snapshot(meeting),
    )
    return meeting


def _check_chair_or_manager(actor: Person, meeting: Meeting) -> None:
    if meeting.chair_id != actor.pk and not selectors.may_manage(actor, meeting):
        raise PermissionDenied


@transaction.atomic
def meeting_open(*, actor: Person, meeting: Meeting) -> Meeting:
    """The chair (or the office) opens the meeting: it is in progress, on its first
    item. The quorum is not enforced here: the chair sees it and decides; votes
    check it (issue 9, item 5)."""
    meeting = _locked(meeting)
    _check_chair_or_manager(actor, meeting)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.INVITED):
        raise ValidationError(_("This meeting has already been opened."), code="state")
    before = meeting.state
    meeting.state = MeetingState.IN_PROGRESS
    meeting.opened_at = timezone.now()
    meeting.current_item = meeting.items.order_by("order").first()
    meeting.save(update_fields=["state", "opened_at", "current_item"])
    q = selectors.quorum(meeting)
    audit.record(
        actor=actor,
        action=AuditAction.MEETING_OPENED,
        target=meeting,
        organization=meeting.organization,
        before={"state": before},
        after={"state": meeting.state, "present": q.present, "members": q.members, "needed": q.needed},
    )
    return meeting


@transaction.atomic
def meeting_close(*, actor: Person, meeting: Meeting) -> Meeting:
    meeting = _locked(meeting)
    _check_chair_or_manager(actor, meeting)
    if meeting.state != MeetingState.IN_PROGRESS:
        raise ValidationError(_("Only a meeting in progress can be closed."), code="state")
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = timezone.now()
    meeting.current_item = None
    meeting.save(update_fields=["state", "closed_at", "current_item"])
    q = selectors.quorum(meeting)
    audit.record(
        actor=actor,
        action=AuditAction.MEETING_CLOSED,
        target=meeting,
        organization=meeting.organization,
        before={"state": MeetingState.IN_PROGRESS},
        after={"state": meeting.state, "present": q.present, "members": q.members},
    )
    return meeting


# --- Agenda ------------------------------------------------------------------------------------


def _clean_item(
    meeting: Meeting, values: dict[str, Any], invitees: list[Person] | None, actor: Person
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values["title"] = " ".join(str(values.get("title") or "").split())
    if not values["title"]:
        errors["title"] = _("Enter the title of the item.")
    if values.get("secrecy") not in Secrecy.values:
        errors["secrecy"] = _("Choose the secrecy of the item.")
    elif values["secrecy"] > actor.clearance:
        errors["secrecy"] = _("You are not cleared for this level of secrecy.")
    presenter = values.get("presenter")
    committee = meeting.organization
    if presenter is not None and not selectors.committee_people(committee).filter(pk=presenter.pk).exists():
        invited = meeting.invitations.filter(person=presenter).exists()
        if not invited:
            errors["presenter"] = _("%(name)s is not invited to this meeting.") % {
                "name": presenter.full_name
            }
    unit = values.get("preparing_unit")
    if unit is not None:
        problem = unit_problem(committee, unit)
        if problem:
            errors["preparing_unit"] = problem
    duration = values.get("duration_minutes")
    if duration is not None and not 1 <= duration <= 600:
        errors["duration_minutes"] = _("Enter a duration between 1 and 600 minutes.")
    if invitees is not None:
        seated = set(meeting.invitations.values_list("person_id", flat=True))
        strangers = [p.full_name for p in invitees if p.pk not in seated]
        if strangers:
            errors["invitees"] = _("Not invited to the meeting: %(names)s.") % {"names": ", ".join(strangers)}
        elif not invitees:
            errors["invitees"] = _("Choose who is invited to this item, or invite everyone.")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def item_add(
    *,
    actor: Person,
    meeting: Meeting,
    title: str,
    presenter: Person | None = None,
    preparing_unit: Organization | None = None,
    planned_start: dt.time | None = None,
    duration_minutes: int | None = None,
    secrecy: int = Secrecy.NONE,
    invitees: Iterable[Person] | None = None,
    note: str = "",
) -> AgendaItem:
    """Add an item at the end of the agenda. `invitees` None: everyone invited to
    the meeting is invited to it; else that subset of them."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    people = list(invitees) if invitees is not None else None
    values = _clean_item(
        meeting,
        {
            "title": title,
            "presenter": presenter,
            "preparing_unit": preparing_unit,
            "planned_start": planned_start,
            "duration_minutes": duration_minutes,
            "secrecy": secrecy,
            "note": note.strip(),
        },
        people,
        actor,
    )
    last = meeting.items.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(meeting=meeting, order=last + 1, invite_all=people is None, **values)
    if people is not None:
        item.invitees.set(people)
    audit.record(
        actor=actor,
        action=AuditAction.ITEM_ADDED,
        target=meeting,
        organization=meeting.organization,
        after={**_item_snapshot(item), "item": item.pk},
    )
    return item


@transaction.atomic
def item_update(
    *,
    actor: Person,
    item: AgendaItem,
    invitees: Iterable[Person] | Unchanged | None = UNCHANGED,
    **changes: Any,
) -> AgendaItem:
    """Change an item. `invitees`: left out, unchanged; None, everyone; a list, that
    subset. Raising an item's secrecy is refused while it carries documents that a
    classified item may not carry."""
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.secrecy > actor.clearance:
        raise PermissionDenied
    _check_manage(actor, meeting)
    _check_open(meeting)
    unknown = set(changes) - (set(ITEM_FIELDS) - {"order"})
    if unknown:
        raise TypeError(f"item_update() got unexpected fields: {sorted(unknown)}")
    before = _item_snapshot(item)
    if isinstance(invitees, Unchanged):
        people = None if item.invite_all else list(item.invitees.all())
    else:
        people = None if invitees is None else list(invitees)
    current = {name: getattr(item, name) for name in ITEM_FIELDS if name != "order"}
    values = _clean_item(meeting, {**current, **changes}, people, actor)
    if values["secrecy"] > Secrecy.NONE and not settings.VANPHONG_ISOLATED_LAN and item.documents.exists():
        raise ValidationError(
            {"secrecy": _("Remove the item's documents first: a classified item carries no file.")}
        )
    for name, value in values.items():
        setattr(item, name, value)
    item.invite_all = people is None
    item.save()
    item.invitees.set(people or [])
    audit.record(
        actor=actor,
        action=AuditAction.ITEM_UPDATED,
        target=meeting,
        organization=meeting.organization,
        before=before,
        after={**_item_snapshot(item), "item": item.pk},
    )
    return item


@transaction.atomic
def item_move(*, actor: Person, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with the one before (`up`) or after it."""
    meeting = _locked(item.meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    items = meeting.items.order_by("-order") if up else meeting.items.order_by("order")
    other = items.filter(order__lt=item.order).first() if up else items.filter(order__gt=item.order).first()
    if other is None:
        return item
    old, new = item.order, other.order
    # The unique (meeting, order) pair: park the item out of the way while swapping.
    top = (meeting.items.aggregate(top=Max("order"))["top"] or 0) + 1
    AgendaItem.objects.filter(pk=item.pk).update(order=top)
    AgendaItem.objects.filter(pk=other.pk).update(order=old)
    AgendaItem.objects.filter(pk=item.pk).update(order=new)
    item.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditAction.ITEM_MOVED,
        target=meeting,
        organization=meeting.organization,
        before={"item": item.pk, "order": old},
        after={"item": item.pk, "order": new},
    )
    return item


@transaction.atomic
def item_remove(*, actor: Person, item: AgendaItem) -> None:
    meeting = _locked(item.meeting)
    _check_manage(actor, meeting)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.INVITED):
        raise ValidationError(_("Items can be removed only before the meeting opens."), code="state")
    item = AgendaItem.objects.get(pk=item.pk)
    if item.secrecy > actor.clearance:
        raise PermissionDenied
    before = _item_snapshot(item)
    files = [d.file.name for d in item.documents.all() if d.file]
    order, pk = item.order, item.pk
    item.delete()
    for name in files:
        transaction.on_commit(_deleter(name))
    # One by one upwards, each into the slot just freed: (meeting, order) stays unique.
    for later in meeting.items.filter(order__gt=order).order_by("order"):
        AgendaItem.objects.filter(pk=later.pk).update(order=later.order - 1)
    audit.record(
        actor=actor,
        action=AuditAction.ITEM_REMOVED,
        target=meeting,
        organization=meeting.organization,
        before={**before, "item": pk, "files": files},
    )


# --- Documents ---------------------------------------------------------------------------------


def _deleter(name: str) -> Callable[[], None]:
    return lambda: default_storage.delete(name)


def _refuse(message: str, code: str, field: str = "file") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_shareable(actor: Person, item: AgendaItem, record: Any, field: str) -> None:
    """A document from the registry or drafting may join an item only if the person
    adding it may see it and its secrecy is within the item's."""
    if not can(actor, Action.VIEW, record):
        raise _refuse(
            _("You may not share this document: it is outside what you may see."), "not_shareable", field
        )
    if getattr(record, "secrecy", Secrecy.NONE) > item.secrecy:
        raise _refuse(
            _("This document is classified above the item: it cannot be given to its readers."),
            "too_secret",
            field,
        )


def document_add(
    *,
    actor: Person,
    item: AgendaItem,
    title: str = "",
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    draft: Draft | None = None,
    upload: File[Any] | None = None,
) -> MeetingDocument:
    """Give an item a document: one of a registry document, a draft or an uploaded
    PDF (checked as attachments are: type read from the bytes, size, opens without a
    password). A classified item carries none (DOMAIN.md §2). The stored file is
    removed again if the transaction rolls back."""
    with files_removed_on_failure() as stored:
        return _document_add(
            actor=actor,
            item=item,
            title=title,
            incoming=incoming,
            outgoing=outgoing,
            draft=draft,
            upload=upload,
            stored=stored,
        )


@transaction.atomic
def _document_add(
    *,
    actor: Person,
    item: AgendaItem,
    title: str,
    incoming: IncomingDocument | None,
    outgoing: OutgoingDocument | None,
    draft: Draft | None,
    upload: File[Any] | None,
    stored: list[str],
) -> MeetingDocument:
    meeting = _locked(item.meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.secrecy > actor.clearance:
        raise PermissionDenied
    sources = [s for s in (incoming, outgoing, draft, upload) if s is not None]
    if len(sources) != 1:
        raise _refuse(_("Choose one document: from the registers, a draft, or a file to upload."), "source")
    if not selectors.item_may_carry_files(item):
        raise _refuse(
            _(
                "This item is classified: it carries no file. Its documents are handed out "
                "on paper at the meeting."
            ),
            "classified",
        )
    title = " ".join(title.split())
    document = MeetingDocument(item=item, added_by=actor)
    if incoming is not None:
        _check_shareable(actor, item, incoming, "incoming")
        document.source, document.incoming = DocumentSource.INCOMING, incoming
        title = title or f"{incoming.symbol} {incoming.abstract}".strip()
    elif outgoing is not None:
        _check_shareable(actor, item, outgoing, "outgoing")
        document.source, document.outgoing = DocumentSource.OUTGOING, outgoing
        title = title or f"{outgoing.symbol} {outgoing.abstract}".strip()
    elif draft is not None:
        _check_shareable(actor, item, draft, "draft")
        document.source, document.draft = DocumentSource.DRAFT, draft
        title = title or draft.abstract
    else:
        assert upload is not None
        size = upload.size or 0
        if size == 0:
            raise _refuse(_("The file is empty."), "empty")
        if size > attachment_checks.max_upload_bytes():
            raise _refuse(
                _("The file is %(size)s; the office accepts files up to %(limit)s.")
                % {
                    "size": filesizeformat(size),
                    "limit": filesizeformat(attachment_checks.max_upload_bytes()),
                },
                "too_large",
            )
        sniffed = attachment_checks.sniff(upload)
        if sniffed.mime != PDF:
            raise _refuse(
                _(
                    "This file is %(found)s. Meeting documents are PDF files, "
                    "so that every page can be stamped."
                )
                % {"found": sniffed.found},
                "type",
            )
        document.page_count = attachment_checks.pdf_pages(upload)
        sha = hashlib.sha256()
        for chunk in upload.chunks():
            sha.update(chunk)
        upload.seek(0)
        name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "tai-lieu.pdf"
        document.source = DocumentSource.UPLOAD
        document.original_name, document.size, document.sha256, document.content_type = (
            name,
            size,
            sha.hexdigest(),
            PDF,
        )
        document.file.save("upload.pdf", upload, save=False)
        stored.append(document.file.name)
        title = title or name.rsplit(".", 1)[0]
    document.title = title[:500] or _("Document")
    document.order = (item.documents.aggregate(last=Max("order"))["last"] or 0) + 1
    document.save()
    audit.record(
        actor=actor,
        action=AuditAction.DOCUMENT_ADDED,
        target=meeting,
        organization=meeting.organization,
        after={
            "item": item.pk,
            "document": document.pk,
            "source": document.source,
            "title": document.title,
            "incoming": document.incoming_id,
            "outgoing": document.outgoing_id,
            "draft": document.draft_id,
            "sha256": document.sha256,
        },
    )
    return document


@transaction.atomic
def document_remove(*, actor: Person, document: MeetingDocument) -> None:
    meeting = _locked(document.item.meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    data = {
        "item": document.item_id,
        "document": document.pk,
        "title": document.title,
        "source": document.source,
    }
    name = document.file.name if document.file else ""
    document.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))
    audit.record(
        actor=actor,
        action=AuditAction.DOCUMENT_REMOVED,
        target=meeting,
        organization=meeting.organization,
        before=data,
    )


def watermark_lines(reader: Person, at: dt.datetime) -> list[str]:
    when = date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
    return [
        _("%(name)s — %(time)s") % {"name": reader.full_name, "time": when},
        _("Meeting document, issued to %(name)s at %(time)s: do not copy or pass on.")
        % {"name": reader.full_name, "time": when},
    ]


@transaction.atomic
def document_open(
    *, actor: Person, document: MeetingDocument, download: bool = False, at: dt.datetime | None = None
) -> tuple[bytes, str]:
    """The PDF of a pre-read, stamped on every page with the reader's name and the
    time, and the file name to give it. Refused (PermissionDenied) to whoever may not
    read it now, and a download when the meeting allows viewing only. Every open is
    audited (a refusal is not: nothing was read)."""
    now = at or timezone.now()
    document = MeetingDocument.objects.select_related(
        "item__meeting__organization", "incoming", "outgoing", "draft"
    ).get(pk=document.pk)
    meeting = document.item.meeting
    if not selectors.may_read(actor, document, now):
        raise PermissionDenied
    if download and not selectors.may_download(actor, meeting):
        raise PermissionDenied
    pdf = prereads.source_pdf(document)
    if pdf is None:
        raise ValidationError(_("This document has no PDF to show."), code="no_file")
    stamped = prereads.watermark(pdf, watermark_lines(actor, now))
    audit.record(
        actor=actor,
        action=AuditAction.DOCUMENT_OPENED,
        target=meeting,
        organization=meeting.organization,
        after={
            "item": document.item_id,
            "document": document.pk,
            "title": document.title,
            "download": download,
            "sha256": hashlib.sha256(stamped).hexdigest(),
        },
    )
    return stamped, f"{document.title[:80]}.pdf"


# --- Invitations -------------------------------------------------------------------------------


@transaction.atomic
def invitee_add(*, actor: Person, meeting: Meeting, person: Person, is_member: bool = False) -> Invitation:
    """Invite one more person (of the committee or its office). Once the invitations
    have gone out, `invitations_send` sends theirs."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    if not selectors.committee_people(meeting.organization).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "person": _("%(name)s is not in %(committee)s or its office.")
                % {"name": person.full_name, "committee": meeting.organization.name}
            }
        )
    if meeting.invitations.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s is already invited.") % {"name": person.full_name}})
    invitation = Invitation.objects.create(meeting=meeting, person=person, is_member=is_member)
    audit.record(
        actor=actor,
        action=AuditAction.INVITEE_ADDED,
        target=meeting,
        organization=meeting.organization,
        after={"person": person.pk, "is_member": is_member, "invitation": invitation.pk},
    )
    return invitation


@transaction.atomic
def invitee_remove(*, actor: Person, invitation: Invitation) -> None:
    meeting = _locked(invitation.meeting)
    _check_manage(actor, meeting)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.INVITED):
        raise ValidationError(_("Invitations can be withdrawn only before the meeting opens."), code="state")
    data = audit.snapshot(invitation, ["person", "is_member", "response", "delegate"])
    invitation.delete()
    audit.record(
        actor=actor,
        action=AuditAction.INVITEE_REMOVED,
        target=meeting,
        organization=meeting.organization,
        before=data,
    )


def _mail_invitation(address: str, subject: str, text: str, pdf: bytes, filename: str) -> None:
    message = EmailMessage(subject=subject, body=text, to=[address])
    message.attach(filename, pdf, PDF)
    message.send(fail_silently=True)


@transaction.atomic
def invitations_send(*, actor: Person, meeting: Meeting) -> Meeting:
    """Render the giấy mời in the Party's layout, keep it on the meeting, and send it
    to everyone not yet told: in the app and, to those with an address, by e-mail
    with the PDF attached (after the commit). Sending again after changes renders it
    again and tells only those invited since."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    if meeting.state not in (MeetingState.DRAFT, MeetingState.INVITED):
        raise ValidationError(_("The invitations go out before the meeting opens."), code="state")
    if not meeting.invitations.exists():
        raise ValidationError(_("Invite someone first."), code="nobody")
    if meeting.invitation_outgoing is None and (holding := giay_moi.office_signer(meeting)) is not None:
        meeting.invitation_outgoing = _invitation_number(actor, meeting, holding)
    pdf = giay_moi.render_pdf(meeting)
    old = meeting.invitation_pdf.name if meeting.invitation_pdf else ""
    meeting.invitation_pdf.save("giay-moi.pdf", ContentFile(pdf), save=False)
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    now = timezone.now()
    before = meeting.state
    meeting.state = MeetingState.INVITED
    meeting.invited_at = now
    meeting.save(update_fields=["invitation_pdf", "invitation_outgoing", "state", "invited_at"])
    url = reverse("meetings_meeting", args=[meeting.pk])
    text = _("You are invited: %(title)s, %(when)s.") % {
        "title": meeting.title,
        "when": date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT"),
    }
    told: list[int] = []
    for invitation in meeting.invitations.filter(notified_at__isnull=True).select_related("person"):
        person = invitation.person
        Notification.objects.create(recipient=person, text=text[:300], url=url)
        if person.email:
            address, body = person.email, f"{text}\n\n{settings.SITE_URL}{url}\n"

            def send(address: str = address, body: str = body) -> None:
                _mail_invitation(address, f"[vanphong] {text[:120]}", body, pdf, "giay-moi.pdf")

            transaction.on_commit(send)
        invitation.notified_at = now
        invitation.save(update_fields=["notified_at"])
        told.append(person.pk)
    audit.record(
        actor=actor,
        action=AuditAction.INVITATIONS_SENT,
        target=meeting,
        organization=meeting.organization,
        before={"state": before},
        after={
            "state": meeting.state,
            "told": told,
            "symbol": meeting.invitation_outgoing.symbol if meeting.invitation_outgoing else "",
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    return meeting


def _invitation_number(actor: Person, meeting: Meeting, holding: Membership) -> OutgoingDocument:
    """The giấy mời's number, drawn as every outgoing document's is, from the issuer's
    series of its type in the outgoing register (`registry.services.outgoing_register`),
    in this transaction: a refused sending draws none. The office sends it on the body's
    behalf (T/L, signed by its chief), so the number is drawn as the system's (the
    register's own checks on the signer and the series still run); the sending is
    audited with the symbol, under the sender's name. An office with neither chief nor
    deputy chief has nobody to sign it: it goes unnumbered, as it went before."""
    try:
        return registry_services.outgoing_register(
            actor=None,
            organization=meeting.organization,
            # Never dated after the meeting it invites to (one recorded afterwards).
            issued_on=min(timezone.localdate(), timezone.localtime(meeting.starts_at).date()),
            document_type=DocumentType.objects.get(code="giay-moi"),
            abstract=f"Mời dự {meeting.title}",
            signer=holding.person,
            signer_title=" / ".join(giay_moi.signature_lines(meeting, holding)),
            recipients="Như thành phần mời,\nLưu Văn phòng.",
            drafter=actor,
        )
    except ValidationError as error:
        # The register's refusal (e.g. the chief may not sign for the committee) is the
        # sending's: say it whole rather than against the register's form fields.
        raise ValidationError(error.messages, code="register") from error


@transaction.atomic
def invitation_respond(
    *,
    actor: Person,
    invitation: Invitation,
    response: str,
    reason: str = "",
    delegate: Person | None = None,
) -> Invitation:
    """The invited person answers: they will attend, will not (with a reason), or
    send a delegate, who must be in the committee or its office and not invited
    already. They may change their answer until the meeting closes."""
    meeting = _locked(invitation.meeting)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.person_id != actor.pk:
        raise PermissionDenied
    _check_open(meeting)
    if meeting.state == MeetingState.DRAFT:
        raise ValidationError(_("The invitations have not been sent yet."), code="state")
    reason = " ".join(reason.split())[:300]
    errors: dict[str, str] = {}
    if response not in (Response.CONFIRMED, Response.DECLINED, Response.DELEGATED):
        errors["response"] = _("Choose your answer.")
    elif response == Response.DECLINED and not reason:
        errors["reason"] = _("Give the reason you cannot attend.")
    elif response == Response.DELEGATED:
        if delegate is None:
            errors["delegate"] = _("Name the person who attends in your place.")
        elif delegate.pk == actor.pk:
            errors["delegate"] = _("Name someone else to attend in your place.")
        elif not selectors.committee_people(meeting.organization).filter(pk=delegate.pk).exists():
            errors["delegate"] = _(
                "%(name)s is not a member of %(committee)s or its office: only they may attend in your place."
            ) % {"name": delegate.full_name, "committee": meeting.organization.name}
        elif meeting.invitations.filter(person=delegate).exists():
            errors["delegate"] = _("%(name)s is invited already.") % {"name": delegate.full_name}
        elif meeting.invitations.filter(delegate=delegate).exclude(pk=invitation.pk).exists():
            errors["delegate"] = _("%(name)s already attends for someone else.") % {
                "name": delegate.full_name
            }
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(invitation, ["response", "reason", "delegate"])
    invitation.response = response
    invitation.reason = reason if response != Response.CONFIRMED else ""
    invitation.delegate = delegate if response == Response.DELEGATED else None
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "reason", "delegate", "responded_at"])
    audit.record(
        actor=actor,
        action=AuditAction.INVITATION_ANSWERED,
        target=meeting,
        organization=meeting.organization,
        before={**before, "invitation": invitation.pk},
        after={**audit.snapshot(invitation, ["response", "reason", "delegate"]), "invitation": invitation.pk},
    )
    return invitation


@transaction.atomic
def check_in(*, actor: Person, invitation: Invitation, present: bool = True) -> Invitation:
    """The meeting's secretary (or the office) records who is in the room: the
    invited person, or their delegate on their seat. Undone with `present=False`."""
    meeting = _locked(invitation.meeting)
    _check_manage(actor, meeting)
    _check_open(meeting)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.present == present:
        return invitation
    invitation.present = present
    invitation.checked_in_at = timezone.now() if present else None
    invitation.save(update_fields=["present", "checked_in_at"])
    q = selectors.quorum(meeting)
    audit.record(
        actor=actor,
        action=AuditAction.CHECKED_IN,
        target=meeting,
        organization=meeting.organization,
        before={"invitation": invitation.pk, "present": not present},
        after={
            "invitation": invitation.pk,
            "person": invitation.person_id,
            "delegate": invitation.delegate_id,
            "present": present,
            "quorum_present": q.present,
            "quorum_needed": q.needed,
        },
    )
    return invitation


# --- The live meeting (issue 9, item 4) --------------------------------------------------------
#
# The chair or the meeting's secretary moves through the items (only those they may see);
# members register to speak on the current item and withdraw; the chair (or the secretary)
# gives the floor and marks a speaker done. Each of these writes is audited once. A
# member's private note is theirs alone: saving it is not an act of the office and is
# not put in the audit trail (whose readers would learn when and on what they wrote).


class LiveAuditAction(enum.StrEnum):
    ITEM_SHOWN = "meetings.live_item_shown"
    SPEAKER_REGISTERED = "meetings.speaker_registered"
    SPEAKER_WITHDRAWN = "meetings.speaker_withdrawn"
    SPEAKER_GIVEN_FLOOR = "meetings.speaker_given_floor"
    SPEAKER_DONE = "meetings.speaker_done"


# The live actions are an enum of their own, labelled in the app's one AUDIT_LABELS.
_labels: dict[Any, Any] = AUDIT_LABELS
_labels.update(
    {
        LiveAuditAction.ITEM_SHOWN: gettext_lazy("Item put on the screen"),
        LiveAuditAction.SPEAKER_REGISTERED: gettext_lazy("Asked to speak"),
        LiveAuditAction.SPEAKER_WITHDRAWN: gettext_lazy("Request to speak withdrawn"),
        LiveAuditAction.SPEAKER_GIVEN_FLOOR: gettext_lazy("Floor given"),
        LiveAuditAction.SPEAKER_DONE: gettext_lazy("Speaker finished"),
    }
)


def live_changed(meeting: Meeting) -> None:
    """Raise the meeting's live counter: every follower's next poll gets the new screen.
    Other apps call it when what they show on the live page changes (a vote opened or
    closed); it is a cache key, not a record, so it writes no audit event."""
    updated = LiveState.objects.filter(meeting=meeting).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    if not updated:
        LiveState.objects.create(meeting=meeting, version=1)


def _check_runs(actor: Person, meeting: Meeting) -> None:
    """Only the chair or the meeting's secretary runs the live meeting."""
    if actor.pk not in (meeting.chair_id, meeting.secretary_id):
        raise PermissionDenied


def _check_in_progress(meeting: Meeting) -> None:
    if meeting.state != MeetingState.IN_PROGRESS:
        raise ValidationError(_("The meeting is not in progress."), code="state")


@transaction.atomic
def live_show_item(
    *, actor: Person, meeting: Meeting, item: AgendaItem | None = None, step: int = 0
) -> Meeting:
    """Put an item on everyone's screen: `item`, or the one `step` places after (+1)
    or before (-1) the current one among the items the actor may see."""
    meeting = _locked(meeting)
    _check_runs(actor, meeting)
    _check_in_progress(meeting)
    visible = list(selectors.items_visible_to(actor, meeting).order_by("order", "pk"))
    if item is not None:
        if item.pk not in {i.pk for i in visible}:
            raise ValidationError({"item": _("Choose an item of this meeting's agenda.")}, code="item")
        target = next(i for i in visible if i.pk == item.pk)
    else:
        if not visible:
            raise ValidationError(_("The agenda has no item."), code="empty")
        ids = [i.pk for i in visible]
        if meeting.current_item_id in ids:
            index = ids.index(meeting.current_item_id) + step
        else:
            index = 0 if step >= 0 else len(ids) - 1
        if not 0 <= index < len(ids):
            message = _("This is the last item.") if step > 0 else _("This is the first item.")
            raise ValidationError(message, code="end")
        target = visible[index]
    before = meeting.current_item_id
    if target.pk == before:
        return meeting
    meeting.current_item = target
    meeting.save(update_fields=["current_item"])
    live_changed(meeting)
    audit.record(
        actor=actor,
        action=LiveAuditAction.ITEM_SHOWN,
        target=meeting,
        organization=meeting.organization,
        before={"item": before},
        after={"item": target.pk, "order": target.order},
    )
    return meeting


def live_next(*, actor: Person, meeting: Meeting) -> Meeting:
    return live_show_item(actor=actor, meeting=meeting, step=1)


def live_previous(*, actor: Person, meeting: Meeting) -> Meeting:
    return live_show_item(actor=actor, meeting=meeting, step=-1)


def _speaker_snapshot(request: SpeakerRequest) -> dict[str, Any]:
    return {
        "request": request.pk,
        "item": request.item_id,
        "person": request.person_id,
        "seat": request.invitation_id,
        "state": request.state,
    }


@transaction.atomic
def speaker_register(*, actor: Person, meeting: Meeting) -> SpeakerRequest:
    """The actor asks to speak on the item on the screen: they must sit at the meeting
    and see the item; one open request per person and item."""
    meeting = _locked(meeting)
    _check_in_progress(meeting)
    seat = selectors.seat_of(actor, meeting)
    if seat is None:
        raise PermissionDenied
    item = meeting.current_item
    if item is None or not selectors.items_visible_to(actor, meeting).filter(pk=item.pk).exists():
        raise ValidationError(_("There is no item on which you may speak now."), code="item")
    if SpeakerRequest.objects.filter(
        item=item, person=actor, state__in=(SpeakerState.WAITING, SpeakerState.SPEAKING)
    ).exists():
        raise ValidationError(_("You have already asked to speak on this item."), code="twice")
    request = SpeakerRequest.objects.create(meeting=meeting, item=item, person=actor, invitation=seat)
    live_changed(meeting)
    audit.record(
        actor=actor,
        action=LiveAuditAction.SPEAKER_REGISTERED,
        target=meeting,
        organization=meeting.organization,
        after=_speaker_snapshot(request),
    )
    return request


def _locked_request(request: SpeakerRequest) -> tuple[Meeting, SpeakerRequest]:
    meeting = _locked(request.meeting)
    return meeting, SpeakerRequest.objects.select_for_update().select_related("item").get(pk=request.pk)


@transaction.atomic
def speaker_withdraw(*, actor: Person, request: SpeakerRequest) -> SpeakerRequest:
    """The speaker takes back their own request while still waiting."""
    meeting, request = _locked_request(request)
    if request.person_id != actor.pk:
        raise PermissionDenied
    if request.state != SpeakerState.WAITING:
        raise ValidationError(_("Only a request still waiting can be withdrawn."), code="state")
    request.state = SpeakerState.WITHDRAWN
    request.withdrawn_at = timezone.now()
    request.save(update_fields=["state", "withdrawn_at"])
    live_changed(meeting)
    audit.record(
        actor=actor,
        action=LiveAuditAction.SPEAKER_WITHDRAWN,
        target=meeting,
        organization=meeting.organization,
        before={"state": SpeakerState.WAITING},
        after=_speaker_snapshot(request),
    )
    return request


@transaction.atomic
def speaker_give_floor(*, actor: Person, request: SpeakerRequest) -> SpeakerRequest:
    """The chair gives the floor to a waiting speaker on the item on the screen; whoever
    had it on that item has finished."""
    meeting, request = _locked_request(request)
    _check_runs(actor, meeting)
    _check_in_progress(meeting)
    if request.state != SpeakerState.WAITING:
        raise ValidationError(_("This person is not waiting to speak."), code="state")
    if request.item_id != meeting.current_item_id:
        raise ValidationError(_("This request is for another item."), code="item")
    now = timezone.now()
    finished = list(
        SpeakerRequest.objects.select_for_update().filter(item=request.item, state=SpeakerState.SPEAKING)
    )
    for other in finished:
        other.state = SpeakerState.DONE
        other.done_at = now
        other.save(update_fields=["state", "done_at"])
    request.state = SpeakerState.SPEAKING
    request.floor_at = now
    request.save(update_fields=["state", "floor_at"])
    live_changed(meeting)
    audit.record(
        actor=actor,
        action=LiveAuditAction.SPEAKER_GIVEN_FLOOR,
        target=meeting,
        organization=meeting.organization,
        before={"state": SpeakerState.WAITING, "finished": [other.pk for other in finished]},
        after=_speaker_snapshot(request),
    )
    return request


@transaction.atomic
def speaker_done(*, actor: Person, request: SpeakerRequest) -> SpeakerRequest:
    """The chair marks the speaker who has the floor as finished."""
    meeting, request = _locked_request(request)
    _check_runs(actor, meeting)
    if request.state != SpeakerState.SPEAKING:
        raise ValidationError(_("This person does not have the floor."), code="state")
    request.state = SpeakerState.DONE
    request.done_at = timezone.now()
    request.save(update_fields=["state", "done_at"])
    live_changed(meeting)
    audit.record(
        actor=actor,
        action=LiveAuditAction.SPEAKER_DONE,
        target=meeting,
        organization=meeting.organization,
        before={"state": SpeakerState.SPEAKING},
        after=_speaker_snapshot(request),
    )
    return request


NOTE_MAX_LENGTH = 20_000


@transaction.atomic
def note_save(
    *, actor: Person, item: AgendaItem, text: str, document: MeetingDocument | None = None
) -> PrivateNote:
    """Keep the actor's own note on an item they may see (or on one of its documents).
    Only ever the actor's row: found by (author, item, document)."""
    if not selectors.may_see_item(actor, item):
        raise PermissionDenied
    if document is not None and document.item_id != item.pk:
        raise ValidationError({"document": _("This document is not one of the item's.")}, code="document")
    text = text.replace("\r\n", "\n")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": _("A note holds at most %(count)s characters.") % {"count": NOTE_MAX_LENGTH}},
            code="long",
        )
    note, _created = PrivateNote.objects.select_for_update().get_or_create(
        author=actor, item=item, document=document, defaults={"text": text}
    )
    if not _created and note.text != text:
        note.text = text
        note.updated_at = timezone.now()
        note.save(update_fields=["text", "updated_at"])
    return note


# --- After the meeting: the minutes and the concluding notice (issue 9, item 7) -------------
#
# The minutes and the notice are drafts of the drafting app: created and re-filled here
# from the meeting's record (`meetings.minutes`), then edited, reviewed, approved and
# signed (numbered) through drafting's own services and pages, which audit their own
# events on the draft. The conclusions and tasks per item are written here; once the
# notice is signed, `notice_hand_over` gives them to the follow-up board through
# followup's services.

# How a signer's role in the committee is printed under the signature.
SIGNER_TITLES = {Role.SECRETARY: "Bí thư", Role.DEPUTY_SECRETARY: "Phó Bí thư"}
MINUTES_SIGNER_TITLE = "Chủ trì hội nghị"
MINUTES_COSIGNER_TITLE = "Thư ký hội nghị"  # the meeting's secretary signs beside the chair
MINUTES_TYPE = "bien-ban"
NOTICE_TYPE = "thong-bao"
ATTENDEES = "Các đồng chí dự họp"  # printed under "Nơi nhận:"


def _check_after_meeting(meeting: Meeting) -> None:
    if meeting.state not in (MeetingState.IN_PROGRESS, MeetingState.CLOSED):
        raise ValidationError(_("The minutes are written once the meeting has been held."), code="not_held")


def _papers(meeting: Meeting) -> MeetingPapers:
    papers, _created = MeetingPapers.objects.select_for_update().get_or_create(meeting=meeting)
    return papers


def _signer_title(meeting: Meeting, signer: Person) -> str:
    roles = Membership.objects.current().filter(organization=meeting.organization, person=signer)
    for role, title in SIGNER_TITLES.items():
        if roles.filter(role=role).exists():
            return title
    return MINUTES_SIGNER_TITLE


def _usable_signer(meeting: Meeting) -> Person | None:
    """The chair signs, when they sign for the committee (the drafter may change it)."""
    chair = meeting.chair
    if chair is None or registry_services.signer_problem(chair, meeting.organization, Secrecy.NONE):
        return None
    return chair


@transaction.atomic
def minutes_prepare(*, actor: Person, meeting: Meeting) -> Draft:
    """The minutes of a meeting held (in progress or closed): a draft of type BB of
    the committee whose body is written from the record. When the draft exists and is
    still being drafted, its body is written again from the record as a new version
    (drafting keeps every version); once in review or signed it is refused."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    _check_after_meeting(meeting)
    papers = _papers(meeting)
    record = minutes_builder.record_of(meeting)
    body = minutes_builder.minutes_html(record)
    if papers.minutes is None:
        signer = _usable_signer(meeting)
        draft = drafting_services.draft_create(
            actor=actor,
            organization=meeting.organization,
            document_type=DocumentType.objects.get(code=MINUTES_TYPE),
            abstract=minutes_builder.minutes_abstract(meeting),
            place=drafting_selectors.usual_place(meeting.organization) or _place_word(meeting),
            body_html=body,
            signature_form=SignatureForm.OWN,
            signer=signer,
            signer_title=MINUTES_SIGNER_TITLE,
            cosigner=meeting.secretary,
            cosigner_title=MINUTES_COSIGNER_TITLE if meeting.secretary else "",
            external_recipients=ATTENDEES,
        )
        papers.minutes = draft
        papers.save(update_fields=["minutes"])
        action = AuditAction.MINUTES_CREATED
    else:
        draft = _refill(actor=actor, draft=papers.minutes, body=body)
        action = AuditAction.MINUTES_REFILLED
    audit.record(
        actor=actor,
        action=action,
        target=meeting,
        organization=meeting.organization,
        after={
            "draft": draft.pk,
            "version": draft.version,
            "present": len(record.members_present),
            "members": record.members,
            "items": len(record.items),
            "votes": sum(len(entry.votes) for entry in record.items) + len(record.other_votes),
        },
    )
    return draft


def _place_word(meeting: Meeting) -> str:
    """The place a committee's documents are dated from, when it has drafted none: its
    name without the committee word ("Thành ủy Ngọc Sơn" → "Ngọc Sơn")."""
    name = meeting.organization.name
    for word in ("Thành ủy ", "Tỉnh ủy ", "Huyện ủy ", "Quận ủy ", "Thị ủy ", "Đảng ủy "):
        if name.startswith(word):
            return name[len(word) :]
    return name


def _refill(*, actor: Person, draft: Draft, body: str) -> Draft:
    if not draft.is_editable:
        raise ValidationError(
            _("The draft is %(state)s: it can no longer be written again from the meeting.")
            % {"state": draft.get_state_display()},
            code="not_editable",
        )
    return drafting_services.draft_update(actor=actor, draft=draft, body_html=body)


def _check_conclusions_open(meeting: Meeting, item: AgendaItem | None = None) -> None:
    """Conclusions and tasks change until the notice leaves its drafter (in review,
    signed): what is signed and handed over is what was written."""
    _check_after_meeting(meeting)
    papers = MeetingPapers.objects.filter(meeting=meeting).select_related("notice").first()
    if papers is not None and papers.notice is not None and not papers.notice.is_editable:
        raise ValidationError(
            _("The concluding notice is %(state)s: its conclusions can no longer change.")
            % {"state": papers.notice.get_state_display()},
            code="notice_sent",
        )
    if item is not None and item.is_classified:
        raise ValidationError(
            _("The conclusions of a classified item are not written on this system."), code="classified"
        )


def _item_locked(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    meeting = _locked(item.meeting)
    return meeting, AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def conclusion_write(*, actor: Person, item: AgendaItem, text: str) -> ItemConclusion:
    """What the meeting concluded on an item, as the notice will print it."""
    meeting, item = _item_locked(item)
    _check_manage(actor, meeting)
    _check_conclusions_open(meeting, item)
    text = "\n".join(line.strip() for line in text.strip().splitlines())
    conclusion = ItemConclusion.objects.filter(item=item).first()
    before = conclusion.text if conclusion else ""
    if conclusion is None:
        conclusion = ItemConclusion(item=item, updated_by=actor)
    conclusion.text, conclusion.updated_by, conclusion.updated_at = text, actor, timezone.now()
    conclusion.save()
    audit.record(
        actor=actor,
        action=AuditAction.CONCLUSION_WRITTEN,
        target=meeting,
        organization=meeting.organization,
        before={"item": item.pk, "text": before},
        after={"item": item.pk, "text": text},
    )
    return conclusion


@transaction.atomic
def conclusion_task_add(
    *,
    actor: Person,
    item: AgendaItem,
    content: str,
    lead_unit: Organization | None,
    leader: Person | None,
    deadline: dt.date | None,
    co_units: Iterable[Organization] = (),
) -> ConclusionTask:
    """A task the meeting gave on an item: checked as the follow-up board checks its
    tasks (a unit of the committee, one of its leaders, a deadline after the meeting)."""
    meeting, item = _item_locked(item)
    _check_manage(actor, meeting)
    _check_conclusions_open(meeting, item)
    committee = meeting.organization
    co_units = [unit for unit in co_units if lead_unit is None or unit.pk != lead_unit.pk]
    errors: dict[str, list[str]] = {}
    content = content.strip()
    if not content:
        errors.setdefault("content", []).append(_("Say what must be done."))
    if lead_unit is None:
        errors.setdefault("lead_unit", []).append(_("Choose the lead unit."))
    elif problem := unit_problem(committee, lead_unit):
        errors.setdefault("lead_unit", []).append(problem)
    for unit in co_units:
        if problem := unit_problem(committee, unit):
            errors.setdefault("co_units", []).append(problem)
    if leader is None:
        errors.setdefault("leader", []).append(_("Choose the leader in charge."))
    elif not leader.is_active or not committee_leaders(committee).filter(pk=leader.pk).exists():
        errors.setdefault("leader", []).append(
            _("%(name)s is not a leader of this committee.") % {"name": leader.full_name}
        )
    held = timezone.localtime(meeting.starts_at).date()
    if deadline is None:
        errors.setdefault("deadline", []).append(_("Enter the deadline."))
    elif deadline <= held:
        errors.setdefault("deadline", []).append(
            _("The deadline must be after the meeting (%(date)s).") % {"date": held.strftime("%d/%m/%Y")}
        )
    if errors:
        raise ValidationError(errors)
    assert lead_unit is not None and leader is not None and deadline is not None
    number = (item.conclusion_tasks.aggregate(last=Max("number"))["last"] or 0) + 1
    task = ConclusionTask.objects.create(
        item=item, number=number, content=content, lead_unit=lead_unit, leader=leader, deadline=deadline
    )
    task.co_units.set(co_units)
    audit.record(
        actor=actor,
        action=AuditAction.CONCLUSION_TASK_ADDED,
        target=meeting,
        organization=committee,
        after={
            "item": item.pk,
            "number": number,
            "content": content,
            "lead_unit": lead_unit.name,
            "co_units": [unit.name for unit in co_units],
            "leader": leader.full_name,
            "deadline": deadline.isoformat(),
        },
    )
    return task


@transaction.atomic
def conclusion_task_remove(*, actor: Person, task: ConclusionTask) -> None:
    meeting, item = _item_locked(task.item)
    _check_manage(actor, meeting)
    _check_conclusions_open(meeting, item)
    task = ConclusionTask.objects.get(pk=task.pk)
    before = {"item": item.pk, "number": task.number, "content": task.content}
    task.delete()
    audit.record(
        actor=actor,
        action=AuditAction.CONCLUSION_TASK_REMOVED,
        target=meeting,
        organization=meeting.organization,
        before=before,
    )


@transaction.atomic
def notice_prepare(*, actor: Person, meeting: Meeting) -> Draft:
    """The concluding notice (a draft of type TB), written from the minutes' record:
    the conclusions and tasks per item; sent to the tasks' units. Made again from the
    conclusions, as a new version, while it is still being drafted."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    _check_after_meeting(meeting)
    papers = _papers(meeting)
    if papers.minutes is None:
        raise ValidationError(
            _("Write the minutes first: the notice is drafted from them."), code="no_minutes"
        )
    record = minutes_builder.record_of(meeting)
    body = minutes_builder.notice_html(record)
    units: dict[int, Organization] = {}
    for entry in record.items:
        for task in entry.tasks:
            for unit in [task.lead_unit, *task.co_units.all()]:
                if unit.pk != meeting.organization_id:
                    units.setdefault(unit.pk, unit)
    recipients = sorted(units.values(), key=lambda unit: unit.path)
    if papers.notice is None:
        signer = _usable_signer(meeting)
        body_of = minutes_builder.BODY_NAMES.get(meeting.kind.invited_body, "")
        draft = drafting_services.draft_create(
            actor=actor,
            organization=meeting.organization,
            document_type=DocumentType.objects.get(code=NOTICE_TYPE),
            abstract=minutes_builder.notice_abstract(meeting),
            place=papers.minutes.place,
            body_html=body,
            signature_form=SignatureForm.ON_BEHALF if body_of else SignatureForm.OWN,
            on_behalf_of=body_of,
            signer=signer,
            signer_title=_signer_title(meeting, signer) if signer else "",
            internal_recipients=recipients,
            external_recipients=ATTENDEES,
        )
        papers.notice = draft
        papers.save(update_fields=["notice"])
        action = AuditAction.NOTICE_CREATED
    else:
        draft = papers.notice
        if not draft.is_editable:
            raise ValidationError(
                _("The draft is %(state)s: it can no longer be written again from the meeting.")
                % {"state": draft.get_state_display()},
                code="not_editable",
            )
        draft = drafting_services.draft_update(
            actor=actor, draft=draft, body_html=body, internal_recipients=recipients
        )
        action = AuditAction.NOTICE_REFILLED
    audit.record(
        actor=actor,
        action=action,
        target=meeting,
        organization=meeting.organization,
        after={
            "draft": draft.pk,
            "version": draft.version,
            "tasks": sum(len(entry.tasks) for entry in record.items),
        },
    )
    return draft


@transaction.atomic
def notice_hand_over(*, actor: Person, meeting: Meeting) -> Conclusion:
    """Once the notice is signed and numbered, its tasks go to the follow-up board: a
    conclusion of kind TB linked to the notice's outgoing document, and one follow-up
    task per task written (followup's services check and audit each). Once only."""
    meeting = _locked(meeting)
    _check_manage(actor, meeting)
    papers = _papers(meeting)
    notice = papers.notice
    if notice is None or notice.state != DraftState.SIGNED or notice.outgoing is None:
        raise ValidationError(
            _("The concluding notice must be signed and numbered before its tasks are followed up."),
            code="not_signed",
        )
    if papers.conclusion_id is not None:
        raise ValidationError(_("The notice's tasks are already on the follow-up board."), code="handed_over")
    conclusion = followup_services.conclusion_create(actor=actor, outgoing=notice.outgoing)
    tasks = list(
        ConclusionTask.objects.filter(item__meeting=meeting)
        .select_related("lead_unit", "leader")
        .order_by("item__order", "number", "pk")
    )
    for task in tasks:
        task.followup_task = followup_services.task_add(
            actor=actor,
            conclusion=conclusion,
            content=task.content,
            lead_unit=task.lead_unit,
            leader=task.leader,
            deadline=task.deadline,
            co_units=list(task.co_units.all()),
        )
        task.save(update_fields=["followup_task"])
    papers.conclusion = conclusion
    papers.handed_over_at = timezone.now()
    papers.save(update_fields=["conclusion", "handed_over_at"])
    audit.record(
        actor=actor,
        action=AuditAction.NOTICE_HANDED_OVER,
        target=meeting,
        organization=meeting.organization,
        after={"notice": notice.outgoing.symbol, "conclusion": conclusion.pk, "tasks": len(tasks)},
    )
    return conclusion
