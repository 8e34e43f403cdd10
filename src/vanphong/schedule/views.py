from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core.models import Organization
from vanphong.core.permissions import visible_to
from vanphong.core.selectors import committee_leaders
from vanphong.core.web import attach_errors, is_htmx, person_of
from vanphong.schedule import exports, selectors, services
from vanphong.schedule.forms import CancelForm, EventForm
from vanphong.schedule.models import Event, ScheduleWeek, monday_of


def _committee(request: HttpRequest, pk: int) -> Organization:
    """A committee whose schedule the person may see (404 otherwise)."""
    committees = Organization.objects.filter(kind__is_committee=True).select_related("kind")
    return get_object_or_404(visible_to(person_of(request), committees), pk=pk)


def _event(request: HttpRequest, pk: int) -> Event:
    """An event the person may see: the office's any, the others' once its week is
    published (404 otherwise)."""
    person = person_of(request)
    event = get_object_or_404(
        visible_to(person, Event.objects.select_related("organization__kind", "week")), pk=pk
    )
    if not event.week.is_published and not selectors.may_keep(person, event.organization):
        raise Http404
    return event


def _day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise Http404 from None


def _week_url(committee: Organization, day: dt.date) -> str:
    return reverse("schedule_week", args=[committee.pk, monday_of(day).isoformat()])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    committee = selectors.home_committee(person_of(request))
    if committee is None:
        raise Http404
    return redirect(_week_url(committee, timezone.localdate()))


@login_required
def week(request: HttpRequest, organization: int, day: str | None = None) -> HttpResponse:
    """The week of a committee: days as rows, sessions inside, with the office's
    controls; navigated week by week (htmx swaps the week only)."""
    committee = _committee(request, organization)
    date = _day(day)
    if day is None or date != monday_of(date):
        return redirect(_week_url(committee, date))
    page = selectors.week_page(person_of(request), committee, date)
    if is_htmx(request):
        return render(request, "schedule/_week.html", {"page": page, "committee": committee})
    calendar_token = selectors.calendar_token_of(person_of(request))
    return render(
        request,
        "schedule/week.html",
        {"page": page, "committee": committee, "calendar_token": calendar_token},
    )


@login_required
def week_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    week = get_object_or_404(visible_to(person_of(request), ScheduleWeek.objects.all()), pk=pk)
    return redirect(_week_url(week.organization, week.monday))


@login_required
def week_pdf(request: HttpRequest, organization: int, day: str) -> HttpResponse:
    committee = _committee(request, organization)
    page = selectors.week_page(person_of(request), committee, _day(day))
    if not page.visible:
        raise Http404
    response = HttpResponse(exports.week_pdf(page), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(page, "pdf")}"'
    return response


@login_required
@require_POST
def week_publish(request: HttpRequest, organization: int, day: str) -> HttpResponse:
    committee = _committee(request, organization)
    if not selectors.may_keep(person_of(request), committee):
        raise PermissionDenied
    date = _day(day)
    try:
        services.week_publish(actor=person_of(request), organization=committee, day=date)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The week is published."))
    return redirect(_week_url(committee, date))


