from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.archive import exports, selectors, services
from vanphong.archive.forms import (
    BoxForm,
    CatalogueFilterForm,
    DestructionForm,
    DossierForm,
    FileForm,
    FondsForm,
    RetentionRuleForm,
)
from vanphong.archive.models import Dossier, DossierState, Fonds, RetentionRule
from vanphong.core import selectors as core_selectors
from vanphong.core.permissions import Action, can, may_anywhere
from vanphong.core.web import is_htmx, person_of, submit
from vanphong.registry.selectors import incoming_visible_to, outgoing_visible_to


def _fonds(request: HttpRequest, pk: int) -> Fonds:
    return get_object_or_404(selectors.fonds_visible_to(person_of(request)), pk=pk)


def _dossier(request: HttpRequest, pk: int) -> Dossier:
    return get_object_or_404(selectors.dossiers_visible_to(person_of(request)), pk=pk)


def _may_keep(request: HttpRequest, fonds: Fonds) -> bool:
    return can(person_of(request), Action.ARCHIVE, fonds.organization)


@login_required
def fonds_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    organizations = selectors.archive_organizations(person)
    form = FondsForm(request.POST or None, organizations=organizations)
    done = submit(
        request,
        form,
        lambda data: services.fonds_create(
            actor=person, organization=data["organization"], number=data["number"], name=data["name"]
        ),
        success=_("Fonds opened."),
        then=lambda fonds: redirect("fonds_detail", fonds.pk),
    )
    return done or render(
        request,
        "archive/fonds_list.html",
        {"fonds_list": selectors.fonds_visible_to(person), "form": form if organizations.exists() else None},
    )


