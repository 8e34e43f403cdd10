"""Party membership statistics (thống kê đảng viên), counted straight from the people
and their memberships, never typed.

Who is a Party member on a day: a person on a cell's roll then, that is holding a
`Membership` with `Role.MEMBER` current on that day (started by then, not ended
before it). The roll is where a member is counted: a Secretary or an office
specialist is counted once, on the roll of their cell, not for their seat. A person
is counted once in a subtree however many memberships they hold in it (counts are
`COUNT(DISTINCT person)`). `Person.is_active` governs signing in, not the roll.

The breakdowns, as of a day D:

- by gender: male, female, not recorded;
- by age in full years on D (a person turns 30 on their 30th birthday): under 30,
  30 to 45, 46 to 60, over 60 (61 and older), date of birth not recorded;
- newly admitted: members on the roll on D whose admission day
  (`Person.joined_party_on`) lies within the period, up to D.

Every figure of both days (this period's and the previous one's) comes from one
grouped query over the subtree's memberships, grouped by the child subtree each
belongs to (`tree.child_key`), each figure a filtered `COUNT(DISTINCT person)`, plus
one ungrouped query of the same aggregates for the node's own total (a person who
holds memberships in two children is counted in both rows but once in the total).
Nothing walks the organizations in Python.

The organizations are today's tree: a unit moved since keeps its history under its
new parent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vanphong.core import tree
from vanphong.core.models import Membership, Organization, Person, Role
from vanphong.core.permissions import GRANTS, Action, grants_of, may_anywhere, visible_to
from vanphong.figures.selectors import Period, PeriodKind

# --- Who opens them ---------------------------------------------------------------------------


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.VIEW_STATISTICS):
        return [(pgettext("menu", "Membership statistics"), reverse("statistics_members"), "statistics")]
    return []


def home_node(person: Person) -> Organization | None:
    """The node a person opens first: the highest organization one of their roles
    reads the statistics of (an office's staff: the committee it serves)."""
    scopes = [grant.scope for grant in grants_of(person) if Action.VIEW_STATISTICS in GRANTS[grant.role]]
    return min(scopes, key=lambda o: (o.depth, o.path)) if scopes else None


def breadcrumb(person: Person, node: Organization) -> list[Organization]:
    """The ancestors of `node` the person may open, from the highest down, and the
    node itself (one query)."""
    ancestors = Organization.objects.filter(path__in=tree.ancestor_paths(node))
    return list(visible_to(person, ancestors, action=Action.VIEW_STATISTICS).order_by("depth"))


# --- The period -------------------------------------------------------------------------------

PERIOD_KINDS = (PeriodKind.YEAR, PeriodKind.HALF, PeriodKind.QUARTER, PeriodKind.MONTH)
PARTS = {PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}


def previous_period(period: Period) -> Period:
    """The period before `period` of the same kind: last year, the last half, quarter
    or month (across the new year)."""
    if period.year is None or period.kind not in PERIOD_KINDS:
        raise ValueError("only calendar periods have a previous one")
    if period.kind is PeriodKind.YEAR:
        return Period.of(PeriodKind.YEAR, period.year - 1)
    if period.part > 1:
        return Period.of(period.kind, period.year, period.part - 1)
    return Period.of(period.kind, period.year - 1, PARTS[period.kind])


# --- The counts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: Any
    low: int | None  # full years, included
    high: int | None  # full years, included


AGE_BANDS = (
    AgeBand("under_30", gettext_lazy("Under 30"), None, 29),
    AgeBand("from_30_to_45", gettext_lazy("30 to 45"), 30, 45),
    AgeBand("from_46_to_60", gettext_lazy("46 to 60"), 46, 60),
    AgeBand("over_60", gettext_lazy("Over 60"), 61, None),
)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (29 February becomes the 28th): someone born on
    or before it is at least `years` old on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_q(band: AgeBand, on: dt.date, prefix: str = "person__") -> Q:
    """Members whose age in full years on `on` lies within `band`."""
    condition = Q(**{f"{prefix}birth_date__isnull": False})
    if band.low is not None:
        condition &= Q(**{f"{prefix}birth_date__lte": years_before(on, band.low)})
    if band.high is not None:
        condition &= Q(**{f"{prefix}birth_date__gt": years_before(on, band.high + 1)})
    return condition


@dataclass(frozen=True)
class Counts:
    """The members of one subtree on one day, each breakdown adding up to `members`."""

    members: int = 0
    male: int = 0
    female: int = 0
    gender_unknown: int = 0
    under_30: int = 0
    from_30_to_45: int = 0
    from_46_to_60: int = 0
    over_60: int = 0
    age_unknown: int = 0
    admitted: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Counts:
        return cls(**{f.name: row.get(f.name) or 0 for f in fields(cls)})


@dataclass(frozen=True)
class Day:
    """One day to count on, and the admissions counted with it (from, to)."""

    on: dt.date
    admitted_from: dt.date
    admitted_to: dt.date


def counts_aggregates(day: Day, prefix: str = "") -> dict[str, Count]:
    """The aggregates of `Counts` over memberships, as of `day.on`, named
    `prefix` + field."""
    on_the_day = Q(started_on__lte=day.on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day.on))

    def members(condition: Q | None = None) -> Count:
        return Count("person", distinct=True, filter=on_the_day & condition if condition else on_the_day)

    aggregates = {
        "members": members(),
        "male": members(Q(person__gender=Person.Gender.MALE)),
        "female": members(Q(person__gender=Person.Gender.FEMALE)),
        "gender_unknown": members(~Q(person__gender__in=[Person.Gender.MALE, Person.Gender.FEMALE])),
        "age_unknown": members(Q(person__birth_date__isnull=True)),
        "admitted": members(
            Q(person__joined_party_on__gte=day.admitted_from, person__joined_party_on__lte=day.admitted_to)
        ),
    }
    for band in AGE_BANDS:
        aggregates[band.key] = members(age_q(band, day.on))
    return {prefix + name: aggregate for name, aggregate in aggregates.items()}


