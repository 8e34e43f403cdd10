"""Work programs: the only place that creates, changes, issues and closes programs,
adds and changes their items, marks where an item stands, and breaks an item down
into a shorter program. Every service is one transaction with one audit event; a
closed program refuses every change with a message and saves nothing."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import CongressTerm, Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.core.printing import place_of
from vanphong.core.selectors import committee_leaders
from vanphong.programs import labels
from vanphong.programs.models import (
    ItemState,
    OutputKind,
    Program,
    ProgramItem,
    ProgramKind,
    ProgramState,
    period_bounds,
    planned_bounds,
)
from vanphong.registry.models import DocumentType


class AuditAction(enum.StrEnum):
    PROGRAM_CREATED = "programs.program_created"
    PROGRAM_UPDATED = "programs.program_updated"
    PROGRAM_ISSUED = "programs.program_issued"
    PROGRAM_CLOSED = "programs.program_closed"
    ITEM_ADDED = "programs.item_added"
    ITEM_UPDATED = "programs.item_updated"
    ITEM_STATE_CHANGED = "programs.item_state_changed"
    ITEM_BROKEN_DOWN = "programs.item_broken_down"
    ITEM_MOVED = "programs.item_moved"
    ITEM_DONE_THROUGH_BREAKDOWN = "programs.item_done_through_breakdown"


AUDIT_LABELS = {
    AuditAction.PROGRAM_CREATED: gettext_lazy("Work program created"),
    AuditAction.PROGRAM_UPDATED: gettext_lazy("Work program changed"),
    AuditAction.PROGRAM_ISSUED: gettext_lazy("Work program issued"),
    AuditAction.PROGRAM_CLOSED: gettext_lazy("Work program closed"),
    AuditAction.ITEM_ADDED: gettext_lazy("Program item added"),
    AuditAction.ITEM_UPDATED: gettext_lazy("Program item changed"),
    AuditAction.ITEM_STATE_CHANGED: gettext_lazy("Program item marked"),
    AuditAction.ITEM_BROKEN_DOWN: gettext_lazy("Program item broken down"),
    AuditAction.ITEM_MOVED: gettext_lazy("Program item moved to a later program"),
    AuditAction.ITEM_DONE_THROUGH_BREAKDOWN: gettext_lazy("Program item done through its breakdown"),
}
AUDIT_TARGET_PAGES = {"programs.program": "program_detail", "programs.programitem": "program_item_detail"}
# The keys a source item's completion by its breakdown records, as its history names them.
AUDIT_FIELD_LABELS = {
    "programs.programitem": {
        "breakdown": gettext_lazy("Broken down into"),
        "completed_by": gettext_lazy("Completed with"),
    },
}


def _named(item: ProgramItem) -> str:
    """An item as a history names it: its program, its number and its content."""
    return f"{item.program.title}: {item}"


# The roles that may be named the leader in charge of an item.

PROGRAM_FIELDS = ["kind", "year", "period", "term", "starts_on", "ends_on", "title", "place", "state"]
ITEM_FIELDS = [
    "position",
    "content",
    "lead",
    "partners_note",
    "leader",
    "planned_year",
    "planned_quarter",
    "planned_month",
    "timing_note",
    "output_kind",
    "output_type",
    "output_note",
    "state",
    "done_on",
    "state_note",
    "source",
]
EDITABLE_ITEM_FIELDS = {
    "content",
    "lead",
    "partners",
    "partners_note",
    "leader",
    "planned_year",
    "planned_quarter",
    "planned_month",
    "timing_note",
    "output_kind",
    "output_type",
    "output_note",
}


def _check(actor: Person, action: Action, organization: Organization) -> None:
    if not can(actor, action, organization):
        raise PermissionDenied


def _refuse_closed(program: Program) -> None:
    if program.state == ProgramState.CLOSED:
        raise ValidationError(
            _("The program “%(title)s” is closed: it can no longer be changed.") % {"title": program.title}
        )


def _locked(program: Program) -> Program:
    """The program's row, locked: its items are numbered and checked against its
    state one writer at a time."""
    return Program.objects.select_for_update(of=("self",)).select_related("organization").get(pk=program.pk)


def item_snapshot(item: ProgramItem) -> dict[str, Any]:
    data = audit.snapshot(item, ITEM_FIELDS)
    data["partners"] = sorted(org.name for org in item.partners.all()) if item.pk else []
    return data


# --- Programs -----------------------------------------------------------------------------


def _current_term(organization: Organization) -> CongressTerm | None:
    today = timezone.localdate()
    for term in CongressTerm.objects.filter(organization=organization).order_by("-started_on"):
        if term.covers(today):
            return term
    return None


def term_bounds(term: CongressTerm) -> tuple[dt.date, dt.date]:
    """A term's days; one still open runs five years (a congress every five years)."""
    if term.ended_on is not None:
        return term.started_on, term.ended_on
    try:
        end = term.started_on.replace(year=term.started_on.year + 5)
    except ValueError:  # 29 February
        end = term.started_on.replace(year=term.started_on.year + 5, day=28)
    return term.started_on, end - dt.timedelta(days=1)


