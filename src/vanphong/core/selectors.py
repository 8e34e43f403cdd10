"""Reads: what the pages show, already cut down by `permissions`."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import AuditEvent, CongressTerm, Membership, Organization, Person, Role
from vanphong.core.permissions import GRANTS, Action, grants_of, may_anywhere, visible_to
from vanphong.core.vietnamese import fold

LEADER_ROLES = {Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STANDING_MEMBER, Role.COMMITTEE_MEMBER}
OFFICE_ROLES = {Role.OFFICE_CHIEF, Role.OFFICE_DEPUTY_CHIEF, Role.SPECIALIST}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    name: str
    active: bool = False


def navigation_for(person: Person) -> list[NavItem]:
    items = [
        NavItem(str(_("Home")), reverse("dashboard"), "dashboard"),
        NavItem(str(_("Organizations")), reverse("organization_list"), "organizations"),
        NavItem(str(pgettext_lazy("menu", "People")), reverse("person_list"), "people"),
    ]
    items.extend(_module_items(person))
    if may_anywhere(person, Action.VIEW_AUDIT):
        items.append(NavItem(str(pgettext_lazy("menu", "Audit log")), reverse("audit_log"), "audit"))
    if person.is_superuser:
        items.append(NavItem(str(_("Administration")), reverse("admin:index"), "admin"))
    return items


def account_navigation_for(person: Person) -> list[NavItem]:
    """Entries of the person's own menu (under their name, beside the password): the
    other apps may declare `account_navigation(person)` in their selectors module."""
    return _module_items(person, "account_navigation")


def _module_items(person: Person, hook: str = "navigation") -> list[NavItem]:
    """Menu entries of the other apps: each may declare `navigation(person)` (and
    `account_navigation(person)`) in its selectors module (core imports none of them
    directly)."""
    items: list[NavItem] = []
    for found in declared(hook):
        items.extend(NavItem(label, url, name) for label, url, name in found(person))
    return items


def declared(hook: str) -> Iterator[Callable[..., Any]]:
    """The function `hook` of each other app's selectors module that declares one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("vanphong.") or config.name == "vanphong.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.selectors")
        except ModuleNotFoundError:
            continue
        declared = getattr(module, hook, None)
        if declared is not None:
            yield declared


def current_memberships(person: Person, on: dt.date | None = None) -> QuerySet[Membership]:
    return (
        Membership.objects.current(on)
        .filter(person=person)
        .select_related("organization__kind")
        .order_by("organization__path", "role")
    )


def subtree(organization: Organization, *, include_closed: bool = False) -> QuerySet[Organization]:
    units = Organization.objects.filter(path__startswith=organization.path)
    return units if include_closed else units.filter(closed_on__isnull=True)


def members_in(organization: Organization) -> QuerySet[Person]:
    """Party members on the rolls of the subtree today: people with a current
    MEMBER membership there. Leaders and office staff are counted through their own
    cell's roll, not through their office."""
    today = timezone.localdate()
    on_roll = Membership.objects.current(today).filter(
        person=OuterRef("pk"), role=Role.MEMBER, organization__path__startswith=organization.path
    )
    return Person.objects.filter(Exists(on_roll))


@dataclass
class Overview:
    scope: Organization
    units_by_kind: list[tuple[str, int]]
    members: int
    admitted_this_year: int


def overview_of(organization: Organization) -> Overview:
    units = (
        subtree(organization)
        .exclude(pk=organization.pk)
        .values("kind__name", "kind__order")
        .annotate(n=Count("id"))
        .order_by("kind__order")
    )
    members = members_in(organization)
    year = timezone.localdate().year
    return Overview(
        scope=organization,
        units_by_kind=[(row["kind__name"], row["n"]) for row in units],
        members=members.count(),
        admitted_this_year=members.filter(joined_party_on__year=year).count(),
    )


def units_without_secretary(organization: Organization) -> QuerySet[Organization]:
    """Open grassroots units below `organization` where nobody currently holds the
    Secretary role: the office follows these up."""
    secretary = Membership.objects.current().filter(organization=OuterRef("pk"), role=Role.SECRETARY)
    return (
        subtree(organization)
        .filter(kind__is_grassroots=True)
        .filter(~Exists(secretary))
        .select_related("kind")
        .order_by("path")
    )


