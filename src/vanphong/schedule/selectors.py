"""Reads for the weekly schedule: the committees whose schedule one sees, the week
as its page shows it (days, sessions, changes, leaders booked twice), and the clashes
of a leader's bookings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import Action, can, grants_of, may_anywhere
from vanphong.core.selectors import LEADER_ROLES
from vanphong.core.tokens import token_hash
from vanphong.schedule.models import CalendarToken, Event, EventState, ScheduleWeek, monday_of

# Who else a schedule names among those attending: the chiefs of the committee's office.
OFFICE_LEADER_ROLES = (Role.OFFICE_CHIEF, Role.OFFICE_DEPUTY_CHIEF)

DAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.VIEW) and home_committee(person) is not None:
        return [(pgettext("menu", "Weekly schedule"), reverse("schedule_home"), "schedule")]
    return []


def home_committee(person: Person) -> Organization | None:
    """The committee whose schedule a person opens first: the one their office keeps
    (office staff), else the highest committee their roles act for."""
    committees = [grant.scope for grant in grants_of(person) if grant.scope.kind.is_committee]
    if not committees:
        return None
    keeping = [c for c in committees if can(person, Action.DRAFT, c)]
    return min(keeping or committees, key=lambda c: (c.depth, c.path))


def attendable_people(committee: Organization) -> QuerySet[Person]:
    """Who may be named among those attending: the leaders, and the chiefs of the
    committee's office."""
    holding = Membership.objects.current().filter(
        Q(organization=committee, role__in=LEADER_ROLES)
        | Q(
            organization__path__startswith=committee.path,
            organization__depth=committee.depth + 1,
            organization__kind__is_office=True,
            role__in=OFFICE_LEADER_ROLES,
        )
    )
    return Person.objects.filter(pk__in=holding.values("person")).order_by("sort_key", "pk")


def units_of(committee: Organization) -> QuerySet[Organization]:
    """The units that may prepare an event: the open units of the committee's tree."""
    return Organization.objects.filter(path__startswith=committee.path, closed_on__isnull=True).order_by(
        "path"
    )


def _overlap(a: tuple[dt.time, dt.time], b: tuple[dt.time, dt.time]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class Clash:
    """`person` is also booked, at an overlapping time, in `other`."""

    person: Person
    other: Event


def clashes(
    *,
    day: dt.date,
    span: tuple[dt.time, dt.time],
    people: Iterable[Person],
    exclude: int | None = None,
) -> list[Clash]:
    """The planned events of any committee on `day`, overlapping `span`, in which one
    of `people` presides or attends."""
    wanted = {person.pk: person for person in people if person is not None}
    if not wanted:
        return []
    others = (
        Event.objects.filter(day=day, state=EventState.PLANNED)
        .filter(Q(presiding__in=list(wanted)) | Q(attendees__in=list(wanted)))
        .distinct()
        .select_related("organization__kind", "week")
        .prefetch_related("attendees")
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    found: list[Clash] = []
    for other in others.order_by("starts_at", "pk"):
        if not _overlap(span, other.occupies()):
            continue
        booked = _booked(other)
        found.extend(Clash(wanted[pk], other) for pk in sorted(booked & set(wanted)))
    return found


def may_see(person: Person, event: Event) -> bool:
    """May `person` see `event` itself: its committee in their reach, and its week
    published or theirs to keep."""
    return can(person, Action.VIEW, event.organization) and (
        event.week.is_published or can(person, Action.DRAFT, event.organization)
    )


def week_clashes(events: Sequence[Event], viewer: Person | None = None) -> dict[int, list[Clash]]:
    """For each planned event of `events`, the other bookings (of any committee) of
    its leaders at an overlapping time; with `viewer`, only those they may see."""
    planned = [e for e in events if e.state == EventState.PLANNED]
    if not planned:
        return {}
    days = {e.day for e in planned}
    people_ids = {pk for e in planned for pk in _booked(e)}
    if not people_ids:
        return {}
    candidates = list(
        Event.objects.filter(day__in=days, state=EventState.PLANNED)
        .filter(Q(presiding__in=people_ids) | Q(attendees__in=people_ids))
        .distinct()
        .select_related("organization__kind", "presiding", "week")
        .prefetch_related("attendees")
    )
    if viewer is not None:
        seen = {e.pk for e in events}
        # Whether the viewer may see an event depends on its committee and whether its
        # week is published: asked once per pair, not once per event (a query each).
        answers: dict[tuple[int, bool], bool] = {}

        def visible(event: Event) -> bool:
            key = (event.organization_id, event.week.is_published)
            if key not in answers:
                answers[key] = may_see(viewer, event)
            return answers[key]

        candidates = [e for e in candidates if e.pk in seen or visible(e)]
    people = {p.pk: p for e in candidates for p in [*e.attendees.all(), e.presiding] if p is not None}
    # Each candidate's day, span and leaders worked out once: a busy week compares
    # dozens of events with dozens of bookings.
    by_day: dict[dt.date, list[tuple[Event, tuple[dt.time, dt.time], set[int]]]] = defaultdict(list)
    for other in candidates:
        by_day[other.day].append((other, other.occupies(), _booked(other)))
    found: dict[int, list[Clash]] = defaultdict(list)
    for event in planned:
        mine, span = _booked(event), event.occupies()
        for other, other_span, theirs in by_day[event.day]:
            if other.pk != event.pk and _overlap(span, other_span):
                for pk in sorted(mine & theirs):
                    found[event.pk].append(Clash(people[pk], other))
    return dict(found)


def _booked(event: Event) -> set[int]:
    return {pk for pk in (event.presiding_id, *(p.pk for p in event.attendees.all())) if pk is not None}


def may_keep(person: Person, committee: Organization) -> bool:
    """Does `person` keep the schedule of `committee` (its office: drafting)?"""
    return can(person, Action.DRAFT, committee)


def week_of(committee: Organization, monday: dt.date) -> ScheduleWeek | None:
    return ScheduleWeek.objects.filter(organization=committee, monday=monday).first()


def week_events(committee: Organization, monday: dt.date, *, keeping: bool) -> list[Event]:
    """The events of the week as one sees them: the office every event; everyone
    else (the week published) the planned ones and those cancelled after publishing,
    struck through."""
    events = Event.objects.filter(
        organization=committee, day__gte=monday, day__lt=monday + dt.timedelta(days=7)
    )
    if not keeping:
        events = events.filter(Q(state=EventState.PLANNED) | Q(changed_at__isnull=False))
    return list(
        events.select_related("presiding", "preparing_unit").prefetch_related(
            Prefetch("attendees", queryset=Person.objects.order_by("sort_key", "pk"))
        )
    )


SESSIONS = [("morning", _("Morning")), ("afternoon", _("Afternoon")), ("evening", _("Evening"))]


def session_of(event: Event) -> str:
    if event.all_day or event.starts_at is None:
        return "all_day"
    if event.starts_at < dt.time(12, 0):
        return "morning"
    return "afternoon" if event.starts_at < dt.time(18, 0) else "evening"


@dataclass(frozen=True)
class Entry:
    """An event on the page, with its leaders' other bookings at the same time."""

    event: Event
    clashes: list[Clash]


@dataclass
class Session:
    key: str
    label: str
    entries: list[Entry]

    @property
    def events(self) -> list[Event]:
        return [entry.event for entry in self.entries]


@dataclass
class Day:
    date: dt.date
    name: str
    sessions: list[Session] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.entries) for s in self.sessions)


