"""Reads for the work programs' pages: the programs one sees, their items with both
ends of each breakdown, the choices offered in the forms, and a program's execution
rate per period (items done against items planned)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.programs import labels
from vanphong.programs.models import (
    KIND_RANK,
    ItemState,
    Program,
    ProgramItem,
    ProgramKind,
    ProgramState,
    span_bounds,
)


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.DRAFT) or programs_visible_to(person).exists():
        return [(pgettext("menu", "Work programs"), reverse("program_list"), "programs")]
    return []


def related_records(record: object) -> list[object]:
    """For the history of a program: the events of its items; of an item: those of
    the items it is broken down into and of the one it was moved to (core's
    `record_history` hook)."""
    if isinstance(record, Program):
        return list(record.items.all())
    if isinstance(record, ProgramItem):
        moved = ProgramItem.objects.filter(moved_from=record)
        return [*record.breakdown.all(), *moved]
    return []


def programs_visible_to(person: Person, action: Action = Action.VIEW) -> QuerySet[Program]:
    return visible_to(person, Program.objects.select_related("organization", "term"), action=action)


def program_list(person: Person, *, year: int | None = None, kind: str = "") -> QuerySet[Program]:
    """The programs one sees, longest first within a year, with their item counts."""
    programs = programs_visible_to(person)
    if year:
        programs = programs.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    if kind:
        programs = programs.filter(kind=kind)
    return programs.annotate(
        planned=Count("items", filter=~Q(items__state=ItemState.DROPPED)),
        done=Count("items", filter=Q(items__state=ItemState.DONE)),
    ).order_by("organization__path", "-ends_on", "starts_on")


def years_of(person: Person) -> list[int]:
    years = programs_visible_to(person).exclude(year__isnull=True).values_list("year", flat=True).distinct()
    return sorted({year for year in years if year is not None}, reverse=True)


def items_visible_to(person: Person) -> QuerySet[ProgramItem]:
    return visible_to(person, ProgramItem.objects.all()).select_related("program", "program__organization")


def items_of(program: Program) -> QuerySet[ProgramItem]:
    """The program's items in order, with their bodies, leader, output, their source
    (and its program) and their breakdown (with each one's program)."""
    return (
        program.items.select_related("lead", "leader", "output_type", "source__program")
        .prefetch_related(
            Prefetch("partners", queryset=Organization.objects.order_by("path")),
            Prefetch(
                "breakdown",
                queryset=ProgramItem.objects.select_related("program").order_by("program__starts_on"),
            ),
        )
        .order_by("position")
    )


def committees_for(person: Person) -> QuerySet[Organization]:
    """The open committees whose programs `person` prepares."""
    return visible_to(
        person,
        Organization.objects.filter(kind__is_committee=True, closed_on__isnull=True),
        action=Action.DRAFT,
    ).order_by("path")


def lead_bodies(committee: Organization) -> QuerySet[Organization]:
    """The bodies offered to prepare an item: the committee and its own units and the
    committees directly under it (the service accepts any open unit of its tree)."""
    return Organization.objects.filter(
        path__startswith=committee.path, depth__lte=committee.depth + 1, closed_on__isnull=True
    ).order_by("path")


def breakdown_targets(item: ProgramItem) -> list[Program]:
    """The programs `item` may be broken down into: shorter programs of the same
    committee, not closed, inside its program's period and overlapping its planned
    time, where it is not broken down yet."""
    parent = item.program
    start, end = item.planned_bounds
    shorter = [kind for kind, rank in KIND_RANK.items() if rank > KIND_RANK[ProgramKind(parent.kind)]]
    return list(
        Program.objects.filter(
            organization_id=parent.organization_id,
            kind__in=shorter,
            starts_on__gte=parent.starts_on,
            ends_on__lte=parent.ends_on,
            starts_on__lte=end,
            ends_on__gte=start,
        )
        .exclude(state=ProgramState.CLOSED)
        .exclude(items__source=item)
        .order_by("starts_on", "kind")
    )


def move_targets(item: ProgramItem) -> list[Program]:
    """The programs a planned item may be postponed to: later programs of the same
    committee and kind (the months after its month, the years after its year), not
    closed; none when the item is not planned or its program is closed."""
    program = item.program
    if item.state != ItemState.PLANNED or program.state == ProgramState.CLOSED:
        return []
    return list(
        Program.objects.filter(
            organization_id=program.organization_id, kind=program.kind, starts_on__gt=program.ends_on
        )
        .exclude(state=ProgramState.CLOSED)
        .order_by("starts_on")[:12]
    )


# --- Execution rate --------------------------------------------------------------------------------


@dataclass
class Rate:
    """Items of one period: planned (all but those dropped), done, moved, dropped."""

    label: str
    planned: int = 0
    done: int = 0
    moved: int = 0
    dropped: int = 0
    items: list[int] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        """Done against planned, in whole percent (None when nothing is planned)."""
        return round(100 * self.done / self.planned) if self.planned else None

    def count(self, item: ProgramItem) -> None:
        self.items.append(item.pk)
        if item.state == ItemState.DROPPED:
            self.dropped += 1
            return
        self.planned += 1
        if item.state == ItemState.DONE:
            self.done += 1
        elif item.state == ItemState.MOVED:
            self.moved += 1


@dataclass
class Execution:
    total: Rate
    periods: list[Rate]


def _periods(program: Program) -> list[tuple[str, tuple[int, int, int] | None]]:
    """The periods a program's rate is given for, as (label, (year, first month,
    months)): the years of a term, the quarters of a year or half, the months of a
    quarter; a month is one period."""
    if program.kind == ProgramKind.TERM:
        return [
            (_("Year %(year)s") % {"year": year}, (year, 1, 12))
            for year in range(program.starts_on.year, program.ends_on.year + 1)
        ]
    assert program.year is not None
    year = program.year
    if program.kind in (ProgramKind.YEAR, ProgramKind.HALF):
        first = 1 if program.kind == ProgramKind.YEAR or program.period == 1 else 3
        last = 4 if program.kind == ProgramKind.YEAR or program.period == 2 else 2
        return [
            (labels.time_label(year, quarter, None), (year, 3 * quarter - 2, 3))
            for quarter in range(first, last + 1)
        ]
    if program.kind == ProgramKind.QUARTER:
        first = 3 * program.period - 2
        return [(labels.time_label(year, None, month), (year, month, 1)) for month in range(first, first + 3)]
    return [(labels.period_label(program), (year, program.period, 1))]


def execution_rate(program: Program) -> Execution:
    """A program's execution rate: for each of its periods (`_periods`) and in all,
    the items planned in it and those done. An item planned for a longer time than
    the period (a quarter in a month's row, a year in a quarter's) counts in the
    period its time ends in."""
    periods = [(Rate(label), span) for label, span in _periods(program)]
    total = Rate(_("Whole program"))
    for item in program.items.all():
        total.count(item)
        _start, end = item.planned_bounds
        for rate, span in periods:
            if span is None:
                continue
            first, last = span_bounds(*span)
            if first <= end <= last:
                rate.count(item)
                break
        else:
            if periods:
                periods[-1][0].count(item)
    return Execution(total=total, periods=[rate for rate, _span in periods])


def program_search(
    person: Person,
    *,
    organization: int | None = None,
    kind: str = "",
    year: int | None = None,
    period: int | None = None,
    state: str = "",
) -> QuerySet[Program]:
    """`program_list` (the programs one sees, with their item counts) narrowed to one
    committee (by id), kind, year (the programs that cover it), period (the half,
    quarter or month number; 0 for a year or a term) and state (the API's filters)."""
    programs = program_list(person, year=year, kind=kind)
    if organization is not None:
        programs = programs.filter(organization_id=organization)
    if period is not None:
        programs = programs.filter(period=period)
    if state:
        programs = programs.filter(state=state)
    return programs
