"""Reads for the digitization pages: batches and their progress, a file's pages,
the review queue of the least confident pages, words found inside scans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import pgettext

from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.core.vietnamese import fold_chars
from vanphong.registry import search
from vanphong.scans.models import FileState, PageState, ScanBatch, ScanFile, ScanPage


def navigation(person: Person) -> list[tuple[str, str, str]]:
    if may_anywhere(person, Action.ARCHIVE):
        return [(pgettext("menu", "Digitization"), reverse("batch_list"), "scans")]
    return []


def scanning_organizations(person: Person) -> QuerySet[Organization]:
    return visible_to(
        person, Organization.objects.filter(closed_on__isnull=True), action=Action.ARCHIVE
    ).order_by("path")


def batches_visible_to(person: Person) -> QuerySet[ScanBatch]:
    return visible_to(person, ScanBatch.objects.select_related("organization", "created_by"))


def files_visible_to(person: Person) -> QuerySet[ScanFile]:
    return visible_to(person, ScanFile.objects.select_related("batch"))


def pages_visible_to(person: Person) -> QuerySet[ScanPage]:
    return visible_to(person, ScanPage.objects.select_related("file"))


@dataclass(frozen=True)
class Progress:
    files: int
    files_done: int
    files_refused: int
    pages: int
    pages_read: int
    pages_failed: int

    @property
    def finished(self) -> bool:
        waiting_files = self.files - self.files_done - self.files_refused
        return waiting_files == 0 and self.pages_read + self.pages_failed >= self.pages

    @property
    def percent(self) -> int:
        if self.pages == 0:
            return 100 if self.finished else 0
        return int(100 * (self.pages_read + self.pages_failed) / self.pages)


def progress(batch: ScanBatch) -> Progress:
    files = batch.files.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state__in=[FileState.DONE, FileState.FAILED])),
        refused=Count("pk", filter=Q(state__in=[FileState.REFUSED, FileState.DUPLICATE])),
    )
    pages = ScanPage.objects.filter(file__batch=batch).aggregate(
        total=Count("pk"),
        read=Count("pk", filter=Q(state=PageState.DONE)),
        failed=Count("pk", filter=Q(state=PageState.FAILED)),
    )
    return Progress(
        files["total"], files["done"], files["refused"], pages["total"], pages["read"], pages["failed"]
    )


def review_queue(person: Person, limit: int = 50) -> QuerySet[ScanPage]:
    """The pages OCR was least sure of (or could not read), worst first: what the
    archivist checks by eye."""
    return (
        pages_visible_to(person)
        .filter(
            Q(state=PageState.FAILED) | Q(state=PageState.DONE, confidence__isnull=False),
            reviewed_by__isnull=True,
        )
        .order_by("-state", "confidence", "pk")[:limit]
    )


@dataclass(frozen=True)
class Hit:
    page: ScanPage
    before: str
    match: str
    after: str


def _snippet(text: str, words: list[str], width: int = 80) -> tuple[str, str, str]:
    """The first place a searched word stands in the text, with some text around it:
    found on the folded text, cut from the text as read (same length once folded)."""
    folded = fold_chars(text)
    # The words side by side first (the phrase searched), then each word alone.
    phrase = r"\s+".join(re.escape(word) for word in words)
    for pattern in [phrase, *(re.escape(word) for word in words)]:
        found = re.search(rf"\b{pattern}\b", folded)
        if found:
            start, end = found.span()
            return (
                ("…" if start > width else "") + text[max(0, start - width) : start],
                text[start:end],
                text[end : end + width] + ("…" if end + width < len(text) else ""),
            )
    return text[:width], "", ""


def _matching(pages: QuerySet[ScanPage], condition: search.Condition) -> QuerySet[ScanPage]:
    """Pages with every term, through the database's own index (migration 0002)."""
    if connection.vendor == "postgresql":
        return pages.filter(
            RawSQL(
                '"scans_scanpage"."search_vector" @@ %s::tsquery',
                [condition.tsquery()],
                output_field=BooleanField(),
            )
        )
    found = RawSQL("SELECT rowid FROM scans_page_fts WHERE scans_page_fts MATCH %s", [condition.fts5()])
    return pages.filter(pk__in=found)


def search_pages(person: Person, query: str, limit: int = 50) -> list[Hit]:
    """Pages whose text holds every word of `query`, accents optional (đ too), the
    newest read first, each with the place a word was found (the words as the page
    has them). The terms are the registry's (`registry.search`), so a word is found
    here as in the registers."""
    parsed = search.Query.parse(query)
    if not parsed.folded:
        return []
    pages = _matching(pages_visible_to(person).filter(state=PageState.DONE), parsed.matching)
    words = list(parsed.folded)
    return [Hit(page, *_snippet(page.text, words)) for page in pages.order_by("-pk")[:limit]]
