"""Work programs (chương trình công tác, DOMAIN.md §5): a committee's full-term,
yearly, 6-month, quarterly and monthly programs, and their items: what is to be done,
the body that prepares it, the bodies that co-operate, the leader in charge, when,
what it yields, and where it stands. An item of a longer program is broken down into
items of the shorter programs inside its period; each of those keeps its source."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import CongressTerm, Organization, Person
from vanphong.registry.models import DocumentType


class ProgramKind(models.TextChoices):
    TERM = "term", _("Full-term")  # toàn khóa
    YEAR = "year", _("Yearly")
    HALF = "half", _("Six-month")
    QUARTER = "quarter", _("Quarterly")
    MONTH = "month", _("Monthly")


# Longer programs first: an item is broken down into a program of a higher rank.
KIND_RANK = {
    ProgramKind.TERM: 0,
    ProgramKind.YEAR: 1,
    ProgramKind.HALF: 2,
    ProgramKind.QUARTER: 3,
    ProgramKind.MONTH: 4,
}


# The states' labels carry their own context: "Closed" and "Being drafted" are words
# of other apps too (the archive's "filed", a draft's), whose Vietnamese differs.
class ProgramState(models.TextChoices):
    DRAFTING = "drafting", pgettext_lazy("work program", "Being drafted")
    ISSUED = "issued", pgettext_lazy("work program", "In force")
    # Its period is over: nothing in it changes any more.
    CLOSED = "closed", pgettext_lazy("work program", "Closed")


class ItemState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("program item", "Planned")
    DONE = "done", pgettext_lazy("program item", "Done")
    MOVED = "moved", pgettext_lazy("program item", "Moved to a later period")
    DROPPED = "dropped", pgettext_lazy("program item", "Dropped")


class OutputKind(models.TextChoices):
    """What an item yields (sản phẩm)."""

    DOCUMENT = "document", _("A document")
    CONFERENCE = "conference", _("A conference")
    REPORT = "report", _("A report")
    MEETING = "meeting", _("A meeting")
    INSPECTION = "inspection", _("An inspection")
    OTHER = "other", _("Other")


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def span_bounds(year: int, first_month: int, months: int) -> tuple[dt.date, dt.date]:
    return month_bounds(year, first_month)[0], month_bounds(year, first_month + months - 1)[1]


def period_bounds(kind: str, year: int, period: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar program: the year, its half (1–2), quarter
    (1–4) or month (1–12). A full-term program takes its term's dates instead."""
    if kind == ProgramKind.YEAR:
        return span_bounds(year, 1, 12)
    if kind == ProgramKind.HALF:
        return span_bounds(year, 6 * period - 5, 6)
    if kind == ProgramKind.QUARTER:
        return span_bounds(year, 3 * period - 2, 3)
    if kind == ProgramKind.MONTH:
        return month_bounds(year, period)
    raise ValueError(f"no calendar period for a {kind} program")


def planned_bounds(year: int, quarter: int | None, month: int | None) -> tuple[dt.date, dt.date]:
    """The days an item's planned time covers: its month, its quarter, or its year."""
    if month:
        return month_bounds(year, month)
    if quarter:
        return span_bounds(year, 3 * quarter - 2, 3)
    return span_bounds(year, 1, 12)


class Program(models.Model):
    """A work program of one committee over one period."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs", verbose_name=_("committee")
    )
    kind = models.CharField(_("kind of program"), max_length=8, choices=ProgramKind.choices)
    # The calendar period: its year, and which half, quarter or month (0 for a year
    # or a term). A full-term program names its term and spans its dates.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    period = models.PositiveSmallIntegerField(_("period"), default=0)
    term = models.ForeignKey(
        CongressTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("congress term"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=80, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ProgramState.choices, default=ProgramState.DRAFTING
    )
    # Once issued as a CTr document: its number and date (printed in the header).
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["organization", "-starts_on", "kind"]
        verbose_name = _("work program")
        verbose_name_plural = _("work programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="program_dates_in_order"
            ),
            models.UniqueConstraint(
                fields=["organization", "kind", "year", "period"],
                condition=~Q(kind="term"),
                name="program_period_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "term"], condition=Q(kind="term"), name="program_term_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "year", "kind"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.state == ProgramState.CLOSED

    @property
    def rank(self) -> int:
        return KIND_RANK[ProgramKind(self.kind)]

    def covers(self, start: dt.date, end: dt.date) -> bool:
        """Does the period [start, end] overlap the program's?"""
        return start <= self.ends_on and end >= self.starts_on

    def contains(self, other: Program) -> bool:
        return self.starts_on <= other.starts_on and other.ends_on <= self.ends_on


