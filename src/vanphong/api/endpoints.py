"""The JSON API, version 1: incoming documents and their transfer slips here; work
programs, the weekly schedule, the follow-up of conclusions and the reports from
grassroots organizations in their routers (`api/routers/`), added to the same `api`.

Thin, as the pages are: one permission-checked fetch (`core.web.get_checked`, the
handling selectors), one service call, the result as JSON. A document or slip the
caller may not see is a 404 exactly like a missing one, so a classified record's
existence does not leak; a refused action is a 403; a service's refusal is a 422
with its field-keyed messages, in the language of `Accept-Language`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError as RequestValidationError

from vanphong.api.auth import TokenAuth
from vanphong.api.common import ACTION_REFUSALS, REFUSALS, invalid_choice, one, person_ref, ref, some
from vanphong.api.routers import followup, meetings, programs, reports, schedule, voting
from vanphong.api.schemas import (
    DirectIn,
    IncomingIn,
    IncomingOut,
    IncomingPage,
    IncomingQuery,
    NoteIn,
    SendIn,
    SlipOut,
)
from vanphong.core import selectors as core_selectors
from vanphong.core.models import Person, Secrecy
from vanphong.core.permissions import Action
from vanphong.core.web import get_checked, person_of
from vanphong.handling import selectors as handling_selectors
from vanphong.handling import services as handling_services
from vanphong.handling.models import TransferSlip
from vanphong.registry import selectors as registry_selectors
from vanphong.registry import services as registry_services
from vanphong.registry.models import DocumentType, IncomingDocument, Urgency

api = NinjaAPI(
    title="vanphong",
    version="1",
    description=(
        "Incoming documents and their transfer slips, work programs, the weekly schedule, "
        "the follow-up of conclusions, the reports from grassroots organizations, meetings, "
        "votes and written consultations. Bearer tokens: the API tokens page (/api/tokens/) "
        "or `vanphong apitoken issue`."
    ),
    urls_namespace="api",
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app, so
    # nothing comes from a CDN the offices' closed networks do not reach).
    docs_url="/docs",
    auth=TokenAuth(),
)
api.add_router("/programs/", programs.router)
api.add_router("/schedule/", schedule.router)
api.add_router("/followup/", followup.router)
api.add_router("/reports/", reports.router)
api.add_router("/meetings/", meetings.router)
api.add_router("/voting/", voting.router)

# --- Errors ---------------------------------------------------------------------------------------


def _invalid(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    detail = " ".join(message for messages in errors.values() for message in messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(ValidationError)
def service_refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    return _invalid(request, {field: [str(m) for m in messages] for field, messages in errors.items()})


@api.exception_handler(RequestValidationError)
def request_refused(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    """The parser's refusals in the services' shape: messages keyed by field."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = error.get("loc", ())
        field = next((str(part) for part in reversed(location) if isinstance(part, str)), NON_FIELD_ERRORS)
        errors.setdefault(field, []).append(str(error.get("msg", "")))
    return _invalid(request, errors)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc.args[0]) if exc.args else _("You may not do this.")
    return api.create_response(request, {"detail": detail}, status=403)


# --- Output ---------------------------------------------------------------------------------------


def _incoming(document: IncomingDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "organization": ref(document.organization),
        "number": document.number,
        "register_year": document.register.year,
        "classified": document.register.is_classified,
        "received_on": document.received_on,
        "issuer": document.issuer,
        "symbol": document.symbol,
        "document_date": document.document_date,
        "document_type": {"code": document.document_type.code, "name": document.document_type.name},
        "abstract": document.abstract,
        "secrecy": document.secrecy,
        "urgency": document.urgency,
        "handler_unit": ref(document.handler_unit),
        "deadline": document.deadline,
        "note": document.note,
    }


