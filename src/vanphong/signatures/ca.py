"""A DEMO certificate authority — for the demo and the tests, never for real signing.

Everything it issues says so in its subject ("… (DEMO — không có giá trị pháp lý)"):
a signature made with one of its certificates has no legal value. Real signers use a
certificate from a licensed Vietnamese CA on a USB token (PKCS#11) or in a PKCS#12
file; `vanphong.signatures.pdf` treats both the same way, and trusts this CA only when
it is put in a `Trust` on purpose.

Keys are RSA 2048 by default: what the Vietnamese CAs issue on their tokens, and what
every verifier (Adobe, Foxit, pyHanko) handles. Generating one takes ~60 ms; EC P-256
(`key_type="ec"`) takes ~0.03 ms, for issuing many demo people at once. Signing costs
well under a millisecond either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as pkcs12_format
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# The key types this CA issues and accepts.
SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KeyType = Literal["rsa", "ec"]

DEFAULT_CA_NAME = "vanphong DEMO CA — không dùng thật"
DEMO_MARK = "(DEMO — không có giá trị pháp lý)"
DEMO_ORGANIZATION = f"Văn phòng số vanphong {DEMO_MARK}"
DEMO_UNIT = f"Chứng thư số thử nghiệm {DEMO_MARK}"

# RFC 9336 id-kp-documentSigning: the purpose made for signing documents.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def new_key(key_type: KeyType = "rsa") -> SigningKey:
    """A fresh private key of the given type (RSA 2048 or EC P-256)."""
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _aware(moment: dt.datetime) -> dt.datetime:
    # A naive datetime would be read as local time by some and UTC by others.
    if moment.tzinfo is None:
        raise ValueError("certificate dates must be timezone-aware")
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class DemoAuthority:
    """The DEMO CA: its key and its self-signed certificate."""

    key: SigningKey
    certificate: x509.Certificate

    @classmethod
    def create(
        cls,
        common_name: str = DEFAULT_CA_NAME,
        *,
        valid_from: dt.datetime,
        valid_to: dt.datetime,
        key_type: KeyType = "rsa",
    ) -> DemoAuthority:
        """A new self-signed root, valid from `valid_from` to `valid_to` (aware
        datetimes), that may sign end-entity certificates and CRLs only (no
        intermediate CAs: path length 0)."""
        key = new_key(key_type)
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANIZATION),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(_aware(valid_from))
            .not_valid_after(_aware(valid_to))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key=key, certificate=certificate)

    def to_pem(self) -> bytes:
        """The key (PKCS#8, UNENCRYPTED — acceptable only because this is a demo CA
        whose signatures are worth nothing) followed by the certificate, as PEM."""
        key = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return key + self.certificate.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def from_pem(cls, data: bytes) -> DemoAuthority:
        """Read back what `to_pem` wrote. Raises ValueError when the data does not hold
        an unencrypted RSA/EC key and a certificate of that key."""
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("the demo CA key must be RSA or EC")
        certificates = x509.load_pem_x509_certificates(data)
        if len(certificates) != 1 or certificates[0].public_key() != key.public_key():
            raise ValueError("expected the one certificate of the demo CA key")
        return cls(key=key, certificate=certificates[0])

    def issue(
        self,
        person_name: str,
        *,
        email: str | None,
        valid_from: dt.datetime,
        valid_to: dt.datetime,
        serial: int | None = None,
        key_type: KeyType = "rsa",
    ) -> tuple[SigningKey, x509.Certificate]:
        """A new key and a document-signing certificate for `person_name` (the CN, in
        Vietnamese as written, UTF8String), marked DEMO in O and OU.

        keyUsage digitalSignature + nonRepudiation (critical); extendedKeyUsage
        documentSigning (RFC 9336) and emailProtection (what Adobe Reader accepts for
        document signatures); the e-mail, if any, as subjectAltName.
        """
        key = new_key(key_type)
        # cryptography encodes these attributes as UTF8String, so the diacritics of the
        # name survive in every reader.
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANIZATION),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_UNIT),
                x509.NameAttribute(NameOID.COMMON_NAME, person_name),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(serial if serial is not None else x509.random_serial_number())
            .not_valid_before(_aware(valid_from))
            .not_valid_after(_aware(valid_to))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if email:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
            )
        return key, builder.sign(self.key, hashes.SHA256())

    def crl(
        self,
        revoked: list[tuple[int, dt.datetime]],
        *,
        this_update: dt.datetime,
        next_update: dt.datetime,
        number: int | None = None,
    ) -> bytes:
        """A CRL (DER) listing the certificates `(serial, revoked_at)` as revoked.

        `number` (the CRL number, which must grow with each new CRL) defaults to
        `this_update` in seconds since the epoch, which grows as long as CRLs are
        not issued twice in one second.
        """
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(_aware(this_update))
            .next_update(_aware(next_update))
            .add_extension(
                x509.CRLNumber(number if number is not None else int(this_update.timestamp())),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        for serial, revoked_at in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(_aware(revoked_at))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def pkcs12(
    key: SigningKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: str,
) -> bytes:
    """A PKCS#12 (.p12/.pfx) file of the key, its certificate and the CA chain,
    encrypted with `passphrase` (AES-256, readable by current Windows, macOS,
    OpenSSL 3 and Adobe). The friendly name is the certificate's CN."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    friendly = str(names[0].value).encode() if names else None
    return pkcs12_format.serialize_key_and_certificates(
        friendly,
        key,
        cert,
        chain or None,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
