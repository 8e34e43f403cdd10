"""The follow-up of conclusions through the API: conclusions and their tasks, the tasks
by state as of a day, a unit's report on a task, and the leaders' board.

As the pages (`followup/views.py`): a conclusion or task the caller may not see
(another committee's, or classified above their clearance) is a 404; the committee's
office enters conclusions and tasks, the units of a task, its leader and the office
report on it, the leaders and the office open the board, anyone else gets a 403; the
services' refusals (a deadline before the conclusion's date, a task already done) are
422s. A report is sent as multipart/form-data, so that files may go with its note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, UploadedFile
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, one, person_ref, ref, some
from vanphong.api.routers.followup_schemas import (
    BoardOut,
    BoardQuery,
    ConclusionDetailOut,
    ConclusionIn,
    ConclusionOut,
    ConclusionPage,
    DayQuery,
    PageQuery,
    ReportIn,
    TaskDetailOut,
    TaskIn,
    TaskPage,
    TaskQuery,
)
from vanphong.core import selectors as core_selectors
from vanphong.core.forms import MultipleFileField
from vanphong.core.models import Organization
from vanphong.core.permissions import Action, can, visible_to
from vanphong.core.web import person_of, stored_file
from vanphong.followup import selectors, services
from vanphong.followup.models import Conclusion, ConclusionKind, FollowUpTask, TaskReport, TaskState
from vanphong.followup.selectors import BoardRow
from vanphong.registry.selectors import outgoing_visible_to

router = Router(tags=["followup"])

TASK_RELATED = ("conclusion", "organization", "lead_unit", "leader")


# --- Output ---------------------------------------------------------------------------------------


def _conclusion(conclusion: Conclusion) -> dict[str, Any]:
    return {
        "id": conclusion.pk,
        "organization": ref(conclusion.organization),
        "kind": conclusion.kind,
        "symbol": conclusion.symbol,
        "issued_on": conclusion.issued_on,
        "title": conclusion.title,
        "secrecy": conclusion.secrecy,
        "outgoing_id": conclusion.outgoing_id,
    }


def _task(task: FollowUpTask) -> dict[str, Any]:
    """A task annotated by `with_state`, its co-operating units prefetched."""
    conclusion = task.conclusion
    return {
        "id": task.pk,
        "conclusion": {
            "id": conclusion.pk,
            "kind": conclusion.kind,
            "symbol": conclusion.symbol,
            "issued_on": conclusion.issued_on,
        },
        "organization": ref(task.organization),
        "number": task.number,
        "content": task.content,
        "lead_unit": ref(task.lead_unit),
        "co_units": [ref(unit) for unit in task.co_units.all()],
        "leader": person_ref(task.leader),
        "deadline": task.deadline,
        "progress": task.progress,
        "completed_on": task.completed_on,
        "state": task.state,  # type: ignore[attr-defined]
    }


def _report(report: TaskReport) -> dict[str, Any]:
    return {
        "author": person_ref(report.author),
        "unit": ref(report.unit),
        "at": report.at,
        "note": report.note,
        "done": report.done,
        "files": [
            {
                "id": attached.pk,
                "name": attached.name,
                "url": reverse("api:followup_report_file", args=[attached.pk]),
            }
            for attached in report.files.all()
        ],
    }


def _row(row: BoardRow) -> dict[str, Any]:
    return {
        "name": row.label,
        **{state: row.counts.get(state, 0) for state in TaskState.values},
        "total": row.total,
        "on_time_percent": row.on_time_percent,
    }


def _with_details(tasks: QuerySet[FollowUpTask]) -> QuerySet[FollowUpTask]:
    return tasks.select_related(*TASK_RELATED).prefetch_related("co_units")


def _task_detail(request: HttpRequest, task_id: int, day: dt.date | None = None) -> dict[str, Any]:
    """The task as its page shows it, with its reports; 404 when it is not the caller's to see."""
    tasks = _with_details(selectors.tasks_visible_to(person_of(request)).with_state(day))
    task = get_object_or_404(tasks, pk=task_id)
    reports = task.reports.select_related("author", "unit").prefetch_related("files")
    return {**_task(task), "reports": [_report(report) for report in reports]}


