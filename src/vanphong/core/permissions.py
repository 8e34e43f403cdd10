"""Who may do what: the one place that answers it.

A person's power comes from their current memberships. Each role grants actions with
a reach: on the organization it acts for only (OWN), or on that organization and
everything below it (SUBTREE). Office staff act for the committee their office
serves. Clearance then caps everything: nobody reaches an object classified above
their clearance, whatever their role.

Views, the API and later apps ask `can()` for one object and filter lists with
`visible_to()`, so a classified or out-of-scope record never reaches a template.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from vanphong.core.models import Membership, Organization, Person, Role, Secrecy

M = TypeVar("M", bound=models.Model)


class Action(enum.StrEnum):
    VIEW = "view"  # see an object and its details
    ADMINISTER = "administer"  # maintain organizations, terms and memberships
    REGISTER = "register"  # văn thư: register and number documents
    DRAFT = "draft"  # prepare documents and reports (tham mưu)
    DIRECT = "direct"  # give instructions, approve, sign (lãnh đạo)
    ARCHIVE = "archive"  # keep the archive (lưu trữ)
    FINANCE = "finance"  # Party dues and assets (kế toán)
    VIEW_AUDIT = "view_audit"  # read the audit trail
    VIEW_FIGURES = "view_figures"  # the office's own figures, for its review report (số liệu công tác)
    VIEW_STATISTICS = "view_statistics"  # Party membership statistics of a subtree (thống kê đảng viên)
    SEND_REPORTS = "send_reports"  # a grassroots organization sends its periodic reports (gửi báo cáo)
    RECEIVE_REPORTS = "receive_reports"  # the office asks for reports and receives them (nhận báo cáo)
    SEE_DENOUNCER = "see_denouncer"  # a denouncer's identity (người tố cáo), kept secret from other staff


class Reach(enum.Enum):
    OWN = "own"
    SUBTREE = "subtree"


O, S = Reach.OWN, Reach.SUBTREE  # noqa: E741 (short names keep the table below readable)

GRANTS: dict[Role, dict[Action, Reach]] = {
    Role.SECRETARY: {
        Action.VIEW: S,
        Action.SEE_DENOUNCER: S,
        Action.DIRECT: S,
        Action.VIEW_AUDIT: S,
        Action.VIEW_FIGURES: S,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
    },
    Role.DEPUTY_SECRETARY: {
        Action.VIEW: S,
        Action.SEE_DENOUNCER: S,
        Action.DIRECT: S,
        Action.VIEW_AUDIT: S,
        Action.VIEW_FIGURES: S,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
    },
    Role.STANDING_MEMBER: {
        Action.VIEW: S,
        Action.SEE_DENOUNCER: S,
        Action.DIRECT: S,
        Action.VIEW_FIGURES: S,
        Action.VIEW_STATISTICS: S,
    },
    Role.COMMITTEE_MEMBER: {Action.VIEW: S},
    Role.OFFICE_CHIEF: {
        Action.VIEW: S,
        Action.SEE_DENOUNCER: O,
        Action.ADMINISTER: S,
        Action.DRAFT: O,
        Action.DIRECT: O,
        Action.VIEW_AUDIT: S,
        Action.VIEW_FIGURES: O,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
        Action.RECEIVE_REPORTS: O,
    },
    Role.OFFICE_DEPUTY_CHIEF: {
        Action.VIEW: S,
        Action.SEE_DENOUNCER: O,
        Action.ADMINISTER: S,
        Action.DRAFT: O,
        Action.DIRECT: O,
        Action.VIEW_AUDIT: S,
        Action.VIEW_FIGURES: O,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
        Action.RECEIVE_REPORTS: O,
    },
    # A board drafts, directs and reports within itself; it administers no one.
    Role.UNIT_HEAD: {
        Action.VIEW: S,
        Action.DRAFT: O,
        Action.DIRECT: O,
        Action.VIEW_FIGURES: O,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
    },
    Role.UNIT_DEPUTY_HEAD: {
        Action.VIEW: S,
        Action.DRAFT: O,
        Action.DIRECT: O,
        Action.VIEW_FIGURES: O,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
    },
    Role.SPECIALIST: {
        Action.VIEW: S,
        Action.DRAFT: O,
        Action.VIEW_FIGURES: O,
        Action.VIEW_STATISTICS: S,
        Action.SEND_REPORTS: O,
        Action.RECEIVE_REPORTS: O,
    },
    Role.CLERK: {Action.VIEW: S, Action.REGISTER: O, Action.VIEW_FIGURES: O, Action.SEND_REPORTS: O},
    Role.ARCHIVIST: {Action.VIEW: S, Action.ARCHIVE: O},
    Role.ACCOUNTANT: {Action.VIEW: O, Action.FINANCE: S},
    Role.MEMBER: {Action.VIEW: O},
}


@dataclass(frozen=True)
class Grant:
    """One current membership, resolved to the organization it acts for."""

    role: Role
    scope: Organization

    def covers(self, organization: Organization, reach: Reach) -> bool:
        if reach is Reach.SUBTREE:
            return organization.path.startswith(self.scope.path)
        return organization.pk == self.scope.pk or (
            organization.depth == self.scope.depth + 1
            and organization.path.startswith(self.scope.path)
            and organization.kind.is_office
        )


def acting_scope(organization: Organization) -> Organization:
    """The organization a membership acts for: an office acts for its committee."""
    if organization.kind.is_office and organization.depth > 1:
        parent = Organization.objects.get_parent(organization)
        if parent is not None:
            return parent
    return organization


# Within one request a person's grants today are read once: a page asks `can()` and
# `visible_to()` a score of times (the menu alone asks each app), and each asked the
# database again. Any write recorded in the audit trail forgets them (`forget_grants`),
# so a request that changes memberships reads them afresh.
_remembered: contextvars.ContextVar[dict[tuple[int, dt.date], list[Grant]] | None] = contextvars.ContextVar(
    "vanphong_grants", default=None
)


@contextmanager
def grants_remembered() -> Iterator[None]:
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def forget_grants() -> None:
    memo = _remembered.get()
    if memo is not None:
        memo.clear()


def grants_of(person: Person, on: dt.date | None = None) -> list[Grant]:
    if not person.is_authenticated or not person.is_active:
        return []
    memo = _remembered.get()
    if memo is None:
        return _read_grants(person, on)
    key = (person.pk, on or timezone.localdate())
    if key not in memo:
        memo[key] = _read_grants(person, on)
    return list(memo[key])


def _read_grants(person: Person, on: dt.date | None) -> list[Grant]:
    memberships = (
        Membership.objects.current(on)
        .filter(person=person, organization__closed_on__isnull=True)
        .select_related("organization__kind")
    )
    return [Grant(Role(m.role), acting_scope(m.organization)) for m in memberships]


def may_anywhere(person: Person, action: Action) -> bool:
    """Does any of the person's roles grant `action` somewhere (to show a menu entry)?"""
    return any(action in GRANTS[grant.role] for grant in grants_of(person))