@transaction.atomic
def program_create(
    *,
    actor: Person,
    organization: Organization,
    kind: str,
    year: int | None = None,
    period: int = 0,
    term: CongressTerm | None = None,
    title: str = "",
    place: str = "",
) -> Program:
    """A new program of `organization` (a committee) in drafting: full-term (its
    current term unless told), or a year, half (1–2), quarter (1–4) or month (1–12)
    of `year`. Without a title it takes the usual one ("Chương trình công tác năm
    2026")."""
    _check(actor, Action.DRAFT, organization)
    errors: dict[str, str] = {}
    if not organization.kind.is_committee:
        errors["organization"] = _("Only a Party committee has work programs.")
    elif not organization.is_open:
        errors["organization"] = _("This committee is closed.")
    kind = ProgramKind(kind)
    starts_on = ends_on = timezone.localdate()
    if kind == ProgramKind.TERM:
        year, period = None, 0
        term = term or _current_term(organization)
        if term is None:
            errors["term"] = _("This committee has no current congress term: add its term first.")
        elif term.organization_id != organization.pk:
            errors["term"] = _("This term is another committee's.")
        else:
            starts_on, ends_on = term_bounds(term)
    else:
        term = None
        limits = {ProgramKind.YEAR: 0, ProgramKind.HALF: 2, ProgramKind.QUARTER: 4, ProgramKind.MONTH: 12}
        if not year or not 1945 <= year <= 2200:
            errors["year"] = _("Enter the year of the program.")
        if kind == ProgramKind.YEAR:
            period = 0
        elif not 1 <= (period or 0) <= limits[kind]:
            errors["period"] = _("Choose the half, quarter or month of the program.")
        if not errors:
            assert year is not None
            starts_on, ends_on = period_bounds(kind, year, period)
    if not errors:
        taken = Program.objects.filter(organization=organization, kind=kind)
        taken = (
            taken.filter(term=term) if kind == ProgramKind.TERM else taken.filter(year=year, period=period)
        )
        if taken.exists():
            errors["kind"] = _("This committee already has a program for this period.")
    if errors:
        raise ValidationError(errors)
    program = Program(
        organization=organization,
        kind=kind,
        year=year,
        period=period,
        term=term,
        starts_on=starts_on,
        ends_on=ends_on,
        place=" ".join(place.split()) or place_of(organization),
        created_by=actor,
    )
    program.title = " ".join(title.split())[:300] or labels.printed_title(program)
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError:
        raise ValidationError({"kind": _("This committee already has a program for this period.")}) from None
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAM_CREATED,
        target=program,
        after=audit.snapshot(program, PROGRAM_FIELDS),
    )
    return program


@transaction.atomic
def program_update(*, actor: Person, program: Program, title: str, place: str = "") -> Program:
    """Change the title and place printed on a program (not a closed one)."""
    program = _locked(program)
    _check(actor, Action.DRAFT, program.organization)
    _refuse_closed(program)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Enter the title of the program.")})
    before = audit.snapshot(program, PROGRAM_FIELDS)
    program.title, program.place = title[:300], " ".join(place.split())
    program.save(update_fields=["title", "place"])
    after = audit.snapshot(program, PROGRAM_FIELDS)
    if after != before:
        audit.record(
            actor=actor, action=AuditAction.PROGRAM_UPDATED, target=program, before=before, after=after
        )
    return program


