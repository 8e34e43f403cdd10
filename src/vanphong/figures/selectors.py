"""The office's own figures (số liệu công tác văn phòng) for a period: what its
review report counts, computed from the records, never typed.

Whose figures: a committee's office serves that committee alone, so its figures are
the committee's and its office's own records: the documents issued and received in
the name of the committee or of its office (the registers of both), the events of
the committee's schedule, the tasks of the committee's conclusions and its work
programs. The committees and offices below keep figures of their own (a leader of
the city committee opens them one by one); nothing of a subtree is summed into the
committee's.

Every count is one grouped query (a `GROUP BY` over an indexed range), whatever the
size of the tables; nothing walks the rows in Python. Classified documents and the
tasks of classified conclusions are counted only up to the viewer's clearance, so a
count never reveals a record its reader may not see."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.permissions import GRANTS, Action, grants_of, may_anywhere, visible_to
from vanphong.followup.models import FollowUpTask, TaskState
from vanphong.programs import labels
from vanphong.programs.models import KIND_RANK, Program, ProgramKind, ProgramState, period_bounds
from vanphong.programs.selectors import execution_rate
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanphong.schedule.models import Event, EventKind, EventState

# --- Who opens them ---------------------------------------------------------------------------


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.VIEW_FIGURES):
        return [(pgettext("menu", "Office figures"), reverse("figures_home"), "figures")]
    return []


def committees_for(person: Person) -> QuerySet[Organization]:
    """The committees whose figures `person` may open (VIEW_FIGURES), by the tree."""
    committees = Organization.objects.filter(kind__is_committee=True).select_related("kind")
    return visible_to(person, committees, action=Action.VIEW_FIGURES).order_by("path")


def home_committee(person: Person) -> Organization | None:
    """The committee whose figures a person opens first: the highest one their own
    roles act for (an office's staff: the committee their office serves)."""
    scopes = [
        grant.scope
        for grant in grants_of(person)
        if Action.VIEW_FIGURES in GRANTS[grant.role] and grant.scope.kind.is_committee
    ]
    return min(scopes, key=lambda c: (c.depth, c.path)) if scopes else None


def scope_of(committee: Organization) -> list[int]:
    """The committee and its office(s): the organizations whose registers are the
    office's work (the office issues in the committee's name and in its own)."""
    offices = Organization.objects.filter(
        path__startswith=committee.path, depth=committee.depth + 1, kind__is_office=True
    ).values_list("pk", flat=True)
    return [committee.pk, *offices]


# --- The period -------------------------------------------------------------------------------


class PeriodKind(enum.StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    """[start, end], both days included, and how it was chosen (a year, its half,
    quarter or month, or two days)."""

    start: dt.date
    end: dt.date
    kind: PeriodKind = PeriodKind.RANGE
    year: int | None = None
    part: int = 0  # which half, quarter or month

    @classmethod
    def of(cls, kind: PeriodKind, year: int, part: int = 0) -> Period:
        program_kind = {
            PeriodKind.YEAR: ProgramKind.YEAR,
            PeriodKind.HALF: ProgramKind.HALF,
            PeriodKind.QUARTER: ProgramKind.QUARTER,
            PeriodKind.MONTH: ProgramKind.MONTH,
        }[kind]
        start, end = period_bounds(program_kind, year, part)
        return cls(start, end, kind, year, 0 if kind is PeriodKind.YEAR else part)

    @property
    def label(self) -> str:
        """The period in the interface's language."""
        if self.kind is PeriodKind.RANGE or self.year is None:
            return _("From %(start)s to %(end)s") % {
                "start": self.start.strftime("%d/%m/%Y"),
                "end": self.end.strftime("%d/%m/%Y"),
            }
        if self.kind is PeriodKind.HALF:
            if self.part == 1:
                return _("First half of %(year)s") % {"year": self.year}
            return _("Second half of %(year)s") % {"year": self.year}
        if self.kind is PeriodKind.QUARTER:
            quarter = labels.roman(self.part)
            return _("Quarter %(quarter)s of %(year)s") % {"quarter": quarter, "year": self.year}
        if self.kind is PeriodKind.MONTH:
            return _("Month %(month)s/%(year)s") % {"month": self.part, "year": self.year}
        return _("Year %(year)s") % {"year": self.year}

    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


# --- The figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeCount:
    """Documents of one type: how many, and how many of them classified."""

    name: str
    abbreviation: str
    count: int
    classified: int


@dataclass(frozen=True)
class KindCount:
    """Events of one kind: held (to the day the figures are computed) and still
    scheduled later in the period."""

    kind: str
    label: str
    held: int
    ahead: int


@dataclass(frozen=True)
class TaskCounts:
    """The follow-up tasks due in the period, by their state as of `as_of`."""

    as_of: dt.date
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    not_yet_due: int = 0  # not started or in progress, deadline not passed

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.overdue + self.not_yet_due

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.done_on_time / self.total) if self.total else None


@dataclass(frozen=True)
class ProgramRate:
    program: Program
    planned: int
    done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.planned) if self.planned else None


@dataclass
class Figures:
    committee: Organization
    period: Period
    today: dt.date
    clearance: int
    outgoing: list[TypeCount] = field(default_factory=list)
    incoming: list[TypeCount] = field(default_factory=list)
    events: list[KindCount] = field(default_factory=list)
    tasks: TaskCounts | None = None
    programs: list[ProgramRate] = field(default_factory=list)

    @property
    def outgoing_total(self) -> int:
        return sum(row.count for row in self.outgoing)

    @property
    def outgoing_classified(self) -> int:
        return sum(row.classified for row in self.outgoing)

    @property
    def incoming_total(self) -> int:
        return sum(row.count for row in self.incoming)

    @property
    def incoming_classified(self) -> int:
        return sum(row.classified for row in self.incoming)

    @property
    def events_held(self) -> int:
        return sum(row.held for row in self.events)

    @property
    def events_ahead(self) -> int:
        return sum(row.ahead for row in self.events)

    def held(self, kind: str) -> int:
        return next((row.held for row in self.events if row.kind == kind), 0)

    @property
    def sees_all_secrets(self) -> bool:
        return self.clearance >= max(Secrecy)


