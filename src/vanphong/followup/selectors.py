"""Reads for the follow-up: who sees and reports on which task, and the leaders' board."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import Action, can, may_anywhere, organizations_q, visible_to
from vanphong.followup.models import (
    Conclusion,
    FollowUpTask,
    FollowUpTaskQuerySet,
    TaskReportFile,
    TaskState,
    state_conditions,
)
from vanphong.programs.models import Program, ProgramState
from vanphong.programs.selectors import Execution, execution_rate, programs_visible_to

OFFICE_HEADS = (Role.OFFICE_CHIEF, Role.OFFICE_DEPUTY_CHIEF)
# A unit's head and deputies: of a Party committee, of an office or a board.
HEAD_ROLES = (Role.SECRETARY, Role.DEPUTY_SECRETARY, *OFFICE_HEADS, Role.UNIT_HEAD, Role.UNIT_DEPUTY_HEAD)


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if (
        may_anywhere(person, Action.DRAFT)
        or may_anywhere(person, Action.DIRECT)
        or tasks_visible_to(person).exists()
    ):
        return [(pgettext("menu", "Follow-up"), reverse("followup_home"), "followup")]
    return []


def conclusions_visible_to(person: Person) -> QuerySet[Conclusion]:
    return visible_to(person, Conclusion.objects.all(), secrecy_field="secrecy").select_related(
        "organization"
    )


def tasks_visible_to(person: Person) -> FollowUpTaskQuerySet:
    """The tasks of the committees `person` may see, and those their units lead or
    co-operate on (a unit's head sees its tasks without seeing the committee's)."""
    if not person.is_authenticated or not person.is_active:
        return FollowUpTask.objects.none()
    seen = Organization.objects.filter(organizations_q(person)).values("pk")
    # Co-operating units as EXISTS rather than a join: a join gives a task once per
    # unit, and taking the distinct ids of 100,000 tasks cost every list a scan more.
    co_operating = FollowUpTask.co_units.through.objects.filter(
        followuptask=OuterRef("pk"), organization__in=seen
    )
    mine = Q(organization__in=seen) | Q(lead_unit__in=seen) | Q(leader=person) | Exists(co_operating)
    return FollowUpTask.objects.filter(mine, conclusion__secrecy__lte=person.clearance).select_related(
        "conclusion", "lead_unit", "leader"
    )


def tasks_of(person: Person, committee: int | None) -> FollowUpTaskQuerySet:
    """The tasks `person` sees, of `committee` only when given: what the task list
    starts from. A committee they see whole (its leaders, its office: whoever opens
    its board) needs no test of each task's units and leader, so the committee's
    index alone serves its list."""
    if not committee:
        return tasks_visible_to(person)
    if Organization.objects.filter(organizations_q(person), pk=committee).exists():
        return FollowUpTask.objects.filter(
            organization_id=committee, conclusion__secrecy__lte=person.clearance
        ).select_related("conclusion", "lead_unit", "leader")
    return tasks_visible_to(person).filter(organization_id=committee)


def task_filter_choices(tasks: FollowUpTaskQuerySet) -> tuple[QuerySet[Organization], QuerySet[Person]]:
    """The lead units and the leaders of `tasks` (`tasks_of`): what the task list may
    be filtered by."""
    listed = tasks.order_by()
    units = Organization.objects.filter(pk__in=listed.values("lead_unit")).order_by("path")
    leaders = Person.objects.filter(pk__in=listed.values("leader")).order_by("sort_key")
    return units, leaders


def filtered_tasks(
    tasks: FollowUpTaskQuerySet,
    *,
    state: str = "",
    lead_unit: Organization | None = None,
    leader: Person | None = None,
) -> FollowUpTaskQuerySet:
    """`tasks` (`tasks_of`) with their state, narrowed as the list or a count of the
    leaders' board asks ("open": not started or in progress), deadline first."""
    today = timezone.localdate()
    tasks = tasks.with_state(today).prefetch_related("co_units")
    # Filtered by the state's own conditions, which the board counts by, rather than
    # by the annotation: the database may then use the deadline's index.
    conditions = state_conditions(today)
    if state == "open":
        tasks = tasks.filter(conditions[TaskState.NOT_STARTED] | conditions[TaskState.IN_PROGRESS])
    elif state in conditions:
        tasks = tasks.filter(conditions[state])
    if lead_unit:
        tasks = tasks.filter(lead_unit=lead_unit)
    if leader:
        tasks = tasks.filter(leader=leader)
    return tasks.order_by("deadline", "pk")