def terms_ending_soon(organization: Organization, within_days: int = 180) -> QuerySet[CongressTerm]:
    today = timezone.localdate()
    return (
        CongressTerm.objects.filter(
            organization__path__startswith=organization.path,
            ended_on__gte=today,
            ended_on__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("organization")
        .order_by("ended_on")
    )


def units_directory(organization: Organization) -> QuerySet[Organization]:
    """The units directly under a committee, with the abbreviations used in symbols."""
    return (
        Organization.objects.get_children(organization).filter(closed_on__isnull=True).select_related("kind")
    )


def closed_units(organization: Organization, limit: int = 10) -> QuerySet[Organization]:
    return (
        subtree(organization, include_closed=True)
        .filter(closed_on__isnull=False)
        .select_related("kind")
        .order_by("-closed_on")[:limit]
    )


def members_per_unit(organization: Organization) -> QuerySet[Organization]:
    """Grassroots units below `organization` with the number of members on their
    rolls, their cells included, largest first."""
    on_roll = (
        Membership.objects.current()
        .filter(role=Role.MEMBER, organization__path__startswith=OuterRef("path"))
        .order_by()
        .values("role")
        .annotate(n=Count("person", distinct=True))
        .values("n")
    )
    return (
        subtree(organization)
        .filter(kind__is_grassroots=True)
        .annotate(n_members=Coalesce(Subquery(on_roll), 0))
        .order_by("-n_members", "path")
    )


def recent_events(person: Person, limit: int = 10) -> QuerySet[AuditEvent]:
    events = visible_to(person, AuditEvent.objects.all(), action=Action.VIEW_AUDIT, secrecy_field="secrecy")
    return events.select_related("actor")[:limit]


def organization_history(organization: Organization, viewer: Person) -> QuerySet[AuditEvent]:
    """What happened to a unit and in it: its own changes, its terms, the roles given
    and ended there, the people entered through it (every event names its unit),
    less the events about records classified above the viewer's clearance."""
    return (
        AuditEvent.objects.filter(organization=organization, secrecy__lte=viewer.clearance)
        .select_related("actor")
        .order_by("-id")
    )


def person_history(person: Person) -> QuerySet[AuditEvent]:
    """A person's own record and their roles. Sign-ins are left to the audit log:
    on the page they would bury the changes."""
    roles = [str(pk) for pk in person.memberships.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(
            Q(target_type="core.person", target_id=str(person.pk))
            | Q(target_type="core.membership", target_id__in=roles)
        )
        .exclude(action__startswith="auth.")
        .select_related("actor")
        .order_by("-id")
    )


def record_history(record: Any, viewer: Person) -> QuerySet[AuditEvent]:
    """The events about one record (a document, a slip…) and about the records other
    apps say belong to its story (an incoming document's transfer slips), for its
    page. The caller has already checked the viewer may see the record itself; the
    related records' events are cut by the same clearance."""
    about = Q(target_type=record._meta.label_lower, target_id=str(record.pk))
    for related in _related_records(record):
        about |= Q(target_type=related._meta.label_lower, target_id=str(related.pk))
    return (
        AuditEvent.objects.filter(about)
        .filter(secrecy__lte=viewer.clearance)
        .select_related("actor")
        .order_by("-id")
    )


def _related_records(record: Any) -> list[Any]:
    """What the other apps declare as `related_records(record)` in their selectors
    module (core imports none of them directly)."""
    found: list[Any] = []
    for declared_by_app in declared("related_records"):
        found.extend(declared_by_app(record))
    return found


ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


def leaders_of(organization: Organization) -> list[Membership]:
    """Current holders of every role but plain membership, Secretary first."""
    holders = (
        Membership.objects.current()
        .filter(organization=organization)
        .exclude(role=Role.MEMBER)
        .select_related("person")
    )
    return sorted(holders, key=lambda m: (ROLE_RANK[Role(m.role)], m.person.sort_key))


def committee_leaders(committee: Organization) -> QuerySet[Person]:
    """The committee's current leaders (LEADER_ROLES: the Secretary, the Deputies, the
    Standing Committee and committee members): who presides over its events and who
    is in charge of a program's item or a conclusion's task."""
    holding = Membership.objects.current().filter(organization=committee, role__in=LEADER_ROLES)
    return Person.objects.filter(pk__in=holding.values("person")).order_by("sort_key", "pk")


def unit_problem(committee: Organization, unit: Organization) -> str | None:
    """Why `unit` may not be given work of `committee` (None when it may): it must be a
    unit of the committee's tree, and still open."""
    if not unit.path.startswith(committee.path):
        return _("%(name)s is not a unit of this committee.") % {"name": unit.name}
    if not unit.is_open:
        return _("%(name)s has been closed.") % {"name": unit.name}
    return None


def roll_of(organization: Organization) -> QuerySet[Membership]:
    """The unit's own roll of Party members today, in Vietnamese name order."""
    return (
        Membership.objects.current()
        .filter(organization=organization, role=Role.MEMBER)
        .select_related("person")
        .order_by("person__sort_key", "person_id")
    )


@dataclass
class CellCard:
    """A member's own cell, as the member sees it on the home page."""

    unit: Organization
    parent: Organization | None
    secretary: Person | None
    members: int


def cell_card(unit: Organization) -> CellCard:
    secretary = (
        Membership.objects.current()
        .filter(organization=unit, role=Role.SECRETARY)
        .select_related("person")
        .first()
    )
    return CellCard(
        unit=unit,
        parent=Organization.objects.get_parent(unit),
        secretary=secretary.person if secretary else None,
        members=roll_of(unit).count(),
    )


DASHBOARD_ROWS = 10
# Enough for a city's grassroots units (123 in the demo) on one page.
MEMBERS_PER_UNIT_ROWS = 300


@dataclass
class Dashboard:
    memberships: list[Membership]
    roles: set[Role]
    overviews: list[Overview] = field(default_factory=list)
    without_secretary: list[Organization] = field(default_factory=list)
    without_secretary_total: int = 0
    grassroots_total: int = 0
    terms_ending: list[CongressTerm] = field(default_factory=list)
    directory: list[Organization] = field(default_factory=list)
    closed: list[Organization] = field(default_factory=list)
    members_per_unit: list[Organization] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)
    cells: list[CellCard] = field(default_factory=list)

    @property
    def is_leader(self) -> bool:
        return bool(self.roles & LEADER_ROLES)

    @property
    def is_office(self) -> bool:
        return bool(self.roles & OFFICE_ROLES)

    @property
    def is_clerk(self) -> bool:
        return Role.CLERK in self.roles

    @property
    def is_archivist(self) -> bool:
        return Role.ARCHIVIST in self.roles

    @property
    def is_accountant(self) -> bool:
        return Role.ACCOUNTANT in self.roles


