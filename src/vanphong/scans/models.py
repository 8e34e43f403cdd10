"""Digitization (số hóa): batches of scanned files brought by the archivist, each file
kept as received, normalized to PDF, its pages OCRed one by one (Tesseract `vie`;
`pipeline.ocr_page`), then put back together as one searchable PDF/A.

Pages are the unit of work: a page is claimed by one worker at a time with a lease
(`ScanPage.claimed_at`), so several workers share a batch, and a worker killed in the
middle costs at most the page it held, redone once its lease runs out."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person
from vanphong.registry.search import FTS5Terms


def scan_name(instance: models.Model, filename: str) -> str:
    """By date and a random name: a user's file name may hold anything."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"scans/{timezone.now():%Y/%m/%d}/{secrets.token_hex(16)}.{suffix}"


class ScanBatch(models.Model):
    """One upload (or one `vanphong import-scans` run) of scanned files for the
    archive of `organization`."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("scan batch")
        verbose_name_plural = _("scan batches")

    def __str__(self) -> str:
        return self.title


class FileState(models.TextChoices):
    # Their own context: the bare "Received" is the registry's column (Ngày đến).
    RECEIVED = "received", pgettext_lazy("scan file", "Received")
    REFUSED = "refused", pgettext_lazy("scan file", "Refused")
    DUPLICATE = "duplicate", pgettext_lazy("scan file", "Duplicate")
    SPLIT = "split", pgettext_lazy("scan file", "Pages being read")
    DONE = "done", pgettext_lazy("scan file", "Done")
    FAILED = "failed", pgettext_lazy("scan file", "Failed")


class ScanFile(models.Model):
    """One file of a batch: the original as received (never altered), and, once its
    pages are read, the searchable PDF/A made from it beside it."""

    batch = models.ForeignKey(
        ScanBatch, on_delete=models.PROTECT, related_name="files", verbose_name=_("batch")
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    original = models.FileField(_("original"), upload_to=scan_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(_("type"), max_length=10, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=FileState.choices, default=FileState.RECEIVED)
    message = models.CharField(_("message"), max_length=400, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    searchable = models.FileField(_("searchable PDF"), upload_to=scan_name, max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=400, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("scanned file")
        verbose_name_plural = _("scanned files")
        indexes = [models.Index(fields=["organization", "sha256"])]

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def secrecy(self) -> int:
        # Scans entered into a networked system are unclassified (DOMAIN.md §2).
        return 0


class PageState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("scan page", "Waiting")
    RUNNING = "running", pgettext_lazy("scan page", "Being read")
    DONE = "done", pgettext_lazy("scan page", "Read")
    FAILED = "failed", pgettext_lazy("scan page", "Could not be read")


class ScanPage(models.Model):
    """One page of a scanned file and what OCR made of it: its text, Tesseract's
    mean word confidence, the rotation applied. `claimed_at` is the lease of the
    worker reading it; `attempts` counts how many times it was started."""

    file = models.ForeignKey(ScanFile, on_delete=models.CASCADE, related_name="pages", verbose_name=_("file"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("page"))
    state = models.CharField(_("state"), max_length=10, choices=PageState.choices, default=PageState.PENDING)
    source = models.FileField(upload_to=scan_name, max_length=200)  # the page cut out of the normalized PDF
    result = models.FileField(upload_to=scan_name, max_length=200, blank=True)  # the page OCRed
    text = models.TextField(_("text"), blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    rotated = models.SmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=400, blank=True)
    # The text's index terms (`registry.search.terms`), for the search inside scans.
    search_terms = models.TextField(editable=False, default="")
    reviewed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["file", "number"]
        verbose_name = _("scanned page")
        verbose_name_plural = _("scanned pages")
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="scan_page_once")]
        indexes = [
            models.Index(fields=["state", "claimed_at"], name="scan_page_work"),
            # The review queue: the least confident pages first.
            models.Index(
                fields=["organization", "confidence"], name="scan_page_confidence", condition=Q(state="done")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file} — {self.number}"

    @property
    def secrecy(self) -> int:
        return 0


class PageSearchIndex(models.Model):
    """SQLite only: the FTS5 table indexing `ScanPage.search_terms`, kept by triggers
    (migration 0002), its rowid the page's id, so the index read in rowid order is the
    pages newest first (as `registry.search` reads its own). PostgreSQL indexes a
    generated column of the pages' own table."""

    rowid = models.BigIntegerField(primary_key=True)
    terms = FTS5Terms()

    class Meta:
        managed = False
        db_table = "scans_page_fts"

    def __str__(self) -> str:
        return str(self.rowid)