def report_files_visible_to(person: Person) -> QuerySet[TaskReportFile]:
    """The files of the reports on the tasks `person` sees."""
    return TaskReportFile.objects.filter(report__task__in=tasks_visible_to(person).values("pk"))


def entry_committees(person: Person) -> QuerySet[Organization]:
    """The committees whose office `person` works in: where they enter conclusions."""
    return visible_to(
        person, Organization.objects.filter(kind__is_office=False), action=Action.DRAFT
    ).order_by("path")


def unit_heads(unit: Organization) -> list[Person]:
    """Who is told of a unit's task: its head and deputies (a committee's Secretary and
    Deputy Secretaries, an office's Chief and Deputy Chiefs, a board's head and
    deputies); when it has
    none, its other role holders (not its accountant or archivist otherwise), or
    everyone in it when it has no role holder either."""
    current = Membership.objects.current().filter(organization=unit, person__is_active=True)
    for chosen in (current.filter(role__in=HEAD_ROLES), current.exclude(role=Role.MEMBER), current):
        people = list(chosen.select_related("person").order_by("person__sort_key"))
        if people:
            break
    return list({membership.person.pk: membership.person for membership in people}.values())


def office_of(committee: Organization) -> list[Person]:
    """The Chief and Deputy Chiefs of the committee's office."""
    offices = Q(organization=committee) | Q(
        organization__path__startswith=committee.path,
        organization__depth=committee.depth + 1,
        organization__kind__is_office=True,
    )
    memberships = Membership.objects.current().filter(offices, role__in=OFFICE_HEADS, person__is_active=True)
    return [
        membership.person for membership in memberships.select_related("person").order_by("person__sort_key")
    ]


def _holds_role_in(person: Person, unit: Organization) -> bool:
    """A role other than plain member in the unit itself or in its office (not in the
    organizations under it: those answer for their own tasks)."""
    its_office = Q(
        organization__path__startswith=unit.path,
        organization__depth=unit.depth + 1,
        organization__kind__is_office=True,
    )
    return (
        Membership.objects.current()
        .filter(Q(organization=unit) | its_office, person=person)
        .exclude(role=Role.MEMBER)
        .exists()
    )


def reporting_unit(person: Person, task: FollowUpTask) -> Organization | None:
    """The unit in whose name `person` reports on `task`: the lead unit or a
    co-operating one they hold a role in; the committee for the leader in charge or
    the office; None when they may not report."""
    if _holds_role_in(person, task.lead_unit):
        return task.lead_unit
    for unit in task.co_units.all():
        if _holds_role_in(person, unit):
            return unit
    if person.pk == task.leader_id or can(person, Action.DRAFT, task.organization):
        return task.organization
    return None


def may_close(person: Person, task: FollowUpTask) -> bool:
    return (
        _holds_role_in(person, task.lead_unit)
        or person.pk == task.leader_id
        or can(person, Action.DRAFT, task.organization)
    )


@dataclass
class BoardRow:
    """One unit's or leader's tasks, counted by state."""

    label: str
    counts: dict[str, int] = field(default_factory=dict)
    # The task list's filter this row counts (committee and lead unit or leader), as
    # the query string its counts link to.
    query: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> int:
        return self.counts.get(TaskState.NOT_STARTED, 0) + self.counts.get(TaskState.IN_PROGRESS, 0)

    @property
    def overdue(self) -> int:
        return self.counts.get(TaskState.OVERDUE, 0)

    @property
    def done_on_time(self) -> int:
        return self.counts.get(TaskState.DONE_ON_TIME, 0)

    @property
    def done_late(self) -> int:
        return self.counts.get(TaskState.DONE_LATE, 0)

    @property
    def on_time_percent(self) -> int | None:
        """Done on time out of the tasks whose deadline has come or that are done."""
        due = self.done_on_time + self.done_late + self.overdue
        return round(100 * self.done_on_time / due) if due else None

    def percent(self, state: str) -> float:
        return 100 * self.counts.get(state, 0) / self.total if self.total else 0.0


