"""PAdES signing and verification of PDFs: pure functions over bytes, no models.

Signing: a signer comes from a PKCS#12 file (`load_pkcs12`) or a PKCS#11 token
(`open_pkcs11`); `check_signer` refuses a certificate that is expired, not yet valid,
revoked or from an authority the office does not trust; `sign` adds a PAdES
signature (subfilter ETSI.CAdES.detached: B-B, or B-T with a timestamp) as an
incremental update, with a visible stamp in Vietnamese.

Verification: `verify` reads every signature of a PDF and says, for each and overall,
whether it is valid, broken, changed after signing, untrusted, expired or revoked —
against a `Trust` (the root certificates and CRLs the office accepts), never fetching
anything from the network.

Errors a person can act on are `SignatureError`s with a translated message and a
`code`; bad input never surfaces as a traceback. pyHanko's synchronous entry points
run their own event loop (`asyncio.run`), so these functions must not be called from
inside a running loop (call them from sync views, the worker, or `sync_to_async`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import functools
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import pkcs11
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_format
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pkcs11 import exceptions as p11_errors
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils import layout, misc
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import SuspiciousModification
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers.pdf_cms import Signer, SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InsufficientRevinfoError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

# fontTools warns about every table it does not subset ("FFTM NOT subset") on each
# stamp; that is expected, and would only bury real warnings in the worker's log.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

# The stamp's font, the first one installed: it must have the precomposed Vietnamese
# letters (ở, ễ, ậ…). Debian's fonts-liberation (1.07) does NOT — only
# fonts-liberation2 does; DejaVu Serif (fonts-dejavu-core) is the fallback.
STAMP_FONTS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)
STAMP_FONT_SIZE = 10
# What a stamp may contain: Latin with Vietnamese, combining marks, punctuation,
# currency, letterlike symbols. The font is cut down to these before use.
_STAMP_UNICODES = [
    *range(0x20, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    *range(0x20A0, 0x20D0),
    *range(0x2100, 0x2150),
]

# A document signature needs a certificate for non-repudiation or digital signatures
# (Vietnamese CAs set both; some only one). pyHanko's default wants non-repudiation
# alone. The same rule applies before signing and when verifying.
KEY_USAGE = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
)


class SignatureCode(enum.StrEnum):
    """Why a signature could not be made: the service may react to the code (e.g.
    ask for the PIN again) and shows the message."""

    WRONG_PIN = "wrong_pin"  # wrong PKCS#12 passphrase or token PIN
    PIN_LOCKED = "pin_locked"
    NO_KEY = "no_key"
    BAD_KEY_FILE = "bad_key_file"  # not a PKCS#12 file
    TOKEN = "token"  # token or PKCS#11 module not found / not usable
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation_unknown"  # the issuer's CRL in `Trust` is out of date
    UNKNOWN_AUTHORITY = "unknown_authority"
    NOT_FOR_SIGNING = "not_for_signing"  # key usage does not allow signing documents
    BAD_PDF = "bad_pdf"
    BAD_BOX = "bad_box"
    TIMESTAMP = "timestamp"  # the timestamp authority failed
    FAILED = "failed"  # anything else; details in the log


class SignatureError(Exception):
    """A signing failure the user can understand: `message` is translated (shown as
    is), `code` is a `SignatureCode`, `detail` is technical text for the log."""

    def __init__(self, code: SignatureCode, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail

    def __repr__(self) -> str:
        return f"SignatureError({self.code!s}, {self.message!r}, detail={self.detail!r})"


# Either library's certificate is accepted where a certificate is read.
Certificate: TypeAlias = x509.Certificate | asn1_x509.Certificate


def _asn1_certificate(certificate: Certificate) -> asn1_x509.Certificate:
    if isinstance(certificate, asn1_x509.Certificate):
        return certificate
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _der(data: bytes) -> bytes:
    if asn1_pem.detect(data):
        _, _, data = asn1_pem.unarmor(data)
    return data


@dataclass
class Trust:
    """What the office trusts: root certificates (cryptography `x509.Certificate`s —
    what `ca.py` makes and what `x509.load_pem_x509_certificates` reads) and CRLs
    (DER or PEM bytes) of those roots or of CAs under them.

    A CRL that lists a certificate makes it revoked; a certificate without a CRL
    here is not checked for revocation (nothing is fetched from the network).
    """

    roots: list[x509.Certificate]
    crls: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Read the CRLs now: a broken one is a configuration error, better raised here
        # than deep inside a validation.
        self._crls = []
        for data in self.crls:
            try:
                parsed = asn1_crl.CertificateList.load(_der(data))
                parsed.native  # noqa: B018 - parse fully now
            except (ValueError, TypeError) as exc:
                raise ValueError("Trust.crls holds data that is not a CRL") from exc
            self._crls.append(parsed)

    def validation_context(
        self, *, moment: dt.datetime | None = None, issuer: asn1_x509.Name | None = None
    ) -> ValidationContext:
        """A pyhanko-certvalidator context for these roots and CRLs at `moment`
        (None: now), fetching nothing, for an end-entity certificate of `issuer`.

        Revocation: when a CRL here is `issuer`'s, the certificate must be checked
        against it — even if the certificate names no CRL distribution point, where
        "soft-fail" would not even look (the demo CA's certificates name none). Else
        (and for CAs and timestamp authorities) a CRL is looked at only when the
        certificate declares one, and a missing one is not fatal. A CRL counts even
        when issued after `moment` (its revocation dates still decide), so a past
        moment sees revocations published later. A CRL past its next update is
        stale: the certificate cannot be checked and is not trusted.
        """
        own_crl = issuer is not None and any(c["tbs_cert_list"]["issuer"] == issuer for c in self._crls)
        rules = RevocationCheckingPolicy(
            ee_certificate_rule=(
                RevocationCheckingRule.CRL_REQUIRED
                if own_crl
                else RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
            ),
            intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
        )
        return ValidationContext(
            trust_roots=[_asn1_certificate(root) for root in self.roots],
            crls=list(self._crls),
            allow_fetching=False,
            revinfo_policy=CertRevTrustPolicy(rules, retroactive_revinfo=True),
            moment=moment,
        )


def _require_aware(moment: dt.datetime) -> None:
    # A naive time means different moments to different readers: a caller's bug.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the moment must be a timezone-aware datetime")


def _date(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _datetime(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


# --- Signers -----------------------------------------------------------------------


def _is_pkcs12(data: bytes) -> bool:
    # cryptography says "Invalid password or PKCS12 data" for both; the outer PFX
    # structure is not encrypted, so whether it parses tells the two apart.
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except (ValueError, TypeError, KeyError):
        return False


def load_pkcs12(data: bytes, passphrase: str) -> SimpleSigner:
    """A signer from a PKCS#12 (.p12/.pfx) file: its key, its certificate, and the
    other certificates it holds (the CA chain, embedded in each signature).

    Raises SignatureError: WRONG_PIN (wrong passphrase), BAD_KEY_FILE (not PKCS#12),
    NO_KEY (no private key or no certificate in the file).
    """
    password = passphrase.encode() if passphrase else None
    try:
        key, certificate, others = pkcs12_format.load_key_and_certificates(data, password)
    except (ValueError, TypeError) as exc:
        if _is_pkcs12(data):
            raise SignatureError(
                SignatureCode.WRONG_PIN, _("Wrong passphrase for the certificate file."), detail=str(exc)
            ) from exc
        raise SignatureError(
            SignatureCode.BAD_KEY_FILE,
            _("The file is not a PKCS#12 (.p12, .pfx) certificate file."),
            detail=str(exc),
        ) from exc
    if key is None or certificate is None:
        raise SignatureError(
            SignatureCode.NO_KEY, _("The certificate file holds no private key with its certificate.")
        )
    try:
        signing_key = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    except (ValueError, TypeError) as exc:  # a key type PKCS#8 cannot hold
        raise SignatureError(
            SignatureCode.BAD_KEY_FILE,
            _("The file is not a PKCS#12 (.p12, .pfx) certificate file."),
            detail=str(exc),
        ) from exc
    return SimpleSigner(
        signing_cert=_asn1_certificate(certificate),
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in others]),
    )


def _token_error(exc: Exception, token_label: str) -> SignatureError:
    if isinstance(exc, p11_errors.PinIncorrect | p11_errors.PinInvalid | p11_errors.PinLenRange):
        return SignatureError(
            SignatureCode.WRONG_PIN, _("Wrong PIN for the signing token."), detail=repr(exc)
        )
    if isinstance(exc, p11_errors.PinLocked):
        return SignatureError(
            SignatureCode.PIN_LOCKED,
            _("The signing token is locked after too many wrong PINs."),
            detail=repr(exc),
        )
    return SignatureError(
        SignatureCode.TOKEN,
        _("The signing token was not found or cannot be used. Plug it in and try again."),
        detail=f"token {token_label!r}: {exc!r}",
    )


def _only_key_id(session: Any) -> bytes:
    """The ID of the one signing key on the token, when none was named."""
    keys = list(
        session.get_objects(
            {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY, pkcs11.Attribute.SIGN: True}
        )
    )
    if not keys:
        raise SignatureError(SignatureCode.NO_KEY, _("No signing key was found on the token."))
    if len(keys) > 1:
        raise SignatureError(
            SignatureCode.NO_KEY, _("The token holds several signing keys; the key to use must be named.")
        )
    return bytes(keys[0][pkcs11.Attribute.ID])


@contextlib.contextmanager
def open_pkcs11(
    *,
    module: str,
    token_label: str,
    pin: str,
    key_label: str | None = None,
    cert_label: str | None = None,
) -> Iterator[PKCS11Signer]:
    """A signer on the PKCS#11 token `token_label` reached through the library
    `module`, logged in with `pin`, for the duration of the `with` block.

    The key is `key_label` (or the key of `cert_label`'s label); with neither, the one
    signing key on the token, whose certificate has the same CKA_ID. The key and the
    certificate are looked up on entry, so a missing key fails here, not mid-signing.

    Raises SignatureError: WRONG_PIN, PIN_LOCKED, TOKEN (module or token missing or
    failing), NO_KEY (key or certificate not on the token).
    """
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except p11_errors.PKCS11Error as exc:
        raise _token_error(exc, token_label) from exc
    try:
        try:
            if key_label is None and cert_label is None:
                key_id = _only_key_id(session)
                signer = PKCS11Signer(session, key_id=key_id, cert_id=key_id)
            else:
                signer = PKCS11Signer(session, cert_label=cert_label, key_label=key_label)
            signer.signing_cert  # noqa: B018 - loads the key and certificate now
        except (SigningError, p11_errors.PKCS11Error) as exc:
            # pyHanko reports a key or certificate it cannot find as a bare
            # PKCS11Error; the subclasses are the token's own failures.
            if (
                isinstance(exc, p11_errors.PKCS11Error)
                and not isinstance(exc, p11_errors.NoSuchKey | p11_errors.MultipleObjectsReturned)
                and type(exc) is not p11_errors.PKCS11Error
            ):
                raise _token_error(exc, token_label) from exc
            raise SignatureError(
                SignatureCode.NO_KEY, _("No signing key was found on the token."), detail=repr(exc)
            ) from exc
        yield signer
    finally:
        session.close()


# --- Checking the signer's certificate ----------------------------------------------


def _stale_crl() -> str:
    return _("Invalid signature: the certificate cannot be checked for revocation: the CRL is out of date.")


def _certificate_error(exc: Exception) -> SignatureError:
    """The SignatureError for a certificate validation failure."""
    if isinstance(exc, RevokedError):
        return SignatureError(
            SignatureCode.REVOKED,
            _("Invalid signature: the certificate was revoked on %(date)s.")
            % {"date": _date(exc.revocation_dt)},
            detail=str(exc),
        )
    if isinstance(exc, ExpiredError):
        return SignatureError(
            SignatureCode.EXPIRED,
            _("Invalid signature: the certificate expired on %(date)s.") % {"date": _date(exc.expired_dt)},
            detail=str(exc),
        )
    if isinstance(exc, NotYetValidError):
        return SignatureError(
            SignatureCode.NOT_YET_VALID,
            _("Invalid signature: the certificate is not valid until %(date)s.")
            % {"date": _date(exc.valid_from)},
            detail=str(exc),
        )
    if isinstance(exc, InsufficientRevinfoError):
        return SignatureError(SignatureCode.REVOCATION_UNKNOWN, _stale_crl(), detail=str(exc))
    if isinstance(exc, InvalidCertificateError):
        return SignatureError(
            SignatureCode.NOT_FOR_SIGNING,
            _("Invalid signature: the certificate is not meant for signing documents."),
            detail=str(exc),
        )
    return SignatureError(
        SignatureCode.UNKNOWN_AUTHORITY,
        _("Invalid signature: the certificate was not issued by a trusted certificate authority."),
        detail=str(exc),
    )


def check_signer(
    signer_certificate: Certificate,
    *,
    trust: Trust,
    at: dt.datetime,
    chain: Iterable[Certificate] = (),
) -> None:
    """Refuse, before signing, a certificate that cannot make a valid signature at
    `at` (aware datetime): raises SignatureError with code EXPIRED, NOT_YET_VALID,
    REVOKED (by a CRL in `trust`), REVOCATION_UNKNOWN (the issuer's CRL in `trust`
    is out of date), UNKNOWN_AUTHORITY (no path to `trust.roots`) or NOT_FOR_SIGNING
    (key usage). `chain`: intermediate certificates, if any (a
    signer's `cert_registry` holds those of its PKCS#12 file or token)."""
    _require_aware(at)
    certificate = _asn1_certificate(signer_certificate)
    validator = CertificateValidator(
        certificate,
        intermediate_certs=[_asn1_certificate(c) for c in chain],
        validation_context=trust.validation_context(moment=at, issuer=certificate.issuer),
    )
    try:
        asyncio.run(validator.async_validate_path())
        KEY_USAGE.validate(certificate)
    except (PathBuildingError, PathValidationError, InvalidCertificateError) as exc:
        raise _certificate_error(exc) from exc


# --- Signing ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible stamp goes: `page` counted from 1 (as PDF viewers number
    pages), the rectangle in PDF points (1/72 inch) with the origin at the bottom
    left of the page, (x1, y1) its lower left and (x2, y2) its upper right corner."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@functools.cache
def _stamp_font() -> bytes:
    """The stamp font cut down to the stamp's characters, scaled to 1000 units per
    em, as TTF bytes (made once per process, ~0.3 s).

    The scaling works around pyHanko 0.38's opentype engine, which writes glyph widths
    and kerning in font units where PDF expects thousandths of an em: with a 2048-unit
    TrueType font (Liberation, DejaVu) every letter would be spaced twice too wide.
    """
    path = next((p for p in STAMP_FONTS if p.exists()), None)
    if path is None:
        raise FileNotFoundError(
            "no stamp font: install fonts-liberation2 (or fonts-dejavu-core); looked for "
            + ", ".join(map(str, STAMP_FONTS))
        )
    font = TTFont(path)
    options = font_subset.Options()
    options.layout_features = ["*"]  # keep kerning and mark positioning
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDF viewers do not need it; keeps the file small
    subsetter = font_subset.Subsetter(options)
    subsetter.populate(unicodes=_STAMP_UNICODES)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _StampFontFactory(GlyphAccumulatorFactory):
    """GlyphAccumulatorFactory over the prepared font bytes instead of a file."""

    def create_font_engine(self, writer: BasePdfFileWriter, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_stamp_font()),
            font_size=self.font_size,
            bcp47_lang_code="vi",
            obj_stream=obj_stream,
        )


def _stamp_style(lines: list[str]) -> TextStampStyle:
    # pyHanko fills the stamp text as a %-template (for its own %(ts)s): escape.
    text = "\n".join(line.replace("%", "%%") for line in lines)
    return TextStampStyle(
        stamp_text=text,
        border_width=0,
        background=None,
        text_box_style=TextBoxStyle(
            font=_StampFontFactory(font_file="", font_size=STAMP_FONT_SIZE),
            font_size=STAMP_FONT_SIZE,
            leading=round(STAMP_FONT_SIZE * 1.3),
            border_width=0,
        ),
        # Left-aligned, centred vertically, shrunk (never enlarged) to fit the box.
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(2),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _bad_pdf(exc: BaseException | None = None) -> SignatureError:
    return SignatureError(
        SignatureCode.BAD_PDF, _("The file is not a PDF that can be read."), detail=repr(exc)
    )


def _encrypted_pdf() -> SignatureError:
    return SignatureError(SignatureCode.BAD_PDF, _("The PDF is protected by a password."))


def _free_field_name(taken: set[str]) -> str:
    number = 1
    while f"Signature{number}" in taken:
        number += 1
    return f"Signature{number}"


def sign(
    pdf: bytes,
    *,
    signer: Signer,
    box: SignatureBox,
    stamp_lines: list[str],
    reason: str,
    location: str,
    field_name: str | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    trust: Trust | None = None,
) -> bytes:
    """`pdf` with one more PAdES signature, appended as an incremental update (the
    original bytes are kept as they are, so earlier signatures stay valid).

    - The signature is ETSI.CAdES.detached, SHA-256: PAdES B-B, or B-T with a
      signature timestamp from `timestamper` or from the RFC 3161 service at
      `timestamp_url` (not both).
    - The stamp shows `stamp_lines` (e.g. "Ký bởi: Nguyễn Văn A", "Thời gian ký:
      25/11/2026 10:15") in `box`, in a font with Vietnamese letters, shrunk if it
      does not fit; no border, no background.
    - `field_name`: the new signature field's name; None picks the first free
      "SignatureN". A name already in the document is refused (pyHanko would sign
      that field where it is, ignoring `box`).
    - `trust`: when given, `check_signer` runs first (at the current time).

    Raises SignatureError: BAD_PDF (unreadable or encrypted PDF), BAD_BOX, TIMESTAMP,
    TOKEN / WRONG_PIN (token failures while signing), FAILED, and `check_signer`'s.
    """
    if timestamper is not None and timestamp_url is not None:
        raise ValueError("give timestamper or timestamp_url, not both")
    if timestamp_url is not None:
        timestamper = HTTPTimeStamper(timestamp_url)
    if trust is not None:
        check_signer(
            signer.signing_cert,
            trust=trust,
            at=timezone.now(),
            chain=list(signer.cert_registry),
        )

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        if writer.prev.encrypted:
            raise _encrypted_pdf()
        page_count = int(writer.root["/Pages"]["/Count"])
        taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
        name = field_name or _free_field_name(taken)
    except SignatureError:
        raise
    except Exception as exc:  # hostile input can fail anywhere in the parser
        logger.info("cannot read the PDF to sign", exc_info=True)
        raise _bad_pdf(exc) from exc
    if field_name is not None and field_name in taken:
        raise ValueError(f"the document already has a signature field named {field_name!r}")
    if not (1 <= box.page <= page_count and box.x1 < box.x2 and box.y1 < box.y2):
        raise SignatureError(SignatureCode.BAD_BOX, _("The signature box is not on a page of the document."))

    metadata = signers.PdfSignatureMetadata(
        field_name=name,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer,
        timestamper=timestamper,
        stamp_style=_stamp_style(stamp_lines),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=name,
            on_page=box.page - 1,
            box=(round(box.x1), round(box.y1), round(box.x2), round(box.y2)),
        ),
    )
    _stamp_font()  # a missing font is a deployment error: raise it as such, not as a PDF error
    try:
        out = pdf_signer.sign_pdf(writer)
    except TimestampRequestError as exc:  # pyHanko wraps the HTTP client's errors in it
        logger.warning("timestamp request failed", exc_info=True)
        raise SignatureError(
            SignatureCode.TIMESTAMP, _("The timestamp service could not be reached."), detail=repr(exc)
        ) from exc
    except p11_errors.PKCS11Error as exc:  # e.g. the token pulled out while signing
        raise _token_error(exc, "?") from exc
    except (misc.PdfError, KeyError, IndexError, TypeError) as exc:
        # The PDF is read lazily, so a damaged object shows only now.
        logger.info("cannot sign the PDF", exc_info=True)
        raise _bad_pdf(exc) from exc
    except Exception as exc:  # an unusual signer failure (or a bug): logged in full
        logger.warning("signing failed", exc_info=True)
        raise SignatureError(
            SignatureCode.FAILED, _("The document could not be signed."), detail=repr(exc)
        ) from exc
    return bytes(out.getvalue())


# --- Verification -------------------------------------------------------------------


class VerificationStatus(enum.StrEnum):
    """The verdict on a signature (or a document): stored as its value."""

    VALID = "valid"
    INVALID = "invalid"  # broken signature, altered signed bytes, unreadable file
    MODIFIED = "modified"  # intact, but the document was changed after signing
    UNTRUSTED = "untrusted"  # no path to the trusted roots (or not meant for signing)
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNSIGNED = "unsigned"


# Worst first: the overall status of a document is that of its worst signature.
_SEVERITY = {
    VerificationStatus.INVALID: 6,
    VerificationStatus.MODIFIED: 5,
    VerificationStatus.REVOKED: 4,
    VerificationStatus.UNTRUSTED: 3,
    VerificationStatus.EXPIRED: 2,
    VerificationStatus.UNSIGNED: 1,
    VerificationStatus.VALID: 0,
}


def _status_label(status: VerificationStatus) -> str:
    return {
        VerificationStatus.VALID: _("Valid signature"),
        VerificationStatus.INVALID: _("Invalid signature"),
        VerificationStatus.MODIFIED: _("Changed after signing"),
        VerificationStatus.UNTRUSTED: _("Unknown authority"),
        VerificationStatus.EXPIRED: _("Certificate expired"),
        VerificationStatus.REVOKED: _("Certificate revoked"),
        VerificationStatus.UNSIGNED: _("Not signed"),
    }[status]


@dataclass
class Verification:
    """The verdict on one signature, or on a document (then `signatures` lists the
    verdict on each of its signatures in signing order — unreadable ones last — and
    the other fields are those of the worst of them).

    `signed_at` is the time of the signature's timestamp when it has a trusted one
    (`timestamped`), else the time the signer claims. `problems` and `summary` are
    translated when verifying (they are stored as text). `serial` is the
    certificate's serial number in upper-case hexadecimal.
    """

    status: VerificationStatus
    signer_name: str = ""
    signer_subject: str = ""
    issuer: str = ""
    serial: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    problems: list[str] = field(default_factory=list)
    summary: str = ""
    field_name: str = ""
    signatures: list[Verification] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == VerificationStatus.VALID

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: strings, booleans, lists, and the time in ISO 8601."""
        return {
            "status": self.status.value,
            "signer_name": self.signer_name,
            "signer_subject": self.signer_subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped": self.timestamped,
            "problems": list(self.problems),
            "summary": self.summary,
            "field_name": self.field_name,
            "signatures": [s.to_dict() for s in self.signatures],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verification:
        """Read back what `to_dict` wrote."""
        signed_at = data.get("signed_at")
        return cls(
            status=VerificationStatus(data["status"]),
            signer_name=data.get("signer_name", ""),
            signer_subject=data.get("signer_subject", ""),
            issuer=data.get("issuer", ""),
            serial=data.get("serial", ""),
            signed_at=dt.datetime.fromisoformat(signed_at) if signed_at else None,
            timestamped=bool(data.get("timestamped", False)),
            problems=list(data.get("problems", [])),
            summary=data.get("summary", ""),
            field_name=data.get("field_name", ""),
            signatures=[cls.from_dict(s) for s in data.get("signatures", [])],
        )


def _summary(result: Verification) -> str:
    label = _status_label(result.status)
    if result.signer_name and result.signed_at:
        return _("%(status)s: %(name)s, signed %(date)s") % {
            "status": label,
            "name": result.signer_name,
            "date": _datetime(result.signed_at),
        }
    if result.signer_name:
        return _("%(status)s: %(name)s") % {"status": label, "name": result.signer_name}
    return label


def _unreadable(problem: str) -> Verification:
    result = Verification(status=VerificationStatus.INVALID, problems=[problem])
    result.summary = _summary(result)
    return result


def _common_name(name: asn1_x509.Name) -> str:
    for rdn in name.chosen:
        for attribute in rdn:
            if attribute["type"].native == "common_name":
                return str(attribute["value"].native)
    return str(name.human_friendly)


def _usable_for_signing(certificate: asn1_x509.Certificate) -> bool:
    try:
        KEY_USAGE.validate(certificate)
    except InvalidCertificateError:
        return False
    return True


def _judge(status: PdfSignatureStatus) -> tuple[VerificationStatus, list[str]]:
    """The verdict and the problems of one validated signature, worst cause first."""
    if not (status.intact and status.valid):
        return VerificationStatus.INVALID, [
            _("The signature does not match the document: the signed content or the signature was altered.")
        ]
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return VerificationStatus.INVALID, [_("The signature does not cover the whole document.")]
    if status.docmdp_ok is False or isinstance(status.diff_result, SuspiciousModification):
        return VerificationStatus.MODIFIED, [_("The document was changed after it was signed.")]
    stamp = status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid):
        return VerificationStatus.INVALID, [_("The timestamp of the signature is damaged.")]
    if status.revocation_details is not None:
        when = status.revocation_details.revocation_date
        return VerificationStatus.REVOKED, [
            _("Invalid signature: the certificate was revoked on %(date)s.") % {"date": _date(when)}
        ]
    indication = status.trust_problem_indic
    if indication is not None or status.validation_path is None:
        certificate = status.signing_cert
        name = getattr(indication, "name", "")
        if name in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
            horizon = status.error_time_horizon or certificate.not_valid_after
            return VerificationStatus.EXPIRED, [
                _("Invalid signature: the certificate expired on %(date)s.") % {"date": _date(horizon)}
            ]
        if name == "NOT_YET_VALID":
            return VerificationStatus.UNTRUSTED, [
                _("Invalid signature: the certificate is not valid until %(date)s.")
                % {"date": _date(certificate.not_valid_before)}
            ]
        if name in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE"):
            return VerificationStatus.UNTRUSTED, [_stale_crl()]
        if not _usable_for_signing(certificate):  # pyHanko says CHAIN_CONSTRAINTS_FAILURE
            return VerificationStatus.UNTRUSTED, [
                _("Invalid signature: the certificate is not meant for signing documents.")
            ]
        return VerificationStatus.UNTRUSTED, [
            _("Invalid signature: the certificate was not issued by a trusted certificate authority.")
        ]
    if stamp is not None and not stamp.trusted:
        return VerificationStatus.UNTRUSTED, [
            _("The timestamp was not issued by a trusted timestamp authority.")
        ]
    return VerificationStatus.VALID, []


def _validate(embedded: EmbeddedPdfSignature, trust: Trust, moment: dt.datetime | None) -> PdfSignatureStatus:
    return validate_pdf_signature(
        embedded,
        signer_validation_context=trust.validation_context(moment=moment, issuer=embedded.signer_cert.issuer),
        # The timestamp authority may answer to another CA than the signer's.
        ts_validation_context=trust.validation_context(moment=moment),
        key_usage_settings=KEY_USAGE,
    )


def _verify_one(embedded: EmbeddedPdfSignature, trust: Trust, at: dt.datetime | None) -> Verification:
    field_name = str(embedded.field_name or "")
    try:
        status = _validate(embedded, trust, at)
        verdict, problems = _judge(status)
        stamp = status.timestamp_validity
        proven = stamp is not None and stamp.intact and stamp.valid and stamp.trusted
        if at is None and proven and verdict in (VerificationStatus.EXPIRED, VerificationStatus.REVOKED):
            # A trusted timestamp proves when the signature was made: a certificate
            # that expired or was revoked only after that does not undo it.
            assert stamp is not None
            status = _validate(embedded, trust, stamp.timestamp)
            verdict, problems = _judge(status)
    except Exception:  # a hostile signature can fail anywhere in the CMS parsing
        logger.info("cannot validate signature %s", field_name, exc_info=True)
        result = _unreadable(_("The signature could not be read."))
        result.field_name = field_name
        return result

    certificate = status.signing_cert
    stamp = status.timestamp_validity
    timestamped = stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    result = Verification(
        status=verdict,
        signer_name=_common_name(certificate.subject),
        signer_subject=str(certificate.subject.human_friendly),
        issuer=str(certificate.issuer.human_friendly),
        serial=format(certificate.serial_number, "X"),
        signed_at=stamp.timestamp if timestamped and stamp is not None else status.signer_reported_dt,
        timestamped=timestamped,
        problems=problems,
        field_name=field_name,
    )
    result.summary = _summary(result)
    return result


def verify(pdf: bytes, *, trust: Trust, at: dt.datetime | None = None) -> Verification:
    """The verdict on every signature of `pdf` against `trust`, and overall (the worst).

    `at`: judge the certificates at that moment (aware). None: now — except that a
    signature with a trusted timestamp is judged at the timestamp's time when its
    certificate has since expired or been revoked.

    Never raises for bad input: a file that is not a readable PDF (or is encrypted)
    is INVALID, a PDF without signatures UNSIGNED, each with a problem saying so.
    Changes after a signature are judged by pyHanko's difference analysis: further
    signatures and form filling are allowed, anything else makes it MODIFIED.
    """
    if at is not None:
        _require_aware(at)
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        if reader.encrypted:
            return _unreadable(_("The PDF is protected by a password."))
        filled = list(fields.enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # hostile input can fail anywhere in the parser
        logger.info("cannot read the PDF to verify", exc_info=True)
        return _unreadable(_("The file is not a PDF that can be read."))

    # pyHanko's reader.embedded_signatures fails as a whole on one broken signature
    # and skips those of an unknown SubFilter: here each one gets a verdict.
    readable: list[EmbeddedPdfSignature] = []
    broken: list[Verification] = []
    for name, _value, sig_field in filled:
        try:
            embedded = EmbeddedPdfSignature(reader, sig_field, name)
            if embedded.sig_object_type != "/Sig":
                continue  # a document timestamp: no signer to judge
            embedded.signed_revision  # noqa: B018 - read now, to sort by it below
            readable.append(embedded)
        except Exception:
            logger.info("cannot read signature %s", name, exc_info=True)
            unreadable = _unreadable(_("The signature could not be read."))
            unreadable.field_name = str(name)
            broken.append(unreadable)
    if not readable and not broken:
        result = Verification(
            status=VerificationStatus.UNSIGNED, problems=[_("The document has no signature.")]
        )
        result.summary = _summary(result)
        return result

    readable.sort(key=lambda signature: signature.signed_revision)  # signing order
    results = [_verify_one(signature, trust, at) for signature in readable] + broken
    worst = max(results, key=lambda r: _SEVERITY[r.status])
    problems: list[str] = []
    for result in results:
        problems.extend(p for p in result.problems if p not in problems)
    overall = Verification(
        status=worst.status,
        signer_name=worst.signer_name,
        signer_subject=worst.signer_subject,
        issuer=worst.issuer,
        serial=worst.serial,
        signed_at=worst.signed_at,
        timestamped=worst.timestamped,
        problems=problems,
        field_name=worst.field_name,
        signatures=results,
    )
    if len(results) == 1:
        overall.summary = worst.summary
    else:
        overall.summary = ngettext(
            "%(status)s (%(count)d signature)", "%(status)s (%(count)d signatures)", len(results)
        ) % {"status": _status_label(worst.status), "count": len(results)}
    return overall
