"""Reads for the reports: who sends and who receives, what is due, and the office's
period board.

The board is one query over the organizations that must report, each joined to its
report (if it has begun one): whether and when it was first submitted, against the
due day, gives its status; nothing is read organization by organization."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from vanphong.core.models import Membership, Organization, Person
from vanphong.core.permissions import GRANTS, Action, can, may_anywhere, visible_to
from vanphong.core.tree import ancestor_paths, child_key, children, in_subtree
from vanphong.reports.models import (
    Report,
    ReportForm,
    ReportPeriod,
    ReportState,
    ReportSubmission,
    ReportValue,
)


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.RECEIVE_REPORTS):
        return [(pgettext("menu", "Reports"), reverse("reports_home"), "reports")]
    if may_anywhere(person, Action.SEND_REPORTS):
        return [(pgettext("menu", "Reports"), reverse("reports_due"), "reports")]
    return []


# --- Who --------------------------------------------------------------------------------------

SENDER_ROLES = [role for role, grants in GRANTS.items() if Action.SEND_REPORTS in grants]


def forms_visible_to(person: Person) -> QuerySet[ReportForm]:
    return visible_to(person, ReportForm.objects.all()).select_related("organization", "recipients_root")


def periods_visible_to(person: Person) -> QuerySet[ReportPeriod]:
    return visible_to(person, ReportPeriod.objects.all()).select_related("form", "version", "organization")


def receiving_committees(person: Person) -> QuerySet[Organization]:
    """The committees for which `person` asks for reports (their office's)."""
    return visible_to(
        person, Organization.objects.filter(kind__is_office=False), action=Action.RECEIVE_REPORTS
    ).order_by("path")


def sending_organizations(person: Person) -> QuerySet[Organization]:
    """The organizations in whose name `person` sends reports."""
    return (
        visible_to(
            person,
            Organization.objects.filter(kind__is_office=False, closed_on__isnull=True),
            action=Action.SEND_REPORTS,
        )
        .select_related("kind")
        .order_by("path")
    )


def senders_of(organization: Organization) -> list[Person]:
    """Who is told about an organization's report: its Secretaries and office staff
    (in it, or in its office)."""
    its_office = Q(
        organization__path__startswith=organization.path,
        organization__depth=organization.depth + 1,
        organization__kind__is_office=True,
    )
    memberships = (
        Membership.objects.current()
        .filter(Q(organization=organization) | its_office, role__in=SENDER_ROLES, person__is_active=True)
        .select_related("person")
        .order_by("person__sort_key", "person__pk")
    )
    people: dict[int, Person] = {}
    for membership in memberships:
        people.setdefault(membership.person.pk, membership.person)
    return list(people.values())


def recipients(period: ReportPeriod) -> QuerySet[Organization]:
    """The organizations that must send `period`'s report: those the form names, open
    at some time in the period."""
    asked = Organization.objects.filter(period.form.recipients_q())
    root = period.form.recipients_root
    if root is not None:
        asked = asked.filter(path_range(root.path))
    return asked.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.starts_on),
        Q(opened_on__isnull=True) | Q(opened_on__lte=period.ends_on),
    )


def path_range(path: str, field: str = "path") -> Q:
    """The paths starting with `path` as a range of the path's index, said again
    beside `path__startswith`: SQLite's LIKE (case-insensitive) never uses an index,
    nor does PostgreSQL's under a collation other than C, so a subtree of 117
    organizations was found by reading all 50,000. The range is [path, the next path
    of the same length or shorter), in the tree's alphabet, which sorts the same way
    under any collation (digits, then capitals)."""
    alphabet = Organization.alphabet
    for end in range(len(path), 0, -1):
        place = alphabet.find(path[end - 1])
        if 0 <= place < len(alphabet) - 1:
            return Q(**{f"{field}__gte": path, f"{field}__lt": path[: end - 1] + alphabet[place + 1]})
    return Q(**{f"{field}__gte": path})


def is_recipient(period: ReportPeriod, organization: Organization) -> bool:
    return recipients(period).filter(pk=organization.pk).exists()


def due_for(person: Person) -> list[tuple[Organization, list[tuple[ReportPeriod, Report | None]]]]:
    """For each organization `person` sends for: the open periods it must report on,
    with its report so far (None: not begun), the earliest due first."""
    result = []
    for organization in sending_organizations(person):
        ancestors = [organization.path[:end] for end in range(4, len(organization.path) + 1, 4)]
        asked = Q(form__recipients=organization)
        if organization.kind.is_grassroots:
            asked |= Q(form__recipients_root__path__in=ancestors)
        periods = (
            ReportPeriod.objects.filter(asked, closed_at__isnull=True)
            .select_related("form")
            .distinct()
            .order_by("due_on", "pk")
        )
        reports = {
            report.period_id: report
            for report in Report.objects.filter(organization=organization, period__in=periods)
        }
        # Returned reports of closed periods are still theirs to see.
        result.append((organization, [(period, reports.get(period.pk)) for period in periods]))
    return result