def _organization_of(obj: object) -> Organization:
    if isinstance(obj, Organization):
        return obj
    organization = getattr(obj, "organization", None)
    if not isinstance(organization, Organization):
        raise TypeError(f"{type(obj).__name__} has no organization to check permissions against")
    return organization


def can(person: Person, action: Action, obj: object) -> bool:
    """May `person` do `action` to `obj` today? `obj` is an Organization, a Person,
    or anything with `.organization` (and `.secrecy` when it can be classified)."""
    if not person.is_authenticated or not person.is_active:
        return False
    if getattr(obj, "secrecy", Secrecy.NONE) > person.clearance:
        return False
    grants = grants_of(person)
    if isinstance(obj, Person):
        if obj.pk == person.pk and action is Action.VIEW:
            return True
        organizations = [
            m.organization for m in Membership.objects.filter(person=obj).select_related("organization__kind")
        ]
    else:
        organizations = [_organization_of(obj)]
    for grant in grants:
        reach = GRANTS[grant.role].get(action)
        if reach is not None and any(grant.covers(org, reach) for org in organizations):
            return True
    return False


def organizations_q(person: Person, action: Action = Action.VIEW, prefix: str = "") -> Q:
    """A filter on organizations (or, with `prefix`, on a relation to one) that keeps
    those on which `person` may do `action`. Matches nothing when they may not."""
    condition = Q(pk__in=[])
    for grant in grants_of(person):
        reach = GRANTS[grant.role].get(action)
        if reach is Reach.SUBTREE:
            condition |= Q(**{f"{prefix}path__startswith": grant.scope.path})
        elif reach is Reach.OWN:
            condition |= Q(**{f"{prefix}pk": grant.scope.pk}) | Q(
                **{
                    f"{prefix}path__startswith": grant.scope.path,
                    f"{prefix}depth": grant.scope.depth + 1,
                    f"{prefix}kind__is_office": True,
                }
            )
    return condition


def visible_to(
    person: Person,
    queryset: QuerySet[M],
    *,
    organization_field: str = "organization",
    secrecy_field: str | None = None,
    action: Action = Action.VIEW,
) -> QuerySet[M]:
    """`queryset` cut down to what `person` may see (or do `action` to): the
    organization scope from their roles, and the secrecy cap from their clearance."""
    if not person.is_authenticated or not person.is_active:
        return queryset.none()
    model = queryset.model
    if model is Organization:
        queryset = queryset.filter(organizations_q(person, action))
    elif model is Person:
        in_scope = Membership.objects.filter(person=OuterRef("pk")).filter(
            organizations_q(person, action, prefix="organization__")
        )
        # Everyone may see their own record (as `can` says), but no more than see it.
        yourself = Q(pk=person.pk) if action is Action.VIEW else Q(pk__in=[])
        queryset = queryset.filter(Exists(in_scope) | yourself)
    else:
        allowed = Organization.objects.filter(organizations_q(person, action))
        queryset = queryset.filter(**{f"{organization_field}__in": allowed})
    if secrecy_field:
        queryset = queryset.filter(**{f"{secrecy_field}__lte": person.clearance})
    return queryset