@dataclass
class Board:
    committee: Organization
    today: dt.date
    total: BoardRow
    by_unit: list[BoardRow]
    by_leader: list[BoardRow]


def board(committee: Organization, today: dt.date | None = None) -> Board:
    """The committee's tasks counted by state, per lead unit and per leader: one
    grouped query over the board's index (a row per unit and leader, a count per
    state), then the names of those units and leaders: three queries, whatever the
    number of tasks."""
    today = today or timezone.localdate()
    # Counted on a column of the index (never null) rather than the key, which the
    # index does not hold: PostgreSQL can then read the index alone.
    counts = {state: Count("deadline", filter=when) for state, when in state_conditions(today).items()}
    groups = list(
        FollowUpTask.objects.filter(organization=committee)
        .values("lead_unit", "leader")
        .annotate(**counts)
        .order_by()
    )
    unit_names = dict(
        Organization.objects.filter(pk__in={g["lead_unit"] for g in groups}).values_list("pk", "name")
    )
    leader_names = dict(
        Person.objects.filter(pk__in={g["leader"] for g in groups}).values_list("pk", "full_name")
    )
    within = f"committee={committee.pk}"
    total = BoardRow(label="", query=within)
    units: dict[int, BoardRow] = {}
    leaders: dict[int, BoardRow] = {}
    for group in groups:
        unit, leader = group["lead_unit"], group["leader"]
        rows = (
            total,
            units.setdefault(unit, BoardRow(unit_names[unit], query=f"{within}&lead_unit={unit}")),
            leaders.setdefault(leader, BoardRow(leader_names[leader], query=f"{within}&leader={leader}")),
        )
        for state in counts:
            if group[state]:
                for row in rows:
                    row.counts[state] = row.counts.get(state, 0) + group[state]
    by_overdue = lambda row: (-row.overdue, -row.open, row.label)  # noqa: E731
    return Board(
        committee=committee,
        today=today,
        total=total,
        by_unit=sorted(units.values(), key=by_overdue),
        by_leader=sorted(leaders.values(), key=by_overdue),
    )


@dataclass
class ProgramRate:
    """A work program in force and its execution rate, as the board shows it."""

    program: Program
    execution: Execution


def programs_in_force(
    person: Person, committee: Organization, today: dt.date | None = None
) -> list[ProgramRate]:
    """The committee's issued work programs whose period holds `today` (its term's,
    the year's, the half's, the quarter's, the month's), longest first, each with its
    execution rate: two queries, the items of all of them read at once."""
    today = today or timezone.localdate()
    programs = (
        programs_visible_to(person)
        .filter(organization=committee, state=ProgramState.ISSUED, starts_on__lte=today, ends_on__gte=today)
        .prefetch_related("items")
    )
    return [
        ProgramRate(program, execution_rate(program))
        for program in sorted(programs, key=lambda program: (program.rank, program.starts_on))
    ]


def board_committees(person: Person) -> QuerySet[Organization]:
    """The committees whose board `person` may open: their leaders and their office."""
    leading = organizations_q(person, Action.DIRECT) | organizations_q(person, Action.DRAFT)
    return Organization.objects.filter(leading, kind__is_office=False).order_by("path")


def task_search(
    person: Person,
    *,
    today: dt.date | None = None,
    state: str = "",
    unit: int | None = None,
    leader: int | None = None,
    overdue: bool | None = None,
) -> FollowUpTaskQuerySet:
    """The tasks `person` sees (`tasks_visible_to`), each with its `state` as of
    `today`, narrowed to a state, to those a unit (by id) leads or co-operates on, to
    a leader in charge (by id), and to those overdue or not (the API's filters)."""
    tasks = tasks_visible_to(person).with_state(today)
    if state:
        tasks = tasks.filter(state=state)  # type: ignore[misc]
    if unit is not None:
        co_operating = FollowUpTask.co_units.through.objects.filter(organization_id=unit)
        tasks = tasks.filter(Q(lead_unit_id=unit) | Q(pk__in=co_operating.values("followuptask_id")))
    if leader is not None:
        tasks = tasks.filter(leader_id=leader)
    if overdue is True:
        tasks = tasks.filter(state=TaskState.OVERDUE)  # type: ignore[misc]
    elif overdue is False:
        tasks = tasks.exclude(state=TaskState.OVERDUE)  # type: ignore[misc]
    return tasks
