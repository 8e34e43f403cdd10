"""The files of incoming documents: the original as received, never altered, and any
copy derived from it (a text layer, a preview, a stamped copy) stored beside it.

The file itself lives in Django's default storage (the disk under `var/media` by
default; a large site points `STORAGES["default"]` at object storage). The row keeps
what the office must be able to prove: the name it came with, its size, its SHA-256
and the type read from its content."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Organization, Person
from vanphong.registry.models import IncomingDocument
from vanphong.signatures.models import SignatureCheck


def stored_name(instance: Attachment, filename: str) -> str:
    """Where the file goes: by upload date and a random name. The user's file name is
    kept on the row only: it may hold anything (slashes, Vietnamese, a path), and a
    guessable path would name the document. `filename` is the service's, e.g. "x.pdf"."""
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m/%d}/{secrets.token_hex(16)}.{suffix}"


class FileRole(models.TextChoices):
    ORIGINAL = "original", _("Original")
    DERIVED = "derived", _("Derived copy")


class Attachment(models.Model):
    """One file of an incoming document. The organization and the secrecy are the
    document's (`visible_to(…, organization_field="document__organization",
    secrecy_field="document__secrecy")`)."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("document")
    )
    role = models.CharField(_("role"), max_length=10, choices=FileRole.choices, default=FileRole.ORIGINAL)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("derived from"),
    )
    file = models.FileField(_("file"), upload_to=stored_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=120)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # Every PDF that enters is verified as it is attached (None: not a PDF). Derived
    # copies are never checked: the original is what was signed.
    signature_check = models.ForeignKey(
        SignatureCheck,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature check"),
    )

    class Meta:
        ordering = ["document", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            # The same original twice on one document is a mistake; the service says
            # so, and this catches two clerks uploading it at the same moment.
            models.UniqueConstraint(
                fields=["document", "sha256"],
                condition=Q(role="original"),
                name="attachment_original_once",
            ),
            models.CheckConstraint(
                condition=Q(role="original", derived_from__isnull=True)
                | Q(role="derived", derived_from__isnull=False),
                name="attachment_derived_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def organization(self) -> Organization:
        return self.document.organization

    @property
    def secrecy(self) -> int:
        return self.document.secrecy

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def previews_inline(self) -> bool:
        """Shown by the browser itself (PDF viewer, image) rather than downloaded."""
        return self.content_type in INLINE_TYPES

    @property
    def short_sha256(self) -> str:
        return self.sha256[:12]

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.content_type, self.content_type))


INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
TYPE_LABELS = {
    "application/pdf": "PDF",
    "text/plain": "TXT",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.oasis.opendocument.text": "ODT",
}