def returned_for(person: Person) -> QuerySet[Report]:
    return Report.objects.filter(
        organization__in=sending_organizations(person), state=ReportState.RETURNED
    ).select_related("period__form", "organization")


# --- The board --------------------------------------------------------------------------------


class Status(enum.StrEnum):
    PENDING = "pending"  # not sent, not yet due
    ON_TIME = "on_time"  # first sent by the end of the due day
    LATE = "late"  # first sent after the due day
    MISSING = "missing"  # not sent, and the due day has passed


STATUS_LABELS = {
    Status.PENDING: gettext_lazy("Not yet due"),
    Status.ON_TIME: gettext_lazy("On time"),
    Status.LATE: gettext_lazy("Late"),
    Status.MISSING: gettext_lazy("Missing"),
}


def due_end(period: ReportPeriod) -> dt.datetime:
    """The first moment after the due day, in the office's time zone."""
    day = period.due_on + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def status_conditions(period: ReportPeriod, today: dt.date) -> dict[Status, Q]:
    """The condition of each status on the annotated `first_submitted_at`: exactly
    one holds for any organization."""
    sent = Q(first_submitted_at__isnull=False)
    in_time = Q(first_submitted_at__lt=due_end(period))
    due = Q(pk__isnull=False) if today > period.due_on else Q(pk__in=[])
    return {
        Status.ON_TIME: sent & in_time,
        Status.LATE: sent & ~in_time,
        Status.MISSING: ~sent & due,
        Status.PENDING: ~sent & ~due,
    }


def board_rows(period: ReportPeriod, today: dt.date | None = None) -> QuerySet[Organization]:
    """Every organization that must report, annotated with its report's pk, state,
    first submission, thin flag, and `status` (a Status) as of `today`."""
    today = today or timezone.localdate()
    report = Report.objects.filter(period=period, organization=OuterRef("pk"))
    rows = recipients(period).annotate(
        report_id=Subquery(report.values("pk")[:1]),
        report_state=Subquery(report.values("state")[:1]),
        first_submitted_at=Subquery(report.values("first_submitted_at")[:1]),
        submitted_at=Subquery(report.values("submitted_at")[:1]),
        is_thin=Subquery(report.values("is_thin")[:1]),
    )
    conditions = status_conditions(period, today)
    return rows.annotate(
        status=Case(
            *[When(condition, then=Value(str(status))) for status, condition in conditions.items()],
            default=Value(str(Status.PENDING)),
            output_field=CharField(),
        )
    ).order_by("path")


@dataclass
class Board:
    period: ReportPeriod
    today: dt.date
    counts: dict[str, int]
    rows: list[Any]
    thin: dict[int, list[str]]  # report pk → its reasons, worded
    matching: int = 0  # the rows the filters let through, of which `rows` is one page
    page: int = 1
    pages: int = 1
    offset: int = 0

    @property
    def last_row(self) -> int:
        return self.offset + len(self.rows)


