"""Reads for the signature pages: one's own certificates, the trusted authorities,
and verifying a PDF without keeping anything."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from vanphong.core.models import Person
from vanphong.signatures import pdf
from vanphong.signatures.models import SigningCredential, TrustAnchor
from vanphong.signatures.services import is_system_administrator, trust


def account_navigation(person: Person) -> list[tuple[str, str, str]]:
    items = [(_("Digital signatures"), reverse("signature_home"), "signatures")]
    return items


def credentials_of(person: Person) -> QuerySet[SigningCredential]:
    return SigningCredential.objects.filter(person=person).order_by("-is_active", "-valid_until")


def anchors_for(person: Person) -> QuerySet[TrustAnchor]:
    """The trusted authorities, shown to everyone (a clerk wonders why a signature is
    "unknown authority"); only the system administrator changes them."""
    return TrustAnchor.objects.order_by("-is_demo", "name")


def may_manage_trust(person: Person) -> bool:
    return is_system_administrator(person)


def verification_of(data: bytes) -> pdf.Verification:
    """Verify a PDF against today's trusted roots, keeping nothing: the page that
    checks a file brought by hand. Files that enter the system are checked by
    `services.pdf_check`, which keeps the result."""
    return pdf.verify(data, trust=trust())
