"""Fixtures of the signature tests: a DEMO CA and the certificates it issues (good,
expired, not yet valid, revoked, a timestamp authority), a second CA nobody trusts,
a small Vietnamese PDF, and a SoftHSM2 token — all made once per test session, with
no database and no network."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.timestamps import DummyTimeStamper
from weasyprint import HTML

from vanphong.signatures.ca import DemoAuthority, SigningKey, new_key, pkcs12
from vanphong.signatures.pdf import Trust, load_pkcs12

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)
PASSPHRASE = "mật khẩu 123"
SIGNER_NAME = "Nguyễn Văn An"

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "vanphong-test"
TOKEN_PIN = "123456"
TOKEN_SO_PIN = "654321"
TOKEN_KEY_LABEL = "chu-ky"
TOKEN_SIGNER_NAME = "Trần Thị Bình"


@dataclass(frozen=True)
class Issued:
    key: SigningKey
    certificate: x509.Certificate

    def p12(self, chain: list[x509.Certificate], passphrase: str = PASSPHRASE) -> bytes:
        return pkcs12(self.key, self.certificate, chain, passphrase)


@dataclass(frozen=True)
class Pki:
    ca: DemoAuthority
    stranger_ca: DemoAuthority  # a CA the office does not trust
    good: Issued
    expired: Issued
    not_yet_valid: Issued
    revoked: Issued  # revoked two days ago
    revoked_lately: Issued  # revoked an hour ago, valid until then
    expired_lately: Issued  # valid from 30 days ago to 5 days ago
    stranger: Issued  # issued by stranger_ca
    tsa: Issued
    stranger_tsa: Issued
    crl: bytes

    @property
    def trust(self) -> Trust:
        return Trust(roots=[self.ca.certificate], crls=[self.crl])


def _timestamp_authority(ca: DemoAuthority, name: str) -> Issued:
    """A TSA certificate: timeStamping as its only, critical, extended key usage, as
    RFC 3161 requires (ca.py issues document signers only)."""
    key = new_key("rsa")  # pyHanko's DummyTimeStamper signs with RSA only
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - 365 * DAY)
        .not_valid_after(NOW + 365 * DAY)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, certificate)


@pytest.fixture(scope="session")
def pki() -> Pki:
    return _pki()


# Once per process: other apps' tests import these fixtures too (pytest then holds
# them twice), and the SoftHSM2 library reads its configuration once per process.
@functools.cache
def _pki() -> Pki:
    ca = DemoAuthority.create(valid_from=NOW - 3650 * DAY, valid_to=NOW + 3650 * DAY)
    stranger_ca = DemoAuthority.create("Stranger CA", valid_from=NOW - 3650 * DAY, valid_to=NOW + 3650 * DAY)

    def issue(authority: DemoAuthority, name: str, start: dt.datetime, end: dt.datetime) -> Issued:
        key, certificate = authority.issue(name, email=None, valid_from=start, valid_to=end)
        return Issued(key, certificate)

    revoked = issue(ca, "Lê Văn Cường", NOW - 30 * DAY, NOW + 365 * DAY)
    revoked_lately = issue(ca, "Phạm Thị Dung", NOW - 30 * DAY, NOW + 365 * DAY)
    crl = ca.crl(
        [
            (revoked.certificate.serial_number, NOW - 2 * DAY),
            (revoked_lately.certificate.serial_number, NOW - dt.timedelta(hours=1)),
        ],
        this_update=NOW - dt.timedelta(minutes=30),
        next_update=NOW + 7 * DAY,
    )
    return Pki(
        ca=ca,
        stranger_ca=stranger_ca,
        good=Issued(
            *ca.issue(
                SIGNER_NAME,
                email="an.nv@example.vn",
                valid_from=NOW - 30 * DAY,
                valid_to=NOW + 365 * DAY,
            )
        ),
        expired=issue(ca, "Hoàng Văn Em", NOW - 400 * DAY, NOW - 35 * DAY),
        not_yet_valid=issue(ca, "Vũ Thị Giang", NOW + 10 * DAY, NOW + 400 * DAY),
        revoked=revoked,
        revoked_lately=revoked_lately,
        expired_lately=issue(ca, "Đặng Văn Hải", NOW - 30 * DAY, NOW - 5 * DAY),
        stranger=issue(stranger_ca, "Người Lạ", NOW - 30 * DAY, NOW + 365 * DAY),
        tsa=_timestamp_authority(ca, "vanphong DEMO TSA"),
        stranger_tsa=_timestamp_authority(stranger_ca, "Stranger TSA"),
        crl=crl,
    )


@pytest.fixture(scope="session")
def trust(pki: Pki) -> Trust:
    return pki.trust


@pytest.fixture(scope="session")
def signer(pki: Pki) -> SimpleSigner:
    return load_pkcs12(pki.good.p12([pki.ca.certificate]), PASSPHRASE)


def timestamper(tsa: Issued, at: dt.datetime | None = None) -> DummyTimeStamper:
    """pyHanko's in-process TSA, dating its tokens `at` (default: now)."""
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        fixed_dt=at,
    )