def roll(node: Organization, first: dt.date, last: dt.date | None = None) -> QuerySet[Membership]:
    """The memberships that put a person on a roll in `node`'s subtree on some day
    from `first` to `last` (both included; `first` alone by default)."""
    last = last or first
    # By the joined organization's path prefix. Measured at 200,000 members
    # (docs/performance.md): SQLite answers it by scanning the memberships, twice
    # as fast for a whole province as reaching them through the subtree's
    # organization ids and their (organization, role) index, and 1.3x slower for a
    # Khối (115 against 90 ms); PostgreSQL is alike either way.
    return Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first),
        tree.in_subtree(node),
        started_on__lte=last,
        role=Role.MEMBER,
    )


def days_counts(node: Organization, days: list[Day]) -> list[tuple[Counts, dict[str, Counts]]]:
    """For each day, the node's total and the counts of each child subtree (keyed by
    the child's path; the node's own path for members on its own roll). Two queries
    whatever the number of days: the subtree's memberships are read once, each
    day's counts filtered from them."""
    aggregates: dict[str, Count] = {}
    for n, day in enumerate(days):
        aggregates |= counts_aggregates(day, f"d{n}_")
    members = roll(node, min(d.on for d in days), max(d.on for d in days))
    total = members.aggregate(**aggregates)
    rows = list(members.annotate(unit=tree.child_key(node)).values("unit").annotate(**aggregates).order_by())

    def of(row: dict[str, Any], n: int) -> Counts:
        prefix = f"d{n}_"
        return Counts.of({key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix)})

    result = []
    for n in range(len(days)):
        units = {row["unit"]: of(row, n) for row in rows}
        result.append((of(total, n), {unit: c for unit, c in units.items() if c.members}))
    return result


def subtree_counts(
    node: Organization, on: dt.date, admitted_from: dt.date, admitted_to: dt.date
) -> tuple[Counts, dict[str, Counts]]:
    """`days_counts` for one day."""
    return days_counts(node, [Day(on, admitted_from, admitted_to)])[0]


# --- The page's statistics --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of a breakdown: this period's number and the previous one's."""

    key: str
    label: str
    value: int
    previous: int
    total: int = 0  # of the breakdown, for the share
    organization: Organization | None = None
    drillable: bool = False

    @property
    def change(self) -> int:
        return self.value - self.previous

    @property
    def share(self) -> float | None:
        """Percent of the breakdown's total, one decimal."""
        return round(100 * self.value / self.total, 1) if self.total else None