@transaction.atomic
def program_issue(
    *, actor: Person, program: Program, issued_on: dt.date, number: int | None = None
) -> Program:
    """The program is issued (ban hành, as a CTr document, number optional here: the
    registry numbers it) and in force from then on. It needs at least one item."""
    program = _locked(program)
    _check(actor, Action.DIRECT, program.organization)
    _refuse_closed(program)
    errors: dict[str, str] = {}
    if program.state != ProgramState.DRAFTING:
        errors["state"] = _("This program is already issued.")
    if not program.items.exists():
        errors["state"] = _("A program without items is not issued.")
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("The date of issue cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    program.state, program.issued_on, program.number = ProgramState.ISSUED, issued_on, number
    program.save(update_fields=["state", "issued_on", "number"])
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAM_ISSUED,
        target=program,
        before={"state": ProgramState.DRAFTING},
        after={"state": program.state, "issued_on": issued_on, "number": number},
    )
    return program


@transaction.atomic
def program_close(*, actor: Person, program: Program) -> Program:
    """Close an issued program whose period is over: from then on it is a record."""
    program = _locked(program)
    _check(actor, Action.DIRECT, program.organization)
    _refuse_closed(program)
    if program.state != ProgramState.ISSUED:
        raise ValidationError({"state": _("Only an issued program is closed.")})
    before = {"state": program.state}
    program.state = ProgramState.CLOSED
    program.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action=AuditAction.PROGRAM_CLOSED,
        target=program,
        before=before,
        after={"state": program.state},
    )
    return program


# --- Items -----------------------------------------------------------------------------------


def _in_tree(organization: Organization, committee: Organization) -> bool:
    return organization.path.startswith(committee.path) and organization.is_open


def _clean_item(program: Program, values: dict[str, Any], partners: Sequence[Organization]) -> dict[str, Any]:
    """The item's fields cleaned against its program, or every refusal keyed to its field."""
    committee = program.organization
    errors: dict[str, str] = {}
    values["content"] = str(values.get("content") or "").strip()
    for name in ("partners_note", "timing_note", "output_note"):
        values[name] = " ".join(str(values.get(name) or "").split())
    if not values["content"]:
        errors["content"] = _("Enter the content of the item.")
    lead = values.get("lead")
    if lead is None:
        errors["lead"] = _("Choose the body that prepares the item.")
    elif not _in_tree(lead, committee):
        errors["lead"] = _("%(name)s is not a unit of %(committee)s.") % {
            "name": lead.name,
            "committee": committee.name,
        }
    outside = [org.name for org in partners if not _in_tree(org, committee)]
    if outside:
        errors["partners"] = _("%(names)s: not units of %(committee)s.") % {
            "names": ", ".join(outside),
            "committee": committee.name,
        }
    leader = values.get("leader")
    if leader is not None and not committee_leaders(committee).filter(pk=leader.pk).exists():
        errors["leader"] = _("%(name)s is not a leader of %(committee)s.") % {
            "name": leader.full_name,
            "committee": committee.name,
        }
    month, quarter = values.get("planned_month"), values.get("planned_quarter")
    if month:
        quarter = values["planned_quarter"] = None
    year = values.get("planned_year") or program.year or (program.starts_on.year if not month else None)
    # An item planned for the whole of a monthly or quarterly program takes its month
    # or quarter (of a 6-month program, the half: `ProgramItem.spans_its_program`).
    if program.kind == ProgramKind.MONTH and not month and not quarter:
        month = values["planned_month"] = program.period
        year = year or program.year
    elif program.kind == ProgramKind.QUARTER and not month and not quarter:
        quarter = values["planned_quarter"] = program.period
        year = year or program.year
    if month is not None and not 1 <= month <= 12:
        errors["planned_month"] = _("A month is from 1 to 12.")
    elif quarter is not None and not 1 <= quarter <= 4:
        errors["planned_quarter"] = _("A quarter is from 1 to 4.")
    elif not year:
        errors["planned_year"] = _("Enter the year the item is planned for.")
    else:
        values["planned_year"] = year
        start, end = planned_bounds(year, quarter, month)
        if not program.covers(start, end):
            errors["planned_month" if month else "planned_quarter" if quarter else "planned_year"] = _(
                "%(time)s is outside the period of the program (%(period)s)."
            ) % {"time": labels.time_label(year, quarter, month), "period": labels.period_label(program)}
    # A conference may yield a resolution, a report a Báo cáo: the type goes with any kind.
    values["output_kind"] = OutputKind(values.get("output_kind") or OutputKind.DOCUMENT)
    if values.get("output_type") is not None and not isinstance(values["output_type"], DocumentType):
        raise TypeError("output_type is a DocumentType")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def item_add(
    *,
    actor: Person,
    program: Program,
    content: str,
    lead: Organization,
    partners: Sequence[Organization] = (),
    partners_note: str = "",
    leader: Person | None = None,
    planned_year: int | None = None,
    planned_quarter: int | None = None,
    planned_month: int | None = None,
    timing_note: str = "",
    output_kind: str = OutputKind.DOCUMENT,
    output_type: DocumentType | None = None,
    output_note: str = "",
) -> ProgramItem:
    """A new item at the end of `program` (not a closed one). `lead` and `partners`
    are units of the program's committee, `leader` one of its leaders, the planned
    month or quarter inside the program's period (a monthly program's items take its
    month)."""
    program = _locked(program)
    _check(actor, Action.DRAFT, program.organization)
    _refuse_closed(program)
    values = _clean_item(
        program,
        {
            "content": content,
            "lead": lead,
            "partners_note": partners_note,
            "leader": leader,
            "planned_year": planned_year,
            "planned_quarter": planned_quarter,
            "planned_month": planned_month,
            "timing_note": timing_note,
            "output_kind": output_kind,
            "output_type": output_type,
            "output_note": output_note,
        },
        partners,
    )
    return _create_item(actor, program, values, partners, AuditAction.ITEM_ADDED)


