"""Digitization: the only place that changes batches, files and pages.

The pipeline, in named steps, each a background task that loads by id and calls one
service here, each safe to run twice:

1. `batch_create`   receive: keep each original as uploaded, its SHA-256;
2. `file_receive`   check and de-duplicate, unpack a ZIP into files of the batch,
                    normalize to PDF, cut into pages;
3. `page_read`      OCR one page (deskew, clean, rotate; Tesseract `vie`), keep its
                    text, confidence and index terms — claimed with a lease;
4. `file_assemble`  the OCRed pages back into one searchable PDF/A.

`resume` re-queues whatever a killed worker left: files not yet cut, pages whose
lease ran out, files whose pages are all read but not assembled."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.registry import search
from vanphong.scans import pipeline
from vanphong.scans.models import FileState, PageState, ScanBatch, ScanFile, ScanPage


class AuditAction:
    BATCH_CREATED = "scans.batch_created"
    FILE_REFUSED = "scans.file_refused"
    FILE_DUPLICATE = "scans.file_duplicate"
    FILE_DONE = "scans.file_done"
    PAGE_REVIEWED = "scans.page_reviewed"


AUDIT_LABELS = {
    AuditAction.BATCH_CREATED: gettext_lazy("Scans received"),
    AuditAction.FILE_REFUSED: gettext_lazy("Scanned file refused"),
    AuditAction.FILE_DUPLICATE: gettext_lazy("Scanned file already received, skipped"),
    AuditAction.FILE_DONE: gettext_lazy("Scanned file read"),
    AuditAction.PAGE_REVIEWED: gettext_lazy("Scanned page checked"),
}
AUDIT_TARGET_PAGES = {"scans.scanbatch": "batch_detail"}
# The keys of a batch's events as its history names them (none is a field of the batch).
AUDIT_FIELD_LABELS = {
    "scans.scanbatch": {
        "title": gettext_lazy("Batch name"),
        "files": gettext_lazy("Files"),
        "bytes": gettext_lazy("Size (bytes)"),
        "file": gettext_lazy("File"),
        "reason": gettext_lazy("Reason refused"),
        "same_as": gettext_lazy("Already received as"),
        "pages": gettext_lazy("Pages read"),
        "failed": gettext_lazy("Pages that could not be read"),
        "state": gettext_lazy("State"),
        "page": gettext_lazy("Page"),
        "text": gettext_lazy("Text of the page"),
        "page_text": gettext_lazy("Text of the page"),
        "corrected": gettext_lazy("Text corrected"),
    },
}
AUDIT_VALUE_LABELS = {"scans.scanbatch": {"state": dict(FileState.choices)}}

# How long a worker may hold a page before another takes it over (it was killed):
# well above the OCR's own timeout for one page.
LEASE = dt.timedelta(seconds=settings.VANPHONG_SCAN_LEASE_SECONDS)
# A page that failed this many times is left for the archivist, not retried.
MAX_ATTEMPTS = 3


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _enqueue(task_name: str, *ids: int) -> None:
    from vanphong.scans import tasks

    task = getattr(tasks, task_name)
    for ident in ids:
        task.enqueue(ident)


def _after_commit(task_name: str, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _enqueue(task_name, *ids))


# --- 1. Receive -----------------------------------------------------------------------------------


@transaction.atomic
def batch_create(
    *, actor: Person | None, organization: Organization, title: str, uploads: Iterable[tuple[str, IO[bytes]]]
) -> ScanBatch:
    """Keep each uploaded file as received and queue its reading. Refusals are per
    file and come later (`file_receive`): one bad file never stops the batch.
    `actor` None is the system (`vanphong import-scans`)."""
    if actor is not None and not can(actor, Action.ARCHIVE, organization):
        raise PermissionDenied
    title = " ".join(title.split()) or timezone.localtime().strftime("%d/%m/%Y %H:%M")
    batch = ScanBatch.objects.create(organization=organization, title=title[:200], created_by=actor)
    files = []
    for name, stream in uploads:
        clean_name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "scan"
        sha256, size = _digest(stream)
        record = ScanFile(
            batch=batch, organization=organization, original_name=clean_name, sha256=sha256, size=size
        )
        record.original.save(clean_name, File(stream), save=False)
        record.save()
        files.append(record)
    if not files:
        raise ValidationError({"scans": _("Choose the scanned files to upload.")})
    audit.record(
        actor=actor,
        action=AuditAction.BATCH_CREATED,
        target=batch,
        after={
            "title": batch.title,
            "files": [f.original_name for f in files],
            "bytes": sum(f.size for f in files),
        },
        organization=organization,
    )
    _after_commit("receive_file", [f.pk for f in files])
    return batch


# --- 2. Check, de-duplicate, normalize, cut --------------------------------------------------------


def _refuse(record: ScanFile, *, state: str, message: str) -> None:
    record.state, record.message = state, message[:400]
    record.save(update_fields=["state", "message"])
    audit.record(
        actor=None,
        action=AuditAction.FILE_REFUSED,
        target=record.batch,
        after={"file": record.original_name, "reason": record.message},
        organization=record.organization,
    )


def _duplicate(record: ScanFile, earlier: ScanFile) -> None:
    """A file whose content was already received: kept once (the earlier file), this
    one skipped, which is not a refusal."""
    names = {"name": earlier.original_name, "batch": earlier.batch.title}
    same_as = _("%(name)s, batch “%(batch)s”") % names
    record.duplicate_of = earlier
    record.state = FileState.DUPLICATE
    record.message = (_("The same file was already received (%(name)s, batch “%(batch)s”).") % names)[:400]
    record.save(update_fields=["duplicate_of", "state", "message"])
    audit.record(
        actor=None,
        action=AuditAction.FILE_DUPLICATE,
        target=record.batch,
        after={"file": record.original_name, "same_as": same_as},
        organization=record.organization,
    )


def _earlier_copy(record: ScanFile) -> ScanFile | None:
    """The first received file of the same content in the organization (the one kept)."""
    return (
        ScanFile.objects.filter(organization=record.organization, sha256=record.sha256, pk__lt=record.pk)
        .exclude(state__in=[FileState.REFUSED, FileState.DUPLICATE, FileState.FAILED])
        .select_related("batch")
        .order_by("pk")
        .first()
    )


def file_receive(*, file_id: int) -> None:
    """Step 2 for one file; does nothing for a file already past it.

    The file is converted and cut outside any transaction, and recorded in a short one
    after: on SQLite a transaction holds the database's only write lock, and a long
    TIFF converted inside one made the other workers give up waiting for it."""
    record = ScanFile.objects.select_related("batch").filter(pk=file_id, state=FileState.RECEIVED).first()
    if record is None:
        return
    with tempfile.TemporaryDirectory(prefix="vanphong-scan-") as work:
        folder = Path(work)
        source = folder / f"original-{record.pk}"
        with record.original.open("rb") as handle, source.open("wb") as out:
            shutil.copyfileobj(handle, out)
        try:
            inspected = pipeline.inspect(source, name=record.original_name)
        except pipeline.ScanRefused as refused:
            with transaction.atomic():
                _refuse(record, state=FileState.REFUSED, message=refused.message)
            return
        if inspected.kind == "zip":
            _unpack(record, source, folder)
            return
        pages: list[Path] = []
        refusal, count = None, 0
        converted = _earlier_copy(record) is None  # a copy is refused below without converting it
        if converted:
            try:
                count = pipeline.to_pdf(source, folder / "normalized.pdf")
                pages = pipeline.split_pages(folder / "normalized.pdf", folder / "pages")
            except pipeline.ScanRefused as refused:
                refusal = refused
        with transaction.atomic():
            record = ScanFile.objects.select_for_update().select_related("batch").get(pk=record.pk)
            if record.state != FileState.RECEIVED:
                return
            earlier = _earlier_copy(record)
            if earlier is not None:
                _duplicate(record, earlier)
                return
            if refusal is not None:
                _refuse(record, state=FileState.REFUSED, message=refusal.message)
                return
            if not converted:
                # Its earlier copy was refused or failed in the meantime: converted next time.
                _after_commit("receive_file", [record.pk])
                return
            created = []
            for number, page in enumerate(pages, start=1):
                row = ScanPage(file=record, organization=record.organization, number=number)
                with page.open("rb") as handle:
                    row.source.save(f"page-{number:04d}.pdf", File(handle), save=False)
                row.save()
                created.append(row.pk)
            record.kind, record.page_count, record.state = inspected.kind, count, FileState.SPLIT
            record.save(update_fields=["kind", "page_count", "state"])
            _after_commit("read_page", created)


def _unpack(record: ScanFile, source: Path, folder: Path) -> None:
    """A ZIP becomes files of the same batch, each received like an upload."""
    nested: list[pipeline.ScanRefused] = []
    try:
        members = pipeline.expand_zip(source, folder / "unpacked", name=record.original_name, nested=nested)
    except pipeline.ScanRefused as refused:
        with transaction.atomic():
            _refuse(record, state=FileState.REFUSED, message=refused.message)
        return
    with transaction.atomic():
        record = ScanFile.objects.select_for_update().get(pk=record.pk)
        if record.state != FileState.RECEIVED:
            return
        created = []
        for member in members:
            with member.open("rb") as handle:
                sha256, size = _digest(handle)
                child = ScanFile(
                    batch=record.batch,
                    organization=record.organization,
                    original_name=member.name[:255],
                    sha256=sha256,
                    size=size,
                )
                child.original.save(member.name, File(handle), save=False)
            child.save()
            created.append(child.pk)
        for inside in nested:
            # A ZIP inside: refused alone, named, the rest of the archive read.
            inner = ScanFile.objects.create(
                batch=record.batch,
                organization=record.organization,
                original_name=(inside.member or inside.name).rsplit("/", 1)[-1][:255],
                sha256="",
                kind="zip",
            )
            _refuse(inner, state=FileState.REFUSED, message=inside.message)
        record.kind, record.state = "zip", FileState.DONE
        record.message = _("Unpacked into %(count)d files.") % {"count": len(created)}
        record.save(update_fields=["kind", "state", "message"])
        _after_commit("receive_file", created)


# --- 3. Read a page -------------------------------------------------------------------------------


def _claim(page_id: int, now: dt.datetime) -> bool:
    """Take the page for this worker: waiting, or held by a worker whose lease ran
    out. One conditional UPDATE, so two workers never read the same page at once."""
    claimable = Q(state=PageState.PENDING) | Q(state=PageState.RUNNING, claimed_at__lt=now - LEASE)
    updated = ScanPage.objects.filter(claimable, pk=page_id, attempts__lt=MAX_ATTEMPTS).update(
        state=PageState.RUNNING, claimed_at=now, attempts=F("attempts") + 1
    )
    return updated == 1


def page_read(*, page_id: int) -> bool:
    """Step 3 for one page: OCR it unless another worker holds it or it is read.
    Returns whether this call read it."""
    now = timezone.now()
    if not _claim(page_id, now):
        return False
    page = ScanPage.objects.select_related("file").get(pk=page_id)
    with tempfile.TemporaryDirectory(prefix="vanphong-page-") as work:
        source, out = Path(work) / "page.pdf", Path(work) / "read.pdf"
        with page.source.open("rb") as handle, source.open("wb") as copy:
            shutil.copyfileobj(handle, copy)
        try:
            result = pipeline.ocr_page(source, out)
        except Exception as error:
            _page_failed(page, str(error) or error.__class__.__name__)
            return True
        if result.skipped:
            _page_failed(page, _("OCR gave up on this page (timeout)."))
            return True
        with transaction.atomic():
            # Only the holder of the lease writes: a worker that overran it lost the page.
            current = ScanPage.objects.select_for_update().get(pk=page.pk)
            if current.state != PageState.RUNNING or current.claimed_at != now:
                return False
            with out.open("rb") as handle:
                current.result.save(f"read-{page.number:04d}.pdf", File(handle), save=False)
            current.text = result.text
            current.confidence = result.confidence
            current.rotated = result.rotated
            current.search_terms = search.terms(result.text)
            current.state, current.error = PageState.DONE, ""
            current.save()
            _after_commit("assemble_file", [page.file_id] if _all_read(page.file_id) else [])
    return True


def _page_failed(page: ScanPage, error: str) -> None:
    with transaction.atomic():
        current = ScanPage.objects.select_for_update().get(pk=page.pk)
        current.error = error[:400]
        # Tried enough: left for the archivist; otherwise back in the queue.
        current.state = PageState.FAILED if current.attempts >= MAX_ATTEMPTS else PageState.PENDING
        current.claimed_at = None
        current.save(update_fields=["error", "state", "claimed_at"])
        if current.state == PageState.PENDING:
            _after_commit("read_page", [current.pk])
        elif _all_read(page.file_id):
            _after_commit("assemble_file", [page.file_id])


def _all_read(file_id: int) -> bool:
    return not ScanPage.objects.filter(
        file_id=file_id, state__in=[PageState.PENDING, PageState.RUNNING]
    ).exists()


# --- 4. Assemble ----------------------------------------------------------------------------------


def file_assemble(*, file_id: int) -> None:
    """Step 4: the read pages back into one searchable PDF (a page that could not be
    read goes in as scanned). Does nothing before every page is settled or after."""
    record = ScanFile.objects.filter(pk=file_id, state=FileState.SPLIT).first()
    if record is None or not _all_read(file_id):
        return
    pages = list(record.pages.order_by("number"))
    with tempfile.TemporaryDirectory(prefix="vanphong-merge-") as work:
        parts = []
        for page in pages:
            part = Path(work) / f"{page.number:04d}.pdf"
            with (page.result if page.result else page.source).open("rb") as handle, part.open("wb") as out:
                shutil.copyfileobj(handle, out)
            parts.append(part)
        merged = Path(work) / "searchable.pdf"
        pipeline.merge_pages(parts, merged)
        with transaction.atomic():
            record = ScanFile.objects.select_for_update().get(pk=file_id)
            if record.state != FileState.SPLIT:
                return
            with merged.open("rb") as handle:
                record.searchable.save(f"{Path(record.original_name).stem}.pdf", File(handle), save=False)
            failed = sum(1 for page in pages if page.state == PageState.FAILED)
            record.state = FileState.DONE if failed < len(pages) else FileState.FAILED
            record.title = record.title or _first_line(pages) or record.original_name
            record.finished_at = timezone.now()
            record.message = (
                _("%(failed)d of %(pages)d pages could not be read.")
                % {"failed": failed, "pages": len(pages)}
                if failed
                else ""
            )
            record.save()
            audit.record(
                actor=None,
                action=AuditAction.FILE_DONE,
                target=record.batch,
                after={
                    "file": record.original_name,
                    "pages": len(pages),
                    "failed": failed,
                    "state": record.state,
                },
                organization=record.organization,
            )


def _first_line(pages: list[ScanPage]) -> str:
    """A title for the scan until the archivist gives one: the first line of its text
    that is not a header in capitals (ĐẢNG BỘ…, VĂN PHÒNG…) and says something."""
    for page in pages:
        for line in page.text.splitlines():
            line = " ".join(line.split())
            if len(line) > 20 and line != line.upper():
                return title_guess(line)[:400]
    return ""


# What OCR leaves before a title: specks read as backticks, quotes, dashes, bullets.
STRAY_LEAD = "`´'\"‘’“”„«»*_~^|•·-–—.,;:!?/\\ "


def title_guess(text: str) -> str:
    """A title read from a scan, without the stray punctuation OCR put before it."""
    return " ".join(text.split()).lstrip(STRAY_LEAD)


# --- The archivist's check --------------------------------------------------------------------


@transaction.atomic
def page_review(*, actor: Person, page: ScanPage, text: str | None = None) -> ScanPage:
    """The archivist has checked a page by eye (`reviewed_by`): it leaves the review
    queue. With `text`, the page's text as corrected, which replaces what OCR read in
    the search (the database's index follows `search_terms`: migration 0002)."""
    if not can(actor, Action.ARCHIVE, page.organization):
        raise PermissionDenied
    page = ScanPage.objects.select_for_update().select_related("file__batch").get(pk=page.pk)
    if page.state not in {PageState.DONE, PageState.FAILED}:
        raise ValidationError(_("This page is still being read: check it once it is read."))
    before: dict[str, object] = {}
    after: dict[str, object] = {"file": page.file.original_name, "page": page.number}
    fields = ["reviewed_by"]
    if text is not None:
        text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
        if text != page.text:
            # The whole text for the record; its start under a key the history shows
            # ("text" is kept out of every timeline: a letter's body, a message's).
            before["text"], after["text"] = page.text, text
            before["page_text"], after["page_text"] = _shown(page.text), _shown(text)
            after["corrected"] = True
            page.text, page.search_terms = text, search.terms(text)
            fields += ["text", "search_terms"]
    page.reviewed_by = actor
    page.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=AuditAction.PAGE_REVIEWED,
        target=page.file.batch,
        before=before or None,
        after=after,
        organization=page.organization,
    )
    return page