def dashboard_for(person: Person) -> Dashboard:
    """What each role sees first: leaders an overview of their committee; the office
    what needs following up; the clerk the unit directory with its abbreviations;
    the archivist the closed units; the accountant members per grassroots unit."""
    grants = grants_of(person)
    board = Dashboard(memberships=list(current_memberships(person)), roles={g.role for g in grants})
    scopes: dict[int, Organization] = {}
    for grant in grants:
        if grant.role in LEADER_ROLES | OFFICE_ROLES | {Role.CLERK, Role.ARCHIVIST, Role.ACCOUNTANT}:
            scopes.setdefault(grant.scope.pk, grant.scope)
    for scope in scopes.values():
        board.overviews.append(overview_of(scope))
        if board.is_office:
            board.without_secretary.extend(units_without_secretary(scope)[:DASHBOARD_ROWS])
            board.without_secretary_total += units_without_secretary(scope).count()
            board.terms_ending.extend(terms_ending_soon(scope))
        if board.is_clerk or board.is_office:
            board.directory.extend(units_directory(scope))
        if board.is_archivist:
            board.closed.extend(closed_units(scope))
        if board.is_accountant:
            board.members_per_unit.extend(members_per_unit(scope)[:MEMBERS_PER_UNIT_ROWS])
            board.grassroots_total += subtree(scope).filter(kind__is_grassroots=True).count()
    if may_anywhere(person, Action.VIEW_AUDIT):
        board.events = list(recent_events(person))
    board.cells = [cell_card(m.organization) for m in board.memberships if m.role == Role.MEMBER]
    return board


def search_people(person: Person, query: str) -> QuerySet[Person]:
    """People `person` may see, matching `query` without regard to accents, with
    the units they belong to today (to tell two people of one name apart)."""
    current = Membership.objects.current().select_related("organization").order_by("organization__path")
    people = visible_to(person, Person.objects.all()).prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    )
    folded = fold(query)
    if folded:
        people = people.filter(Q(search_name__contains=folded) | Q(username__iexact=query.strip()))
    return people.order_by("sort_key", "id")


def search_organizations(person: Person, query: str) -> QuerySet[Organization]:
    units = visible_to(person, Organization.objects.all()).select_related("kind")
    folded = fold(query)
    if folded:
        units = units.filter(Q(search_name__contains=folded) | Q(abbreviation__iexact=query.strip()))
    return units.order_by("path")


def top_organizations(person: Person) -> list[Organization]:
    """The highest units a person may see: where their browsing of the tree starts."""
    scopes = sorted(
        (g.scope for g in grants_of(person) if Action.VIEW in GRANTS[g.role]), key=lambda o: o.path
    )
    tops: list[Organization] = []
    for unit in scopes:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    return tops