@login_required
def fonds_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The catalogue of a fonds, filtered live (htmx), and its boxes."""
    person = person_of(request)
    fonds = _fonds(request, pk)
    filters = CatalogueFilterForm(request.GET or None)
    dossiers = selectors.catalogue(person, fonds, filters.filters())
    context = {
        "fonds": fonds,
        "filters": filters,
        "dossiers": dossiers[:500],
        "count": dossiers.count(),
        "query": request.GET.urlencode(),
        "may_keep": _may_keep(request, fonds),
        "due": selectors.due_for_review(person, fonds, timezone.localdate()).count(),
        "box_form": BoxForm(),
    }
    template = "archive/_catalogue.html" if is_htmx(request) else "archive/fonds_detail.html"
    return render(request, template, context)


@login_required
def catalogue_export(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    fonds = _fonds(request, pk)
    dossiers = list(
        selectors.catalogue(person_of(request), fonds, CatalogueFilterForm(request.GET or None).filters())
    )
    if extension == "pdf":
        data, content_type = exports.catalogue_pdf(fonds, dossiers), "application/pdf"
    else:
        data = exports.catalogue_xlsx(fonds, dossiers)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(fonds, extension)}"'
    return response


@login_required
@require_POST
def box_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    fonds = _fonds(request, pk)
    form = BoxForm(request.POST)
    if form.is_valid():
        try:
            box = services.box_create(actor=person, fonds=fonds, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Box %(number)s added.") % {"number": box.number})
    return redirect("fonds_detail", fonds.pk)


def _dossier_form(request: HttpRequest, fonds: Fonds, **kwargs: Any) -> DossierForm:
    return DossierForm(
        request.POST or None, boxes=fonds.boxes.all(), clearance=person_of(request).clearance, **kwargs
    )


@login_required
def dossier_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    fonds = _fonds(request, pk)
    if not _may_keep(request, fonds):
        raise PermissionDenied
    form = _dossier_form(request, fonds)
    done = submit(
        request,
        form,
        lambda data: services.dossier_create(actor=person, fonds=fonds, **data),
        success=_("Dossier created."),
        then=lambda dossier: redirect("dossier_detail", dossier.pk),
    )
    return done or render(
        request, "archive/dossier_form.html", {"form": form, "fonds": fonds, "dossier": None}
    )


@login_required
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    dossier = _dossier(request, pk)
    if not _may_keep(request, dossier.fonds):
        raise PermissionDenied
    initial = {name: getattr(dossier, name) for name in [*services.DOSSIER_FIELDS, "retention_rule"]}
    form = _dossier_form(request, dossier.fonds, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.dossier_update(actor=person, dossier=dossier, **data),
        success=_("Dossier saved."),
        then=lambda saved: redirect("dossier_detail", saved.pk),
    )
    return done or render(
        request, "archive/dossier_form.html", {"form": form, "fonds": dossier.fonds, "dossier": dossier}
    )


def _dossier_page(request: HttpRequest, dossier: Dossier, file_form: FileForm | None = None) -> HttpResponse:
    person = person_of(request)
    may_keep = _may_keep(request, dossier.fonds)
    file_form = file_form or FileForm(request.GET or None)
    query = file_form.data.get("q", "") if file_form.is_bound else ""
    return render(
        request,
        "archive/dossier_detail.html",
        {
            "dossier": dossier,
            "fonds": dossier.fonds,
            "items": dossier.items.select_related("incoming", "outgoing").order_by("position"),
            "may_keep": may_keep,
            "may_file": may_keep and dossier.state == DossierState.OPEN,
            "file_form": file_form,
            "found": selectors.filable_documents(person, dossier, query) if may_keep and query else None,
            "retention": exports.retention_text(dossier),
            "events": core_selectors.record_history(dossier, person),
        },
    )


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _dossier_page(request, _dossier(request, pk))


@login_required
@require_POST
def dossier_file(request: HttpRequest, pk: int) -> HttpResponse:
    """File the registry document chosen from the search on the dossier's page."""
    person = person_of(request)
    dossier = _dossier(request, pk)
    kind, _sep, ident = request.POST.get("document", "").partition(":")
    if kind not in ("in", "out") or not ident.isdigit():
        messages.error(request, _("Choose a document to file."))
        return redirect("dossier_detail", dossier.pk)
    # Only what the archivist may see: the registry's own permission filter.
    incoming = get_object_or_404(incoming_visible_to(person), pk=int(ident)) if kind == "in" else None
    outgoing = get_object_or_404(outgoing_visible_to(person), pk=int(ident)) if kind == "out" else None
    sheets = request.POST.get("sheets", "0")
    try:
        item = services.dossier_file(
            actor=person,
            dossier=dossier,
            incoming=incoming,
            outgoing=outgoing,
            sheets=int(sheets) if sheets.isdigit() else 0,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Filed."))
        filed_in = item.dossier
        if services.dates_widened(dossier, filed_in):
            messages.warning(
                request,
                _(
                    "The document is dated outside the dossier's dates: the dossier now runs "
                    "%(start)s – %(end)s (it ran %(old_start)s – %(old_end)s). If it was filed by "
                    "mistake, take it out again."
                )
                % {
                    "start": _day(filed_in.started_on),
                    "end": _day(filed_in.ended_on),
                    "old_start": _day(dossier.started_on),
                    "old_end": _day(dossier.ended_on),
                },
            )
    return redirect("dossier_detail", dossier.pk)


def _day(day: Any) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


@login_required
@require_POST
def dossier_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Take a document filed by mistake out of an open dossier."""
    dossier = _dossier(request, pk)
    filed = get_object_or_404(dossier.items.all(), pk=item)
    try:
        services.dossier_remove(actor=person_of(request), item=filed)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The document is taken out of the dossier."))
    return redirect("dossier_detail", dossier.pk)


@login_required
@require_POST
def dossier_close(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    try:
        services.dossier_close(actor=person_of(request), dossier=dossier)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Dossier closed into the archive."))
    return redirect("dossier_detail", dossier.pk)


@login_required
def dossier_cover(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier(request, pk)
    response = HttpResponse(exports.cover_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bia-ho-so-{dossier.catalogue}-{dossier.number}.pdf"'
    return response


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossiers whose term has run out, and the form recording the council's
    decision on those chosen."""
    person = person_of(request)
    fonds = _fonds(request, pk)
    due = selectors.due_for_review(person, fonds, timezone.localdate())
    form = DestructionForm(request.POST or None)
    chosen = [int(value) for value in request.POST.getlist("dossiers") if value.isdigit()]

    def record(data: dict[str, Any]) -> Any:
        if not _may_keep(request, fonds):
            raise PermissionDenied
        return services.destruction_record(
            actor=person, fonds=fonds, dossiers=list(due.filter(pk__in=chosen)), **data
        )

    done = submit(
        request,
        form,
        record,
        success=_("The destruction decision is recorded."),
        then=lambda decision: redirect("archive_review", fonds.pk),
    )
    return done or render(
        request,
        "archive/review.html",
        {
            "fonds": fonds,
            "due": due,
            "form": form,
            "chosen": chosen,
            "may_keep": _may_keep(request, fonds),
            "decisions": selectors.destructions_visible_to(person).filter(fonds=fonds)[:20],
        },
    )


@login_required
def retention_rules(request: HttpRequest) -> HttpResponse:
    """The retention table (DOMAIN.md §4: data the archivist edits), a line added below."""
    person = person_of(request)
    may_edit = may_anywhere(person, Action.ARCHIVE)
    if not may_edit and not selectors.fonds_visible_to(person).exists():
        raise PermissionDenied
    form = RetentionRuleForm(request.POST or None)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    done = submit(
        request,
        form,
        lambda data: services.retention_rule_create(actor=person, **data),
        success=_("The line is added to the retention table."),
        then=lambda rule: redirect("retention_rules"),
    )
    return done or render(
        request,
        "archive/retention_rules.html",
        {"rules": RetentionRule.objects.order_by("code"), "form": form if may_edit else None},
    )


@login_required
def retention_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    if not may_anywhere(person, Action.ARCHIVE):
        raise PermissionDenied
    rule = get_object_or_404(RetentionRule, pk=pk)
    form = RetentionRuleForm(
        request.POST or None, initial={"code": rule.code, "name": rule.name, "years": rule.years}
    )
    done = submit(
        request,
        form,
        lambda data: services.retention_rule_update(actor=person, rule=rule, **data),
        success=_("The retention table is saved."),
        then=lambda saved: redirect("retention_rules"),
    )
    return done or render(
        request,
        "archive/retention_rule_form.html",
        {"rule": rule, "form": form, "events": core_selectors.record_history(rule, person)},
    )


@login_required
def destruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recorded destruction decision: who signed it, when, the council, the reason,
    and the dossiers it destroyed (those within one's clearance)."""
    person = person_of(request)
    decision = get_object_or_404(selectors.destructions_visible_to(person), pk=pk)
    return render(
        request,
        "archive/destruction_detail.html",
        {
            "decision": decision,
            "fonds": decision.fonds,
            "dossiers": selectors.dossiers_visible_to(person)
            .filter(destruction=decision)
            .order_by("catalogue", "number"),
            "events": core_selectors.record_history(decision, person),
        },
    )
