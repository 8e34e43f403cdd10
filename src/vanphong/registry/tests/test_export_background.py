"""A register too long to lay out while its reader waits is made in the background
(`registry/tasks.py`): a page says it is being prepared and offers the file when it is
ready, to the person who asked and nobody else; a failure says so; past an upper
bound nothing is made at all.

The thresholds are lowered here so that a few documents stand for a year's register."""

import datetime as dt
import io
from pathlib import Path

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from vanphong.core import services as core_services
from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.registry import exports, tasks
from vanphong.registry.models import ExportStatus, RegisterExport
from vanphong.registry.services import AuditAction
from vanphong.registry.tests.test_exports import _pdf_text

TODAY = timezone.localdate()
YEAR = TODAY.year - 1
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
RANGE = {"received_from": START.strftime("%d/%m/%Y"), "received_to": END.strftime("%d/%m/%Y")}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test stores its files in a directory of its own."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def thresholds(monkeypatch):
    """More than 2 rows go to the background, laid out 2 rows at a time."""
    monkeypatch.setattr(exports, "PDF_SYNC_MAX_ROWS", 2)
    monkeypatch.setattr(exports, "PDF_CHUNK_ROWS", 2)


@pytest.fixture
def documents(incoming):
    """Five entries of last year's register, the last one classified."""
    days = [dt.date(YEAR, month, 10) for month in (1, 3, 5, 7)]
    entries = [
        incoming(received_on=day, document_date=day, symbol=f"{n}-CV/BTCTU", abstract=f"V/v việc số {n}")
        for n, day in enumerate(days, start=1)
    ]
    entries.append(
        incoming(
            received_on=dt.date(YEAR, 9, 1),
            document_date=dt.date(YEAR, 8, 30),
            symbol="9-CV/VPTW",
            abstract="V/v phương án bảo vệ nội bộ",
            secrecy=Secrecy.CONFIDENTIAL,
        )
    )
    return entries