def _type_counts(documents: QuerySet[Any], clearance: int) -> list[TypeCount]:
    """`documents` counted by type (one grouped query), those above `clearance` not
    counted at all; the types in their order."""
    if clearance < max(Secrecy):
        documents = documents.filter(secrecy__lte=clearance)
    rows = (
        documents.values("document_type")
        .annotate(n=Count("pk"), c=Count("pk", filter=Q(secrecy__gt=Secrecy.NONE)))
        .order_by()
    )
    counted = {row["document_type"]: row for row in rows}
    return [
        TypeCount(kind.name, kind.abbreviation, counted[kind.pk]["n"], counted[kind.pk]["c"])
        for kind in DocumentType.objects.filter(pk__in=list(counted)).order_by("order", "name")
    ]


def outgoing_counts(scope: list[int], period: Period, clearance: int) -> list[TypeCount]:
    """Documents issued from the scope's outgoing registers in the period, by the day
    issued; cancelled ones left out (their number was never a document)."""
    documents = OutgoingDocument.objects.filter(
        organization_id__in=scope,
        issued_on__gte=period.start,
        issued_on__lte=period.end,
        cancelled_at__isnull=True,
    )
    return _type_counts(documents, clearance)


def incoming_counts(scope: list[int], period: Period, clearance: int) -> list[TypeCount]:
    """Documents entered in the scope's incoming registers, by the day received."""
    documents = IncomingDocument.objects.filter(
        organization_id__in=scope, received_on__gte=period.start, received_on__lte=period.end
    )
    return _type_counts(documents, clearance)


def event_counts(committee: Organization, period: Period, today: dt.date) -> list[KindCount]:
    """The committee's events of the period by kind, cancelled ones left out: held up
    to `today`, and still scheduled after it. Every kind is listed, zeros included
    (the report names each)."""
    rows = (
        Event.objects.filter(
            organization=committee,
            day__gte=period.start,
            day__lte=period.end,
            state=EventState.PLANNED,
        )
        .values("kind")
        .annotate(held=Count("pk", filter=Q(day__lte=today)), ahead=Count("pk", filter=Q(day__gt=today)))
        .order_by()
    )
    found = {row["kind"]: row for row in rows}
    return [
        KindCount(
            kind.value,
            str(kind.label),
            found.get(kind.value, {}).get("held", 0),
            found.get(kind.value, {}).get("ahead", 0),
        )
        for kind in EventKind
    ]


def task_counts(committee: Organization, period: Period, clearance: int, today: dt.date) -> TaskCounts:
    """The tasks of the committee's conclusions whose deadline falls in the period,
    by the follow-up's own state (`with_state`) as of the period's end, or today
    while the period runs (a task due later this period is not overdue yet)."""
    as_of = min(period.end, today)
    tasks = FollowUpTask.objects.filter(
        organization=committee, deadline__gte=period.start, deadline__lte=period.end
    )
    if clearance < max(Secrecy):
        tasks = tasks.filter(conclusion__secrecy__lte=clearance)
    counts = {
        row["state"]: row["n"]
        for row in tasks.with_state(as_of).values("state").annotate(n=Count("pk")).order_by()  # type: ignore[misc]
    }
    return TaskCounts(
        as_of=as_of,
        done_on_time=counts.get(TaskState.DONE_ON_TIME, 0),
        done_late=counts.get(TaskState.DONE_LATE, 0),
        overdue=counts.get(TaskState.OVERDUE, 0),
        not_yet_due=counts.get(TaskState.NOT_STARTED, 0) + counts.get(TaskState.IN_PROGRESS, 0),
    )


def program_rates(committee: Organization, period: Period) -> list[ProgramRate]:
    """The execution of the committee's programs (issued or closed) that lie within
    the period, the longest kind only (a year's figures take the yearly program, not
    its quarters too, whose items are the year's broken down): the programs' own
    execution rate."""
    programs = list(
        Program.objects.filter(
            organization=committee,
            starts_on__gte=period.start,
            ends_on__lte=period.end,
            state__in=[ProgramState.ISSUED, ProgramState.CLOSED],
        ).order_by("starts_on", "pk")
    )
    if not programs:
        return []
    longest = min(KIND_RANK[ProgramKind(p.kind)] for p in programs)
    rates = []
    for program in programs:
        if KIND_RANK[ProgramKind(program.kind)] != longest:
            continue
        total = execution_rate(program).total
        rates.append(ProgramRate(program, total.planned, total.done))
    return rates


def figures(person: Person, committee: Organization, period: Period, today: dt.date | None = None) -> Figures:
    """The office's figures of `committee` over `period`, as `person` may see them
    (the caller has checked VIEW_FIGURES on the committee)."""
    today = today or timezone.localdate()
    scope = scope_of(committee)
    clearance = int(person.clearance)
    return Figures(
        committee=committee,
        period=period,
        today=today,
        clearance=clearance,
        outgoing=outgoing_counts(scope, period, clearance),
        incoming=incoming_counts(scope, period, clearance),
        events=event_counts(committee, period, today),
        tasks=task_counts(committee, period, clearance, today),
        programs=program_rates(committee, period),
    )
