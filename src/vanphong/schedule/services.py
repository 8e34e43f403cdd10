"""The weekly schedule: the only place that adds, changes and cancels events and
publishes a week. Each service is one transaction with one audit event; the office
of the committee (drafting on it) keeps its schedule."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.core.selectors import committee_leaders
from vanphong.core.tokens import new_token, token_hash
from vanphong.schedule import selectors
from vanphong.schedule.models import (
    CalendarToken,
    Event,
    EventKind,
    EventState,
    ScheduleWeek,
    monday_of,
)


class AuditAction(enum.StrEnum):
    EVENT_CREATED = "schedule.event_created"
    EVENT_UPDATED = "schedule.event_updated"
    EVENT_CANCELLED = "schedule.event_cancelled"
    WEEK_PUBLISHED = "schedule.week_published"
    CALENDAR_LINK_MADE = "schedule.calendar_link_made"
    CALENDAR_LINK_REVOKED = "schedule.calendar_link_revoked"


AUDIT_LABELS = {
    AuditAction.EVENT_CREATED: gettext_lazy("Schedule event added"),
    AuditAction.EVENT_UPDATED: gettext_lazy("Schedule event changed"),
    AuditAction.EVENT_CANCELLED: gettext_lazy("Schedule event cancelled"),
    AuditAction.WEEK_PUBLISHED: gettext_lazy("Weekly schedule published"),
    AuditAction.CALENDAR_LINK_MADE: gettext_lazy("Calendar link made"),
    AuditAction.CALENDAR_LINK_REVOKED: gettext_lazy("Calendar link revoked"),
}
AUDIT_TARGET_PAGES = {"schedule.event": "schedule_event", "schedule.scheduleweek": "schedule_week_by_id"}

EVENT_FIELDS = [
    "day",
    "all_day",
    "starts_at",
    "ends_at",
    "kind",
    "title",
    "place",
    "presiding",
    "attendees_text",
    "preparing_unit",
    "note",
]


def _check_office(actor: Person, committee: Organization) -> None:
    if not can(actor, Action.DRAFT, committee):
        raise PermissionDenied


def _week(committee: Organization, day: dt.date) -> ScheduleWeek:
    """The week of `day`, created on first use, locked until the transaction ends
    (publishing and changes to its events are serialized)."""
    week, _created = ScheduleWeek.objects.get_or_create(organization=committee, monday=monday_of(day))
    return ScheduleWeek.objects.select_for_update().get(pk=week.pk)


def _snapshot(event: Event) -> dict[str, Any]:
    data = audit.snapshot(event, [*EVENT_FIELDS, "state"])
    data["attendees"] = sorted(p.pk for p in event.attendees.all())
    return data


def _clean(committee: Organization, values: dict[str, Any], attendees: list[Person]) -> dict[str, Any]:
    """The event's fields cleaned, or every refusal keyed to its field."""
    errors: dict[str, str] = {}
    values["title"] = " ".join(str(values.get("title") or "").split())
    for name in ("place", "attendees_text", "note"):
        values[name] = " ".join(str(values.get(name) or "").split())
    if not values["title"]:
        errors["title"] = _("Enter the content of the event.")
    if values.get("kind") not in EventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not isinstance(values.get("day"), dt.date):
        errors["day"] = _("Enter the day of the event.")
    if values.get("all_day"):
        values["starts_at"] = values["ends_at"] = None
    elif values.get("starts_at") is None:
        errors["starts_at"] = _("Enter the start time, or mark the event as lasting all day.")
    elif values.get("ends_at") is not None and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = _("The event cannot end before it starts.")
    unit = values.get("preparing_unit")
    if unit is not None and not unit.path.startswith(committee.path):
        errors["preparing_unit"] = _("The preparing unit must be a unit of %(name)s.") % {
            "name": committee.name
        }
    presiding = values.get("presiding")
    if presiding is not None and not committee_leaders(committee).filter(pk=presiding.pk).exists():
        errors["presiding"] = _("%(name)s is not a leader of %(committee)s.") % {
            "name": presiding.full_name,
            "committee": committee.name,
        }
    allowed = set(
        selectors.attendable_people(committee)
        .filter(pk__in=[p.pk for p in attendees])
        .values_list("pk", flat=True)
    )
    strangers = [p.full_name for p in attendees if p.pk not in allowed]
    if strangers:
        errors["attendees"] = _("Not a leader of %(committee)s: %(names)s.") % {
            "committee": committee.name,
            "names": ", ".join(strangers),
        }
    if errors:
        raise ValidationError(errors)
    return values


