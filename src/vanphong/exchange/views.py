from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.permissions import Action
from vanphong.core.web import get_checked, person_of, submit
from vanphong.exchange import selectors, services
from vanphong.exchange.forms import PackageImportForm
from vanphong.exchange.models import Delivery, DeliveryState
from vanphong.registry.forms import IncomingForm
from vanphong.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanphong.registry.selectors import outgoing_visible_to


@login_required
def delivery_queue(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    organizations = selectors.receiving_organizations(person)
    if not organizations.exists():
        raise PermissionDenied
    return render(
        request,
        "exchange/queue.html",
        {
            "deliveries": selectors.queue(person)[:200],
            "import_form": PackageImportForm(organizations=organizations),
        },
    )


@login_required
@require_POST
def package_import(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    organizations = selectors.receiving_organizations(person)
    form = PackageImportForm(request.POST, request.FILES, organizations=organizations)
    done = submit(
        request,
        form,
        lambda data: services.package_import(
            actor=person, organization=data["organization"], data=data["package"].read()
        ),
        success=_("Package received: check the signature, then register it."),
        then=lambda delivery: redirect("delivery_detail", delivery.pk),
    )
    return done or render(
        request, "exchange/queue.html", {"deliveries": selectors.queue(person)[:200], "import_form": form}
    )


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    return get_checked(
        request, Delivery.objects.select_related("organization", "signature_check"), pk, Action.REGISTER
    )


def _form_for(request: HttpRequest, delivery: Delivery) -> IncomingForm:
    person = person_of(request)
    units = core_selectors.subtree(delivery.organization).select_related("kind").order_by("path")
    initial = {
        "received_on": timezone.localdate(),
        "issuer": delivery.issuer,
        "symbol": delivery.symbol,
        "document_date": delivery.document_date,
        "document_type": DocumentType.objects.filter(code=delivery.document_type_code).first(),
        "abstract": delivery.abstract,
        "urgency": delivery.urgency,
    }
    form = IncomingForm(request.POST or None, clerk=person, units=units, initial=initial)
    # What travels electronically is never classified (217-QĐ/TW).
    del form.fields["secrecy"], form.fields["confirm_duplicate"]
    return form


def _page(request: HttpRequest, delivery: Delivery, form: IncomingForm | None) -> HttpResponse:
    return render(
        request,
        "exchange/delivery_detail.html",
        {
            "delivery": delivery,
            "form": form if delivery.state != DeliveryState.REGISTERED else None,
            "events": core_selectors.record_history(delivery, person_of(request)),
        },
    )


@login_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = services.delivery_receive(actor=person_of(request), delivery=_delivery(request, pk))
    return _page(request, delivery, _form_for(request, delivery))


@login_required
def delivery_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    with delivery.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(delivery.symbol) or "van-ban"}.pdf"'
    return response


@login_required
@require_POST
def delivery_register(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    delivery = _delivery(request, pk)
    form = _form_for(request, delivery)

    def register(data: dict[str, Any]) -> IncomingDocument:
        return services.delivery_register(actor=person, delivery=delivery, **data)

    done = submit(
        request,
        form,
        register,
        success=_("Registered, with the signed PDF attached."),
        then=lambda document: redirect("incoming_detail", pk=document.pk),
    )
    return done or _page(request, delivery, form)


def _outgoing(request: HttpRequest, pk: int) -> OutgoingDocument:
    return get_object_or_404(
        outgoing_visible_to(person_of(request)).select_related("organization", "signer", "document_type"),
        pk=pk,
    )


@login_required
@require_POST
def outgoing_send(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = _outgoing(request, pk)
    try:
        deliveries = services.outgoing_send(actor=person_of(request), outgoing=outgoing)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Sent to %(names)s.")
            % {"names": ", ".join(delivery.organization.name for delivery in deliveries)},
        )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("outgoing_detail", pk)


@login_required
def outgoing_package(request: HttpRequest, pk: int) -> HttpResponse:
    outgoing = _outgoing(request, pk)
    try:
        data = services.package_of(outgoing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("outgoing_detail", pk)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{slugify(outgoing.symbol)}.zip"'
    return response
