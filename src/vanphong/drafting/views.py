from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.core.web import attach_errors, person_of, submit
from vanphong.drafting import layout, selectors, services
from vanphong.drafting.forms import CommentForm, CompareForm, DecisionForm, DraftForm, SignForm, SubmitForm
from vanphong.drafting.models import Draft, DraftState
from vanphong.registry.models import DocumentType
from vanphong.signatures import services as signature_services


def _draft(request: HttpRequest, pk: int) -> Draft:
    """A draft the person works on, else 404 (its existence does not leak)."""
    return get_object_or_404(selectors.drafts_visible_to(person_of(request)), pk=pk)


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    return render(
        request,
        "drafting/draft_list.html",
        {
            "lists": selectors.draft_lists(person),
            "may_draft": selectors.drafting_organizations(person).exists(),
        },
    )


def _draft_form(
    request: HttpRequest, person: Person, issuer: Organization | None, **kwargs: Any
) -> DraftForm:
    issuers = selectors.drafting_organizations(person)
    chosen = issuer or issuers.first()
    return DraftForm(
        request.POST or None,
        drafter=person,
        issuers=issuers,
        signers=selectors.signer_candidates(chosen) if chosen else Person.objects.none(),
        recipients=selectors.recipient_choices(chosen) if chosen else Organization.objects.none(),
        header=layout.header_of(chosen) if chosen else ("", ""),
        **kwargs,
    )


def _issuer_posted(request: HttpRequest, person: Person) -> Organization | None:
    try:
        pk = int(request.POST.get("organization") or request.GET.get("organization") or 0)
    except ValueError:
        return None
    return selectors.drafting_organizations(person).filter(pk=pk).first()


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    issuers = selectors.drafting_organizations(person)
    if not issuers.exists():
        raise PermissionDenied
    issuer = _issuer_posted(request, person) or issuers.first()
    chosen = DocumentType.objects.filter(code=request.GET.get("type", "")).first()
    initial = {
        "organization": issuer,
        "place": selectors.usual_place(issuer),
        **selectors.starting_values(chosen),
    }
    form = _draft_form(request, person, issuer, initial=initial)

    def save(data: dict[str, Any]) -> Draft:
        values = {key: value for key, value in data.items() if key != "organization"}
        for key in ("superior_body", "issuing_body"):
            values[key] = values[key] or None
        return services.draft_create(actor=person, organization=data["organization"], **values)

    done = submit(
        request,
        form,
        save,
        success=_("Draft saved as version 1."),
        then=lambda d: redirect("draft_detail", d.pk),
    )
    return done or render(
        request,
        "drafting/draft_form.html",
        {"form": form, "draft": None, "types": selectors.draft_types(), "chosen": chosen},
    )


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    draft = _draft(request, pk)
    if not can(person, Action.DRAFT, draft.organization) or not draft.is_editable:
        raise PermissionDenied
    initial = {
        name: getattr(draft, name)
        for name in [*services.CONTENT_FIELDS, "body_html", "organization"]
        if name != "document_type"
    }
    initial["document_type"] = draft.document_type
    initial["internal_recipients"] = list(draft.internal_recipients.all())
    form = _draft_form(request, person, draft.organization, initial=initial)
    form.fields["organization"].disabled = True

    def save(data: dict[str, Any]) -> Draft:
        values = {
            key: value for key, value in data.items() if key not in ("organization", "internal_recipients")
        }
        return services.draft_update(
            actor=person, draft=draft, internal_recipients=data["internal_recipients"], **values
        )

    done = submit(
        request, form, save, success=_("Draft saved."), then=lambda d: redirect("draft_detail", d.pk)
    )
    return done or render(request, "drafting/draft_form.html", {"form": form, "draft": draft})


def _detail(request: HttpRequest, draft: Draft, **forms: Any) -> HttpResponse:
    person = person_of(request)
    turn = selectors.whose_turn(draft)
    is_my_turn = turn is not None and turn.pk == person.pk
    may_edit = draft.is_editable and can(person, Action.DRAFT, draft.organization)
    credentials = signature_services.usable_credentials(person)
    context = {
        "draft": draft,
        "turn": turn,
        "versions": draft.versions.select_related("saved_by").order_by("-number"),
        "comments": draft.comments.select_related("author", "version").order_by("created_at", "pk"),
        "rounds": selectors.rounds_of(draft),
        "events": core_selectors.record_history(draft, person),
        "may_edit": may_edit,
        "submit_form": forms.get("submit_form")
        or (
            SubmitForm(
                candidates=selectors.reviewer_candidates(draft.organization).exclude(pk=person.pk),
                initial={
                    f"reviewer_{n}": reviewer
                    for n, reviewer in enumerate(
                        selectors.default_reviewers(draft.organization, person), start=1
                    )
                },
            )
            if may_edit
            else None
        ),
        "decision_form": forms.get("decision_form")
        or (DecisionForm() if is_my_turn and draft.state == DraftState.IN_REVIEW else None),
        "return_form": forms.get("return_form")
        or (DecisionForm() if is_my_turn and draft.state == DraftState.AWAITING_SIGNATURE else None),
        "sign_form": forms.get("sign_form")
        or (
            SignForm(credentials=credentials)
            if is_my_turn and draft.state == DraftState.AWAITING_SIGNATURE
            else None
        ),
        "has_credentials": credentials.exists(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "may_comment": services.may_comment(person, draft) and draft.state != DraftState.SIGNED,
    }
    return render(request, "drafting/draft_detail.html", context)


@login_required
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _draft(request, pk))


