"""Attaching files to incoming documents: the only place that writes them.

A file is checked before anything is stored: the document must be unclassified
(DOMAIN.md §2: a classified document is registered as metadata only), the file not
empty and not above `VANPHONG_MAX_UPLOAD_MB`, its type one the office accepts as read
from its bytes (never from its name), a PDF must open without a password, and the
same file may not be attached twice. Then the file and its row are written together:
if the row cannot be written the stored file is deleted again.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import filetype
import pypdf
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.attachments.models import TYPE_LABELS, Attachment, FileRole
from vanphong.core import audit
from vanphong.core.models import Person, Secrecy
from vanphong.core.permissions import Action, can
from vanphong.core.storage import files_removed_on_failure
from vanphong.registry import services as registry_services
from vanphong.registry.models import IncomingDocument
from vanphong.signatures import services as signature_services

logger = logging.getLogger(__name__)


class AuditAction:
    ATTACHMENT_ADDED = "attachment.added"
    TEXT_EXTRACTED = "attachment.text_extracted"


AUDIT_LABELS = {
    AuditAction.ATTACHMENT_ADDED: gettext_lazy("File attached"),
    AuditAction.TEXT_EXTRACTED: gettext_lazy("Text of a file read for the search"),
}

PDF = "application/pdf"
TEXT = "text/plain"
# The text layer read of one PDF: far beyond any document the office registers (a
# 300-page report is about a million characters), a bound on a hostile file.
TEXT_LIMIT = 4_000_000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
# The accepted types and the extension of the stored name.
ACCEPTED = {
    PDF: "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/tiff": "tif",
    DOCX: "docx",
    XLSX: "xlsx",
    ODT: "odt",
}
SNIFF_BYTES = 8192
# An office file's manifest is a few kilobytes; reading more of a hostile archive
# would only let it make us inflate a bomb.
MANIFEST_LIMIT = 1 << 20
OOXML_MAIN_PARTS = {
    "wordprocessingml.document.main+xml": DOCX,
    "spreadsheetml.sheet.main+xml": XLSX,
}


@dataclass(frozen=True)
class Sniffed:
    """What a file is, read from its content: its MIME type (None when refused) and
    the name of what it was found to be, for the message."""

    mime: str | None
    found: str


def _refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({"file": ValidationError(message % params if params else message, code=code)})


def accepted_names() -> str:
    return ", ".join(dict.fromkeys(TYPE_LABELS[mime] for mime in ACCEPTED))


def max_upload_bytes() -> int:
    return int(settings.VANPHONG_MAX_UPLOAD_MB) * 1024 * 1024


# --- Reading the content ----------------------------------------------------------------------


def _office_type(stream: IO[bytes]) -> Sniffed:
    """A ZIP archive is an office document only if its manifest says so: OpenDocument
    names its type in the `mimetype` entry, Office Open XML declares its main part in
    `[Content_Types].xml`. The order of entries (which `filetype` relies on) varies
    between the programs that write them."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mime = entry.read(200).decode("ascii", "replace").strip()
                return Sniffed(mime if mime == ODT else None, f"OpenDocument ({mime})")
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    manifest = entry.read(MANIFEST_LIMIT).decode("utf-8", "replace")
                for part, mime in OOXML_MAIN_PARTS.items():
                    if f"officedocument.{part}" in manifest:
                        return Sniffed(mime, TYPE_LABELS[mime])
                if "presentationml" in manifest:
                    return Sniffed(None, "PowerPoint (PPTX)")
                if "macroEnabled" in manifest:
                    return Sniffed(None, _("an Office document with macros"))
                return Sniffed(None, "Office Open XML")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError):
        raise _refuse(
            _("The file is damaged: it cannot be opened as an office document."), "corrupt"
        ) from None
    return Sniffed(None, _("a ZIP archive"))