def board(
    period: ReportPeriod,
    *,
    today: dt.date | None = None,
    status: str = "",
    thin: bool = False,
    q: str = "",
    page: int = 1,
    per_page: int = 1000,
) -> Board:
    """The period's totals and one page of its rows (a page past the end is the last)."""
    today = today or timezone.localdate()
    rows = board_rows(period, today)
    counts = board_counts(period, today)
    if status:
        rows = rows.filter(status=status)
    if thin:
        rows = rows.filter(is_thin=True)
    if q:
        rows = rows.filter(name__icontains=q)
    matching = rows.count() if status or thin or q else counts["total"]
    pages = max(-(-matching // per_page), 1)
    page = min(max(page, 1), pages)
    offset = (page - 1) * per_page
    listed = list(rows.select_related("kind")[offset : offset + per_page])
    thin_ids = [row.report_id for row in listed if row.is_thin]
    reasons: dict[int, list[str]] = {}
    if thin_ids:
        latest = ReportSubmission.objects.filter(report_id__in=thin_ids).order_by("report_id", "-number")
        labels = {f["key"]: f.get("label", f["key"]) for f in period.version.fields}
        for submission in latest:
            if submission.report_id not in reasons:
                reasons[submission.report_id] = [word_reason(r, labels) for r in submission.thin_reasons]
    return Board(
        period=period,
        today=today,
        counts=counts,
        rows=listed,
        thin=reasons,
        matching=matching,
        page=page,
        pages=pages,
        offset=offset,
    )


def board_counts(period: ReportPeriod, today: dt.date) -> dict[str, int]:
    """The board's totals: how many organizations must report, how many reports are
    thin or returned, and how many organizations are in each status.

    Counted over the period's reports (one per organization, joined to the
    recipients), not over `board_rows`: there each status re-evaluates the row's
    report subqueries, a dozen index probes an organization (230 ms at 5,000 on
    SQLite). Who sent nothing is the rest of the recipients, missing once the due day
    has passed and pending before, as `status_conditions` says."""
    asked = recipients(period)
    conditions = status_conditions(period, today)
    reports = Report.objects.filter(period=period, organization__in=asked.values("pk")).aggregate(
        thin=Count("pk", filter=Q(is_thin=True)),
        returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
        on_time=Count("pk", filter=conditions[Status.ON_TIME]),
        late=Count("pk", filter=conditions[Status.LATE]),
    )
    total = asked.count()
    unsent = total - reports["on_time"] - reports["late"]
    missing = unsent if today > period.due_on else 0
    return {
        "total": total,
        "thin": reports["thin"],
        "returned": reports["returned"],
        str(Status.PENDING): unsent - missing,
        str(Status.ON_TIME): reports["on_time"],
        str(Status.LATE): reports["late"],
        str(Status.MISSING): missing,
    }


def word_reason(reason: dict[str, Any], labels: dict[str, str]) -> str:
    """A stored thin reason, in words."""
    label = labels.get(reason.get("field", ""), reason.get("field", ""))
    code = reason.get("code")
    if code == "empty":
        return _("%(field)s: left empty") % {"field": label}
    if code == "short":
        return _("%(field)s: %(words)s words, at least %(min)s expected") % {
            "field": label,
            "words": reason.get("words", 0),
            "min": reason.get("min_words", 0),
        }
    if code == "jump":
        return _("%(field)s: %(value)s against %(previous)s last period (%(change)+d%%)") % {
            "field": label,
            "value": reason.get("value", ""),
            "previous": reason.get("previous", ""),
            "change": reason.get("change", 0),
        }
    return label


def unsent(period: ReportPeriod, today: dt.date | None = None) -> QuerySet[Organization]:
    """The organizations whose report is missing as of `today` (nothing sent, the due
    day past): whom a reminder goes to."""
    return board_rows(period, today).filter(status=str(Status.MISSING))


def previous_numbers(period: ReportPeriod, organization: Organization) -> dict[str, Decimal]:
    """The organization's numbers of its latest earlier period of the same form that
    it submitted (empty when there is none)."""
    earlier = (
        ReportValue.objects.filter(
            organization=organization, period__form_id=period.form_id, period__starts_on__lt=period.starts_on
        )
        .order_by("-period__starts_on")
        .values_list("period_id", flat=True)[:1]
    )
    last = list(earlier)
    if not last:
        return {}
    return dict(
        ReportValue.objects.filter(organization=organization, period_id=last[0]).values_list("key", "value")
    )


def reports_visible_to(person: Person) -> QuerySet[Report]:
    """The reports `person` may read: of a period they see (the form's committee),
    sent by an organization they see (its leaders and the offices above it; not, say,
    a plain member of the asking committee)."""
    return visible_to(
        person,
        Report.objects.filter(period__in=periods_visible_to(person)),
    ).select_related("period__form", "period__version", "organization")


def may_receive(person: Person, period_or_form: ReportPeriod | ReportForm) -> bool:
    return can(person, Action.RECEIVE_REPORTS, period_or_form)


def sum_of(period: ReportPeriod, key: str, under: Organization) -> Decimal | None:
    """The sum of one number over `under`'s subtree: one aggregate over ReportValue
    (what the statistics of a later slice build on)."""
    return ReportValue.objects.filter(
        period=period, key=key, organization__path__startswith=under.path
    ).aggregate(total=Sum("value"))["total"]


# --- A period's numbers summed up the tree ---------------------------------------------------


def number_keys(fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The `ReportValue` keys a version's numbers are kept under, with their labels,
    in the form's order: each number field, each number cell of a table with fixed
    rows, and each number column's total."""
    keys: list[tuple[str, str]] = []
    for field in fields:
        label = field.get("label") or field["key"]
        if field["kind"] == "number":
            keys.append((field["key"], label))
        elif field["kind"] == "table":
            for column in field.get("columns", []):
                if column.get("kind") != "number":
                    continue
                column_label = column.get("label") or column["key"]
                for index, row in enumerate(field.get("rows") or []):
                    cell = f"{field['key']}.{index}.{column['key']}"
                    keys.append((cell, f"{label} — {row} — {column_label}"))
                # Outside the f-string, where makemessages finds it.
                total = _("total")
                keys.append((f"{field['key']}.*.{column['key']}", f"{label} — {column_label} ({total})"))
    return keys


@dataclass
class SumLine:
    """One child subtree of the node (or the node's own report, `organization` the
    node and `is_own` set; or the node's total, `organization` None)."""

    key: str  # the child's path (the node's path for its own report, "" for the total)
    organization: Organization | None
    asked: int
    reported: int
    values: dict[str, Decimal]
    previous: dict[str, Decimal]
    is_own: bool = False

    def cells(self, keys: list[str]) -> list[tuple[str, Decimal | None, Decimal | None, Decimal | None]]:
        """(key, this period, previous period, change) for each of `keys`."""
        result = []
        for key in keys:
            now, before = self.values.get(key), self.previous.get(key)
            change = None if now is None or before is None else now - before
            result.append((key, now, before, change))
        return result

    @property
    def drillable(self) -> bool:
        return self.organization is not None and not self.is_own and self.organization.numchild > 0


@dataclass
class PeriodSums:
    period: ReportPeriod
    previous_period: ReportPeriod | None
    node: Organization
    keys: list[tuple[str, str]]
    lines: list[SumLine]
    total: SumLine
    trail: list[Organization]


def statistics_root(period: ReportPeriod) -> Organization:
    """Where the drill-down begins: the form's committee."""
    return period.form.organization


def previous_period(period: ReportPeriod) -> ReportPeriod | None:
    return (
        ReportPeriod.objects.filter(form_id=period.form_id, starts_on__lt=period.starts_on)
        .order_by("-starts_on")
        .first()
    )


def period_sums(period: ReportPeriod, node: Organization | None = None) -> PeriodSums:
    """For each numeric key of the period's version, the sum over each child subtree
    of `node` (by default the form's committee), the node's total, how many
    organizations were asked and reported in each child, and the same sums for the
    previous period of the form.

    The sums are one GROUP BY over `ReportValue` on (period, child path prefix, key),
    both periods at once; the counts one GROUP BY over the recipients. A report's
    values are its latest submission's (replaced when it is sent again), and an
    organization that sent nothing has none: neither needs a filter here."""
    root = statistics_root(period)
    node = node or root
    before = previous_period(period)
    keys = number_keys(period.version.fields)
    key_names = [key for key, _label in keys]
    periods = [period.pk] + ([before.pk] if before else [])
    sums = (
        ReportValue.objects.filter(in_subtree(node), period_id__in=periods, key__in=key_names)
        .annotate(child=child_key(node))
        .values("period_id", "child", "key")
        .annotate(total=Sum("value"))
        .order_by()
    )
    sent = Report.objects.filter(period=period, organization=OuterRef("pk"), submitted_at__isnull=False)
    counts = (
        recipients(period)
        .filter(in_subtree(node, "path"))
        .annotate(child=child_key(node, "path"))
        .values("child")
        .annotate(asked=Count("pk"), reported=Count("pk", filter=Q(Exists(sent))))
        .order_by()
    )
    now: dict[str, dict[str, Decimal]] = {}
    previous: dict[str, dict[str, Decimal]] = {}
    for row in sums:
        target = now if row["period_id"] == period.pk else previous
        target.setdefault(row["child"], {})[row["key"]] = plain(row["total"])
    asked = {row["child"]: (row["asked"], row["reported"]) for row in counts}

    def line(path: str, organization: Organization | None, is_own: bool = False) -> SumLine:
        a, r = asked.get(path, (0, 0))
        return SumLine(path, organization, a, r, now.get(path, {}), previous.get(path, {}), is_own)

    lines = []
    if node.path in asked or node.path in now or node.path in previous:
        lines.append(line(node.path, node, is_own=True))
    for child in children(node):
        if child.path in asked or child.path in now or child.path in previous:
            lines.append(line(child.path, child))
    total = SumLine(
        "",
        None,
        sum(item.asked for item in lines),
        sum(item.reported for item in lines),
        _added([item.values for item in lines]),
        _added([item.previous for item in lines]),
    )
    trail = list(
        Organization.objects.filter(path__in=ancestor_paths(node), depth__gte=root.depth).order_by("depth")
    )
    return PeriodSums(period, before, node, keys, lines, total, trail)


def _added(parts: list[dict[str, Decimal]]) -> dict[str, Decimal]:
    total: dict[str, Decimal] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total.get(key, Decimal(0)) + value
    return total


def plain(value: Decimal) -> Decimal:
    """A stored number without its trailing zeros (45, not 45.0000; 100, not 1E+2)."""
    whole = value.to_integral_value()
    return whole.quantize(Decimal(1)) if value == whole else value.normalize()