@dataclass(frozen=True)
class UnitLine(Line):
    """A unit's line of the by-organization table, with its full counts."""

    unit_now: Counts = Counts()
    unit_before: Counts = Counts()


@dataclass
class MemberStatistics:
    node: Organization
    period: Period
    previous: Period
    as_of: dt.date
    previous_as_of: dt.date
    total: Counts
    previous_total: Counts
    units: list[UnitLine]
    trail: list[Organization]

    def _lines(self, keys: list[tuple[str, Any]]) -> list[Line]:
        return [
            Line(
                key,
                str(label),
                getattr(self.total, key),
                getattr(self.previous_total, key),
                self.total.members,
            )
            for key, label in keys
        ]

    @property
    def by_gender(self) -> list[Line]:
        return self._lines(
            [
                ("male", Person.Gender.MALE.label),
                ("female", Person.Gender.FEMALE.label),
                ("gender_unknown", gettext_lazy("Not recorded")),
            ]
        )

    @property
    def by_age(self) -> list[Line]:
        bands = [(band.key, band.label) for band in AGE_BANDS]
        return self._lines([*bands, ("age_unknown", gettext_lazy("Date of birth not recorded"))])

    @property
    def admitted(self) -> Line:
        return self._lines([("admitted", gettext_lazy("Newly admitted"))])[0]

    @property
    def members(self) -> Line:
        return self._lines([("members", gettext_lazy("Party members"))])[0]

    @property
    def admitted_units(self) -> list[Line]:
        """The newly admitted by unit (the same rows as `units`)."""
        return [
            Line(
                line.key,
                line.label,
                line.unit_now.admitted,
                line.unit_before.admitted,
                self.total.admitted,
                line.organization,
                line.drillable,
            )
            for line in self.units
        ]


def as_of_day(period: Period, today: dt.date) -> dt.date:
    """The day a period's stock is counted on: its last day, or today while it runs
    (or before it starts)."""
    return min(period.end, today)


def member_statistics(
    person: Person, node: Organization, period: Period, today: dt.date | None = None
) -> MemberStatistics:
    """The members of `node`'s subtree and of each unit under it, as of the end of
    `period` (or today while it runs), against the end of the period before. The
    caller has checked VIEW_STATISTICS on `node`; the units below are within the
    same reach."""
    today = today or timezone.localdate()
    previous = previous_period(period)
    as_of = as_of_day(period, today)
    previous_as_of = as_of_day(previous, today)
    (total, now), (previous_total, before) = days_counts(
        node, [Day(as_of, period.start, as_of), Day(previous_as_of, previous.start, previous_as_of)]
    )
    units = visible_to(person, tree.children(node), action=Action.VIEW_STATISTICS)
    lines: list[UnitLine] = []
    for unit in units:
        # A unit with nobody on its roll on either day is listed only when it is a
        # Party organization open on the day (an office or a board keeps no roll).
        empty = unit.path not in now and unit.path not in before
        if empty and not (unit.kind.is_committee and _open_on(unit, as_of)):
            continue
        lines.append(_unit_line(unit.path, unit.name, now, before, total.members, unit))
    if node.path in now or node.path in before:
        own = _unit_line(
            node.path, _("On the roll of %(unit)s itself") % {"unit": node.name}, now, before, total.members
        )
        lines.insert(0, own)
    return MemberStatistics(
        node=node,
        period=period,
        previous=previous,
        as_of=as_of,
        previous_as_of=previous_as_of,
        total=total,
        previous_total=previous_total,
        units=lines,
        trail=breadcrumb(person, node),
    )


def _open_on(unit: Organization, day: dt.date) -> bool:
    return (unit.opened_on is None or unit.opened_on <= day) and (
        unit.closed_on is None or unit.closed_on >= day
    )


def _unit_line(
    key: str,
    label: str,
    now: dict[str, Counts],
    before: dict[str, Counts],
    total: int,
    unit: Organization | None = None,
) -> UnitLine:
    current, past = now.get(key, Counts()), before.get(key, Counts())
    return UnitLine(
        key,
        label,
        current.members,
        past.members,
        total,
        unit,
        bool(unit and unit.numchild),
        current,
        past,
    )