class ProgramItem(models.Model):
    """One line of a program, as its table prints it."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="items", verbose_name=_("program")
    )
    # The program's committee, on the row for permission filters.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("order number"))
    content = models.TextField(_("content"))
    lead = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="program_items_led",
        verbose_name=_("preparing body"),
    )
    partners = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization,
        blank=True,
        related_name="program_items_supported",
        verbose_name=_("co-operating bodies"),
    )
    partners_note = models.CharField(_("other co-operating bodies"), max_length=300, blank=True)
    leader = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="program_items_led",
        verbose_name=_("leader in charge"),
    )
    # When: a month, a quarter, or only the year (the whole program when it is one year).
    planned_year = models.PositiveSmallIntegerField(_("planned year"))
    planned_quarter = models.PositiveSmallIntegerField(_("planned quarter"), null=True, blank=True)
    planned_month = models.PositiveSmallIntegerField(_("planned month"), null=True, blank=True)
    timing_note = models.CharField(_("timing note"), max_length=100, blank=True)
    output_kind = models.CharField(
        _("expected output"), max_length=12, choices=OutputKind.choices, default=OutputKind.DOCUMENT
    )
    output_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document type of the output"),
    )
    output_note = models.CharField(_("output note"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    state_note = models.CharField(_("state note"), max_length=300, blank=True)
    # The item of a longer program this one breaks down (its breakdown: `breakdown`).
    source = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breakdown",
        verbose_name=_("broken down from"),
    )
    # The item of an earlier program this one was moved from (that one is marked
    # moved; it lists this one as `moved_to`).
    moved_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_to",
        verbose_name=_("moved from"),
    )
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["program", "position"]
        verbose_name = _("program item")
        verbose_name_plural = _("program items")
        constraints = [
            models.UniqueConstraint(fields=["program", "position"], name="program_item_position_unique"),
            models.UniqueConstraint(
                fields=["program", "source"],
                condition=Q(source__isnull=False),
                name="program_item_source_unique",
            ),
            models.CheckConstraint(
                condition=Q(planned_month__isnull=True) | Q(planned_month__gte=1, planned_month__lte=12),
                name="program_item_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_quarter__isnull=True) | Q(planned_quarter__gte=1, planned_quarter__lte=4),
                name="program_item_quarter_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="done", done_on__isnull=False) | ~Q(state="done"),
                name="program_item_done_dated",
            ),
        ]
        indexes = [models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.content[:80]}"

    @property
    def spans_its_program(self) -> bool:
        """Is the item planned for its whole program, a half or a quarter (neither a
        month nor a quarter of its own, in its program's year)? Its time is then the
        program's period, not the year."""
        program = self.program
        return (
            not self.planned_month
            and not self.planned_quarter
            and program.kind in (ProgramKind.HALF, ProgramKind.QUARTER)
            and self.planned_year == program.year
        )

    @property
    def planned_bounds(self) -> tuple[dt.date, dt.date]:
        if self.spans_its_program:
            return self.program.starts_on, self.program.ends_on
        return planned_bounds(self.planned_year, self.planned_quarter, self.planned_month)

    @property
    def time_label(self) -> str:
        """ "Month 11/2026 (second week)", in the interface's language."""
        from vanphong.programs.labels import item_time_label

        return item_time_label(self)