@login_required
@require_POST
def draft_submit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    draft = _draft(request, pk)
    form = SubmitForm(request.POST, candidates=selectors.reviewer_candidates(draft.organization))

    def save(data: dict[str, Any]) -> Draft:
        return services.draft_submit(actor=person, draft=draft, reviewers=form.reviewers(), note=data["note"])

    done = submit(
        request, form, save, success=_("Draft submitted."), then=lambda d: redirect("draft_detail", d.pk)
    )
    return done or _detail(request, draft, submit_form=form)


@login_required
@require_POST
def draft_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, or return for revision: the button pressed says which."""
    person = person_of(request)
    draft = _draft(request, pk)
    form = DecisionForm(request.POST)
    returning = "return" in request.POST

    def save(data: dict[str, Any]) -> Draft:
        if returning:
            return services.draft_return(actor=person, draft=draft, comment=data["comment"])
        return services.draft_approve(actor=person, draft=draft, comment=data["comment"])

    success = _("Returned to the drafter.") if returning else _("Approved.")
    done = submit(request, form, save, success=success, then=lambda d: redirect("draft_detail", d.pk))
    key = "return_form" if draft.state == DraftState.AWAITING_SIGNATURE else "decision_form"
    return done or _detail(request, draft, **{key: form})


@login_required
@require_POST
def draft_comment(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    draft = _draft(request, pk)
    form = CommentForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.draft_comment(actor=person, draft=draft, text=data["text"]),
        success=_("Comment added."),
        then=lambda comment: redirect("draft_detail", draft.pk),
    )
    return done or _detail(request, draft, comment_form=form)


@login_required
@require_POST
def draft_sign(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    draft = _draft(request, pk)
    credentials = signature_services.usable_credentials(person)
    form = SignForm(request.POST, credentials=credentials)
    if form.is_valid():
        try:
            draft = services.draft_sign(
                actor=person,
                draft=draft,
                credential=form.cleaned_data["credential"],
                pin=form.cleaned_data["pin"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            assert draft.outgoing is not None
            messages.success(
                request, _("Signed. The document is numbered %(symbol)s.") % {"symbol": draft.outgoing.symbol}
            )
            return redirect("draft_detail", draft.pk)
    return _detail(request, Draft.objects.get(pk=draft.pk), sign_form=form)


@login_required
def draft_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as it will print (with a gap for the number and date), or the signed PDF."""
    draft = _draft(request, pk)
    if draft.state == DraftState.SIGNED and draft.signed_pdf:
        with draft.signed_pdf.open("rb") as handle:
            data = handle.read()
        name = f"{slugify(draft.outgoing.symbol if draft.outgoing else 'van-ban')}.pdf"
    else:
        data = layout.render_pdf(draft).data
        name = f"du-thao-{draft.pk}-v{draft.version}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def draft_docx(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    response = HttpResponse(
        layout.render_docx(draft),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="du-thao-{draft.pk}-v{draft.version}.docx"'
    return response


@login_required
def draft_compare(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = CompareForm(request.GET or {"older": max(draft.version - 1, 1), "newer": draft.version})
    if not form.is_valid():
        raise Http404
    versions = {version.number: version for version in draft.versions.all()}
    older, newer = versions.get(form.cleaned_data["older"]), versions.get(form.cleaned_data["newer"])
    if older is None or newer is None:
        raise Http404
    if older.number > newer.number:
        older, newer = newer, older
    return render(
        request,
        "drafting/draft_compare.html",
        {"draft": draft, "diff": selectors.version_diff(older, newer), "numbers": sorted(versions)},
    )


@login_required
def draft_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    draft = _draft(request, pk)
    version = get_object_or_404(draft.versions, number=number)
    return render(request, "drafting/draft_version.html", {"draft": draft, "version": version})
