"""The weekly work schedule (lịch công tác tuần) of a committee's Thường trực and
Ban Thường vụ (DOMAIN.md §5): the events of each week, kept by the office, published
as one week for everyone in the committee; what changes after publishing stays
marked as a change, and a cancelled event stays on the page struck through."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class ScheduleWeek(models.Model):
    """One week of one committee's schedule, from its Monday: drafted by the office
    until it is published, then open to everyone in the committee."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    monday = models.DateField(_("week of"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # How many times it was published: the second is the schedule adjusted.
    publications = models.PositiveSmallIntegerField(_("publications"), default=0)

    class Meta:
        ordering = ["organization", "-monday"]
        verbose_name = _("schedule week")
        verbose_name_plural = _("schedule weeks")
        constraints = [
            models.UniqueConstraint(fields=["organization", "monday"], name="schedule_week_unique"),
        ]

    def __str__(self) -> str:
        end = self.monday + dt.timedelta(days=6)
        return f"{self.organization} {self.monday:%d/%m}–{end:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


class EventState(models.TextChoices):
    # In their own context: "Planned" and "Cancelled" are other apps' words too.
    PLANNED = "planned", pgettext_lazy("schedule event", "Planned")
    CANCELLED = "cancelled", pgettext_lazy("schedule event", "Cancelled")


class EventKind(models.TextChoices):
    """What kind of event it is, as the office's review counts them (hội nghị, họp
    BTV, hội ý Thường trực, làm việc, kiểm tra – khảo sát, tiếp khách)."""

    CONFERENCE = "conference", _("Conference")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee meeting")
    STANDING_BRIEFING = "standing_briefing", _("Standing members' briefing")
    WORKING_SESSION = "working_session", _("Working session")
    FIELD_INSPECTION = "field_inspection", _("Inspection or field survey")
    RECEPTION = "reception", _("Reception of visitors")
    OTHER = "other", _("Other")


class Event(models.Model):
    """One entry of the week: the day, the time (or the whole day), what, where, who
    presides, who attends, which unit prepares it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    week = models.ForeignKey(
        ScheduleWeek, on_delete=models.PROTECT, related_name="events", verbose_name=_("week")
    )
    day = models.DateField(_("day"))
    all_day = models.BooleanField(_("all day"), default=False)
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.OTHER)
    title = models.TextField(_("content"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    presiding = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("presiding")
    )
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="schedule_events", verbose_name=_("attending leaders")
    )
    attendees_text = models.CharField(_("attending"), max_length=500, blank=True)
    preparing_unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preparing unit"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=EventState.choices, default=EventState.PLANNED
    )
    cancel_note = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Set when the event is added, changed or cancelled after its week was published.
    changed_at = models.DateTimeField(_("changed after publishing at"), null=True, blank=True)
    # Each change raises it: calendar programs replace what they hold by it (SEQUENCE).
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["day", "-all_day", "starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["organization", "day"]), models.Index(fields=["day", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(all_day=True) | Q(starts_at__isnull=False), name="schedule_event_has_time"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="schedule_event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.time_text()} {self.title[:80]}".replace("  ", " ")

    @property
    def is_cancelled(self) -> bool:
        return self.state == EventState.CANCELLED

    @property
    def is_changed(self) -> bool:
        return self.changed_at is not None

    def time_text(self) -> str:
        if self.all_day or self.starts_at is None:
            return ""
        start = f"{self.starts_at:%H:%M}"
        return f"{start}–{self.ends_at:%H:%M}" if self.ends_at else start

    def occupies(self) -> tuple[dt.time, dt.time]:
        """The span of the day the event takes, to find a leader booked twice: the
        whole day; from its start to its end; without an end, to the end of its half
        of the day (a morning session until noon, an afternoon one until evening), as
        the schedule's sessions are reckoned."""
        if self.all_day or self.starts_at is None:
            return dt.time(0, 0), dt.time(23, 59, 59)
        return self.starts_at, self.ends_at or session_end(self.starts_at)


def session_end(start: dt.time) -> dt.time:
    if start < dt.time(12, 0):
        return dt.time(12, 0)
    if start < dt.time(18, 0):
        return dt.time(18, 0)
    return dt.time(23, 59, 59)


class CalendarTokenQuerySet(models.QuerySet["CalendarToken"]):
    def live(self) -> CalendarTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarToken(models.Model):
    """A person's secret calendar link: calendar programs cannot sign in, so the
    address itself carries a token, which reads the schedules its person may see and
    nothing else. Only the token's SHA-256 is kept (as for the API's tokens: the
    same `core.tokens.token_hash`), so a copy of the database opens no calendar; one live token a
    person, a new one revoking the old."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="calendar_tokens", verbose_name=_("person")
    )
    # The start of the token, shown so its owner recognizes the link they use.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="schedule_calendar_token_one_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