def _slip(slip: TransferSlip) -> dict[str, Any]:
    return {
        "id": slip.pk,
        "document_id": slip.document_id,
        "state": slip.state,
        "secrecy": slip.secrecy,
        "sent_to": [person_ref(p) for p in slip.sent_to.all()],
        "sent_by": person_ref(slip.sent_by),
        "sent_at": slip.sent_at,
        "note": slip.note,
        "instruction": slip.instruction,
        "lead_unit": ref(slip.lead_unit),
        "lead_person": person_ref(slip.lead_person),
        "co_units": [ref(unit) for unit in slip.co_units.all()],
        "co_persons": [person_ref(p) for p in slip.co_persons.all()],
        "deadline": slip.deadline,
        "is_overdue": slip.is_overdue,
        "directed_by": person_ref(slip.directed_by),
        "directed_at": slip.directed_at,
        "completed_by": person_ref(slip.completed_by),
        "completed_at": slip.completed_at,
        "completion_note": slip.completion_note,
        "progress": [
            {"author": person_ref(note.author), "at": note.at, "text": note.text}
            for note in slip.progress.all()
        ],
    }


# --- Incoming documents ---------------------------------------------------------------------------

INCOMING_RELATED = ("register", "document_type", "handler_unit", "organization")


@api.get("/incoming/", response={200: IncomingPage, **REFUSALS}, url_name="incoming_list")
def incoming_list(request: HttpRequest, filters: Query[IncomingQuery]) -> dict[str, Any]:
    """The incoming register as the page lists it: newest first, only what the caller
    may see (a classified document above their clearance is not counted)."""
    person = person_of(request)
    selected = registry_selectors.IncomingFilters(
        query=filters.q,
        received_from=filters.received_from,
        received_to=filters.received_to,
    )
    documents = registry_selectors.incoming_list(person, selected).select_related(*INCOMING_RELATED)
    if filters.document_type:
        # By code: a code no type has matches nothing (a filter, not a choice to refuse).
        documents = documents.filter(document_type__code=filters.document_type)
    documents = documents.order_by("-received_on", "-number", "-id")
    offset, limit = filters.offset, filters.limit
    page = list(documents[offset : offset + limit])
    # A page of the register read by a program is an export: its classified rows are audited.
    registry_services.classified_reads_record(actor=person, documents=page, via="api")
    return {
        "count": documents.count(),
        "limit": limit,
        "offset": offset,
        "items": [_incoming(document) for document in page],
    }


@api.get("/incoming/{document_id}/", response={200: IncomingOut, **REFUSALS}, url_name="incoming_detail")
def incoming_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    document = get_checked(
        request,
        IncomingDocument.objects.select_related(*INCOMING_RELATED),
        document_id,
        Action.VIEW,
        secrecy_field="secrecy",
    )
    registry_services.classified_reads_record(actor=person_of(request), documents=[document], via="api")
    return _incoming(document)


@api.post("/incoming/", response={201: IncomingOut, **ACTION_REFUSALS}, url_name="incoming_register")
def incoming_register(request: HttpRequest, payload: IncomingIn) -> tuple[int, dict[str, Any]]:
    """Register an incoming document, as a clerk does on the page: in the register of
    a committee whose office they work in. The incoming number is given here."""
    person = person_of(request)
    committees = list(registry_selectors.registering_committees(person))
    if not committees:
        raise PermissionDenied(_("You do not keep any committee's register."))
    if payload.organization_id is None:
        if len(committees) > 1:
            raise ValidationError(
                {"organization_id": _("You keep several registers: choose the committee (organization_id).")}
            )
        committee = committees[0]
    else:
        found = [c for c in committees if c.pk == payload.organization_id]
        if not found:
            raise PermissionDenied(_("You do not keep this committee's register."))
        committee = found[0]
    kind = DocumentType.objects.filter(code=payload.document_type).first()
    if kind is None:
        raise invalid_choice("document_type")
    handler_unit = one(core_selectors.subtree(committee), payload.handler_unit, "handler_unit")
    if not payload.confirm_duplicate:
        duplicates = list(
            registry_selectors.incoming_duplicates(
                person,
                organization=committee,
                issuer=payload.issuer,
                symbol=payload.symbol,
                document_date=payload.document_date,
            ).order_by("number")
        )
        if duplicates:
            numbers = ", ".join(str(d.number) for d in duplicates)
            raise ValidationError(
                {"confirm_duplicate": [f"{_('This document may already be registered')}: {numbers}"]}
            )
    document = registry_services.incoming_register(
        actor=person,
        organization=committee,
        received_on=payload.received_on,
        issuer=payload.issuer,
        symbol=payload.symbol,
        document_date=payload.document_date,
        document_type=kind,
        abstract=payload.abstract,
        secrecy=Secrecy(payload.secrecy),
        urgency=Urgency(payload.urgency),
        handler_unit=handler_unit,
        deadline=payload.deadline,
        note=payload.note,
    )
    return 201, _incoming(IncomingDocument.objects.select_related(*INCOMING_RELATED).get(pk=document.pk))


