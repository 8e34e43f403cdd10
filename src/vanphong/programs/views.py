"""The work programs' pages. The items of a program are edited in place with htmx:
adding, editing and marking an item answer with the program's items section (the
table, the execution rate and the form to add), and every page also works without
htmx (a redirect or the whole page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.permissions import Action, can
from vanphong.core.web import attach_errors, is_htmx, person_of, submit
from vanphong.programs import exports, labels, selectors, services
from vanphong.programs.forms import (
    BreakdownForm,
    IssueForm,
    ItemForm,
    MoveForm,
    ProgramEditForm,
    ProgramFilterForm,
    ProgramForm,
    StateForm,
    time_value,
)
from vanphong.programs.models import ItemState, Program, ProgramItem, ProgramState


def _program(request: HttpRequest, pk: int) -> Program:
    return get_object_or_404(selectors.programs_visible_to(person_of(request)), pk=pk)


def _item(request: HttpRequest, pk: int) -> ProgramItem:
    return get_object_or_404(selectors.items_visible_to(person_of(request)), pk=pk)


def _may(request: HttpRequest, action: Action, program: Program) -> bool:
    return can(person_of(request), action, program.organization)


def _require(request: HttpRequest, action: Action, program: Program) -> None:
    if not _may(request, action, program):
        raise PermissionDenied


def _refusal(form: ItemForm, error: ValidationError) -> str:
    """The service's refusal on the form's fields; one about the whole program (it
    is closed) also returned, to be shown above the items."""
    attach_errors(form, error)
    return "" if hasattr(error, "error_dict") else " ".join(str(message) for message in error.messages)


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = selectors.committees_for(person)
    # Prefixed: the filter above it has its own kind and year, whose GET names links keep.
    form = ProgramForm(request.POST or None, committees=committees, prefix="new")
    done = submit(
        request,
        form,
        lambda data: services.program_create(actor=person, **form.values()),
        success=_("Work program created."),
        then=lambda program: redirect("program_detail", program.pk),
    )
    if done:
        return done
    filters = ProgramFilterForm(request.GET or None)
    year = kind = None
    if filters.is_valid():
        year, kind = filters.cleaned_data["year"], filters.cleaned_data["kind"]
    programs = selectors.program_list(person, year=year, kind=kind or "")
    context = {
        "programs": programs,
        "filters": filters,
        "form": form if committees.exists() else None,
        "years": selectors.years_of(person),
    }
    template = "programs/_program_table.html" if is_htmx(request) else "programs/program_list.html"
    return render(request, template, context)


def _section_context(
    request: HttpRequest,
    program: Program,
    *,
    item_form: ItemForm | None = None,
    editing: int | None = None,
    edit_form: ItemForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    may_edit = _may(request, Action.DRAFT, program) and program.state != ProgramState.CLOSED
    return {
        "program": program,
        "items": selectors.items_of(program),
        "execution": selectors.execution_rate(program),
        "may_edit": may_edit,
        "item_form": item_form or (ItemForm(program=program) if may_edit else None),
        "editing": editing,
        "edit_form": edit_form,
        "error": error,
    }


def _section(request: HttpRequest, program: Program, **kwargs: Any) -> HttpResponse:
    return render(request, "programs/_items.html", _section_context(request, program, **kwargs))


def _program_page(request: HttpRequest, program: Program, **kwargs: Any) -> HttpResponse:
    person = person_of(request)
    context = _section_context(request, program, **kwargs)
    context.update(
        {
            "period": labels.period_label(program),
            "may_direct": _may(request, Action.DIRECT, program) and program.state != ProgramState.CLOSED,
            "issue_form": IssueForm(),
            "edit_program_form": ProgramEditForm(initial={"title": program.title, "place": program.place}),
            "events": core_selectors.record_history(program, person),
        }
    )
    return render(request, "programs/program_detail.html", context)


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _program_page(request, _program(request, pk))


@login_required
@require_POST
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    _require(request, Action.DRAFT, program)
    form = ProgramEditForm(request.POST)
    if form.is_valid():
        try:
            services.program_update(actor=person_of(request), program=program, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Work program saved."))
    return redirect("program_detail", program.pk)


@login_required
@require_POST
def program_issue(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    _require(request, Action.DIRECT, program)
    form = IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("program_detail", program.pk)
    try:
        services.program_issue(actor=person_of(request), program=program, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The program is issued and in force."))
    return redirect("program_detail", program.pk)


@login_required
@require_POST
def program_close(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program(request, pk)
    _require(request, Action.DIRECT, program)
    try:
        services.program_close(actor=person_of(request), program=program)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The program is closed."))
    return redirect("program_detail", program.pk)


@login_required
def program_export(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    program = _program(request, pk)
    items = list(selectors.items_of(program))
    if extension == "pdf":
        data, content_type = exports.program_pdf(program, items), "application/pdf"
    else:
        data = exports.program_docx(program, items)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(program, extension)}"'
    return response


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    program = _program(request, pk)
    _require(request, Action.DRAFT, program)
    form = ItemForm(request.POST, program=program)
    refusal = ""
    if form.is_valid():
        try:
            services.item_add(actor=person, program=program, **form.values())
        except ValidationError as error:
            refusal = _refusal(form, error)
        else:
            if is_htmx(request):
                return _section(request, program)
            messages.success(request, _("Item added."))
            return redirect("program_detail", program.pk)
    if is_htmx(request):
        return _section(request, program, item_form=form, error=refusal)
    return _program_page(request, program, item_form=form, error=refusal)


def _item_initial(item: ProgramItem) -> dict[str, Any]:
    return {
        "content": item.content,
        "lead": item.lead_id,
        "partners": list(item.partners.all()),
        "partners_note": item.partners_note,
        "leader": item.leader_id,
        "planned": time_value(item.planned_year, item.planned_quarter, item.planned_month),
        "timing_note": item.timing_note,
        "output_kind": item.output_kind,
        "output_type": item.output_type_id,
        "output_note": item.output_note,
    }


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    item = _item(request, pk)
    program = item.program
    _require(request, Action.DRAFT, program)
    form = ItemForm(request.POST or None, program=program, initial=_item_initial(item), prefix="edit")
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=person, item=item, **form.values())
        except ValidationError as error:
            refusal = _refusal(form, error)
        else:
            if is_htmx(request):
                return _section(request, program)
            messages.success(request, _("Item saved."))
            return redirect("program_detail", program.pk)
    if is_htmx(request):
        return _section(request, program, editing=item.pk, edit_form=form, error=refusal)
    return render(request, "programs/item_form.html", {"form": form, "item": item, "program": program})


@login_required
@require_POST
def item_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an item done (today unless told), moved, dropped or planned again."""
    item = _item(request, pk)
    program = item.program
    _require(request, Action.DRAFT, program)
    form = StateForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    else:
        try:
            services.item_set_state(actor=person_of(request), item=item, **form.cleaned_data)
        except ValidationError as refused:
            error = " ".join(refused.messages)
    if is_htmx(request):
        return _section(request, program, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Item marked."))
    if request.POST.get("back") == "item":
        return redirect("program_item_detail", item.pk)
    return redirect("program_detail", program.pk)


@login_required
def program_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An item with where it came from, what it is broken down into, the form to
    break it down further, and its history."""
    person = person_of(request)
    item = get_object_or_404(
        selectors.items_visible_to(person).select_related(
            "lead", "leader", "output_type", "source__program", "moved_from__program"
        ),
        pk=pk,
    )
    may_edit = _may(request, Action.DRAFT, item.program)
    targets = selectors.breakdown_targets(item) if may_edit else []
    moves = selectors.move_targets(item) if may_edit else []
    form = BreakdownForm(request.POST or None, targets=targets)

    def break_down(data: dict[str, Any]) -> ProgramItem:
        if not may_edit:
            raise PermissionDenied
        return services.item_break_down(
            actor=person, item=item, program=data["program"], content=data["content"]
        )

    done = submit(
        request,
        form,
        break_down,
        success=_("Item broken down."),
        then=lambda child: redirect("program_item_detail", item.pk),
    )
    return done or render(
        request,
        "programs/item_detail.html",
        {
            "item": item,
            "program": item.program,
            "time": labels.item_time_label(item),
            "breakdown": item.breakdown.select_related("program").order_by("program__starts_on"),
            "moved_to": ProgramItem.objects.filter(moved_from=item).select_related("program").first(),
            "may_edit": may_edit,
            "states": ItemState.choices,
            "form": form if targets or form.is_bound else None,
            "move_form": MoveForm(targets=moves) if moves else None,
            "events": core_selectors.record_history(item, person),
        },
    )


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Postpone a planned item to a later program: created there, marked moved here."""
    item = _item(request, pk)
    _require(request, Action.DRAFT, item.program)
    form = MoveForm(request.POST, targets=selectors.move_targets(item))
    if form.is_valid():
        try:
            moved = services.item_move(
                actor=person_of(request),
                item=item,
                program=form.cleaned_data["program"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("Item moved to %(program)s.") % {"program": moved.program.title})
            return redirect("program_item_detail", moved.pk)
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("program_item_detail", item.pk)