@dataclass
class WeekPage:
    committee: Organization
    monday: dt.date
    week: ScheduleWeek | None
    keeping: bool
    days: list[Day]
    events: list[Event]
    clashes: dict[int, list[Clash]]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week

    @property
    def published(self) -> bool:
        return self.week is not None and self.week.is_published

    @property
    def visible(self) -> bool:
        """Whether the events show: to the office always, to the others once published."""
        return self.keeping or self.published

    @property
    def double_bookings(self) -> int:
        return len(self.clashes)

    @property
    def changes(self) -> int:
        return sum(1 for e in self.events if e.changed_at is not None)

    @property
    def changed_since_publishing(self) -> bool:
        """Whether events changed after the last publication (the office may publish
        the adjusted week again)."""
        if self.week is None or self.week.published_at is None:
            return False
        published = self.week.published_at
        return any(e.changed_at is not None and e.changed_at > published for e in self.events)


def week_page(person: Person, committee: Organization, day: dt.date) -> WeekPage:
    """The week containing `day` of `committee`'s schedule, as `person` sees it
    (the caller has checked that they may see the committee)."""
    monday = monday_of(day)
    keeping = may_keep(person, committee)
    week = week_of(committee, monday)
    published = week is not None and week.is_published
    events = week_events(committee, monday, keeping=keeping) if keeping or published else []
    found = week_clashes(events, person)
    by_day: dict[dt.date, list[Event]] = defaultdict(list)
    for event in events:
        by_day[event.day].append(event)
    days = []
    for offset in range(7):
        date = monday + dt.timedelta(days=offset)
        sessions = []
        for key, label in [("all_day", _("All day")), *SESSIONS]:
            chosen = [Entry(e, found.get(e.pk, [])) for e in by_day[date] if session_of(e) == key]
            if chosen:
                sessions.append(Session(key, str(label), chosen))
        days.append(Day(date, str(DAY_NAMES[offset]), sessions))
    return WeekPage(committee, monday, week, keeping, days, events, found)


def published_events(committee: Organization, since: dt.date, until: dt.date) -> QuerySet[Event]:
    """The events of the committee's published weeks between two days (cancelled
    ones included, so that calendar programs remove them)."""
    return (
        Event.objects.filter(
            organization=committee, day__gte=since, day__lte=until, week__published_at__isnull=False
        )
        .filter(Q(state=EventState.PLANNED) | Q(changed_at__isnull=False))
        .select_related("presiding", "preparing_unit")
        .prefetch_related("attendees")
        .order_by("day", "starts_at", "pk")
    )


def calendar_token_of(person: Person) -> CalendarToken | None:
    """The person's live calendar link, if they made one."""
    return CalendarToken.objects.live().filter(person=person).first()


def person_of_calendar_token(plaintext: str) -> Person | None:
    """Whose calendar link `plaintext` is: a live token of an active person, else
    None (the feed then answers as if the address did not exist)."""
    token = (
        CalendarToken.objects.live()
        .filter(digest=token_hash(plaintext), person__is_active=True)
        .select_related("person")
        .first()
    )
    return token.person if token is not None else None
