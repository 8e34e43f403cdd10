"""PAdES signing and verification: what a signature says about its signer and time,
where its stamp is, and every way a document or a certificate can fail — checked
against a DEMO CA, a SoftHSM2 token and an in-process timestamp authority."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from typing import Any

import pdfplumber
import pypdf
import pypdfium2
import pypdfium2.raw as pdfium
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_format
from cryptography.x509.oid import NameOID
from django.utils import timezone, translation
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject

from vanphong.signatures import pdf as signatures
from vanphong.signatures.ca import new_key, pkcs12
from vanphong.signatures.pdf import (
    SignatureBox,
    SignatureCode,
    SignatureError,
    Trust,
    Verification,
    VerificationStatus,
    check_signer,
    load_pkcs12,
    open_pkcs11,
    sign,
    verify,
)
from vanphong.signatures.tests.conftest import (
    DAY,
    NOW,
    PASSPHRASE,
    SIGNER_NAME,
    TOKEN_SIGNER_NAME,
    Token,
    timestamper,
)

BOX = SignatureBox(page=1, x1=340, y1=60, x2=560, y2=120)
LINES = ["Ký bởi: Nguyễn Văn An", "Thời gian ký: 25/11/2026 10:15", "Đã duyệt 100%"]
VIETNAMESE = (
    "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ĂăÂâĐđÊêÔôƠơƯưÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúý"
)


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared with their English msgids, whatever the catalog holds.
    with translation.override("en"):
        yield


def _sign(document: bytes, signer, **options) -> bytes:
    arguments: dict[str, Any] = {
        "box": BOX,
        "stamp_lines": LINES,
        "reason": "Phê duyệt ban hành",
        "location": "Quảng Ngãi",
    }
    arguments.update(options)
    return sign(document, signer=signer, **arguments)


def _stamp_words(signed: bytes) -> list[dict]:
    """The words a viewer shows on page 1, read after pdfium flattens the stamp's
    widget into the page (pdfplumber reads page content, not widget appearances)."""
    doc = pypdfium2.PdfDocument(signed)
    page = doc[0]
    assert pdfium.FPDFPage_Flatten(page.raw, pdfium.FLAT_NORMALDISPLAY) == pdfium.FLATTEN_SUCCESS
    page.close()
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    with pdfplumber.open(io.BytesIO(out.getvalue())) as flat:
        return list(flat.pages[0].extract_words(keep_blank_chars=True))


# --- Signing and reading back ---------------------------------------------------------


def test_a_document_signed_with_a_pkcs12_file_verifies_with_its_signer_and_time(document, signer, trust):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signed = _sign(document, signer)
    after = dt.datetime.now(dt.UTC)

    # An incremental update: the original bytes are untouched at the start.
    assert signed.startswith(document) and len(signed) > len(document)
    sig = pypdf.PdfReader(io.BytesIO(signed)).get_fields()["Signature1"]["/V"]
    assert (sig["/SubFilter"], sig["/Reason"], sig["/Location"]) == (
        "/ETSI.CAdES.detached",
        "Phê duyệt ban hành",
        "Quảng Ngãi",
    )

    result = verify(signed, trust=trust)
    assert result.status == VerificationStatus.VALID and result.valid
    assert result.signer_name == SIGNER_NAME
    assert "DEMO — không có giá trị pháp lý" in result.signer_subject
    assert "vanphong DEMO CA" in result.issuer
    assert result.serial == format(signer.signing_cert.serial_number, "X")
    assert result.signed_at is not None and before <= result.signed_at <= after
    assert (result.timestamped, result.problems, result.field_name) == (False, [], "Signature1")
    assert result.summary.startswith(f"Valid signature: {SIGNER_NAME}, signed ")
    assert [s.status for s in result.signatures] == [VerificationStatus.VALID]


def test_the_stamp_shows_its_lines_in_vietnamese_inside_the_box(document, signer):
    words = _stamp_words(_sign(document, signer))
    stamp = [w for w in words if w["top"] > 842 - BOX.y2 - 1]
    lines: dict[int, list[str]] = {}
    for word in stamp:
        lines.setdefault(round(word["top"]), []).append(word["text"])
    assert [" ".join(line) for _top, line in sorted(lines.items())] == LINES
    for word in stamp:
        assert BOX.x1 <= word["x0"] < word["x1"] <= BOX.x2, word
        # pdfplumber's top is measured from the top of the page.
        assert 842 - BOX.y2 <= word["top"] < word["bottom"] <= 842 - BOX.y1, word
    # Letters spaced as the font says: at 10 pt the first line is about 95 pt wide
    # (twice that if the glyph widths were written in the font's own units).
    first = next(w for w in stamp if w["text"].startswith("Ký"))
    assert 80 < first["x1"] - first["x0"] < 110
    # The rest of the page is still there.
    assert any("12-CV/TU" in w["text"] for w in words)


def test_the_stamp_font_has_every_vietnamese_letter_at_1000_units_per_em():
    font = TTFont(io.BytesIO(signatures._stamp_font()))
    cmap = font.getBestCmap()
    assert [c for c in VIETNAMESE if ord(c) not in cmap] == []
    assert font["head"].unitsPerEm == 1000


def test_a_stamp_too_large_for_its_box_is_shrunk_into_it(document, signer):
    small = SignatureBox(page=1, x1=400, y1=700, x2=480, y2=720)
    words = _stamp_words(_sign(document, signer, box=small, stamp_lines=["Ký bởi: Nguyễn Văn An"]))
    stamp = [w for w in words if 842 - small.y2 - 1 <= w["top"] <= 842 - small.y1]
    assert " ".join(w["text"] for w in stamp) == "Ký bởi: Nguyễn Văn An"
    assert all(small.x1 <= w["x0"] and w["x1"] <= small.x2 for w in stamp)


def test_a_second_signature_goes_in_a_new_field_and_both_stay_valid(document, signer, trust):
    twice = _sign(_sign(document, signer), signer, box=SignatureBox(1, 40, 60, 260, 120))
    result = verify(twice, trust=trust)
    assert result.status == VerificationStatus.VALID
    assert [(s.field_name, s.status) for s in result.signatures] == [
        ("Signature1", VerificationStatus.VALID),
        ("Signature2", VerificationStatus.VALID),
    ]
    assert result.summary == "Valid signature (2 signatures)"
    with pytest.raises(ValueError, match="Signature1"):
        _sign(twice, signer, field_name="Signature1")


def test_a_box_off_the_pages_is_refused(document, signer):
    for box in (
        SignatureBox(2, 10, 10, 100, 50),
        SignatureBox(0, 10, 10, 100, 50),
        SignatureBox(1, 100, 10, 10, 50),
    ):
        with pytest.raises(SignatureError) as caught:
            _sign(document, signer, box=box)
        assert caught.value.code == SignatureCode.BAD_BOX


# --- Timestamps (PAdES B-T) -----------------------------------------------------------------


def test_a_timestamped_signature_is_dated_by_its_timestamp(document, signer, pki, trust):
    stamped_at = NOW - dt.timedelta(minutes=5)
    signed = _sign(document, signer, timestamper=timestamper(pki.tsa, stamped_at))
    result = verify(signed, trust=trust)
    assert result.status == VerificationStatus.VALID
    assert (result.timestamped, result.signed_at) == (True, stamped_at)


def test_a_timestamp_from_an_untrusted_authority_makes_the_signature_untrusted(document, signer, pki, trust):
    result = verify(_sign(document, signer, timestamper=timestamper(pki.stranger_tsa)), trust=trust)
    assert result.status == VerificationStatus.UNTRUSTED
    assert result.problems == ["The timestamp was not issued by a trusted timestamp authority."]
    assert result.timestamped is False


def test_a_timestamp_keeps_a_signature_valid_after_its_certificate_expired(document, pki, trust):
    signer = load_pkcs12(pki.expired_lately.p12([pki.ca.certificate]), PASSPHRASE)
    # Signed (and stamped) ten days ago, when the certificate was still valid.
    stamped = _sign(document, signer, timestamper=timestamper(pki.tsa, NOW - 10 * DAY))
    result = verify(stamped, trust=trust)
    assert (result.status, result.timestamped, result.signed_at) == (
        VerificationStatus.VALID,
        True,
        NOW - 10 * DAY,
    )
    # Judged at a chosen moment, the timestamp does not move it.
    assert verify(stamped, trust=trust, at=NOW).status == VerificationStatus.EXPIRED
    # Without a timestamp, nothing proves it was signed before the expiry.
    unstamped = verify(_sign(document, signer), trust=trust)
    assert unstamped.status == VerificationStatus.EXPIRED
    expiry = signatures._date(pki.expired_lately.certificate.not_valid_after_utc)
    assert unstamped.problems == [f"Invalid signature: the certificate expired on {expiry}."]


def test_a_timestamp_before_a_revocation_keeps_the_signature_valid(document, pki, trust):
    lately = load_pkcs12(pki.revoked_lately.p12([pki.ca.certificate]), PASSPHRASE)
    assert verify(_sign(document, lately), trust=trust).status == VerificationStatus.REVOKED
    stamped = verify(_sign(document, lately, timestamper=timestamper(pki.tsa, NOW - DAY)), trust=trust)
    assert stamped.status == VerificationStatus.VALID
    # Revoked two days ago, stamped yesterday: revoked when signed.
    revoked = load_pkcs12(pki.revoked.p12([pki.ca.certificate]), PASSPHRASE)
    result = verify(_sign(document, revoked, timestamper=timestamper(pki.tsa, NOW - DAY)), trust=trust)
    assert result.status == VerificationStatus.REVOKED
    assert result.problems[0].startswith("Invalid signature: the certificate was revoked on ")


def test_an_unreachable_timestamp_service_is_a_signature_error(document, signer):
    # Port 9 (discard) on the loopback: refused at once, no network involved.
    with pytest.raises(SignatureError) as caught:
        _sign(document, signer, timestamp_url="http://127.0.0.1:9/tsa")
    assert caught.value.code == SignatureCode.TIMESTAMP
    assert caught.value.message == "The timestamp service could not be reached."


# --- The signer's certificate, before signing -----------------------------------------------


def test_a_good_certificate_passes_with_and_without_crls(pki, trust):
    check_signer(pki.good.certificate, trust=trust, at=NOW)
    # No CRL for it is not a reason to refuse (soft-fail): the roots alone decide.
    check_signer(pki.good.certificate, trust=Trust(roots=[pki.ca.certificate]), at=NOW)


@pytest.mark.parametrize(
    ("who", "code", "message"),
    [
        ("expired", SignatureCode.EXPIRED, "Invalid signature: the certificate expired on "),
        (
            "not_yet_valid",
            SignatureCode.NOT_YET_VALID,
            "Invalid signature: the certificate is not valid until ",
        ),
        ("revoked", SignatureCode.REVOKED, "Invalid signature: the certificate was revoked on "),
        (
            "stranger",
            SignatureCode.UNKNOWN_AUTHORITY,
            "Invalid signature: the certificate was not issued by a trusted certificate authority.",
        ),
    ],
)
def test_a_certificate_that_cannot_sign_is_refused_with_its_reason(pki, trust, who, code, message):
    certificate = getattr(pki, who).certificate
    with pytest.raises(SignatureError) as caught:
        check_signer(certificate, trust=trust, at=NOW)
    assert caught.value.code == code
    assert caught.value.message.startswith(message)
    assert caught.value.detail  # pyHanko's own words, for the log


def test_a_certificate_not_meant_for_signing_is_refused(document, pki, trust):
    """An encryption-only certificate (keyEncipherment) cannot sign, even from the
    trusted CA: refused before signing, untrusted when someone signed with it anyway."""
    key = new_key("rsa")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mã hoá")]))
        .issuer_name(pki.ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + 30 * DAY)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(pki.ca.key, hashes.SHA256())
    )
    with pytest.raises(SignatureError) as caught:
        check_signer(certificate, trust=trust, at=NOW)
    assert caught.value.code == SignatureCode.NOT_FOR_SIGNING
    signer = load_pkcs12(pkcs12(key, certificate, [pki.ca.certificate], PASSPHRASE), PASSPHRASE)
    result = verify(_sign(document, signer), trust=trust)
    assert (result.status, result.problems) == (
        VerificationStatus.UNTRUSTED,
        ["Invalid signature: the certificate is not meant for signing documents."],
    )


def test_the_dates_in_the_messages_are_the_certificates(pki, trust):
    with translation.override("vi"), pytest.raises(SignatureError) as caught:
        check_signer(pki.expired.certificate, trust=trust, at=NOW)
    expiry = timezone.localtime(pki.expired.certificate.not_valid_after_utc)
    assert f"{expiry:%d/%m/%Y}" in caught.value.message  # as an office writes dates


def test_moments_must_say_their_timezone(document, pki, trust):
    naive = dt.datetime(2026, 11, 25, 10, 15)
    with pytest.raises(ValueError, match="timezone-aware"):
        check_signer(pki.good.certificate, trust=trust, at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        verify(document, trust=trust, at=naive)


def test_a_revocation_after_the_moment_checked_does_not_count(pki, trust):
    check_signer(pki.revoked.certificate, trust=trust, at=NOW - 3 * DAY)


def test_signing_with_trust_checks_the_signer_first(document, pki, trust):
    revoked = load_pkcs12(pki.revoked.p12([pki.ca.certificate]), PASSPHRASE)
    with pytest.raises(SignatureError) as caught:
        _sign(document, revoked, trust=trust)
    assert caught.value.code == SignatureCode.REVOKED


def test_a_signature_passes_its_own_check_when_trust_is_given(document, signer, trust):
    assert verify(_sign(document, signer, trust=trust), trust=trust).valid


# --- PKCS#12 files ----------------------------------------------------------------------


def test_a_wrong_passphrase_is_wrong_pin(pki):
    with pytest.raises(SignatureError) as caught:
        load_pkcs12(pki.good.p12([pki.ca.certificate]), "sai mật khẩu")
    assert (caught.value.code, caught.value.message) == (
        SignatureCode.WRONG_PIN,
        "Wrong passphrase for the certificate file.",
    )


def test_a_file_that_is_not_pkcs12_is_refused(document):
    for data in (b"", b"not a certificate", document):
        with pytest.raises(SignatureError) as caught:
            load_pkcs12(data, PASSPHRASE)
        assert caught.value.code == SignatureCode.BAD_KEY_FILE


def test_a_pkcs12_file_without_a_key_is_no_key(pki):
    certificates_only = pkcs12_format.serialize_key_and_certificates(
        None, None, None, [pki.good.certificate], serialization.BestAvailableEncryption(PASSPHRASE.encode())
    )
    with pytest.raises(SignatureError) as caught:
        load_pkcs12(certificates_only, PASSPHRASE)
    assert caught.value.code == SignatureCode.NO_KEY


def test_the_chain_in_the_pkcs12_file_is_kept_for_the_signature(pki):
    signer = load_pkcs12(pki.good.p12([pki.ca.certificate]), PASSPHRASE)
    assert [c.subject for c in signer.cert_registry] != []
    assert any(c.subject == signer.signing_cert.issuer for c in signer.cert_registry)


# --- Damaged and changed documents -------------------------------------------------------


def _truncated(document: bytes) -> bytes:
    return document[: len(document) // 2]


@pytest.mark.parametrize("damage", [lambda d: b"garbage, not a PDF", _truncated, lambda d: b""])
def test_a_file_that_is_not_a_readable_pdf_cannot_be_signed_and_verifies_invalid(
    document, signer, trust, damage
):
    data = damage(document)
    with pytest.raises(SignatureError) as caught:
        _sign(data, signer)
    assert (caught.value.code, caught.value.message) == (
        SignatureCode.BAD_PDF,
        "The file is not a PDF that can be read.",
    )
    result = verify(data, trust=trust)
    assert (result.status, result.problems) == (
        VerificationStatus.INVALID,
        ["The file is not a PDF that can be read."],
    )
    assert result.summary == "Invalid signature"


def test_a_password_protected_pdf_is_refused(document, signer, trust):
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(document))
    writer.encrypt("mật khẩu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(SignatureError) as caught:
        _sign(out.getvalue(), signer)
    assert (caught.value.code, caught.value.message) == (
        SignatureCode.BAD_PDF,
        "The PDF is protected by a password.",
    )
    assert verify(out.getvalue(), trust=trust).status == VerificationStatus.INVALID


def test_a_byte_changed_inside_the_signed_range_makes_it_invalid(document, signer, trust):
    signed = bytearray(_sign(document, signer))
    # The header's binary comment (line 2): any reader skips it, the signature covers it.
    position = signed.index(b"\n") + 2
    signed[position] ^= 0x01
    result = verify(bytes(signed), trust=trust)
    assert result.status == VerificationStatus.INVALID
    assert result.problems == [
        "The signature does not match the document: the signed content or the signature was altered."
    ]
    assert result.signer_name == SIGNER_NAME  # who signed is still known


def test_a_signature_that_cannot_be_read_is_invalid_and_the_others_still_judged(document, signer, trust):
    twice = _sign(_sign(document, signer), signer, box=SignatureBox(1, 40, 60, 260, 120))
    # Blank the start of the second signature's CMS blob (same length, so the file
    # still parses): it no longer is a CMS structure.
    start = twice.rindex(b"/Contents <") + len(b"/Contents <")
    broken = twice[:start] + b"0" * 40 + twice[start + 40 :]
    result = verify(broken, trust=trust)
    assert result.status == VerificationStatus.INVALID
    assert [(s.field_name, s.status) for s in result.signatures] == [
        ("Signature1", VerificationStatus.VALID),
        ("Signature2", VerificationStatus.INVALID),
    ]
    assert result.signatures[1].problems == ["The signature could not be read."]
    assert result.field_name == "Signature2"


def test_a_page_added_after_signing_makes_it_modified(document, signer, trust):
    writer = IncrementalPdfFileWriter(io.BytesIO(_sign(document, signer)))
    contents = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Them) Tj ET"))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, 595, 842]))
    out = io.BytesIO()
    writer.write(out)
    result = verify(out.getvalue(), trust=trust)
    assert (result.status, result.problems) == (
        VerificationStatus.MODIFIED,
        ["The document was changed after it was signed."],
    )
    assert result.summary.startswith("Changed after signing: ")


def test_content_drawn_on_a_page_after_signing_makes_it_modified(document, signer, trust):
    writer = IncrementalPdfFileWriter(io.BytesIO(_sign(document, signer)))
    writer.add_stream_to_page(
        0, writer.add_object(generic.StreamObject(stream_data=b"0 0 0 rg 72 72 200 20 re f"))
    )
    out = io.BytesIO()
    writer.write(out)
    assert verify(out.getvalue(), trust=trust).status == VerificationStatus.MODIFIED


def test_the_worst_signature_decides_for_the_document(document, signer, pki, trust):
    stranger = load_pkcs12(pki.stranger.p12([pki.stranger_ca.certificate]), PASSPHRASE)
    both = _sign(_sign(document, signer), stranger, box=SignatureBox(1, 40, 60, 260, 120))
    result = verify(both, trust=trust)
    assert result.status == VerificationStatus.UNTRUSTED
    assert (result.signer_name, result.field_name) == ("Người Lạ", "Signature2")
    assert [s.status for s in result.signatures] == [VerificationStatus.VALID, VerificationStatus.UNTRUSTED]
    assert result.summary == "Unknown authority (2 signatures)"


# --- Trust --------------------------------------------------------------------------------


def test_a_signer_from_a_ca_not_in_trust_is_untrusted(document, pki, trust):
    stranger = load_pkcs12(pki.stranger.p12([pki.stranger_ca.certificate]), PASSPHRASE)
    result = verify(_sign(document, stranger), trust=trust)
    assert result.status == VerificationStatus.UNTRUSTED
    assert result.problems == [
        "Invalid signature: the certificate was not issued by a trusted certificate authority."
    ]
    assert result.summary.startswith("Unknown authority: Người Lạ, signed ")
    # The same signature is valid for whoever trusts that CA.
    assert verify(_sign(document, stranger), trust=Trust(roots=[pki.stranger_ca.certificate])).valid
    # Trusting nothing trusts nobody (and does not fall back to the system's roots).
    assert verify(_sign(document, stranger), trust=Trust(roots=[])).status == VerificationStatus.UNTRUSTED


def test_a_signature_judged_after_its_certificate_expired_is_expired(document, signer, trust):
    result = verify(_sign(document, signer), trust=trust, at=NOW + 400 * DAY)
    assert result.status == VerificationStatus.EXPIRED
    assert result.problems[0].startswith("Invalid signature: the certificate expired on ")


def test_an_out_of_date_crl_of_the_issuer_leaves_its_certificates_unchecked(document, signer, pki):
    stale = pki.ca.crl([], this_update=NOW - 10 * DAY, next_update=NOW - 3 * DAY)
    outdated = Trust(roots=[pki.ca.certificate], crls=[stale])
    with pytest.raises(SignatureError) as caught:
        check_signer(pki.good.certificate, trust=outdated, at=NOW)
    assert caught.value.code == SignatureCode.REVOCATION_UNKNOWN
    result = verify(_sign(document, signer), trust=outdated)
    assert result.status == VerificationStatus.UNTRUSTED
    assert result.problems == [
        "Invalid signature: the certificate cannot be checked for revocation: the CRL is out of date."
    ]
    # Another CA's CRL, however old, says nothing about this one's certificates.
    other = pki.stranger_ca.crl([], this_update=NOW - 10 * DAY, next_update=NOW - 3 * DAY)
    check_signer(pki.good.certificate, trust=Trust(roots=[pki.ca.certificate], crls=[other]), at=NOW)


def test_a_crl_that_is_not_a_crl_is_a_configuration_error(pki):
    with pytest.raises(ValueError, match="not a CRL"):
        Trust(roots=[pki.ca.certificate], crls=[b"nonsense"])


def test_a_pem_crl_is_accepted(pki):
    pem = x509.load_der_x509_crl(pki.crl).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(SignatureError) as caught:
        check_signer(pki.revoked.certificate, trust=Trust(roots=[pki.ca.certificate], crls=[pem]), at=NOW)
    assert caught.value.code == SignatureCode.REVOKED


# --- Unsigned documents and storing the verdict ---------------------------------------------


def test_an_unsigned_document_is_unsigned(document, trust):
    result = verify(document, trust=trust)
    assert (result.status, result.problems, result.summary, result.signatures) == (
        VerificationStatus.UNSIGNED,
        ["The document has no signature."],
        "Not signed",
        [],
    )


def test_a_verdict_survives_json_and_back(document, signer, pki, trust):
    stamped = _sign(document, signer, timestamper=timestamper(pki.tsa, NOW - DAY))
    result = verify(_sign(stamped, signer, box=SignatureBox(1, 40, 60, 260, 120)), trust=trust)
    stored = json.loads(json.dumps(result.to_dict()))
    assert Verification.from_dict(stored) == result
    assert stored["status"] == "valid" and stored["signatures"][0]["timestamped"] is True
    assert Verification.from_dict(stored).signatures[0].signed_at == NOW - DAY
    unsigned = verify(document, trust=trust)
    assert Verification.from_dict(json.loads(json.dumps(unsigned.to_dict()))) == unsigned


# --- PKCS#11 tokens (SoftHSM2) ---------------------------------------------------------------


def test_a_document_signed_on_a_token_verifies(document, softhsm: Token, trust):
    with open_pkcs11(module=softhsm.module, token_label=softhsm.label, pin=softhsm.pin) as token_signer:
        signed = _sign(document, token_signer, trust=trust)
    result = verify(signed, trust=trust)
    assert (result.status, result.signer_name) == (VerificationStatus.VALID, TOKEN_SIGNER_NAME)
    # Naming the key (or its certificate) finds the same one.
    with open_pkcs11(
        module=softhsm.module, token_label=softhsm.label, pin=softhsm.pin, key_label=softhsm.key_label
    ) as named:
        assert named.signing_cert.dump() == softhsm.certificate.public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"pin": "000000"}, SignatureCode.WRONG_PIN),
        ({"token_label": "không có"}, SignatureCode.TOKEN),
        ({"key_label": "không có"}, SignatureCode.NO_KEY),
        ({"cert_label": "không có"}, SignatureCode.NO_KEY),
        ({"module": "/usr/lib/không-có.so"}, SignatureCode.TOKEN),
    ],
)
def test_token_failures_are_signature_errors(softhsm: Token, change, code):
    arguments = {"module": softhsm.module, "token_label": softhsm.label, "pin": softhsm.pin, **change}
    with pytest.raises(SignatureError) as caught, open_pkcs11(**arguments):
        pass
    assert caught.value.code == code


def test_a_wrong_pin_says_so(softhsm: Token):
    with (
        pytest.raises(SignatureError) as caught,
        open_pkcs11(module=softhsm.module, token_label=softhsm.label, pin="999999"),
    ):
        pass
    assert caught.value.message == "Wrong PIN for the signing token."


# --- Cost -------------------------------------------------------------------------------------


def test_signing_and_verifying_a_page_is_quick(document, signer, trust):
    _sign(document, signer)  # the stamp font is prepared once per process
    started = time.perf_counter()
    signed = _sign(document, signer)
    signing = time.perf_counter() - started
    started = time.perf_counter()
    assert verify(signed, trust=trust).valid
    verifying = time.perf_counter() - started
    # Generous bounds for a loaded CI machine; measured ~130 ms and ~15 ms.
    assert signing < 2 and verifying < 1, (signing, verifying)