def _new_item(
    actor: Person,
    program: Program,
    values: dict[str, Any],
    partners: Sequence[Organization],
    *,
    source: ProgramItem | None = None,
    moved_from: ProgramItem | None = None,
) -> ProgramItem:
    """The item, last in its program; the caller writes the audit event."""
    last = program.items.aggregate(last=Max("position"))["last"] or 0
    item = ProgramItem.objects.create(
        program=program,
        organization=program.organization,
        position=last + 1,
        source=source,
        moved_from=moved_from,
        created_by=actor,
        **values,
    )
    item.partners.set(partners)
    return item


def _create_item(
    actor: Person,
    program: Program,
    values: dict[str, Any],
    partners: Sequence[Organization],
    action: AuditAction,
    source: ProgramItem | None = None,
) -> ProgramItem:
    item = _new_item(actor, program, values, partners, source=source)
    audit.record(
        actor=actor, action=action, target=item, after=item_snapshot(item), organization=program.organization
    )
    return item


def _locked_item(item: ProgramItem) -> tuple[ProgramItem, Program]:
    program = _locked(item.program)
    return ProgramItem.objects.select_for_update(of=("self",)).get(pk=item.pk), program


@transaction.atomic
def item_update(*, actor: Person, item: ProgramItem, **changes: Any) -> ProgramItem:
    """Change an item's content, bodies, leader, time or output (not in a closed program)."""
    unknown = set(changes) - EDITABLE_ITEM_FIELDS
    if unknown:
        raise TypeError(f"item_update() got unexpected fields: {sorted(unknown)}")
    item, program = _locked_item(item)
    _check(actor, Action.DRAFT, program.organization)
    _refuse_closed(program)
    before = item_snapshot(item)
    partners = list(changes.pop("partners", item.partners.all()))
    current = {name: getattr(item, name) for name in EDITABLE_ITEM_FIELDS - {"partners"}}
    if "planned_month" in changes and changes["planned_month"] and "planned_quarter" not in changes:
        changes["planned_quarter"] = None
    values = _clean_item(program, {**current, **changes}, partners)
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    item.partners.set(partners)
    after = item_snapshot(item)
    if after != before:
        audit.record(
            actor=actor,
            action=AuditAction.ITEM_UPDATED,
            target=item,
            before=before,
            after=after,
            organization=program.organization,
        )
    return item


