"""Reads and the rules of who sees what in a meeting.

Who sees a meeting: the people invited (and the delegate one of them named), its
chair and its secretary, and the committee's office (who may draft for the
committee: `can(person, DRAFT, committee)`). Who manages it (agenda, documents,
invitations, check-in): the office and the meeting's secretary.

Items: a person sees the items they are invited to (all, or the item's invitees; a
delegate those of the person they sit for; the office, the chair and the secretary
every item) and only those whose secrecy is within their clearance: a classified item
shows even its title to cleared people only (DOMAIN.md §2). A classified item carries
no file unless the deployment is an isolated LAN (`VANPHONG_ISOLATED_LAN`).

Pre-reads: readable by those who see the item, from `preread_days` before the meeting
until access ends as the meeting says (`Meeting.prereads_open`); the office and the
meeting's secretary at any time, to prepare them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person
from vanphong.core.permissions import Action, can, may_anywhere, organizations_q
from vanphong.core.selectors import declared
from vanphong.meetings.models import (
    BODY_ROLES,
    AgendaItem,
    Invitation,
    ItemConclusion,
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


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if (
        may_anywhere(person, Action.DRAFT)
        or Invitation.objects.filter(Q(person=person) | Q(delegate=person)).exists()
    ):
        return [(pgettext("menu", "Meetings"), reverse("meetings_home"), "meetings")]
    return []


# --- Who may do what ---------------------------------------------------------------------------


def may_keep(person: Person, committee: Organization) -> bool:
    """Does the person keep the committee's meetings (its office)?"""
    return can(person, Action.DRAFT, committee)


def may_manage(person: Person, meeting: Meeting) -> bool:
    """The office and the meeting's secretary prepare and run its paperwork."""
    if not person.is_authenticated or not person.is_active:
        return False
    return meeting.secretary_id == person.pk or may_keep(person, meeting.organization)


def meetings_visible_to(person: Person) -> QuerySet[Meeting]:
    if not person.is_authenticated or not person.is_active:
        return Meeting.objects.none()
    seated = Invitation.objects.filter(Q(person=person) | Q(delegate=person)).values("meeting")
    kept = Organization.objects.filter(organizations_q(person, Action.DRAFT))
    return Meeting.objects.filter(
        Q(pk__in=seated) | Q(chair=person) | Q(secretary=person) | Q(organization__in=kept)
    ).select_related("kind", "organization", "chair", "secretary")


def seat_of(person: Person, meeting: Meeting) -> Invitation | None:
    """The invitation the person sits on: their own, or the one they were delegated
    (their own first)."""
    seats = list(
        Invitation.objects.filter(Q(person=person) | Q(delegate=person), meeting=meeting).select_related(
            "person", "delegate"
        )
    )
    seats.sort(key=lambda seat: seat.person_id != person.pk)
    return seats[0] if seats else None


def sees_every_item(person: Person, meeting: Meeting) -> bool:
    return person.pk in (meeting.chair_id, meeting.secretary_id) or may_keep(person, meeting.organization)