# --- Transfer slips -------------------------------------------------------------------------------


def _slips(person: Person) -> QuerySet[TransferSlip]:
    return handling_selectors.slip_detail(person)


def _visible_slip(request: HttpRequest, slip_id: int) -> TransferSlip:
    """The slip if the caller may see it; 404 otherwise, as on the pages."""
    slip: TransferSlip = get_object_or_404(_slips(person_of(request)), pk=slip_id)
    return slip


def _fresh(request: HttpRequest, slip: TransferSlip) -> dict[str, Any]:
    return _slip(_visible_slip(request, slip.pk))


@api.get(
    "/incoming/{document_id}/slips/", response={200: list[SlipOut], **REFUSALS}, url_name="document_slips"
)
def document_slips(request: HttpRequest, document_id: int) -> list[dict[str, Any]]:
    person = person_of(request)
    document = get_checked(
        request, IncomingDocument.objects.all(), document_id, Action.VIEW, secrecy_field="secrecy"
    )
    slips = handling_selectors.document_slips(person, document).prefetch_related(
        "co_units", "co_persons", "progress__author"
    )
    return [_slip(slip) for slip in slips]


@api.post("/incoming/{document_id}/slips/", response={201: SlipOut, **ACTION_REFUSALS}, url_name="slip_send")
def slip_send(request: HttpRequest, document_id: int, payload: SendIn) -> tuple[int, dict[str, Any]]:
    """Forward the document to leaders for their direction (the office that registered it)."""
    document = get_checked(
        request,
        IncomingDocument.objects.select_related("organization"),
        document_id,
        Action.REGISTER,
        secrecy_field="secrecy",
    )
    leaders = some(handling_selectors.leader_candidates(document), payload.leaders, "leaders")
    slip = handling_services.slip_send(
        actor=person_of(request), document=document, leaders=leaders, note=payload.note
    )
    return 201, _fresh(request, slip)


@api.get("/slips/{slip_id}/", response={200: SlipOut, **REFUSALS}, url_name="slip_detail")
def slip_detail(request: HttpRequest, slip_id: int) -> dict[str, Any]:
    return _slip(_visible_slip(request, slip_id))


@api.post("/slips/{slip_id}/direct/", response={200: SlipOut, **ACTION_REFUSALS}, url_name="slip_direct")
def slip_direct(request: HttpRequest, slip_id: int, payload: DirectIn) -> dict[str, Any]:
    """The leader's decision: the instruction, who leads, who helps, by when."""
    slip = _visible_slip(request, slip_id)
    units = handling_selectors.handler_units(slip)
    people = handling_selectors.handler_candidates(slip)
    slip = handling_services.slip_direct(
        actor=person_of(request),
        slip=slip,
        instruction=payload.instruction,
        lead_unit=one(units, payload.lead_unit, "lead_unit"),
        lead_person=one(people, payload.lead_person, "lead_person"),
        co_units=some(units, payload.co_units, "co_units"),
        co_persons=some(people, payload.co_persons, "co_persons"),
        deadline=payload.deadline,
    )
    return _fresh(request, slip)


@api.post("/slips/{slip_id}/progress/", response={200: SlipOut, **ACTION_REFUSALS}, url_name="slip_progress")
def slip_progress(request: HttpRequest, slip_id: int, payload: NoteIn) -> dict[str, Any]:
    slip = _visible_slip(request, slip_id)
    handling_services.slip_progress(actor=person_of(request), slip=slip, note=payload.note)
    return _fresh(request, slip)


@api.post("/slips/{slip_id}/complete/", response={200: SlipOut, **ACTION_REFUSALS}, url_name="slip_complete")
def slip_complete(request: HttpRequest, slip_id: int, payload: NoteIn) -> dict[str, Any]:
    slip = _visible_slip(request, slip_id)
    handling_services.slip_complete(actor=person_of(request), slip=slip, note=payload.note)
    return _fresh(request, slip)