@transaction.atomic
def item_set_state(
    *,
    actor: Person,
    item: ProgramItem,
    state: str,
    done_on: dt.date | None = None,
    note: str = "",
) -> ProgramItem:
    """Mark where an item stands: done (on `done_on`, today by default), moved to a
    later period, dropped, or planned again (not in a closed program)."""
    item, program = _locked_item(item)
    _check(actor, Action.DRAFT, program.organization)
    _refuse_closed(program)
    state = ItemState(state)
    errors: dict[str, str] = {}
    if state == ItemState.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            errors["done_on"] = _("The day it was done cannot be in the future.")
        elif done_on < program.starts_on:
            errors["done_on"] = _("The day it was done is before the program's period.")
    else:
        done_on = None
    if state in (ItemState.MOVED, ItemState.DROPPED) and not note.strip():
        errors["note"] = _("Say why (moved to when, or why it was dropped).")
    if errors:
        raise ValidationError(errors)
    new_note = " ".join(note.split())[:300]
    before = {"state": item.state, "done_on": item.done_on, "state_note": item.state_note}
    after = {"state": state, "done_on": done_on, "state_note": new_note}
    if after != before:
        item.state, item.done_on, item.state_note = state, done_on, new_note
        item.save(update_fields=["state", "done_on", "state_note"])
        audit.record(
            actor=actor,
            action=AuditAction.ITEM_STATE_CHANGED,
            target=item,
            before=before,
            after=after,
            organization=program.organization,
        )
        if state == ItemState.DONE:
            _done_through_breakdown(item)
    return item


def _last_of(item: ProgramItem) -> ProgramItem:
    """Where an item stands in the end: the item, or the one it was moved to (and on)."""
    seen = {item.pk}
    while item.state == ItemState.MOVED:
        moved = ProgramItem.objects.filter(moved_from=item).first()
        if moved is None or moved.pk in seen:
            break
        seen.add(moved.pk)
        item = moved
    return item


def _done_through_breakdown(item: ProgramItem) -> None:
    """`item` was just marked done. When it is (or was moved from) a breakdown of a
    longer program's item, and that item's every breakdown is now done (each followed
    to where it was moved), the item is marked done too, on the day its last
    breakdown was done: a change the system makes because of its breakdowns, audited
    as such (no actor). Up the chain: a month done may complete a half, which
    completes the year. A source no longer planned, or in a closed program, is left
    as it is."""
    origin = item
    while origin.moved_from_id is not None:
        origin = ProgramItem.objects.get(pk=origin.moved_from_id)
    if origin.source_id is None:
        return
    source, program = _locked_item(ProgramItem.objects.select_related("program").get(pk=origin.source_id))
    if source.state != ItemState.PLANNED or program.state == ProgramState.CLOSED:
        return
    children = [_last_of(child) for child in source.breakdown.order_by("pk")]
    if not children or any(child.state != ItemState.DONE for child in children):
        return
    done_on = max(child.done_on for child in children if child.done_on is not None)
    before = {"state": source.state, "done_on": source.done_on, "state_note": source.state_note}
    source.state, source.done_on = ItemState.DONE, done_on
    source.save(update_fields=["state", "done_on"])
    audit.record(
        actor=None,
        action=AuditAction.ITEM_DONE_THROUGH_BREAKDOWN,
        target=source,
        before=before,
        after={
            "state": source.state,
            "done_on": done_on,
            "state_note": source.state_note,
            "breakdown": [_named(child) for child in children],
            "completed_by": _named(item),
        },
        organization=program.organization,
    )
    _done_through_breakdown(source)


