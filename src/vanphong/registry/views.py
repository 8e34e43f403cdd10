"""Pages of the registry: the incoming and outgoing registers, registering a
document, one entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.web import attach_errors, get_checked, is_htmx, person_of, submit
from vanphong.registry import exports, selectors, services
from vanphong.registry.forms import (
    IncomingFilterForm,
    IncomingForm,
    OutgoingCancelForm,
    OutgoingFilterForm,
    OutgoingForm,
)
from vanphong.registry.models import ExportStatus, IncomingDocument, OutgoingDocument

PAGE_SIZE = 50


@login_required
def incoming_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = IncomingFilterForm(request.GET or None)
    results = selectors.incoming_results(person, form.filters())
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "may_register": selectors.registering_committees(person_of(request)).exists(),
        "count_is_capped": getattr(results, "count_is_capped", False),
        "querystring": _querystring_without_page(request),
    }
    template = "registry/_incoming_results.html" if is_htmx(request) else "registry/incoming_list.html"
    return render(request, template, context)


def _querystring_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def incoming_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committee = selectors.registering_committees(person_of(request)).first()
    if committee is None:
        raise PermissionDenied
    units = core_selectors.subtree(committee).select_related("kind").order_by("path")
    form = IncomingForm(request.POST or None, clerk=person, units=units)
    duplicates: list[IncomingDocument] = []
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirm_duplicate"]:
        data = form.cleaned_data
        duplicates = list(
            selectors.incoming_duplicates(
                person,
                organization=committee,
                issuer=data["issuer"],
                symbol=data["symbol"],
                document_date=data["document_date"],
            )
        )
    if duplicates:
        # Shown before anything is saved: the clerk confirms or goes to the entry.
        return render(
            request,
            "registry/incoming_form.html",
            {"form": form, "committee": committee, "duplicates": duplicates},
        )

    def register(data: dict[str, Any]) -> IncomingDocument:
        data = {key: value for key, value in data.items() if key != "confirm_duplicate"}
        return services.incoming_register(actor=person, organization=committee, **data)

    done = submit(
        request,
        form,
        register,
        success=_("Registered."),
        then=lambda document: redirect("incoming_detail", pk=document.pk),
    )
    return done or render(request, "registry/incoming_form.html", {"form": form, "committee": committee})


@login_required
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    document = get_checked(
        request,
        IncomingDocument.objects.select_related(
            "register", "document_type", "handler_unit", "handler_person", "registered_by", "organization"
        ),
        pk,
        Action.VIEW,
        secrecy_field="secrecy",
    )
    services.classified_reads_record(actor=person, documents=[document], via="page")
    events = core_selectors.record_history(document, person)
    return render(request, "registry/incoming_detail.html", {"document": document, "events": events})


@login_required
def incoming_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _register_export(request, exports.INCOMING, "xlsx")


@login_required
def incoming_export_pdf(request: HttpRequest) -> HttpResponse:
    return _register_export(request, exports.INCOMING, "pdf")


# --- Outgoing documents ---------------------------------------------------------------------


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = OutgoingFilterForm(request.GET or None, issuers=selectors.outgoing_issuers(person))
    results = selectors.outgoing_results(person, form.filters())
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "may_register": selectors.outgoing_issuers(person).exists(),
        "count_is_capped": getattr(results, "count_is_capped", False),
        "querystring": _querystring_without_page(request),
    }
    template = "registry/_outgoing_results.html" if is_htmx(request) else "registry/outgoing_list.html"
    return render(request, template, context)


@login_required
def outgoing_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    issuers = selectors.outgoing_issuers(person).select_related("kind")
    if not issuers.exists():
        raise PermissionDenied
    form = OutgoingForm(
        request.POST or None,
        clerk=person,
        issuers=issuers,
        signers=selectors.outgoing_signers(issuers),
        drafters=selectors.outgoing_drafters(issuers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.outgoing_register(actor=person, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # The number exists only now: the clerk copies it onto the paper.
            messages.success(
                request, _("Numbered and registered as %(symbol)s.") % {"symbol": document.symbol}
            )
            return redirect("outgoing_detail", pk=document.pk)
    return render(request, "registry/outgoing_form.html", {"form": form})


def _outgoing(request: HttpRequest, pk: int, action: Action) -> OutgoingDocument:
    document: OutgoingDocument = get_checked(
        request,
        OutgoingDocument.objects.select_related(
            "register",
            "document_type",
            "organization",
            "signer",
            "drafter",
            "registered_by",
            "cancelled_by",
            "series__term",
        ),
        pk,
        action,
        secrecy_field="secrecy",
    )
    return document


def _outgoing_page(
    request: HttpRequest, document: OutgoingDocument, form: OutgoingCancelForm
) -> HttpResponse:
    person = person_of(request)
    context = {
        "document": document,
        "events": core_selectors.record_history(document, person),
        "cancel_form": form,
        "may_cancel": not document.is_cancelled and can(person, Action.REGISTER, document),
    }
    return render(request, "registry/outgoing_detail.html", context)


@login_required
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _outgoing(request, pk, Action.VIEW)
    services.classified_reads_record(actor=person_of(request), documents=[document], via="page")
    return _outgoing_page(request, document, OutgoingCancelForm())


@login_required
@require_POST
def outgoing_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    document = _outgoing(request, pk, Action.REGISTER)
    form = OutgoingCancelForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.outgoing_cancel(actor=person_of(request), document=document, note=data["note"]),
        success=_("Cancelled. The document keeps its number."),
        then=lambda cancelled: redirect("outgoing_detail", pk=cancelled.pk),
    )
    return done or _outgoing_page(request, document, form)


# --- Printed registers ----------------------------------------------------------------------


def _register_export(request: HttpRequest, kind: exports.Kind, extension: str) -> HttpResponse:
    """The register of the list's filtered period as the paper book looks; a long PDF
    is made in the background and its page follows; or back to the list with the
    reason when the period cannot be printed."""
    person = person_of(request)
    form = kind.form(request.GET, person)
    querystring = _querystring_without_page(request)
    back = reverse(kind.list_view) + (f"?{querystring}" if querystring else "")
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else None
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(back)
    data = form.cleaned_data
    start, end = exports.default_period(data[kind.start_field], data[kind.end_field], timezone.localdate())
    try:
        period = exports.check_period(start, end)
        filters = exports.filters_for(kind, form, period)
        rows = exports.documents(kind, person, filters).count()
        exports.check_rows(rows)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    if extension == "pdf" and rows > exports.PDF_SYNC_MAX_ROWS:
        export = exports.export_request(
            actor=person, kind=kind, querystring=querystring, period=period, rows=rows
        )
        return redirect("register_export_detail", pk=export.pk)
    books = exports.book_sections(kind, person, filters)
    services.classified_reads_record(
        actor=person,
        documents=exports.documents(kind, person, filters).filter(secrecy__gt=Secrecy.NONE),
        via=f"export.{extension}",
    )
    if extension == "xlsx":
        content, content_type = exports.build_xlsx(books, period, kind), exports.XLSX_CONTENT_TYPE
    else:
        content, content_type = exports.build_pdf(books, period, kind), exports.PDF_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(period, extension, kind)}"'
    response["Cache-Control"] = "no-store"  # may hold classified abstracts
    return response


@login_required
def outgoing_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _register_export(request, exports.OUTGOING, "xlsx")


@login_required
def outgoing_export_pdf(request: HttpRequest) -> HttpResponse:
    return _register_export(request, exports.OUTGOING, "pdf")


@login_required
def register_export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A register being made in the background: the page says so and asks again
    every few seconds (htmx) until it offers the file, or says it failed."""
    export = get_object_or_404(exports.exports_of(person_of(request)), pk=pk)
    context = {"export": export, **exports.export_state(export)}
    template = "registry/_export_status.html" if is_htmx(request) else "registry/export_detail.html"
    return render(request, template, context)


@login_required
def register_export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to the person who asked for it only (404 to anyone else)."""
    export = get_object_or_404(exports.exports_of(person_of(request)), pk=pk)
    if export.status != ExportStatus.DONE or not export.file or exports.is_expired(export):
        raise Http404
    try:
        stream = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=exports.export_filename(export),
        content_type=exports.PDF_CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-store"  # may hold classified abstracts
    return response