def _calendar(committee: Organization) -> HttpResponse:
    """The committee's published events, from eight weeks back to half a year ahead,
    as an iCalendar file."""
    today = timezone.localdate()
    events = selectors.published_events(
        committee, today - dt.timedelta(weeks=8), today + dt.timedelta(weeks=26)
    )
    response = HttpResponse(
        exports.calendar(committee, list(events)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="lich-cong-tac-{committee.pk}.ics"'
    return response


@login_required
def calendar_feed(request: HttpRequest, organization: int) -> HttpResponse:
    """The committee's published events as an iCalendar file (session sign-in)."""
    return _calendar(_committee(request, organization))


def calendar_feed_by_link(request: HttpRequest, organization: int, token: str) -> HttpResponse:
    """The same file for a calendar program, which cannot sign in: the secret link's
    token stands for its person, and the committee must be one they may see today
    (404 for an unknown or revoked link, or a committee out of their reach)."""
    person = selectors.person_of_calendar_token(token)
    if person is None:
        raise Http404
    committees = Organization.objects.filter(kind__is_committee=True).select_related("kind")
    return _calendar(get_object_or_404(visible_to(person, committees), pk=organization))


def _link_page(request: HttpRequest, committee: Organization, plaintext: str = "") -> HttpResponse:
    person = person_of(request)
    link = ""
    if plaintext:
        path = reverse("schedule_calendar_link_feed", args=[committee.pk, plaintext])
        link = request.build_absolute_uri(path)
    return render(
        request,
        "schedule/calendar_link.html",
        {"committee": committee, "token": selectors.calendar_token_of(person), "link": link},
    )


@login_required
def calendar_link(request: HttpRequest, organization: int) -> HttpResponse:
    """The person's secret calendar link for this committee's schedule: whether they
    have one; making a new one (which stops the old) shows its address, once."""
    committee = _committee(request, organization)
    if request.method != "POST":
        return _link_page(request, committee)
    person = person_of(request)
    if request.POST.get("action") == "revoke":
        try:
            services.calendar_link_revoke(actor=person, person=person)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The calendar link is revoked: calendar programs no longer read it."))
        return redirect(reverse("schedule_calendar_link", args=[committee.pk]))
    _token, plaintext = services.calendar_link_make(actor=person, person=person)
    # Shown in this answer only (not through a redirect and the session): the
    # token is kept nowhere.
    return _link_page(request, committee, plaintext)


def _form(request: HttpRequest, committee: Organization, **kwargs: Any) -> EventForm:
    return EventForm(
        request.POST or None,
        leaders=committee_leaders(committee),
        attendable=selectors.attendable_people(committee),
        units=selectors.units_of(committee),
        **kwargs,
    )


def _save(
    request: HttpRequest, committee: Organization, form: EventForm, event: Event | None
) -> HttpResponse:
    """Run the service for a valid POST; otherwise show the form again, with the
    leaders booked twice listed above the confirmation when that is the refusal."""
    person = person_of(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attendees = list(data.pop("attendees"))
        try:
            if event is None:
                saved = services.event_create(
                    actor=person, organization=committee, attendees=attendees, **data
                )
            else:
                confirm = data.pop("confirm_double_booking")
                saved = services.event_update(
                    actor=person, event=event, attendees=attendees, confirm_double_booking=confirm, **data
                )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Event saved.") if event else _("Event added."))
            return redirect(_week_url(committee, saved.day) + f"#event-{saved.pk}")
    double_booked = bool(form.errors.get("confirm_double_booking"))
    return render(
        request,
        "schedule/event_form.html",
        {"form": form, "committee": committee, "event": event, "double_booked": double_booked},
    )


@login_required
def event_create(request: HttpRequest, organization: int) -> HttpResponse:
    committee = _committee(request, organization)
    if not selectors.may_keep(person_of(request), committee):
        raise PermissionDenied
    initial = {"day": _day(request.GET.get("day"))}
    return _save(request, committee, _form(request, committee, initial=initial), None)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not selectors.may_keep(person_of(request), event.organization):
        raise PermissionDenied
    if event.is_cancelled:
        messages.error(request, _("This event was cancelled: it cannot change."))
        return redirect(_week_url(event.organization, event.day))
    initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    initial["attendees"] = list(event.attendees.all())
    return _save(request, event.organization, _form(request, event.organization, initial=initial), event)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return redirect(_week_url(event.organization, event.day) + f"#event-{event.pk}")


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not selectors.may_keep(person_of(request), event.organization):
        raise PermissionDenied
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.event_cancel(actor=person_of(request), event=event, reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Event cancelled."))
    return redirect(_week_url(event.organization, event.day) + f"#event-{event.pk}")