def _check_clashes(actor: Person, event: Event, attendees: list[Person], confirmed: bool) -> list[int]:
    """The leaders booked at the same time elsewhere; refused unless confirmed. The
    other event is named only to those who may see it (else by its committee)."""
    found = selectors.clashes(
        day=event.day,
        span=event.occupies(),
        people=[p for p in [event.presiding, *attendees] if p is not None],
        exclude=event.pk,
    )
    if found and not confirmed:
        raise ValidationError(
            {
                "confirm_double_booking": [
                    _("%(name)s is already booked at that time: %(event)s.")
                    % {"name": clash.person.full_name, "event": describe(clash.other, actor)}
                    for clash in found
                ]
            },
            code="double_booking",
        )
    return sorted({clash.person.pk for clash in found})


def describe(event: Event, viewer: Person) -> str:
    """An event named in a message: its time and day, its content if `viewer` may
    see it, its committee."""
    when = f"{event.day:%d/%m/%Y}"
    if event.time_text():
        when = f"{event.time_text()} {when}"
    if not selectors.may_see(viewer, event):
        return f"{when} ({event.organization.name})"
    return f"{when}, {event.title[:120]} ({event.organization.name})"


@transaction.atomic
def event_create(
    *,
    actor: Person,
    organization: Organization,
    day: dt.date,
    title: str,
    kind: str = EventKind.OTHER,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    all_day: bool = False,
    place: str = "",
    presiding: Person | None = None,
    attendees: Iterable[Person] = (),
    attendees_text: str = "",
    preparing_unit: Organization | None = None,
    note: str = "",
    confirm_double_booking: bool = False,
) -> Event:
    """Add an event to the committee's week. A leader already booked at that time is
    refused unless `confirm_double_booking`; an event added to a published week is
    marked as a change."""
    _check_office(actor, organization)
    if not organization.kind.is_committee:
        raise ValidationError(_("Only a Party committee has a weekly schedule."))
    people = list(attendees)
    values = _clean(
        organization,
        {
            "day": day,
            "title": title,
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "all_day": all_day,
            "place": place,
            "presiding": presiding,
            "attendees_text": attendees_text,
            "preparing_unit": preparing_unit,
            "note": note,
        },
        people,
    )
    week = _week(organization, day)
    event = Event(organization=organization, week=week, created_by=actor, **values)
    double_booked = _check_clashes(actor, event, people, confirm_double_booking)
    if week.is_published:
        event.changed_at = timezone.now()
    event.save()
    event.attendees.set(people)
    audit.record(
        actor=actor,
        action=AuditAction.EVENT_CREATED,
        target=event,
        after={**_snapshot(event), "after_publishing": week.is_published, "double_booked": double_booked},
    )
    return event


def _locked(event: Event) -> Event:
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("organization__kind", "week")
        .get(pk=event.pk)
    )


@transaction.atomic
def event_update(
    *,
    actor: Person,
    event: Event,
    attendees: Iterable[Person] | None = None,
    confirm_double_booking: bool = False,
    **changes: Any,
) -> Event:
    """Change an event (not a cancelled one). After its week (or the week it moves
    to) was published, the change is marked on the page."""
    event = _locked(event)
    committee = event.organization
    _check_office(actor, committee)
    if event.state == EventState.CANCELLED:
        raise ValidationError(_("This event was cancelled: it cannot change."))
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"event_update() got unexpected fields: {sorted(unknown)}")
    before = _snapshot(event)
    people = list(attendees) if attendees is not None else list(event.attendees.all())
    current = {name: getattr(event, name) for name in EVENT_FIELDS}
    values = _clean(committee, {**current, **changes}, people)
    old_week = ScheduleWeek.objects.select_for_update().get(pk=event.week_id)
    for name, value in values.items():
        setattr(event, name, value)
    event.week = _week(committee, event.day)
    changed = {name: getattr(event, name) for name in EVENT_FIELDS} != current or sorted(
        p.pk for p in people
    ) != before["attendees"]
    if not changed:
        return event
    double_booked = _check_clashes(actor, event, people, confirm_double_booking)
    published = old_week.is_published or event.week.is_published
    if published:
        event.changed_at = timezone.now()
    event.revision += 1
    event.save()
    event.attendees.set(people)
    audit.record(
        actor=actor,
        action=AuditAction.EVENT_UPDATED,
        target=event,
        before=before,
        after={**_snapshot(event), "after_publishing": published, "double_booked": double_booked},
    )
    return event


