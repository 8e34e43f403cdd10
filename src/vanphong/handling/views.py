"""Pages of document handling: sending a slip, the slip, my work, the office's
board, notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.permissions import Action
from vanphong.core.web import get_checked, is_htmx, person_of, submit
from vanphong.handling import selectors, services
from vanphong.handling.forms import CompleteForm, DirectionForm, ProgressForm, SendForm
from vanphong.handling.models import TransferSlip
from vanphong.registry.models import IncomingDocument


@login_required
def slip_send(request: HttpRequest, document_pk: int) -> HttpResponse:
    document = get_checked(
        request,
        IncomingDocument.objects.select_related("document_type", "organization"),
        document_pk,
        Action.REGISTER,
        secrecy_field="secrecy",
    )
    form = SendForm(request.POST or None, leaders=selectors.leader_candidates(document))
    done = submit(
        request,
        form,
        lambda data: services.slip_send(
            actor=person_of(request), document=document, leaders=data["leaders"], note=data["note"]
        ),
        success=_("Sent to the leaders."),
        then=lambda slip: redirect("slip_detail", pk=slip.pk),
    )
    return done or render(request, "handling/slip_send.html", {"form": form, "document": document})


def _slip(request: HttpRequest, pk: int) -> TransferSlip:
    """The slip if this person may see it; 404 otherwise, so its existence does not leak."""
    slip: TransferSlip = get_object_or_404(selectors.slip_detail(person_of(request)), pk=pk)
    return slip


def _direction_form(slip: TransferSlip, data: Any = None) -> DirectionForm:
    return DirectionForm(
        data, units=selectors.handler_units(slip), people=selectors.handler_candidates(slip), prefix="direct"
    )


def _slip_page(request: HttpRequest, slip: TransferSlip, **bound: forms.Form) -> HttpResponse:
    person = person_of(request)
    context: dict[str, Any] = {
        "slip": slip,
        "document": slip.document,
        "events": core_selectors.record_history(slip, person),
        "direction_form": None,
        "progress_form": None,
        "complete_form": None,
    }
    if selectors.may_direct(person, slip):
        context["direction_form"] = bound.get("direction_form") or _direction_form(slip)
    if selectors.may_handle(person, slip):
        context["progress_form"] = bound.get("progress_form") or ProgressForm(prefix="progress")
        context["complete_form"] = bound.get("complete_form") or CompleteForm(prefix="complete")
    return render(request, "handling/slip_detail.html", context)


@login_required
def slip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _slip_page(request, _slip(request, pk))


@login_required
@require_POST
def slip_direct(request: HttpRequest, pk: int) -> HttpResponse:
    slip = _slip(request, pk)
    form = _direction_form(slip, request.POST)
    done = submit(
        request,
        form,
        lambda data: services.slip_direct(actor=person_of(request), slip=slip, **data),
        success=_("Direction recorded."),
        then=lambda slip: redirect("slip_detail", pk=slip.pk),
    )
    return done or _slip_page(request, slip, direction_form=form)


@login_required
@require_POST
def slip_progress(request: HttpRequest, pk: int) -> HttpResponse:
    slip = _slip(request, pk)
    form = ProgressForm(request.POST, prefix="progress")
    done = submit(
        request,
        form,
        lambda data: services.slip_progress(actor=person_of(request), slip=slip, note=data["note"]),
        success=_("Progress recorded."),
        then=lambda progress: redirect("slip_detail", pk=slip.pk),
    )
    if is_htmx(request):
        # The list of notes and a fresh (or the refused) form, in place.
        slip = _slip(request, pk)
        fresh = ProgressForm(prefix="progress") if done else form
        return render(
            request, "handling/_progress.html", {"slip": slip, "progress_form": fresh, "htmx": True}
        )
    return done or _slip_page(request, slip, progress_form=form)


@login_required
@require_POST
def slip_complete(request: HttpRequest, pk: int) -> HttpResponse:
    slip = _slip(request, pk)
    form = CompleteForm(request.POST, prefix="complete")
    done = submit(
        request,
        form,
        lambda data: services.slip_complete(actor=person_of(request), slip=slip, note=data["note"]),
        success=_("Handling completed."),
        then=lambda slip: redirect("slip_detail", pk=slip.pk),
    )
    return done or _slip_page(request, slip, complete_form=form)


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    return render(request, "handling/my_work.html", {"work": selectors.my_work(person_of(request))})


@login_required
def board(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not selectors.may_see_board(person):
        raise PermissionDenied
    return render(request, "handling/board.html", {"slips": selectors.board(person)})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_of(person_of(request))[:100]
    return render(request, "handling/notification_list.html", {"notifications": notifications})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(selectors.notifications_of(person_of(request)), pk=pk)
    services.notifications_read(actor=person_of(request), notifications=[notification])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect("notification_list")
    return redirect(notification.url)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_read(actor=person_of(request))
    return redirect("notification_list")
