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
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person
from vanphong.core.permissions import Action, can, may_anywhere, organizations_q
from vanphong.meetings.models import (
    BODY_ROLES,
    AgendaItem,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingState,
    Response,
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
    return meeting.downloads_allowed or may_manage(person, meeting)


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
