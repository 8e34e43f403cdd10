"""The weekly schedule through the API: a committee's week with its events and the
leaders booked twice; adding, changing and cancelling an event, publishing the week.

As the pages (`schedule/views.py`): a committee whose schedule one may not see, or an
event of a week not yet published to someone who does not keep it, is a 404; the
office of the committee (drafting on it) keeps the schedule, anyone else gets a 403
for a change; the services' refusals (an event ending before it starts, a leader
booked twice without `confirm_double_booking`) are 422s."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, one, person_ref, ref, some
from vanphong.api.routers.schedule_schemas import (
    FIRST_DAY,
    LAST_DAY,
    CancelIn,
    EventIn,
    EventOut,
    EventPatch,
    PublishIn,
    WeekOut,
    WeekQuery,
    parse_time,
)
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import visible_to
from vanphong.core.selectors import committee_leaders
from vanphong.core.web import person_of
from vanphong.schedule import selectors, services
from vanphong.schedule.models import Event, EventState, monday_of
from vanphong.schedule.selectors import Clash, WeekPage

router = Router(tags=["schedule"])


# --- Output ---------------------------------------------------------------------------------------


def _time(value: dt.time | None) -> str | None:
    return None if value is None else f"{value:%H:%M}"


def _clash(clash: Clash) -> dict[str, Any]:
    other = clash.other
    return {
        "person": person_ref(clash.person),
        "event_id": other.pk,
        "organization": ref(other.organization),
        "day": other.day,
        "all_day": other.all_day,
        "starts_at": _time(other.starts_at),
        "ends_at": _time(other.ends_at),
        "title": other.title,
    }


def _event(event: Event, clashes: list[Clash], committee: Organization | None = None) -> dict[str, Any]:
    """The event; `committee`, when given, is its committee already in hand (a week's)."""
    return {
        "id": event.pk,
        "organization": ref(committee or event.organization),
        "monday": monday_of(event.day),
        "day": event.day,
        "all_day": event.all_day,
        "starts_at": _time(event.starts_at),
        "ends_at": _time(event.ends_at),
        "kind": event.kind,
        "title": event.title,
        "place": event.place,
        "presiding": person_ref(event.presiding),
        "attendees": [person_ref(person) for person in event.attendees.all()],
        "attendees_text": event.attendees_text,
        "preparing_unit": ref(event.preparing_unit),
        "note": event.note,
        "state": event.state,
        "cancel_note": event.cancel_note,
        "changed": event.is_changed,
        "changed_at": event.changed_at,
        "revision": event.revision,
        "double_bookings": [_clash(clash) for clash in clashes],
    }


def _week(page: WeekPage) -> dict[str, Any]:
    week = page.week
    iso = page.monday.isocalendar()
    return {
        "organization": ref(page.committee),
        "monday": page.monday,
        "sunday": page.sunday,
        "iso_year": iso.year,
        "iso_week": iso.week,
        "keeping": page.keeping,
        "published": page.published,
        "published_at": None if week is None else week.published_at,
        "publications": 0 if week is None else week.publications,
        "visible": page.visible,
        "double_bookings": page.double_bookings,
        "changes": page.changes,
        "events": [_event(event, page.clashes.get(event.pk, []), page.committee) for event in page.events],
    }


def _fresh(person: Person, event: Event) -> dict[str, Any]:
    """The event read again, with its leaders' other bookings that `person` may see."""
    event = _events().get(pk=event.pk)
    return _event(event, selectors.week_clashes([event], person).get(event.pk, []))


# --- Fetching -------------------------------------------------------------------------------------


def _events() -> QuerySet[Event]:
    return Event.objects.select_related("organization__kind", "week", "presiding", "preparing_unit")


def _committee(request: HttpRequest, organization_id: int) -> Organization:
    """A committee whose schedule the caller may see (404 otherwise), as the pages'."""
    committees = Organization.objects.filter(kind__is_committee=True).select_related("kind")
    committee: Organization = get_object_or_404(
        visible_to(person_of(request), committees), pk=organization_id
    )
    return committee


def _visible_event(request: HttpRequest, event_id: int) -> Event:
    """An event the caller may see: the office's any; the others' once its week is
    published, and then as the week shows it (not one cancelled before publishing)."""
    person = person_of(request)
    event: Event = get_object_or_404(_events(), pk=event_id)
    if not selectors.may_see(person, event):
        raise Http404
    if not selectors.may_keep(person, event.organization) and (
        event.state == EventState.CANCELLED and event.changed_at is None
    ):
        raise Http404
    return event


def _require_keeping(request: HttpRequest, committee: Organization) -> None:
    if not selectors.may_keep(person_of(request), committee):
        raise PermissionDenied


def _monday(day: dt.date | None, week: str | None) -> dt.date:
    """The Monday of the week asked for: of the ISO week `week`, of `day`, or this
    week; a 404 for a week the calendar does not have (2025-W53) or outside the days
    a schedule is kept for."""
    if week is not None:
        try:
            monday = dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
        except ValueError:
            raise Http404 from None
    else:
        monday = monday_of(day or timezone.localdate())
    if not FIRST_DAY <= monday <= LAST_DAY:
        raise Http404
    return monday


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/{organization_id}/week/", response={200: WeekOut, **REFUSALS}, url_name="schedule_week")
def week(request: HttpRequest, organization_id: int, when: Query[WeekQuery]) -> dict[str, Any]:
    """A committee's week as its page shows it: to the office every event, to the
    others the published week (events empty before), each event with the leaders
    booked twice."""
    committee = _committee(request, organization_id)
    monday = _monday(when.day, when.week)
    return _week(selectors.week_page(person_of(request), committee, monday))


@router.post(
    "/{organization_id}/week/publish/",
    response={200: WeekOut, **ACTION_REFUSALS},
    url_name="schedule_publish",
)
def week_publish(request: HttpRequest, organization_id: int, payload: PublishIn) -> dict[str, Any]:
    """Publish the week (again, once something changed: the week is then adjusted)."""
    committee = _committee(request, organization_id)
    _require_keeping(request, committee)
    monday = _monday(payload.day, payload.week)
    person = person_of(request)
    services.week_publish(actor=person, organization=committee, day=monday)
    return _week(selectors.week_page(person, committee, monday))


@router.post(
    "/{organization_id}/events/",
    response={201: EventOut, **ACTION_REFUSALS},
    url_name="schedule_event_create",
)
def event_create(request: HttpRequest, organization_id: int, payload: EventIn) -> Status[dict[str, Any]]:
    """Add an event to the committee's week (its office). A leader booked elsewhere at
    that time is refused (422 on `confirm_double_booking`) until confirmed."""
    committee = _committee(request, organization_id)
    _require_keeping(request, committee)
    person = person_of(request)
    event = services.event_create(
        actor=person,
        organization=committee,
        day=payload.day,
        title=payload.title,
        kind=payload.kind,
        starts_at=parse_time(payload.starts_at),
        ends_at=parse_time(payload.ends_at),
        all_day=payload.all_day,
        place=payload.place,
        presiding=one(committee_leaders(committee), payload.presiding, "presiding"),
        attendees=some(selectors.attendable_people(committee), payload.attendees, "attendees"),
        attendees_text=payload.attendees_text,
        preparing_unit=one(selectors.units_of(committee), payload.preparing_unit, "preparing_unit"),
        note=payload.note,
        confirm_double_booking=payload.confirm_double_booking,
    )
    return Status(201, _fresh(person, event))


@router.get("/events/{event_id}/", response={200: EventOut, **REFUSALS}, url_name="schedule_event")
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return _fresh(person_of(request), _visible_event(request, event_id))


@router.patch(
    "/events/{event_id}/", response={200: EventOut, **ACTION_REFUSALS}, url_name="schedule_event_edit"
)
def event_update(request: HttpRequest, event_id: int, payload: EventPatch) -> dict[str, Any]:
    """Change the fields given (not of a cancelled event). A change after the week was
    published is marked on the page."""
    event = _visible_event(request, event_id)
    committee = event.organization
    _require_keeping(request, committee)
    changes = payload.model_dump(exclude_unset=True)
    confirm = changes.pop("confirm_double_booking", False)
    attendees = changes.pop("attendees", None)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = parse_time(changes[name])
    if "presiding" in changes:
        changes["presiding"] = one(committee_leaders(committee), changes["presiding"], "presiding")
    if "preparing_unit" in changes:
        changes["preparing_unit"] = one(
            selectors.units_of(committee), changes["preparing_unit"], "preparing_unit"
        )
    person = person_of(request)
    event = services.event_update(
        actor=person,
        event=event,
        attendees=None
        if attendees is None
        else some(selectors.attendable_people(committee), attendees, "attendees"),
        confirm_double_booking=confirm,
        **changes,
    )
    return _fresh(person, event)


@router.post(
    "/events/{event_id}/cancel/",
    response={200: EventOut, **ACTION_REFUSALS},
    url_name="schedule_event_cancel",
)
def event_cancel(request: HttpRequest, event_id: int, payload: CancelIn) -> dict[str, Any]:
    """Cancel an event: it stays, struck through on a published week, with the reason."""
    event = _visible_event(request, event_id)
    _require_keeping(request, event.organization)
    person = person_of(request)
    event = services.event_cancel(actor=person, event=event, reason=payload.reason)
    return _fresh(person, event)
