# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""The digitization pipeline's services on real scans: a batch received, its files
checked one by one (a bad one refused, the rest going on), cut into pages, each page
read once under a lease, assembled; a page held by a killed worker read again once
its lease runs out, the others never twice; words found inside scans without accents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.conftest import clerk, outsider, tree  # noqa: F401
from vanphong.core.tests.factories import persona
from vanphong.scans import selectors, services
from vanphong.scans.models import FileState, PageState, ScanFile, ScanPage
from vanphong.scans.tests import samples


@pytest.fixture
def archivist(tree):
    return persona(tree, Role.ARCHIVIST)


@pytest.fixture(scope="module")
def scan_png(tmp_path_factory) -> bytes:
    path = samples.write_png(tmp_path_factory.mktemp("scan") / "trang.png", samples.render_page())
    return path.read_bytes()


def _batch(archivist, tree, files, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.batch_create(
            actor=archivist,
            organization=tree.city,
            title="Hộp 12",
            uploads=[(name, io.BytesIO(data)) for name, data in files],
        )
    return batch, callbacks


def test_only_the_archivist_brings_scans(tree, clerk, outsider):
    for person in (clerk, outsider):
        with pytest.raises(PermissionDenied):
            services.batch_create(
                actor=person, organization=tree.city, title="x", uploads=[("a.png", io.BytesIO(b"x"))]
            )


def test_a_batch_keeps_each_file_as_received_and_queues_it(
    archivist, tree, django_capture_on_commit_callbacks
):
    batch, callbacks = _batch(
        archivist,
        tree,
        [("a.pdf", b"%PDF-1.4 a"), ("b.png", b"\x89PNG b")],
        django_capture_on_commit_callbacks,
    )
    files = list(batch.files.order_by("pk"))
    assert [f.original_name for f in files] == ["a.pdf", "b.png"]
    with files[0].original.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 a"
    assert len(callbacks) == 1  # one queuing of the two files, after the commit
    assert AuditEvent.objects.filter(action=services.AuditAction.BATCH_CREATED).count() == 1


@pytest.mark.slow
def test_a_scan_is_read_page_by_page_and_found_without_accents(
    archivist,
    tree,
    scan_png,
    django_capture_on_commit_callbacks,
):
    batch, _callbacks = _batch(
        archivist,
        tree,
        [("trang.png", scan_png), ("rong.pdf", b""), ("ban-sao.png", scan_png)],
        django_capture_on_commit_callbacks,
    )
    services.batch_run_here(batch_id=batch.pk)
    scan, empty, copy = batch.files.order_by("pk")
    assert scan.state == FileState.DONE and scan.searchable and scan.page_count == 1
    assert empty.state == FileState.REFUSED and empty.message  # the rest of the batch went on
    assert copy.state == FileState.DUPLICATE and copy.duplicate_of == scan
    page = scan.pages.get()
    assert page.attempts == 1 and page.confidence is not None
    assert samples.cer(samples.page_text(), page.text) <= 0.03
    progress = selectors.progress(batch)
    assert progress.finished and progress.pages_read == 1 and progress.files_refused == 1
    assert progress.files_duplicate == 1
    hits = selectors.search_pages(archivist, "so hoa tai lieu luu tru")
    assert [hit.page for hit in hits] == [page]
    assert hits[0].match.lower() == "số hóa tài liệu lưu trữ"  # the words as the page has them
    nothing = selectors.search_pages(archivist, "không có trên trang")
    assert nothing is not None and list(nothing) == []


def test_a_page_is_read_by_one_worker_at_a_time(
    archivist, tree, monkeypatch, django_capture_on_commit_callbacks
):
    batch, _callbacks = _batch(archivist, tree, [("a.png", b"x")], django_capture_on_commit_callbacks)
    record = batch.files.get()
    page = ScanPage.objects.create(file=record, organization=tree.city, number=1)
    now = timezone.now()
    # Another worker holds it, its lease still running: not taken.
    ScanPage.objects.filter(pk=page.pk).update(state=PageState.RUNNING, claimed_at=now, attempts=1)
    assert services._claim(page.pk, now) is False
    # That worker was killed: once its lease ran out, the page is taken over, once.
    later = now + services.LEASE + dt.timedelta(seconds=1)
    assert services._claim(page.pk, later) is True
    assert services._claim(page.pk, later) is False
    page.refresh_from_db()
    assert (page.state, page.attempts) == (PageState.RUNNING, 2)


def test_resume_requeues_only_what_a_killed_worker_left(
    archivist, tree, monkeypatch, django_capture_on_commit_callbacks
):
    batch, _callbacks = _batch(archivist, tree, [("a.png", b"x")], django_capture_on_commit_callbacks)
    record = batch.files.get()
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.SPLIT)
    old = timezone.now() - services.LEASE - dt.timedelta(minutes=1)
    done = ScanPage.objects.create(
        file=record, organization=tree.city, number=1, state=PageState.DONE, attempts=1
    )
    held = ScanPage.objects.create(
        file=record,
        organization=tree.city,
        number=2,
        state=PageState.RUNNING,
        claimed_at=timezone.now(),
        attempts=1,
    )
    killed = ScanPage.objects.create(
        file=record, organization=tree.city, number=3, state=PageState.RUNNING, claimed_at=old, attempts=1
    )
    worn = ScanPage.objects.create(
        file=record,
        organization=tree.city,
        number=4,
        state=PageState.RUNNING,
        claimed_at=old,
        attempts=services.MAX_ATTEMPTS,
    )
    queued: dict[str, list[int]] = {}
    later: list[tuple[int, dt.datetime]] = []
    monkeypatch.setattr(services, "_enqueue", lambda name, *ids: queued.setdefault(name, []).extend(ids))
    monkeypatch.setattr(services, "_enqueue_later", lambda name, runs: later.extend(runs))
    services.resume()
    assert queued["read_page"] == [killed.pk]  # not the read one, not the one still held
    # The one still held gets a try once its lease runs out (its worker may be dead).
    assert [pk for pk, _when in later] == [held.pk] and later[0][1] > timezone.now()
    worn.refresh_from_db()
    assert worn.state == PageState.FAILED
    assert done.pk not in queued["read_page"] and held.pk not in queued["read_page"]


