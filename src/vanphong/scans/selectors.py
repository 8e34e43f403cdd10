"""Reads for the digitization pages: batches and their progress, a file's pages,
the review queue of the least confident pages, words found inside scans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from vanphong.archive.models import DossierItem
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, may_anywhere, visible_to
from vanphong.core.vietnamese import fold_chars
from vanphong.registry import search
from vanphong.scans.models import FileState, PageSearchIndex, PageState, ScanBatch, ScanFile, ScanPage
from vanphong.scans.services import LEASE


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


# A page held longer than this (the OCR of one page gives up at 180 s) is taken for a
# page whose worker stopped: it waits for its lease to run out (services.LEASE).
HELD_TOO_LONG = dt.timedelta(minutes=4)


@dataclass(frozen=True)
class Progress:
    files: int
    files_done: int
    files_refused: int
    pages: int
    pages_read: int
    pages_failed: int
    # Pages held by a worker that seems to have stopped, and when the first of them
    # will be read again (its lease runs out).
    pages_held: int = 0
    retry_at: dt.datetime | None = None
    # Files whose content was already received (kept once, skipped here): not refused.
    files_duplicate: int = 0

    @property
    def nothing_read(self) -> bool:
        """Finished without a page read and no file already received: every file
        refused (or unreadable)."""
        return self.finished and self.files > 0 and self.pages_read == 0 and self.files_duplicate == 0

    @property
    def nothing_new(self) -> bool:
        """Finished without a page read, some files already received (a folder
        imported again): nothing new, not a refusal."""
        return self.finished and self.pages_read == 0 and self.files_duplicate > 0

    @property
    def finished(self) -> bool:
        waiting_files = self.files - self.files_done - self.files_refused - self.files_duplicate
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
        refused=Count("pk", filter=Q(state=FileState.REFUSED)),
        duplicate=Count("pk", filter=Q(state=FileState.DUPLICATE)),
    )
    held = Q(state=PageState.RUNNING, claimed_at__lt=timezone.now() - HELD_TOO_LONG)
    pages = ScanPage.objects.filter(file__batch=batch).aggregate(
        total=Count("pk"),
        read=Count("pk", filter=Q(state=PageState.DONE)),
        failed=Count("pk", filter=Q(state=PageState.FAILED)),
        held=Count("pk", filter=held),
        held_since=Min("claimed_at", filter=held),
    )
    return Progress(
        files["total"],
        files["done"],
        files["refused"],
        pages["total"],
        pages["read"],
        pages["failed"],
        pages_held=pages["held"],
        retry_at=pages["held_since"] + LEASE if pages["held_since"] else None,
        files_duplicate=files["duplicate"],
    )


def review_queue(person: Person) -> QuerySet[ScanPage]:
    """The pages the archivist checks by eye, not yet checked: first those without
    text (blank, blurred, or that could not be read), then the least confident."""
    return (
        pages_visible_to(person)
        .filter(state__in=[PageState.DONE, PageState.FAILED], reviewed_by__isnull=True)
        .select_related("file__batch")
        .annotate(has_text=Case(When(text="", then=Value(0)), default=Value(1)))
        .order_by("has_text", F("confidence").asc(nulls_first=True), "pk")
    )


@dataclass(frozen=True)
class Hit:
    page: ScanPage
    before: str
    match: str
    after: str


def _snippet(text: str, words: list[str], width: int = 80) -> tuple[str, str, str]:
    """The first place the searched words stand in the text, with some text around it
    cut at word boundaries: found on the folded text, cut from the text as read (same
    length once folded)."""
    folded = fold_chars(text)
    # The words side by side first (the phrase searched), then each word alone.
    phrase = r"\s+".join(re.escape(word) for word in words)
    for pattern in [phrase, *(re.escape(word) for word in words)]:
        found = re.search(rf"\b{pattern}\b", folded)
        if found:
            start, end = found.span()
            return _before(text, start, width), text[start:end], _after(text, end, width)
    return _after(text, 0, width), "", ""


def _before(text: str, start: int, width: int) -> str:
    """Up to `width` characters before `start`, beginning at the start of a word."""
    if start <= width:
        return text[:start]
    cut = text[start - width : start]
    space = re.search(r"\s", cut)
    return "…" + (cut[space.end() :] if space else cut)


def _after(text: str, end: int, width: int) -> str:
    """Up to `width` characters after `end`, ending at the end of a word."""
    if end + width >= len(text):
        return text[end:]
    cut = text[end : end + width]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:space] if space > 0 else cut).rstrip() + "…"


def _dossier(field: str) -> Subquery:
    items = DossierItem.objects.filter(scan_id=OuterRef("file_id")).order_by("pk")
    return Subquery(items.values(field)[:1])


class ScanHits(search.Paged[Any]):  # of Hit (Paged's type is bound to models)
    """The pages found, for Django's Paginator: the accents as typed and the words
    side by side first, as the registers rank (`registry.search.Results`), the newest
    page first within each tier; each with its file, batch and dossier read in the
    same query as the page."""

    def __init__(self, person: Person, query: str) -> None:
        self.query = search.Query.parse(query)
        pages = (
            pages_visible_to(person)
            .filter(state=PageState.DONE)
            .select_related("file__batch")
            .annotate(dossier_id=_dossier("dossier_id"), dossier_number=_dossier("dossier__number"))
        )
        self.results = search.Results(pages, self.query, date_field="id", index=PageSearchIndex)

    def _count_up_to(self, limit: int) -> int:
        return self.results._count_up_to(limit)

    def _rows(self, start: int, stop: int) -> list[Hit]:
        words = list(self.query.folded)
        return [Hit(page, *_snippet(page.text, words)) for page in self.results._rows(start, stop)]


def search_pages(person: Person, query: str) -> ScanHits | None:
    """Pages whose text holds every word of `query`, accents optional (đ too), best
    first, each with the place a word was found (the words as the page has them);
    None for a blank query. The terms are the registry's (`registry.search`), so a
    word is found here as in the registers."""
    if not query.strip():
        return None
    return ScanHits(person, query)