@transaction.atomic
def item_break_down(
    *,
    actor: Person,
    item: ProgramItem,
    program: Program,
    content: str = "",
    planned_month: int | None = None,
) -> ProgramItem:
    """Break an item down into `program`, a shorter program of the same committee
    inside the item's program's period (a yearly item into the 6-month, quarterly or
    monthly programs of its year) and overlapping the item's planned time. The new
    item copies the source (its content unless given) and keeps the link: the source
    lists it in `breakdown`, it names the source in `source`."""
    target = _locked(program)
    source = ProgramItem.objects.select_related("program").get(pk=item.pk)
    _check(actor, Action.DRAFT, target.organization)
    _refuse_closed(target)
    errors: dict[str, str] = {}
    parent = source.program
    if target.organization_id != parent.organization_id:
        errors["program"] = _("Choose a program of the same committee.")
    elif target.rank <= parent.rank or not parent.contains(target):
        errors["program"] = _("Choose a shorter program inside the period of %(program)s.") % {
            "program": parent.title
        }
    elif not target.covers(*source.planned_bounds):
        errors["program"] = _("This item is planned for %(time)s: choose a program of that time.") % {
            "time": labels.item_time_label(source)
        }
    elif source.state == ItemState.DROPPED:
        errors["program"] = _("A dropped item is not broken down.")
    elif target.items.filter(source=source).exists():
        errors["program"] = _("This item is already broken down into %(program)s.") % {
            "program": target.title
        }
    if errors:
        raise ValidationError(errors)
    # The new item's time: the target's month, else the source's time when inside the target.
    month, quarter, year = source.planned_month, source.planned_quarter, source.planned_year
    target_year = target.year or year
    if target.kind == ProgramKind.MONTH:
        month, quarter, year = target.period, None, target_year
    elif planned_month:
        month, quarter, year = planned_month, None, target_year
    elif not (month or quarter) or not target.covers(*planned_bounds(year, quarter, month)):
        month, quarter, year = None, None, target_year
    values = _clean_item(
        target,
        {
            "content": content.strip() or source.content,
            "lead": source.lead,
            "partners_note": source.partners_note,
            "leader": source.leader,
            "planned_year": year,
            "planned_quarter": quarter,
            "planned_month": month,
            "timing_note": "",
            "output_kind": source.output_kind,
            "output_type": source.output_type,
            "output_note": source.output_note,
        },
        list(source.partners.all()),
    )
    return _create_item(
        actor, target, values, list(source.partners.all()), AuditAction.ITEM_BROKEN_DOWN, source=source
    )


def _moved_time(target: Program) -> tuple[int, int | None, int | None]:
    """When a moved item is planned in its new program: the program's month or
    quarter; a half's whole period (`ProgramItem.spans_its_program`); the year of a
    yearly or full-term one."""
    year = target.year or target.starts_on.year
    if target.kind == ProgramKind.MONTH:
        return year, None, target.period
    if target.kind == ProgramKind.QUARTER:
        return year, target.period, None
    return year, None, None


@transaction.atomic
def item_move(*, actor: Person, item: ProgramItem, program: Program, note: str = "") -> ProgramItem:
    """Postpone a planned item to `program`, a later program of the same committee and
    kind (the next month's, the next year's): the item is created there, naming the
    one it was moved from, and the original is marked moved (with `note`, else the
    target's title). Refused when either program is closed, when the target is not
    later, or the item is not planned any more. One audit event, on the new item,
    with the original's state before and after."""
    source, origin = _locked_item(item)
    target = _locked(program)
    _check(actor, Action.DRAFT, origin.organization)  # the target's too: same committee below
    _refuse_closed(origin)
    _refuse_closed(target)
    errors: dict[str, str] = {}
    if target.organization_id != origin.organization_id:
        errors["program"] = _("Choose a program of the same committee.")
    elif target.kind != origin.kind or target.starts_on <= origin.ends_on:
        errors["program"] = _("Choose a later program of the same kind as %(program)s.") % {
            "program": origin.title
        }
    elif source.state != ItemState.PLANNED:
        errors["program"] = _("Only a planned item is moved (this one is: %(state)s).") % {
            "state": source.get_state_display()
        }
    if errors:
        raise ValidationError(errors)
    year, quarter, month = _moved_time(target)
    partners = list(source.partners.all())
    values = _clean_item(
        target,
        {
            "content": source.content,
            "lead": source.lead,
            "partners_note": source.partners_note,
            "leader": source.leader,
            "planned_year": year,
            "planned_quarter": quarter,
            "planned_month": month,
            "timing_note": source.timing_note,
            "output_kind": source.output_kind,
            "output_type": source.output_type,
            "output_note": source.output_note,
        },
        partners,
    )
    moved = _new_item(actor, target, values, partners, moved_from=source)
    before = {"state": source.state, "state_note": source.state_note}
    source.state = ItemState.MOVED
    source.state_note = " ".join((note or target.title).split())[:300]
    source.save(update_fields=["state", "state_note"])
    audit.record(
        actor=actor,
        action=AuditAction.ITEM_MOVED,
        target=moved,
        before={"moved_from": source.pk, "program": origin.title, **before},
        after={
            **item_snapshot(moved),
            "moved_from": source.pk,
            "moved_from_state": source.state,
            "moved_from_note": source.state_note,
        },
        organization=target.organization,
    )
    return moved