# The start of a page's text an event shows, before and after a correction.
SHOWN_TEXT = 500


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT].rstrip() + "…"


# --- Without a worker ----------------------------------------------------------------------------


def batch_run_here(*, batch_id: int, on_page: Callable[[], None] | None = None) -> None:
    """Run the batch's steps in this process, in order, until none is left: what the
    workers would do (`vanphong import-scans --process`, the tests). `on_page` is
    called after each page read (a progress bar)."""
    while True:
        received = list(
            ScanFile.objects.filter(batch_id=batch_id, state=FileState.RECEIVED).values_list("pk", flat=True)
        )
        for file_id in received:
            file_receive(file_id=file_id)
        pages = list(
            ScanPage.objects.filter(file__batch_id=batch_id, state=PageState.PENDING).values_list(
                "pk", flat=True
            )
        )
        for page_id in pages:
            page_read(page_id=page_id)
            if on_page is not None:
                on_page()
        for file_id in ScanFile.objects.filter(batch_id=batch_id, state=FileState.SPLIT).values_list(
            "pk", flat=True
        ):
            file_assemble(file_id=file_id)
        if not received and not pages:
            return


# --- Resuming after a killed worker ----------------------------------------------------------------


def resume(now: dt.datetime | None = None, *, waiting_too: bool = False) -> dict[str, int]:
    """Re-queue what a killed worker left undone: pages whose lease ran out, files
    received or read long ago and not taken further. Pages still waiting have their
    task in the queue; `waiting_too` re-queues them as well (the archivist's button,
    for a queue that was lost). Queuing twice is harmless: each step checks its state."""
    now = now or timezone.now()
    # Pages whose last try was killed after the last attempt allowed: left for the archivist.
    ScanPage.objects.filter(
        state=PageState.RUNNING, claimed_at__lt=now - LEASE, attempts__gte=MAX_ATTEMPTS
    ).update(
        state=PageState.FAILED,
        error=_("The worker reading this page stopped too many times."),
        claimed_at=None,
    )
    stale = Q(state=PageState.RUNNING, claimed_at__lt=now - LEASE)
    if waiting_too:
        stale |= Q(state=PageState.PENDING)
    pages = list(ScanPage.objects.filter(stale, attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True))
    received = ScanFile.objects.filter(state=FileState.RECEIVED)
    if not waiting_too:
        received = received.filter(batch__created_at__lt=now - LEASE)
    received_ids = list(received.values_list("pk", flat=True))
    settled = list(
        ScanFile.objects.filter(state=FileState.SPLIT)
        .annotate(open=Count("pages", filter=Q(pages__state__in=[PageState.PENDING, PageState.RUNNING])))
        .filter(open=0)
        .values_list("pk", flat=True)
    )
    # Pages held now: their worker may have just been killed (a restart within the
    # lease). Each gets a try once its lease runs out; a no-op if it was read by then.
    held = list(
        ScanPage.objects.filter(state=PageState.RUNNING, claimed_at__gte=now - LEASE).values_list(
            "pk", "claimed_at"
        )
    )
    _enqueue("receive_file", *received_ids)
    _enqueue("read_page", *pages)
    _enqueue("assemble_file", *settled)
    _enqueue_later(
        "read_page", [(pk, claimed + LEASE + dt.timedelta(seconds=1)) for pk, claimed in held if claimed]
    )
    return {"files": len(received_ids), "pages": len(pages), "assemble": len(settled), "held": len(held)}


def _enqueue_later(task_name: str, runs: list[tuple[int, dt.datetime]]) -> None:
    from vanphong.scans import tasks

    task = getattr(tasks, task_name)
    for ident, when in runs:
        task.using(run_after=when).enqueue(ident)