@pytest.fixture(scope="session")
def document() -> bytes:
    """A one-page A4 PDF with Vietnamese text, as the drafting app renders them."""
    return HTML(
        string="<html lang='vi'><body><h1>Công văn số 12-CV/TU</h1>"
        "<p>Về việc triển khai chuyển đổi số trong các cơ quan Đảng.</p></body></html>"
    ).write_pdf()


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str
    key_label: str
    certificate: x509.Certificate


_TOKEN: Token | None = None


@pytest.fixture(scope="session")
def softhsm(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """A SoftHSM2 token of its own (its own softhsm2.conf and token directory, chosen
    by SOFTHSM2_CONF) holding a key and its certificate from the DEMO CA.

    softhsm2-util imports the key (PKCS#8 PEM); python-pkcs11 writes the certificate
    (no pkcs11-tool needed). Missing SoftHSM2 skips the token tests on a developer's
    machine and fails them in CI, which installs it (scripts/system-packages.sh test).
    """
    global _TOKEN
    if _TOKEN is not None:
        yield _TOKEN
        return
    util = shutil.which("softhsm2-util")
    if util is None or not Path(SOFTHSM_MODULE).exists():
        if os.environ.get("CI"):
            pytest.fail("SoftHSM2 is missing: CI must install Debian's softhsm2")
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")

    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    config = root / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)

    key, certificate = pki.ca.issue(
        TOKEN_SIGNER_NAME, email=None, valid_from=NOW - 30 * DAY, valid_to=NOW + 365 * DAY
    )
    key_file = root / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        [
            util,
            "--init-token",
            "--free",
            "--label",
            TOKEN_LABEL,
            "--pin",
            TOKEN_PIN,
            "--so-pin",
            TOKEN_SO_PIN,
        ],
        **run,  # type: ignore[call-overload]
    )
    subprocess.run(
        [
            util,
            "--import",
            str(key_file),
            "--token",
            TOKEN_LABEL,
            "--label",
            TOKEN_KEY_LABEL,
            "--id",
            "01",
            "--pin",
            TOKEN_PIN,
        ],
        **run,  # type: ignore[call-overload]
    )
    key_file.unlink()
    token = pkcs11.lib(SOFTHSM_MODULE).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin=TOKEN_PIN) as session:
        session.create_object(
            {
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.LABEL: TOKEN_KEY_LABEL,
                pkcs11.Attribute.ID: b"\x01",  # the key's CKA_ID: how a signer pairs them
                pkcs11.Attribute.SUBJECT: certificate.subject.public_bytes(),
                pkcs11.Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )
    _TOKEN = Token(SOFTHSM_MODULE, TOKEN_LABEL, TOKEN_PIN, TOKEN_KEY_LABEL, certificate)
    yield _TOKEN
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