def items_visible_to(person: Person, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items the person may see, within their clearance, in order."""
    items = meeting.items.filter(secrecy__lte=person.clearance).select_related("presenter", "preparing_unit")
    if sees_every_item(person, meeting):
        return items
    seat = seat_of(person, meeting)
    if seat is None:
        return items.none()
    return items.filter(Q(invite_all=True) | Q(invitees=seat.person_id)).distinct()


def may_see_item(person: Person, item: AgendaItem) -> bool:
    return items_visible_to(person, item.meeting).filter(pk=item.pk).exists()


def item_may_carry_files(item: AgendaItem) -> bool:
    """A classified item carries no file, except on an isolated LAN (DOMAIN.md §2)."""
    return not item.is_classified or bool(settings.VANPHONG_ISOLATED_LAN)


def may_read(person: Person, document: MeetingDocument, at: dt.datetime | None = None) -> bool:
    """May the person open this pre-read now?"""
    item = document.item
    meeting = item.meeting
    if not item_may_carry_files(item) or item.secrecy > person.clearance:
        return False
    if not may_see_item(person, item):
        return False
    if may_manage(person, meeting):
        return True
    return meeting.prereads_open(at)


def may_download(person: Person, meeting: Meeting) -> bool:
    """Downloads off means off for everyone, the office and the meeting's secretary
    too: what they prepare they hold already (the upload, the draft, the register),
    and a copy taken from the meeting is the same stamped copy a member would take."""
    del person  # the same answer for everyone: the meeting's setting
    return bool(meeting.downloads_allowed)


# --- Membership of the bodies ---------------------------------------------------------------


def office_of(committee: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(
        path__startswith=committee.path,
        depth=committee.depth + 1,
        kind__is_office=True,
        closed_on__isnull=True,
    )


def body_members(committee: Organization, kind: MeetingKind) -> QuerySet[Person]:
    """The current members of the body the kind invites by default, in name order."""
    roles = BODY_ROLES.get(kind.invited_body, ())
    holding = Membership.objects.current().filter(organization=committee, role__in=roles)
    return Person.objects.filter(pk__in=holding.values("person"), is_active=True).order_by("sort_key", "pk")


def committee_people(committee: Organization) -> QuerySet[Person]:
    """Who may be invited or named a delegate: anyone holding a current role in the
    committee itself or in its office."""
    holding = Membership.objects.current().filter(
        Q(organization=committee)
        | Q(
            organization__path__startswith=committee.path,
            organization__depth=committee.depth + 1,
            organization__kind__is_office=True,
        )
    )
    return Person.objects.filter(pk__in=holding.values("person"), is_active=True).order_by("sort_key", "pk")


# --- Quorum ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    members: int  # members of the body invited
    needed: int  # present needed for the meeting to be valid (0: the kind needs none)
    present: int  # members present (delegates counted only if the kind says so)
    delegates_present: int  # delegates checked in, whether counted or not
    majority: int  # votes needed to carry a decision, on the kind's basis
    numerator: int
    denominator: int

    @property
    def required(self) -> bool:
        return self.needed > 0

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


def quorum(meeting: Meeting) -> Quorum:
    kind = meeting.kind
    seats = list(meeting.invitations.filter(is_member=True).values_list("present", "response"))
    members = len(seats)
    delegates = sum(1 for present, response in seats if present and response == Response.DELEGATED)
    own = sum(1 for present, response in seats if present and response != Response.DELEGATED)
    present = own + (delegates if kind.delegates_count else 0)
    return Quorum(
        members=members,
        needed=kind.quorum_of(members),
        present=present,
        delegates_present=delegates,
        majority=kind.majority_of(members, present),
        numerator=kind.quorum_numerator,
        denominator=kind.quorum_denominator,
    )


# --- Lists for the pages -----------------------------------------------------------------------


def my_meetings(person: Person) -> tuple[list[Meeting], list[Meeting]]:
    """The meetings the person is seated at or chairs: (upcoming and running, past)."""
    seated = Invitation.objects.filter(Q(person=person) | Q(delegate=person)).values("meeting")
    meetings = (
        Meeting.objects.filter(Q(pk__in=seated) | Q(chair=person) | Q(secretary=person))
        .exclude(state=MeetingState.DRAFT)
        .select_related("kind", "organization")
    )
    now = timezone.now()
    upcoming = sorted(
        (
            m
            for m in meetings
            if m.state != MeetingState.CLOSED and (m.ends_at or m.starts_at) >= now - dt.timedelta(days=1)
        ),
        key=lambda m: m.starts_at,
    )
    past = [m for m in meetings.order_by("-starts_at")[:50] if m not in upcoming]
    return upcoming, past


def kept_committees(person: Person) -> QuerySet[Organization]:
    """The committees whose meetings the person keeps."""
    return Organization.objects.filter(
        organizations_q(person, Action.DRAFT), kind__is_committee=True, closed_on__isnull=True
    ).order_by("depth", "path")


def managed_meetings(person: Person) -> QuerySet[Meeting]:
    kept = kept_committees(person)
    return (
        Meeting.objects.filter(Q(organization__in=kept) | Q(secretary=person))
        .select_related("kind", "organization", "chair")
        .order_by("-starts_at", "-pk")
    )


# --- The live meeting (issue 9, item 4) ----------------------------------------------------------


def runs_live(person: Person, meeting: Meeting) -> bool:
    """The chair and the meeting's secretary move through the items and run the queue."""
    return person.is_authenticated and person.pk in (meeting.chair_id, meeting.secretary_id)


def live_etag_of(
    person_id: int, meeting_id: int, state: str, item_id: int | None, version: int | None
) -> str:
    """The follow fragment's ETag: what it shows changes only with the meeting's state,
    its current item, its live counter (the speakers' queue) and who looks. Signed with
    the site's key, so only a page the person was served can carry it: a poll whose tag
    matches is answered 304 without the visibility queries (`live_unchanged`)."""
    raw = f"{meeting_id}.{state}.{item_id or 0}.{version or 0}.{person_id}"
    return '"' + salted_hmac("meetings.live", raw).hexdigest()[:24] + '"'


def live_etag(person: Person, meeting: Meeting) -> str:
    """The ETag of the fragment for `meeting` (with `live` selected: `live_meeting`)."""
    try:
        version = meeting.live.version
    except ObjectDoesNotExist:
        version = 0
    return live_etag_of(person.pk, meeting.pk, meeting.state, meeting.current_item_id, version)


def live_unchanged(person: Person, meeting_id: int, if_none_match: str) -> str | None:
    """The ETag, if the fragment the person holds (`if_none_match`) is still current:
    one query for the meeting's row and counter. A tag is only ever given with the
    fragment, to someone who could see the meeting; whoever loses sight of it gets
    304 until the next change, then 404."""
    tags = {tag.strip() for tag in if_none_match.split(",") if tag.strip()}
    if not tags or not person.is_authenticated:
        return None
    row = (
        Meeting.objects.filter(pk=meeting_id).values_list("state", "current_item_id", "live__version").first()
    )
    if row is None:
        return None
    etag = live_etag_of(person.pk, meeting_id, *row)
    return etag if etag in tags else None


def live_meeting(person: Person, pk: int) -> Meeting | None:
    """The meeting as the live pages need it (its live counter selected), if the person
    sees it: the rule of `meetings_visible_to`, checked on the one row (the seat, the
    chair, the secretary, the office), which costs a poll a fraction of the filter."""
    if not person.is_authenticated or not person.is_active:
        return None
    meeting = Meeting.objects.select_related("live", "organization").filter(pk=pk).first()
    if meeting is None:
        return None
    seats = list(Invitation.objects.filter(Q(person=person) | Q(delegate=person), meeting=meeting).order_by())
    seats.sort(key=lambda seat: seat.person_id != person.pk)  # as seat_of: their own first
    # Kept for live_screen, which would otherwise ask again.
    meeting.__dict__["_live_seat"] = seats[0] if seats else None
    if (
        seats
        or person.pk in (meeting.chair_id, meeting.secretary_id)
        or may_keep(person, meeting.organization)
    ):
        return meeting
    return None


@dataclass(frozen=True)
class LiveScreen:
    meeting: Meeting
    item: AgendaItem | None  # the current item, if the person may see it
    closed_item: bool  # an item is on the screen that the person may not see
    queue: list[SpeakerRequest]  # waiting and speaking on the current item, in order
    mine: SpeakerRequest | None  # the person's own open request on the current item
    may_speak: bool  # the person sits at the meeting and may ask to speak now
    running: bool  # the person runs the meeting (chair or its secretary)
    items: list[AgendaItem]  # for the one running it: the items they may put on the screen
    documents: list[MeetingDocument] = field(default_factory=list)  # the current item's, if readable now


def _current_item_seen(person: Person, meeting: Meeting, seat: Invitation | None) -> AgendaItem | None:
    """The current item if the person may see it: the rule of `items_visible_to` on the
    one row, with the seat already read (a test holds the two to the same answers)."""
    if meeting.current_item_id is None:
        return None
    found = AgendaItem.objects.filter(
        pk=meeting.current_item_id, meeting=meeting, secrecy__lte=person.clearance
    ).select_related("presenter", "preparing_unit")
    if not sees_every_item(person, meeting):
        if seat is None:
            return None
        found = found.filter(Q(invite_all=True) | Q(invitees=seat.person_id))
    return next(iter(found.order_by()[:1]), None)


def live_screen(person: Person, meeting: Meeting) -> LiveScreen:
    """What the person's live page shows: the current item if they may see it (else only
    that a closed item is being discussed, without its title), the speakers' queue."""
    running = runs_live(person, meeting)
    seat = meeting.__dict__["_live_seat"] if "_live_seat" in meeting.__dict__ else seat_of(person, meeting)
    current_id = meeting.current_item_id
    item = _current_item_seen(person, meeting, seat) if current_id else None
    queue: list[SpeakerRequest] = []
    mine = None
    if item is not None:
        queue = list(
            SpeakerRequest.objects.filter(
                item=item, state__in=(SpeakerState.SPEAKING, SpeakerState.WAITING)
            ).select_related("person", "invitation__person")
        )
        queue.sort(key=lambda r: (r.state != SpeakerState.SPEAKING, r.requested_at, r.pk))
        mine = next((r for r in queue if r.person_id == person.pk), None)
    documents: list[MeetingDocument] = []
    # The rule of `may_read` on the item already seen: never a classified item's files
    # (but on an isolated LAN), and only while the pre-reads are open (the office always).
    if (
        item is not None
        and item_may_carry_files(item)
        and (meeting.prereads_open() or may_manage(person, meeting))
    ):
        documents = list(item.documents.all())
    in_progress = meeting.state == MeetingState.IN_PROGRESS
    return LiveScreen(
        meeting=meeting,
        item=item,
        closed_item=current_id is not None and item is None,
        queue=queue,
        mine=mine,
        may_speak=in_progress and item is not None and seat is not None,
        running=running,
        items=list(items_visible_to(person, meeting).order_by("order", "pk")) if running else [],
        documents=documents,
    )


@dataclass(frozen=True)
class Speaker:
    person: Person  # who spoke
    on_behalf_of: Person | None  # the member whose seat a delegate spoke from
    requested_at: dt.datetime
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class ItemSpeakers:
    item: AgendaItem
    speakers: list[Speaker]


def speakers_of(meeting: Meeting) -> list[ItemSpeakers]:
    """Who spoke on which item and when, for the minutes: per item in the agenda's
    order, those given the floor in the order they spoke. Withdrawn requests and those
    never given the floor are not speeches. Items nobody spoke on are left out."""
    spoken = (
        SpeakerRequest.objects.filter(
            meeting=meeting, state__in=(SpeakerState.SPEAKING, SpeakerState.DONE), floor_at__isnull=False
        )
        .select_related("item", "person", "invitation__person")
        .order_by("item__order", "item_id", "floor_at", "pk")
    )
    result: list[ItemSpeakers] = []
    for request in spoken:
        if not result or result[-1].item.pk != request.item_id:
            result.append(ItemSpeakers(item=request.item, speakers=[]))
        seat_person = request.invitation.person
        assert request.floor_at is not None
        result[-1].speakers.append(
            Speaker(
                person=request.person,
                on_behalf_of=seat_person if seat_person.pk != request.person_id else None,
                requested_at=request.requested_at,
                started_at=request.floor_at,
                ended_at=request.done_at,
            )
        )
    return result


def notes_of(person: Person) -> QuerySet[PrivateNote]:
    """The person's own private notes; every read of notes starts here."""
    if not person.is_authenticated:
        return PrivateNote.objects.none()
    return PrivateNote.objects.filter(author=person)


def note_of(person: Person, item: AgendaItem, document: MeetingDocument | None = None) -> PrivateNote | None:
    return notes_of(person).filter(item=item, document=document).first()


@dataclass(frozen=True)
class LiveNotice:
    """A line another app puts on the live page, above the current item (an open vote
    and the way to the ballot)."""

    text: str
    url: str = ""
    action: str = ""


def live_notices(person: Person, meeting: Meeting) -> list[LiveNotice]:
    """What the other apps declare as `meeting_live_notices(person, meeting)` in their
    selectors (meetings imports none of them: voting builds on meetings)."""
    notices: list[LiveNotice] = []
    for declared_by_app in declared("meeting_live_notices"):
        notices.extend(LiveNotice(*line) for line in declared_by_app(person, meeting))
    return notices


def minutes_behind(meeting: Meeting) -> bool:
    """Were conclusions written after the minutes' text was last changed, while it can
    still change? The minutes print each item's conclusion: drawn up first, they said
    '…' and went to signing so (seen in a user's run)."""
    papers = MeetingPapers.objects.filter(meeting=meeting).select_related("minutes").first()
    if papers is None or papers.minutes is None or not papers.minutes.is_editable:
        return False
    since = papers.minutes.updated_at
    return ItemConclusion.objects.filter(item__meeting=meeting, updated_at__gt=since).exists()