def sniff(stream: IO[bytes]) -> Sniffed:
    """The file's type from its first bytes (and, for ZIP-based office files, its
    manifest). The stream is left at its start."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    try:
        if head.startswith(b"PK\x03\x04"):
            return _office_type(stream)
        kind = filetype.guess(head)
    finally:
        stream.seek(0)
    if kind is None:
        return Sniffed(None, _("not a recognized file type (text or unknown content)"))
    mime = str(kind.mime)
    return Sniffed(mime if mime in ACCEPTED else None, f"{str(kind.extension).upper()} ({mime})")


def pdf_pages(stream: IO[bytes]) -> int:
    """The number of pages of a PDF that opens without a password; refuses a damaged
    or encrypted one. An encrypted PDF is refused even when it opens without a
    password (owner restrictions only): the copies derived from it later (text
    layer, the stamped copy) must be able to read and write it."""
    stream.seek(0)
    try:
        reader = pypdf.PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("The PDF is protected with a password: remove the password first, then attach it again."),
                "encrypted",
            )
        pages = len(reader.pages)
        if pages < 1:
            raise ValueError("no pages")
        return pages
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on damaged files
        logger.info("Refused a damaged PDF", exc_info=True)
        raise _refuse(_("The PDF is damaged or incomplete: it cannot be opened."), "corrupt") from None
    finally:
        stream.seek(0)


def _digest(upload: File[Any]) -> tuple[str, int]:
    """SHA-256 and size, read chunk by chunk (a large upload is a temporary file on
    disk and is never held whole in memory)."""
    sha, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        sha.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return sha.hexdigest(), size


def _duplicate_error(existing: Attachment) -> ValidationError:
    return ValidationError(
        {
            "file": ValidationError(
                _("This file is already attached to this document: “%(name)s”, added %(at)s.")
                % {
                    "name": existing.original_name,
                    "at": date_format(localtime(existing.uploaded_at), "SHORT_DATETIME_FORMAT"),
                },
                code="duplicate",
                params={"pk": existing.pk},
            )
        }
    )


# --- The service ------------------------------------------------------------------------------


def attachment_add(*, actor: Person, document: IncomingDocument, upload: File[Any]) -> Attachment:
    """Attach `upload` to `document` as an original. Raises PermissionDenied if the
    actor may not register documents of its organization, and a ValidationError on
    the field "file" (nothing stored) for a classified document or a file the office
    does not accept. Writes one audit event `attachment.added` on the document.

    The stored file is removed if this transaction rolls back; if an enclosing
    transaction of the caller rolls back later, the file is left unreferenced."""
    with files_removed_on_failure() as stored:
        return _attachment_add(actor=actor, document=document, upload=upload, stored=stored)


@transaction.atomic
def _attachment_add(
    *, actor: Person, document: IncomingDocument, upload: File[Any], stored: list[str]
) -> Attachment:
    if not can(actor, Action.REGISTER, document):
        raise PermissionDenied
    if document.secrecy > Secrecy.NONE:
        raise _refuse(
            _(
                "This document is classified (%(secrecy)s): it is registered as metadata only. "
                "Its file stays on paper or on the cơ yếu system and is not stored here."
            ),
            "classified",
            secrecy=Secrecy(document.secrecy).label,
        )
    size = upload.size or 0
    if size == 0:
        raise _refuse(_("The file is empty."), "empty")
    if size > max_upload_bytes():
        raise _refuse(
            _("The file is %(size)s; the office accepts files up to %(limit)s."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(max_upload_bytes()),
        )
    sniffed = sniff(upload)
    if sniffed.mime is None:
        raise _refuse(
            _("This file is %(found)s, which the office does not accept. Accepted: %(accepted)s."),
            "type",
            found=sniffed.found,
            accepted=accepted_names(),
        )
    pages = pdf_pages(upload) if sniffed.mime == PDF else None
    sha256, size = _digest(upload)
    existing = document.attachments.filter(role=FileRole.ORIGINAL, sha256=sha256).first()
    if existing is not None:
        raise _duplicate_error(existing)

    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[
        :255
    ] or f"file.{ACCEPTED[sniffed.mime]}"
    attachment = Attachment(
        document=document,
        role=FileRole.ORIGINAL,
        original_name=name,
        size=size,
        sha256=sha256,
        content_type=sniffed.mime,
        page_count=pages,
        uploaded_by=actor,
    )
    if sniffed.mime == PDF:
        upload.seek(0)
        attachment.signature_check = signature_services.pdf_check(upload.read())
        upload.seek(0)
    attachment.file.save(f"upload.{ACCEPTED[sniffed.mime]}", upload, save=False)
    stored.append(attachment.file.name)
    try:
        # Two clerks attaching the same file at once: the constraint refuses the second.
        with transaction.atomic():
            attachment.save()
    except IntegrityError:
        existing = document.attachments.filter(role=FileRole.ORIGINAL, sha256=sha256).first()
        if existing is None:
            raise
        raise _duplicate_error(existing) from None
    if attachment.content_type == PDF:
        # Reading the text layer takes seconds for a long PDF: the worker does it.
        pk = attachment.pk
        transaction.on_commit(lambda: _enqueue_text_extraction(pk))
    audit.record(
        actor=actor,
        action=AuditAction.ATTACHMENT_ADDED,
        target=document,
        after={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "size": attachment.size,
            "content_type": attachment.content_type,
            "sha256": attachment.sha256,
            "pages": attachment.page_count,
            "signature": attachment.signature_check.status if attachment.signature_check else None,
        },
    )
    return attachment


def _enqueue_text_extraction(attachment_id: int) -> None:
    from vanphong.attachments.tasks import extract_text

    extract_text.enqueue(attachment_id)


# --- The text layer, for the search ---------------------------------------------------------


def _text_layer(attachment: Attachment) -> str:
    """The text of a PDF's text layer, page after page; empty for a scan without one
    (OCR comes with the archive's digitization)."""
    parts: list[str] = []
    length = 0
    with attachment.file.open("rb") as stream:
        reader = pypdf.PdfReader(stream, strict=False)
        for page in reader.pages:
            text = " ".join((page.extract_text() or "").split())
            parts.append(text)
            length += len(text)
            if length >= TEXT_LIMIT:
                break
    return "\n".join(parts)[:TEXT_LIMIT]


@transaction.atomic
def text_layer_extract(*, attachment: Attachment) -> Attachment | None:
    """Read the text layer of a PDF original into a text file stored beside it (the
    original is not touched), and make the document findable by the text of all its
    files. Returns the text file, or None when the PDF has no text. Running it again
    returns the text file made the first time. The system acts: one audit event
    `attachment.text_extracted` on the document."""
    attachment = Attachment.objects.select_for_update().select_related("document").get(pk=attachment.pk)
    if attachment.role != FileRole.ORIGINAL or attachment.content_type != PDF:
        return None
    existing = attachment.derived.filter(content_type=TEXT).first()
    if existing is not None:
        return existing
    text = _text_layer(attachment)
    if not text.strip():
        return None
    content = text.encode("utf-8")
    derived = Attachment(
        document=attachment.document,
        role=FileRole.DERIVED,
        derived_from=attachment,
        original_name=f"{attachment.original_name.rsplit('.', 1)[0]}.txt",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=TEXT,
        uploaded_by=None,
    )
    derived.file.save("text.txt", ContentFile(content), save=False)
    name = derived.file.name
    try:
        derived.save()
        _reindex(attachment.document)
    except BaseException:
        default_storage.delete(name)
        raise
    audit.record(
        actor=None,
        action=AuditAction.TEXT_EXTRACTED,
        target=attachment.document,
        after={
            "attachment": attachment.pk,
            "text": derived.pk,
            "characters": len(text),
            "sha256": derived.sha256,
        },
    )
    return derived


def _reindex(document: IncomingDocument) -> None:
    texts = []
    for derived in document.attachments.filter(role=FileRole.DERIVED, content_type=TEXT).order_by("pk"):
        with derived.file.open("rb") as stream:
            texts.append(stream.read().decode("utf-8", "replace"))
    registry_services.incoming_reindex(document=document, attached_text="\n".join(texts))
