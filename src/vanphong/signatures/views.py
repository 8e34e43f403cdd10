from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanphong.core.web import person_of, submit
from vanphong.signatures import selectors, services
from vanphong.signatures.forms import CrlForm, Pkcs11Form, Pkcs12Form, TrustAnchorForm, VerifyForm
from vanphong.signatures.models import TrustAnchor

# A PDF or certificate file brought to these pages is read in memory: keep it small.
MAX_FILE_BYTES = 60 * 1024 * 1024


def _home(request: HttpRequest, **forms: Any) -> HttpResponse:
    person = person_of(request)
    manages = selectors.may_manage_trust(person)
    return render(
        request,
        "signatures/home.html",
        {
            "credentials": selectors.credentials_of(person),
            "anchors": selectors.anchors_for(person),
            "manages_trust": manages,
            "pkcs12_form": forms.get("pkcs12_form") or Pkcs12Form(),
            "pkcs11_form": forms.get("pkcs11_form")
            or (Pkcs11Form() if settings.VANPHONG_PKCS11_MODULES else None),
            "trust_form": forms.get("trust_form") or (TrustAnchorForm() if manages else None),
            "crl_form": CrlForm() if manages else None,
            "crl_errors": forms.get("crl_errors"),
            "verify_form": forms.get("verify_form") or VerifyForm(),
            "verification": forms.get("verification"),
        },
    )


@login_required
def signature_home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@login_required
@require_POST
def credential_add(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = Pkcs12Form(request.POST, request.FILES)
    done = submit(
        request,
        form,
        lambda data: services.credential_add_pkcs12(
            actor=person,
            person=person,
            data=data["certificate_file"].read(MAX_FILE_BYTES),
            passphrase=data["passphrase"],
            label=data["label"],
        ),
        success=_("Certificate added."),
        then=lambda credential: redirect("signature_home"),
    )
    return done or _home(request, pkcs12_form=form)


@login_required
@require_POST
def credential_add_token(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = Pkcs11Form(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.credential_add_pkcs11(
            actor=person,
            person=person,
            module=data["module"],
            token=data["token"],
            key=data["key"],
            pin=data["pin"],
            label=data["label"],
        ),
        success=_("Certificate added."),
        then=lambda credential: redirect("signature_home"),
    )
    return done or _home(request, pkcs11_form=form)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Check the signatures of a PDF brought by hand; nothing is kept."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read(MAX_FILE_BYTES)
        return _home(request, verify_form=form, verification=selectors.verification_of(data))
    return _home(request, verify_form=form)


@login_required
@require_POST
def trust_add(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = TrustAnchorForm(request.POST, request.FILES)
    done = submit(
        request,
        form,
        lambda data: services.trust_anchor_add(
            actor=person, name=data["name"], data=data["certificate"].read(MAX_FILE_BYTES)
        ),
        success=_("Authority trusted."),
        then=lambda anchor: redirect("signature_home"),
    )
    return done or _home(request, trust_form=form)


@login_required
@require_POST
def crl_upload(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    anchor = get_object_or_404(TrustAnchor, pk=pk)
    form = CrlForm(request.POST, request.FILES)
    done = submit(
        request,
        form,
        lambda data: services.crl_load(actor=person, anchor=anchor, data=data["crl"].read(MAX_FILE_BYTES)),
        success=_("Revocation list loaded."),
        then=lambda anchor: redirect("signature_home"),
    )
    return done or _home(request, crl_errors=form.errors.get("crl") or form.non_field_errors())