def test_the_review_queue_puts_the_least_sure_pages_first(
    archivist, tree, django_capture_on_commit_callbacks
):
    batch, _callbacks = _batch(archivist, tree, [("a.png", b"x")], django_capture_on_commit_callbacks)
    record = batch.files.get()
    sure = ScanPage.objects.create(
        file=record, organization=tree.city, number=1, state=PageState.DONE, confidence=95
    )
    unsure = ScanPage.objects.create(
        file=record, organization=tree.city, number=2, state=PageState.DONE, confidence=41
    )
    failed = ScanPage.objects.create(file=record, organization=tree.city, number=3, state=PageState.FAILED)
    assert list(selectors.review_queue(archivist)) == [failed, unsure, sure]


# Committing for real (a test transaction would be the one seen); the kinds of
# organization a migration wrote are put back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_file_is_converted_outside_any_transaction(archivist, tree, scan_png, monkeypatch):
    """On SQLite a transaction holds the database's only write lock: a long TIFF
    converted inside one made the other workers give up waiting ("database is locked")."""
    from django.db import connection

    from vanphong.scans import pipeline

    seen = []

    def watched(step):
        def run(*args, **kwargs):
            seen.append((step.__name__, connection.in_atomic_block))
            return step(*args, **kwargs)

        return run

    monkeypatch.setattr(pipeline, "to_pdf", watched(pipeline.to_pdf))
    monkeypatch.setattr(pipeline, "split_pages", watched(pipeline.split_pages))
    batch = services.batch_create(
        actor=archivist, organization=tree.city, title="Hộp 13", uploads=[("trang.png", io.BytesIO(scan_png))]
    )
    record = batch.files.get()
    services.file_receive(file_id=record.pk)
    assert seen == [("to_pdf", False), ("split_pages", False)]
    record.refresh_from_db()
    assert (record.state, record.page_count) == (FileState.SPLIT, 1)