def _page(queryset: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    return queryset.count(), list(queryset[offset : offset + limit])


# --- Conclusions ----------------------------------------------------------------------------------


@router.get("/conclusions/", response={200: ConclusionPage, **REFUSALS}, url_name="conclusion_list")
def conclusion_list(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The conclusions the caller sees, the latest first."""
    conclusions = selectors.conclusions_visible_to(person_of(request)).order_by("-issued_on", "-pk")
    count, chosen = _page(conclusions, page.limit, page.offset)
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "items": [_conclusion(c) for c in chosen],
    }


@router.get(
    "/conclusions/{conclusion_id}/",
    response={200: ConclusionDetailOut, **REFUSALS},
    url_name="conclusion_detail",
)
def conclusion_detail(request: HttpRequest, conclusion_id: int, when: Query[DayQuery]) -> dict[str, Any]:
    """A conclusion with all its tasks and their states."""
    conclusion = get_object_or_404(selectors.conclusions_visible_to(person_of(request)), pk=conclusion_id)
    day = when.day or timezone.localdate()
    tasks = _with_details(conclusion.tasks.with_state(day)).order_by("number")
    return {**_conclusion(conclusion), "day": day, "tasks": [_task(task) for task in tasks]}


@router.post("/conclusions/", response={201: ConclusionOut, **ACTION_REFUSALS}, url_name="conclusion_create")
def conclusion_create(request: HttpRequest, payload: ConclusionIn) -> Status[dict[str, Any]]:
    """Enter a conclusion to follow up (a committee's office), from the outgoing
    register or by hand."""
    person = person_of(request)
    committees = selectors.entry_committees(person)
    if not committees.exists():
        raise PermissionDenied
    registered = outgoing_visible_to(person).filter(
        document_type__abbreviation__in=ConclusionKind.values,
        cancelled_at__isnull=True,
        conclusion__isnull=True,
    )
    outgoing = one(registered, payload.outgoing, "outgoing")
    if outgoing is None:
        required = {
            "organization": payload.organization,
            "kind": payload.kind,
            "symbol": payload.symbol.strip(),
            "issued_on": payload.issued_on,
            "title": payload.title.strip(),
        }
        missing = [name for name, value in required.items() if not value]
        if missing:
            message = _("Required when the conclusion is not taken from the register.")
            raise ValidationError({name: message for name in missing})
    conclusion = services.conclusion_create(
        actor=person,
        organization=None if outgoing else one(committees, payload.organization, "organization"),
        kind=payload.kind or "",
        symbol=payload.symbol,
        issued_on=payload.issued_on,
        title=payload.title,
        outgoing=outgoing,
    )
    return Status(201, _conclusion(conclusion))


@router.post(
    "/conclusions/{conclusion_id}/tasks/",
    response={201: TaskDetailOut, **ACTION_REFUSALS},
    url_name="task_add",
)
def task_add(request: HttpRequest, conclusion_id: int, payload: TaskIn) -> Status[dict[str, Any]]:
    """Assign a task of the conclusion (its committee's office); the lead unit's heads
    and the leader are told."""
    person = person_of(request)
    conclusion = get_object_or_404(selectors.conclusions_visible_to(person), pk=conclusion_id)
    committee = conclusion.organization
    if not can(person, Action.DRAFT, committee):
        raise PermissionDenied
    units = core_selectors.subtree(committee)
    leaders = core_selectors.committee_leaders(committee).filter(is_active=True)
    task = services.task_add(
        actor=person,
        conclusion=conclusion,
        content=payload.content,
        lead_unit=one(units, payload.lead_unit, "lead_unit"),
        co_units=some(units, payload.co_units, "co_units"),
        leader=one(leaders, payload.leader, "leader"),
        deadline=payload.deadline,
    )
    return Status(201, _task_detail(request, task.pk))


# --- Tasks ----------------------------------------------------------------------------------------


@router.get("/tasks/", response={200: TaskPage, **REFUSALS}, url_name="task_list")
def task_list(request: HttpRequest, filters: Query[TaskQuery]) -> dict[str, Any]:
    """The tasks the caller sees, nearest deadline first, with their states as of `day`."""
    day = filters.day or timezone.localdate()
    tasks = selectors.task_search(
        person_of(request),
        today=day,
        state=filters.state or "",
        unit=filters.unit,
        leader=filters.leader,
        overdue=filters.overdue,
    )
    count, chosen = _page(_with_details(tasks).order_by("deadline", "pk"), filters.limit, filters.offset)
    return {
        "day": day,
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_task(task) for task in chosen],
    }


@router.get("/tasks/{task_id}/", response={200: TaskDetailOut, **REFUSALS}, url_name="task_detail")
def task_detail(request: HttpRequest, task_id: int, when: Query[DayQuery]) -> dict[str, Any]:
    """A task with the units' reports."""
    return _task_detail(request, task_id, when.day)


@router.post(
    "/tasks/{task_id}/reports/", response={201: TaskDetailOut, **ACTION_REFUSALS}, url_name="task_report"
)
def task_report(
    request: HttpRequest,
    task_id: int,
    payload: Form[ReportIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """A unit's report on the task (multipart/form-data: `note`, `done`, any number of
    `files`): by its lead or co-operating units, its leader or the office; done only
    by the lead unit, the leader or the office."""
    person = person_of(request)
    task = get_object_or_404(selectors.tasks_visible_to(person), pk=task_id)
    if selectors.reporting_unit(person, task) is None:
        raise PermissionDenied(
            _("Only the units of the task, the leader in charge or the office report on it.")
        )
    try:
        # The page's own field: the same refusals (an empty file, a name too long).
        uploads = MultipleFileField(required=False).clean(list(files or []))
    except ValidationError as error:
        raise ValidationError({"files": error.messages}) from None
    services.task_report(
        actor=person,
        task=task,
        note=payload.note,
        done=payload.done,
        files=[(upload.name, upload) for upload in uploads],
    )
    return Status(201, _task_detail(request, task.pk))


# --- The leaders' board ---------------------------------------------------------------------------


@router.get(
    "/files/{file_id}/",
    response=REFUSALS,
    url_name="followup_report_file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "A file of a unit's report, under its own name.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_file(request: HttpRequest, file_id: int) -> FileResponse:
    """A file sent with a report on a task the caller sees (404 otherwise)."""
    attached = get_object_or_404(selectors.report_files_visible_to(person_of(request)), pk=file_id)
    return stored_file(attached.file, attached.name)


@router.get("/board/", response={200: BoardOut, **ACTION_REFUSALS}, url_name="followup_board")
def board(request: HttpRequest, filters: Query[BoardQuery]) -> dict[str, Any]:
    """A committee's tasks counted by state, in all, per lead unit and per leader in
    charge: for its leaders and its office."""
    person = person_of(request)
    committees = selectors.board_committees(person)
    if filters.committee is None:
        committee = committees.first()
        if committee is None:
            raise PermissionDenied
    else:
        committee = committees.filter(pk=filters.committee).first()
        if committee is None:
            if not visible_to(person, Organization.objects.filter(pk=filters.committee)).exists():
                raise Http404
            raise PermissionDenied
    day = filters.day or timezone.localdate()
    figures = selectors.board(committee, day)
    return {
        "committee": ref(committee),
        "day": day,
        "total": _row(figures.total),
        "by_unit": [_row(row) for row in figures.by_unit],
        "by_leader": [_row(row) for row in figures.by_leader],
    }