@transaction.atomic
def event_cancel(*, actor: Person, event: Event, reason: str = "") -> Event:
    """Cancel an event. It stays: on a published week it shows struck through with
    the reason; a draft week's cancelled event is seen by the office only."""
    event = _locked(event)
    _check_office(actor, event.organization)
    if event.state == EventState.CANCELLED:
        raise ValidationError(_("This event is already cancelled."))
    week = ScheduleWeek.objects.select_for_update().get(pk=event.week_id)
    event.state = EventState.CANCELLED
    event.cancel_note = " ".join(reason.split())[:300]
    if week.is_published:
        event.changed_at = timezone.now()
    event.revision += 1
    event.save(update_fields=["state", "cancel_note", "changed_at", "revision"])
    audit.record(
        actor=actor,
        action=AuditAction.EVENT_CANCELLED,
        target=event,
        before={"state": EventState.PLANNED},
        after={"state": event.state, "reason": event.cancel_note, "after_publishing": week.is_published},
    )
    return event


@transaction.atomic
def week_publish(*, actor: Person, organization: Organization, day: dt.date) -> ScheduleWeek:
    """Publish the week containing `day`: everyone in the committee then sees it.
    Publishing again announces the week as adjusted, once something changed."""
    _check_office(actor, organization)
    week = _week(organization, day)
    events = Event.objects.filter(week=week)
    if not events.filter(state=EventState.PLANNED).exists():
        raise ValidationError(_("There is no event in this week to publish."))
    if week.published_at is not None and not events.filter(changed_at__gt=week.published_at).exists():
        raise ValidationError(_("This week is already published and nothing has changed since."))
    week.published_at = timezone.now()
    week.published_by = actor
    week.publications += 1
    week.save(update_fields=["published_at", "published_by", "publications"])
    audit.record(
        actor=actor,
        action=AuditAction.WEEK_PUBLISHED,
        target=week,
        after={
            "monday": week.monday,
            "publication": week.publications,
            "events": events.filter(state=EventState.PLANNED).count(),
        },
        organization=organization,
    )
    return week


# --- The calendar link ---------------------------------------------------------------------------

CALENDAR_TOKEN_PREFIX = "lich_"
CALENDAR_PREFIX_LENGTH = len(CALENDAR_TOKEN_PREFIX) + 6


def _locked_person(actor: Person, person: Person) -> Person:
    """`person`, locked until the transaction ends: two renewals at once would each
    revoke the same old link and both make a new one (one live link a person)."""
    if actor.pk != person.pk or not person.is_active:
        raise PermissionDenied
    return Person.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def calendar_link_make(*, actor: Person, person: Person) -> tuple[CalendarToken, str]:
    """A new secret calendar link for `person` (only they make their own), revoking
    the one they had: the saved row and the token itself, shown once and kept
    nowhere (only its hash is stored: `core.tokens`)."""
    person = _locked_person(actor, person)
    now = timezone.now()
    old = list(CalendarToken.objects.live().filter(person=person))
    CalendarToken.objects.filter(pk__in=[token.pk for token in old]).update(revoked_at=now)
    plaintext = new_token(CALENDAR_TOKEN_PREFIX)
    token = CalendarToken.objects.create(
        person=person, prefix=plaintext[:CALENDAR_PREFIX_LENGTH], digest=token_hash(plaintext), created_at=now
    )
    audit.record(
        actor=actor,
        action=AuditAction.CALENDAR_LINK_MADE,
        target=token,
        before={"revoked": [t.prefix for t in old]},
        after={"person": person.pk, "prefix": token.prefix},
    )
    return token, plaintext


@transaction.atomic
def calendar_link_revoke(*, actor: Person, person: Person) -> CalendarToken:
    """Stop `person`'s calendar link (only they stop their own); calendar programs
    that read it get nothing more."""
    person = _locked_person(actor, person)
    token = CalendarToken.objects.live().filter(person=person).first()
    if token is None:
        raise ValidationError(_("You have no calendar link to revoke."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CALENDAR_LINK_REVOKED,
        target=token,
        before={"revoked_at": None},
        after={"prefix": token.prefix, "revoked_at": token.revoked_at.isoformat()},
    )
    return token
