"""Work programs through the API: the programs one sees, a program with its items and
its execution rate per period, adding an item and marking where an item stands.

As the pages (`programs/views.py`): a program or item the caller may not see is a
404; adding or marking needs drafting on the program's committee (the office), else
a 403; a closed program refuses every change (422, from the service)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, invalid_choice, one, person_ref, ref, some
from vanphong.api.routers.programs_schemas import (
    ItemIn,
    ItemOut,
    ItemStateIn,
    ProgramDetailOut,
    ProgramPage,
    ProgramQuery,
)
from vanphong.core.permissions import Action, can
from vanphong.core.selectors import committee_leaders
from vanphong.core.web import person_of
from vanphong.programs import labels, selectors, services
from vanphong.programs.models import Program, ProgramItem
from vanphong.programs.selectors import Rate
from vanphong.registry.models import DocumentType

router = Router(tags=["programs"])


# --- Output ---------------------------------------------------------------------------------------


def _program(program: Program, planned: int, done: int) -> dict[str, Any]:
    return {
        "id": program.pk,
        "organization": ref(program.organization),
        "kind": program.kind,
        "year": program.year,
        "period": program.period,
        "period_label": labels.period_label(program),
        "starts_on": program.starts_on,
        "ends_on": program.ends_on,
        "title": program.title,
        "place": program.place,
        "state": program.state,
        "number": program.number,
        "issued_on": program.issued_on,
        "planned": planned,
        "done": done,
    }


def _link(item: ProgramItem) -> dict[str, Any]:
    return {"id": item.pk, "program_id": item.program_id, "program_title": item.program.title}


def _item(item: ProgramItem) -> dict[str, Any]:
    output_type = item.output_type
    return {
        "id": item.pk,
        "program_id": item.program_id,
        "position": item.position,
        "content": item.content,
        "lead": ref(item.lead),
        "partners": [ref(partner) for partner in item.partners.all()],
        "partners_note": item.partners_note,
        "leader": person_ref(item.leader),
        "planned_year": item.planned_year,
        "planned_quarter": item.planned_quarter,
        "planned_month": item.planned_month,
        "time_label": labels.item_time_label(item),
        "timing_note": item.timing_note,
        "output_kind": item.output_kind,
        "output_type": None if output_type is None else {"code": output_type.code, "name": output_type.name},
        "output_note": item.output_note,
        "state": item.state,
        "done_on": item.done_on,
        "state_note": item.state_note,
        "source": None if item.source is None else _link(item.source),
        "breakdown": [_link(child) for child in item.breakdown.all()],
    }


def _rate(rate: Rate) -> dict[str, Any]:
    return {
        "label": rate.label,
        "planned": rate.planned,
        "done": rate.done,
        "moved": rate.moved,
        "dropped": rate.dropped,
        "percent": rate.percent,
    }


def _fresh_item(item: ProgramItem) -> dict[str, Any]:
    """The item as the program's table reads it (its bodies, source and breakdown)."""
    return _item(selectors.items_of(item.program).get(pk=item.pk))


# --- Fetching -------------------------------------------------------------------------------------


def _visible_program(request: HttpRequest, program_id: int) -> Program:
    program: Program = get_object_or_404(selectors.programs_visible_to(person_of(request)), pk=program_id)
    return program


def _visible_item(request: HttpRequest, item_id: int) -> ProgramItem:
    item: ProgramItem = get_object_or_404(selectors.items_visible_to(person_of(request)), pk=item_id)
    return item


def _require_drafting(request: HttpRequest, program: Program) -> None:
    """The program's office prepares its items (the pages' `_require(DRAFT)`)."""
    if not can(person_of(request), Action.DRAFT, program.organization):
        raise PermissionDenied


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/", response={200: ProgramPage, **REFUSALS}, url_name="program_list")
def program_list(request: HttpRequest, filters: Query[ProgramQuery]) -> dict[str, Any]:
    """The programs the caller sees, as the page lists them (committee by committee,
    the longest first), with their items planned and done."""
    programs = selectors.program_search(
        person_of(request),
        organization=filters.organization,
        kind=filters.kind or "",
        year=filters.year,
        period=filters.period,
        state=filters.state or "",
    )
    offset, limit = filters.offset, filters.limit
    page = list(programs[offset : offset + limit])
    return {
        "count": programs.count(),
        "limit": limit,
        "offset": offset,
        "items": [_program(p, p.planned, p.done) for p in page],  # type: ignore[attr-defined]
    }


@router.get("/{program_id}/", response={200: ProgramDetailOut, **REFUSALS}, url_name="program_detail")
def program_detail(request: HttpRequest, program_id: int) -> dict[str, Any]:
    """A program with its items in order and its execution rate, in all and per period."""
    program = _visible_program(request, program_id)
    execution = selectors.execution_rate(program)
    return {
        **_program(program, execution.total.planned, execution.total.done),
        "items": [_item(item) for item in selectors.items_of(program)],
        "execution": {"total": _rate(execution.total), "periods": [_rate(r) for r in execution.periods]},
    }


@router.get("/items/{item_id}/", response={200: ItemOut, **REFUSALS}, url_name="program_item_detail")
def item_detail(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _fresh_item(_visible_item(request, item_id))


@router.post("/{program_id}/items/", response={201: ItemOut, **ACTION_REFUSALS}, url_name="program_item_add")
def item_add(request: HttpRequest, program_id: int, payload: ItemIn) -> Status[dict[str, Any]]:
    """A new item at the end of the program, by its committee's office; the bodies and
    the leader among those the page's form offers."""
    program = _visible_program(request, program_id)
    _require_drafting(request, program)
    committee = program.organization
    bodies = selectors.lead_bodies(committee)
    output_type = None
    if payload.output_type is not None:
        output_type = DocumentType.objects.filter(code=payload.output_type).first()
        if output_type is None:
            raise invalid_choice("output_type")
    item = services.item_add(
        actor=person_of(request),
        program=program,
        content=payload.content,
        lead=one(bodies, payload.lead, "lead"),
        partners=some(bodies, payload.partners, "partners"),
        partners_note=payload.partners_note,
        leader=one(committee_leaders(committee), payload.leader, "leader"),
        planned_year=payload.planned_year,
        planned_quarter=payload.planned_quarter,
        planned_month=payload.planned_month,
        timing_note=payload.timing_note,
        output_kind=payload.output_kind,
        output_type=output_type,
        output_note=payload.output_note,
    )
    return Status(201, _fresh_item(item))


@router.post(
    "/items/{item_id}/state/", response={200: ItemOut, **ACTION_REFUSALS}, url_name="program_item_state"
)
def item_state(request: HttpRequest, item_id: int, payload: ItemStateIn) -> dict[str, Any]:
    """Mark an item done (on `done_on`, today by default), moved, dropped, or planned again."""
    item = _visible_item(request, item_id)
    _require_drafting(request, item.program)
    item = services.item_set_state(
        actor=person_of(request), item=item, state=payload.state, done_on=payload.done_on, note=payload.note
    )
    return _fresh_item(item)