def _stored(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _ask(client, person, django_capture_on_commit_callbacks, name="incoming_export_pdf", **query):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(reverse(name), {**RANGE, **query})


def test_a_long_pdf_is_prepared_in_the_background_for_its_requester_only(
    client, clerk, office_chief, documents, media, django_capture_on_commit_callbacks
):
    response = _ask(client, clerk, django_capture_on_commit_callbacks)
    export = RegisterExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("register_export_detail", args=[export.pk])
    # Queued for `vanphong worker`, not made yet: the page says so and asks again.
    assert export.status == ExportStatus.PENDING and export.rows == 5 and export.requested_by == clerk
    assert DBTaskResult.objects.get().task_path == "vanphong.registry.tasks.register_export_build"
    assert export.task_id == str(DBTaskResult.objects.get().id)
    page = client.get(response["Location"]).content.decode()
    assert gettext("The register is waiting for its turn…") in page
    assert (
        'hx-trigger="every 3s"' in page and reverse("register_export_download", args=[export.pk]) not in page
    )
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404

    tasks.register_export_build.call(export.pk)  # what the worker does, run here

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.secrecy == Secrecy.CONFIDENTIAL
    assert [path.name for path in _stored(media)] == [Path(export.file.name).name]
    assert "so-van-ban" not in export.file.name  # the stored name says nothing of its content
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in part and "<html" not in part  # the poll stops
    assert reverse("register_export_download", args=[export.pk]) in part
    assert gettext("The register is ready.") in part

    download = client.get(reverse("register_export_download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    filename = f"so-van-ban-den-{START.isoformat()}_{END.isoformat()}.pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert download["Cache-Control"] == "no-store"
    pdf = b"".join(download.streaming_content)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    # Laid out in three parts (2 + 2 rows of the register, 1 of the classified one),
    # then numbered as one document.
    assert len(pages) == 3 and all(round(p.mediabox.width) == 842 for p in pages)
    text = _pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        word = gettext("Page")
        assert all(f"{word} {n}/3" in flat for n in (1, 2, 3))
        assert all(f"{n}-CV/BTCTU" in flat for n in range(1, 5)) and "9-CV/VPTW" in flat

    # Another person who may read the same register never reaches this file.
    client.force_login(office_chief)
    assert client.get(reverse("register_export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404


def test_the_reads_of_classified_rows_are_audited_when_the_file_is_made(
    client, clerk, documents, django_capture_on_commit_callbacks
):
    _ask(client, clerk, django_capture_on_commit_callbacks)
    before = AuditEvent.objects.count()
    tasks.register_export_build.call(RegisterExport.objects.get().pk)
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == AuditAction.CLASSIFIED_READ and event.actor == clerk
    assert event.target_id == str(documents[-1].pk) and event.after == {"via": "export.pdf"}


def test_the_immediate_backend_has_it_ready_on_arrival(
    client, settings, clerk, documents, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    response = _ask(client, clerk, django_capture_on_commit_callbacks)
    export = RegisterExport.objects.get()
    assert export.status == ExportStatus.DONE and export.rows == 5
    page = client.get(response["Location"]).content.decode()
    assert reverse("register_export_download", args=[export.pk]) in page and "hx-trigger" not in page
    assert export.file.read().startswith(b"%PDF")


def test_a_small_pdf_is_still_made_while_one_waits(client, clerk, documents):
    client.force_login(clerk)
    response = client.get(
        reverse("incoming_export_pdf"), {"received_from": f"01/01/{YEAR}"} | {"received_to": f"31/03/{YEAR}"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not RegisterExport.objects.exists()


def test_a_failure_is_said_plainly_and_leaves_no_file(
    client, clerk, documents, media, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise MemoryError("the worker ran out of memory")

    monkeypatch.setattr(exports, "build_pdf", broken)
    _ask(client, clerk, django_capture_on_commit_callbacks)
    export = RegisterExport.objects.get()
    with pytest.raises(MemoryError):
        tasks.register_export_build.call(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "MemoryError" in export.error
    assert _stored(media) == []
    page = client.get(reverse("register_export_detail", args=[export.pk])).content.decode()
    assert (
        gettext("The register could not be prepared. Try again; if it fails again, tell the administrator.")
        in page
    )
    assert "MemoryError" not in page and "hx-trigger" not in page
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404
    # Run again (a retry), it does nothing: the export has ended.
    assert tasks.register_export_build.call(export.pk)["skipped"]


def test_a_failure_under_the_immediate_backend_shows_at_once(
    client, settings, clerk, documents, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(exports, "build_pdf", lambda *a, **k: 1 / 0)
    response = _ask(client, clerk, django_capture_on_commit_callbacks)
    assert RegisterExport.objects.get().status == ExportStatus.FAILED
    page = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in page and "ZeroDivisionError" not in page


@pytest.mark.parametrize("name", ["incoming_export_pdf", "incoming_export_xlsx"])
def test_beyond_the_upper_bound_nothing_is_made(client, clerk, documents, monkeypatch, name):
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 4)
    client.force_login(clerk)
    response = client.get(reverse(name), RANGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("incoming_list"))
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == gettext(
        "A printed register holds at most %(max)s documents (this period has %(rows)s): "
        "export a shorter period."
    ) % {"max": "4", "rows": "5"}
    assert not RegisterExport.objects.exists() and not DBTaskResult.objects.exists()


def test_a_second_click_while_it_is_prepared_asks_for_nothing_more(
    client, clerk, documents, django_capture_on_commit_callbacks
):
    first = _ask(client, clerk, django_capture_on_commit_callbacks)
    second = _ask(client, clerk, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"]
    assert RegisterExport.objects.count() == 1 and DBTaskResult.objects.count() == 1
    # Other filters are another register.
    _ask(client, clerk, django_capture_on_commit_callbacks, q="viec")
    assert RegisterExport.objects.count() == 2


def test_the_background_register_has_the_lists_filters(
    client, clerk, documents, django_capture_on_commit_callbacks
):
    """The task rebuilds the list's form from the address: only the ordinary register."""
    _ask(client, clerk, django_capture_on_commit_callbacks, q="viec so")
    export = RegisterExport.objects.get()
    assert export.rows == 4
    tasks.register_export_build.call(export.pk)
    export.refresh_from_db()
    assert export.rows == 4 and export.secrecy == Secrecy.NONE
    text = _pdf_text(export.file.read())
    if text is not None:
        assert "9-CV/VPTW" not in text and "4-CV/BTCTU" in " ".join(text.split())


def test_a_clearance_lowered_since_closes_the_file(
    client, tree, clerk, documents, django_capture_on_commit_callbacks
):
    _ask(client, clerk, django_capture_on_commit_callbacks)
    export = RegisterExport.objects.get()
    tasks.register_export_build.call(export.pk)
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 200
    core_services.person_set_clearance(actor=None, person=clerk, clearance=Secrecy.NONE)
    client.force_login(clerk)
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404


def test_files_are_kept_a_day_then_deleted(
    client, clerk, documents, media, django_capture_on_commit_callbacks
):
    _ask(client, clerk, django_capture_on_commit_callbacks)
    export = RegisterExport.objects.get()
    tasks.register_export_build.call(export.pk)
    export.refresh_from_db()
    assert len(_stored(media)) == 1
    assert exports.export_prune(now=export.finished_at + exports.EXPORT_KEEP - dt.timedelta(minutes=1)) == 0
    RegisterExport.objects.filter(pk=export.pk).update(
        requested_at=export.requested_at - exports.EXPORT_KEEP,
        finished_at=export.finished_at - exports.EXPORT_KEEP,
    )
    page = client.get(reverse("register_export_detail", args=[export.pk])).content.decode()
    assert gettext("This file is no longer kept: export the register again from the list.") in page
    assert client.get(reverse("register_export_download", args=[export.pk])).status_code == 404
    # The next export asked for takes the old one away, file and all.
    _ask(client, clerk, django_capture_on_commit_callbacks, q="viec")
    assert not RegisterExport.objects.filter(pk=export.pk).exists() and _stored(media) == []


def test_a_page_left_waiting_says_whom_to_tell(client, clerk, documents, django_capture_on_commit_callbacks):
    response = _ask(client, clerk, django_capture_on_commit_callbacks)
    warning = gettext(
        "Nothing has taken it up yet: the background worker may be stopped. Tell the administrator."
    )
    assert warning not in client.get(response["Location"]).content.decode()
    RegisterExport.objects.update(requested_at=timezone.now() - dt.timedelta(minutes=5))
    assert warning in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_makes_the_queued_register(client, tree):
    """The real path: the page queues the task in the database, `vanphong worker`
    takes it (it manages its own connections, hence a committing test)."""
    from vanphong.registry.models import DocumentType
    from vanphong.registry.services import incoming_register
    from vanphong.registry.tests.conftest import incoming_entry

    clerk = persona(tree, Role.CLERK, Secrecy.CONFIDENTIAL)
    kind = DocumentType.objects.get(code="cong-van")
    for n in range(1, 4):
        day = dt.date(YEAR, n, 5)
        incoming_register(
            **incoming_entry(tree, kind, received_on=day, document_date=day, symbol=f"{n}-CV/X")
        )
    client.force_login(clerk)
    response = client.get(reverse("incoming_export_pdf"), RANGE)
    export = RegisterExport.objects.get()
    assert export.status == ExportStatus.PENDING
    call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows == 3
    # The worker also ran the other apps' start hooks (the follow-up's daily reminders).
    assert DBTaskResult.objects.get(task_path__startswith="vanphong.registry.").status == "SUCCESSFUL"
    page = client.get(response["Location"]).content.decode()
    assert reverse("register_export_download", args=[export.pk]) in page
