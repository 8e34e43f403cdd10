"""The demo's signing certificates: a DEMO certificate authority, trusted by this
demo office only, and one certificate (PKCS#12, PIN `DEMO_PIN`) for each demo person
who signs. All of it says DEMO in its names and has no legal value.

The CA's key is kept under VANPHONG_VAR_DIR/demo-ca/ so that running the demo again
reuses it (and a revocation list can be issued with it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person
from vanphong.signatures import ca, services
from vanphong.signatures.models import SigningCredential, TrustAnchor

DEMO_PIN = "123456"
# The demo logins who sign: the leaders and the Chief of Office and deputy.
SIGNERS = ["bithu", "phobithu", "btv", "chanhvp", "phochanhvp"]


def authority_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-ca" / "demo-ca.pem"


def demo_authority() -> ca.DemoAuthority:
    """The demo CA: read from its file, or created (valid ten years) and written."""
    path = authority_file()
    if path.exists():
        return ca.DemoAuthority.from_pem(path.read_bytes())
    now = timezone.now()
    authority = ca.DemoAuthority.create(
        valid_from=now - dt.timedelta(days=1), valid_to=now + dt.timedelta(days=3650)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(authority.to_pem())
    path.chmod(0o600)
    return authority


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    """Trust the demo CA and give each demo signer a certificate, unless done."""
    with transaction.atomic():
        authority = demo_authority()
        der = authority.certificate.public_bytes(serialization.Encoding.DER)
        if not TrustAnchor.objects.filter(certificate=der).exists():
            TrustAnchor.objects.filter(is_demo=True).delete()
            TrustAnchor.objects.create(name=ca.DEFAULT_CA_NAME, certificate=der, is_demo=True)
        now = timezone.now()
        issued = 0
        for person in Person.objects.filter(username__in=SIGNERS).order_by("username"):
            if SigningCredential.objects.filter(person=person, is_demo=True, is_active=True).exists():
                continue
            key, certificate = authority.issue(
                person.full_name,
                email=person.email or None,
                valid_from=now - dt.timedelta(days=1),
                valid_to=now + dt.timedelta(days=730),
            )
            services.credential_add_pkcs12(
                actor=None,
                person=person,
                data=ca.pkcs12(key, certificate, [authority.certificate], DEMO_PIN),
                passphrase=DEMO_PIN,
                label=f"Chứng thư số DEMO — {person.full_name}",
                is_demo=True,
            )
            issued += 1
        if issued:
            out(f"Chứng thư số DEMO (không có giá trị pháp lý) cho {issued} người ký; mã PIN: {DEMO_PIN}.")
    return {"signing_credentials": SigningCredential.objects.filter(is_demo=True).count()}
