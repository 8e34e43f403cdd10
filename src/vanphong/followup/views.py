from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Organization
from vanphong.core.permissions import Action, can
from vanphong.core.web import person_of, stored_file, submit
from vanphong.followup import selectors, services
from vanphong.followup.forms import ConclusionForm, ReportForm, TaskFilterForm, TaskForm
from vanphong.followup.models import ConclusionKind, FollowUpTask, TaskState
from vanphong.registry.selectors import outgoing_visible_to

TASKS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The tasks the person sees, deadline first, filtered by state, lead unit or
    leader (the leaders' board links each of its counts here), a page at a time."""
    person = person_of(request)
    # Read before the form, whose choices are the committee's units and leaders.
    committee = request.GET.get("committee", "")
    listed = selectors.tasks_of(person, int(committee) if committee.isdigit() else None)
    units, leaders = selectors.task_filter_choices(listed)
    form = TaskFilterForm(request.GET or None, units=units, leaders=leaders)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = selectors.filtered_tasks(
        listed,
        state=filters.get("state", ""),
        lead_unit=filters.get("lead_unit"),
        leader=filters.get("leader"),
    )
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/home.html",
        {
            "form": form,
            "page": page,
            "tasks": page.object_list,
            "conclusions": selectors.conclusions_visible_to(person)[:20],
            "may_enter": selectors.entry_committees(person).exists(),
            "may_board": selectors.board_committees(person).exists(),
        },
    )


@login_required
def conclusion_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = selectors.entry_committees(person)
    if not committees.exists():
        raise PermissionDenied
    outgoing = (
        outgoing_visible_to(person)
        .filter(
            document_type__abbreviation__in=ConclusionKind.values,
            cancelled_at__isnull=True,
            conclusion__isnull=True,
        )
        .order_by("-issued_on", "-pk")
    )
    form = ConclusionForm(request.POST or None, committees=committees, outgoing=outgoing)
    done = submit(
        request,
        form,
        lambda data: services.conclusion_create(
            actor=person,
            organization=data["organization"],
            kind=data["kind"],
            symbol=data["symbol"],
            issued_on=data["issued_on"],
            title=data["title"],
            outgoing=data["outgoing"],
        ),
        success=_("Conclusion entered: now add its tasks."),
        then=lambda conclusion: redirect("conclusion_detail", conclusion.pk),
    )
    return done or render(request, "followup/conclusion_form.html", {"form": form})


@login_required
def conclusion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    conclusion = get_object_or_404(selectors.conclusions_visible_to(person), pk=pk)
    may_add = can(person, Action.DRAFT, conclusion.organization)
    form = None
    if may_add:
        form = _task_form(request, conclusion.organization)
        done = submit(
            request,
            form,
            lambda data: services.task_add(
                actor=person,
                conclusion=conclusion,
                content=data["content"],
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                leader=data["leader"],
                deadline=data["deadline"],
            ),
            success=_("Task assigned; the unit and the leader were told."),
            then=lambda task: _warn_if_past(request, task, redirect("conclusion_detail", conclusion.pk)),
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    tasks = conclusion.tasks.with_state().select_related("lead_unit", "leader").prefetch_related("co_units")
    return render(
        request, "followup/conclusion_detail.html", {"conclusion": conclusion, "tasks": tasks, "form": form}
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    task = get_object_or_404(selectors.tasks_visible_to(person).with_state(), pk=pk)
    unit = selectors.reporting_unit(person, task)
    may_close = unit is not None and selectors.may_close(person, task)
    form = (
        ReportForm(request.POST or None, request.FILES or None) if unit and task.progress != "done" else None
    )
    if form is not None:
        if not may_close:
            del form.fields["done"]
        done = submit(
            request,
            form,
            lambda data: services.task_report(
                actor=person,
                task=task,
                note=data["note"],
                done=data.get("done", False),
                files=[(upload.name, upload) for upload in data["attachments"]],
            ),
            success=_("Report recorded."),
            then=lambda report: redirect("task_detail", task.pk),
        )
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "followup/task_detail.html",
        {
            "task": task,
            "reports": task.reports.select_related("author", "unit").prefetch_related("files"),
            "form": form,
            "unit": unit,
            "may_close": may_close,
            "may_edit": can(person, Action.DRAFT, task.organization),
            "events": core_selectors.record_history(task, person),
        },
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = selectors.board_committees(person)
    asked = request.GET.get("committee", "")
    committee = (asked.isdigit() and committees.filter(pk=asked).first()) or committees.first()
    if committee is None:
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "followup/board.html",
        {
            "board": selectors.board(committee, today),
            "tasks_url": reverse("followup_home"),
            "committees": committees,
            "programs": selectors.programs_in_force(person, committee, today),
        },
    )


def _task_form(request: HttpRequest, committee: Organization, task: FollowUpTask | None = None) -> TaskForm:
    """The task's fields, its choices the committee's units and leaders."""
    initial = None
    if task is not None:
        initial = {
            "content": task.content,
            "lead_unit": task.lead_unit_id,
            "co_units": [unit.pk for unit in task.co_units.all()],
            "leader": task.leader_id,
            "deadline": task.deadline,
        }
    return TaskForm(
        request.POST or None,
        initial=initial,
        units=core_selectors.subtree(committee).select_related("kind").order_by("path"),
        leaders=core_selectors.committee_leaders(committee).filter(is_active=True),
    )


def _warn_if_past(request: HttpRequest, task: FollowUpTask, response: HttpResponse) -> HttpResponse:
    """A deadline already passed is allowed (a conclusion entered late), but said."""
    if task.state_on() == TaskState.OVERDUE:
        messages.warning(request, _("The deadline has passed: the task counts as overdue."))
    return response


def _office_task(request: HttpRequest, pk: int) -> FollowUpTask:
    """A task the person sees (404 otherwise) and whose committee's office they work in (403)."""
    task = get_object_or_404(selectors.tasks_visible_to(person_of(request)), pk=pk)
    if not can(person_of(request), Action.DRAFT, task.organization):
        raise PermissionDenied
    return task


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The office corrects a task entered by mistake; a new deadline is an extension."""
    person = person_of(request)
    task = _office_task(request, pk)
    form = _task_form(request, task.organization, task)
    done = submit(
        request,
        form,
        lambda data: services.task_update(
            actor=person,
            task=task,
            content=data["content"],
            lead_unit=data["lead_unit"],
            co_units=data["co_units"],
            leader=data["leader"],
            deadline=data["deadline"],
        ),
        success=_("Task corrected."),
        then=lambda saved: _warn_if_past(request, saved, redirect("task_detail", saved.pk)),
    )
    return done or render(
        request,
        "followup/task_form.html",
        {"task": task, "form": form, "may_delete": not task.reports.exists()},
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The office deletes a task no unit has reported on yet."""
    task = _office_task(request, pk)
    try:
        services.task_delete(actor=person_of(request), task=task)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("task_detail", task.pk)
    messages.success(request, _("Task deleted."))
    return redirect("conclusion_detail", task.conclusion_id)


@login_required
def task_file(request: HttpRequest, pk: int) -> FileResponse:
    """A file of a unit's report, to those who see its task (404 to others, so that
    its existence does not leak). A PDF opens in the browser, anything else downloads."""
    attached = get_object_or_404(selectors.report_files_visible_to(person_of(request)), pk=pk)
    return stored_file(attached.file, attached.name)
