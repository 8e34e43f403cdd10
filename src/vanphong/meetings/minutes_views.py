"""The pages of a meeting's minutes and concluding notice, for the office and the
meeting's secretary: make (or make again) the minutes and the notice as drafts, which
are then edited, reviewed and signed on drafting's own pages; write the conclusions
and tasks per item (htmx, each item's card on its own; every form works without
JS); hand the signed notice's tasks to the follow-up board. Thin: one checked fetch,
one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.web import attach_errors, is_htmx, person_of
from vanphong.followup.forms import TaskForm
from vanphong.meetings import selectors, services
from vanphong.meetings.models import AgendaItem, ConclusionTask, ItemConclusion, Meeting, MeetingPapers


def _managed(request: HttpRequest, pk: int) -> Meeting:
    """A meeting the person sees (404) and keeps the paperwork of (403)."""
    meeting = get_object_or_404(selectors.meetings_visible_to(person_of(request)), pk=pk)
    if not selectors.may_manage(person_of(request), meeting):
        raise PermissionDenied
    return meeting


def _item(request: HttpRequest, pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    item.meeting = _managed(request, item.meeting_id)
    if item.secrecy > person_of(request).clearance:
        raise Http404
    return item


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _task_form(meeting: Meeting, data: Any = None, prefix: str = "") -> TaskForm:
    committee = meeting.organization
    return TaskForm(
        data,
        prefix=prefix or None,
        units=core_selectors.subtree(committee).filter(closed_on__isnull=True).order_by("path"),
        leaders=core_selectors.committee_leaders(committee).filter(is_active=True),
    )


def _card(item: AgendaItem, form: TaskForm | None = None) -> dict[str, Any]:
    conclusion = ItemConclusion.objects.filter(item=item).first()
    return {
        "item": item,
        "open": _conclusions_open(_papers(item.meeting)),
        "conclusion_text": conclusion.text if conclusion else "",
        "tasks": item.conclusion_tasks.select_related("lead_unit", "leader").prefetch_related("co_units"),
        "task_form": form or _task_form(item.meeting, prefix=f"item{item.pk}"),
    }


def _papers(meeting: Meeting) -> MeetingPapers | None:
    return (
        MeetingPapers.objects.filter(meeting=meeting)
        .select_related("minutes", "notice", "conclusion")
        .first()
    )


def _page(request: HttpRequest, meeting: Meeting, forms: dict[int, TaskForm] | None = None) -> HttpResponse:
    items = list(meeting.items.select_related("presenter", "preparing_unit").order_by("order", "pk"))
    papers = _papers(meeting)
    return render(
        request,
        "meetings/minutes_conclusions.html",
        {
            "meeting": meeting,
            "papers": papers,
            "open": _conclusions_open(papers),
            "cards": [_card(item, (forms or {}).get(item.pk)) for item in items if not item.is_classified],
            "classified": sum(1 for item in items if item.is_classified),
        },
    )


def _conclusions_open(papers: MeetingPapers | None) -> bool:
    return papers is None or papers.notice is None or papers.notice.is_editable


@login_required
@require_POST
def minutes_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the minutes from the record (or make them again while being drafted)."""
    meeting = _managed(request, pk)
    try:
        draft = services.minutes_prepare(actor=person_of(request), meeting=meeting)
    except ValidationError as error:
        _refused(request, error)
        return redirect("meetings_meeting", meeting.pk)
    messages.success(request, _("The minutes are drafted from the meeting's record: read and edit them."))
    return redirect("draft_detail", draft.pk)


@login_required
def minutes_conclusions(request: HttpRequest, pk: int) -> HttpResponse:
    """The conclusions and tasks per item, which the concluding notice prints."""
    meeting = _managed(request, pk)
    return _page(request, meeting)


@login_required
@require_POST
def minutes_conclusion_save(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    try:
        services.conclusion_write(actor=person_of(request), item=item, text=request.POST.get("text", ""))
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The conclusion is saved."))
    if is_htmx(request):
        return render(request, "meetings/minutes_item.html", _card(item))
    return redirect(reverse("minutes_conclusions", args=[item.meeting_id]) + f"#item-{item.pk}")


@login_required
@require_POST
def minutes_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = _task_form(item.meeting, request.POST, prefix=f"item{item.pk}")
    if form.is_valid():
        try:
            services.conclusion_task_add(actor=person_of(request), item=item, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The task is added."))
            if is_htmx(request):
                return render(request, "meetings/minutes_item.html", _card(item))
            return redirect(reverse("minutes_conclusions", args=[item.meeting_id]) + f"#item-{item.pk}")
    if is_htmx(request):
        return render(request, "meetings/minutes_item.html", _card(item, form))
    return _page(request, item.meeting, {item.pk: form})


@login_required
@require_POST
def minutes_task_remove(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ConclusionTask.objects.select_related("item"), pk=pk)
    item = _item(request, task.item_id)
    try:
        services.conclusion_task_remove(actor=person_of(request), task=task)
    except ValidationError as error:
        _refused(request, error)
    if is_htmx(request):
        return render(request, "meetings/minutes_item.html", _card(item))
    return redirect(reverse("minutes_conclusions", args=[item.meeting_id]) + f"#item-{item.pk}")


@login_required
@require_POST
def minutes_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the concluding notice from the conclusions (or make it again)."""
    meeting = _managed(request, pk)
    try:
        draft = services.notice_prepare(actor=person_of(request), meeting=meeting)
    except ValidationError as error:
        _refused(request, error)
        return redirect("meetings_meeting", meeting.pk)
    messages.success(request, _("The concluding notice is drafted from the conclusions: read and edit it."))
    return redirect("draft_detail", draft.pk)


@login_required
@require_POST
def minutes_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed notice's tasks to the follow-up board."""
    meeting = _managed(request, pk)
    try:
        conclusion = services.notice_hand_over(actor=person_of(request), meeting=meeting)
    except ValidationError as error:
        _refused(request, error)
        return redirect("meetings_meeting", meeting.pk)
    messages.success(
        request, _("The notice's tasks are on the follow-up board; the units and leaders were told.")
    )
    return redirect("conclusion_detail", conclusion.pk)
