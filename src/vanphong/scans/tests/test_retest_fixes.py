# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""Defects found when issue 6 was tested again on the demo, each with the test that
shows it fixed."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vanphong.core.models import AuditEvent
from vanphong.core.tests.conftest import clerk, outsider, tree  # noqa: F401
from vanphong.scans import selectors, services
from vanphong.scans.models import FileState, PageState, ScanFile, ScanPage
from vanphong.scans.tests import samples
from vanphong.scans.tests.test_services import archivist  # noqa: F401


def _vi(message: str, plural: str | None = None, n: int = 1) -> str:
    """A message as the pages say it, in Vietnamese (the office's language)."""
    with translation.override("vi"):
        if plural is None:
            return translation.gettext(message)
        return translation.ngettext(message, plural, n) % {"n": n}


@pytest.fixture(scope="module")
def small_png(tmp_path_factory) -> bytes:
    image = samples.render_page(samples.MINUTES, noise=0, specks=0).resize((400, 560))
    return samples.write_png(tmp_path_factory.mktemp("png") / "a.png", image).read_bytes()


def _received(archivist, tree, files, django_capture_on_commit_callbacks):
    """A batch received and cut, its pages taken as read (OCR is tested elsewhere)."""
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.batch_create(
            actor=archivist,
            organization=tree.city,
            title="Hộp 12",
            uploads=[(name, io.BytesIO(data)) for name, data in files],
        )
        for record in batch.files.order_by("pk"):
            services.file_receive(file_id=record.pk)
    ScanPage.objects.filter(file__batch=batch).update(state=PageState.DONE, text="x")
    ScanFile.objects.filter(batch=batch, state=FileState.SPLIT).update(state=FileState.DONE)
    return batch


def test_duplicates_are_counted_apart_from_refusals(
    archivist, tree, small_png, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(archivist)
    folder = [("trang.png", small_png), ("rong.pdf", b""), ("ban-sao.png", small_png)]
    first = _received(archivist, tree, folder, django_capture_on_commit_callbacks)
    progress = selectors.progress(first)
    assert progress.finished and progress.files_refused == 1 and progress.files_duplicate == 1
    assert not progress.nothing_read and not progress.nothing_new
    kept = first.files.get(original_name="trang.png")
    body = client.get(reverse("batch_detail", args=[first.pk])).content.decode()
    assert 'id="duplicates"' in body
    assert reverse("scan_file_detail", args=[kept.pk]) in body  # the earlier file, linked

    # The same folder again: nothing new, which is no refusal.
    again = _received(archivist, tree, folder, django_capture_on_commit_callbacks)
    progress = selectors.progress(again)
    assert progress.files_refused == 1 and progress.files_duplicate == 2
    assert progress.finished and progress.nothing_new and not progress.nothing_read
    detail = client.get(reverse("batch_detail", args=[again.pk])).content.decode()
    assert 'id="nothing-read"' not in detail and 'id="nothing-new"' in detail
    # Each copy has its own event, not the refusal's.
    assert AuditEvent.objects.filter(action=services.AuditAction.FILE_DUPLICATE).count() == 3
    assert AuditEvent.objects.filter(action=services.AuditAction.FILE_REFUSED).count() == 2

    # Every file a copy: not badged refused in the list.
    only_copies = _received(archivist, tree, [("lan-3.png", small_png)], django_capture_on_commit_callbacks)
    assert selectors.progress(only_copies).nothing_new
    listing = client.get(reverse("batch_list")).content.decode()
    assert "text-bg-danger" not in listing


def test_the_batch_list_shows_the_files_refused_beside_the_pages(
    archivist, tree, small_png, django_capture_on_commit_callbacks
):
    from django.utils.translation import override

    client = Client()
    client.force_login(archivist)
    batch = _received(
        archivist,
        tree,
        [("trang.png", small_png), ("rong-1.pdf", b""), ("rong-2.pdf", b""), ("ban-sao.png", small_png)],
        django_capture_on_commit_callbacks,
    )
    with override("en"):
        listing = client.get(reverse("batch_list")).content.decode()
    row = listing[listing.index(reverse("batch_detail", args=[batch.pk])) :].split("</li>")[0]
    assert "1/1 " in row
    assert _vi("%(n)s file refused", "%(n)s files refused", 2) in row
    assert _vi("%(n)s already received", "%(n)s already received", 1) in row
    assert "✓" not in row  # finished, but not all well


def test_a_files_state_has_its_own_words_not_the_registers_column():
    """“Received” alone is the registry's column (Ngày đến): a file's state says what
    happened to it, in a context of its own."""
    from django.utils.translation import gettext, override

    with override("vi"):
        assert str(FileState.RECEIVED.label) != gettext("Received")
        assert str(FileState.DUPLICATE.label) != gettext("Duplicate")


def test_a_corrected_page_text_is_in_the_history_before_and_after(
    archivist, tree, small_png, django_capture_on_commit_callbacks
):
    from django.utils.translation import override

    from vanphong.core.templatetags.office import audit_changes

    batch = _received(archivist, tree, [("trang.png", small_png)], django_capture_on_commit_callbacks)
    page = ScanPage.objects.get(file__batch=batch)
    page.text = "Bien ban hop " + "x" * 600
    page.save(update_fields=["text"])
    services.page_review(actor=archivist, page=page, text="Biên bản họp chi bộ")
    event = AuditEvent.objects.get(action=services.AuditAction.PAGE_REVIEWED)
    with override("en"):
        rows = {label: (old, new) for label, old, new in audit_changes(event)}
    old, new = rows["Text of the page"]
    assert str(old).startswith("Bien ban hop xxx") and len(str(old)) <= 501 and str(old).endswith("…")
    assert str(new) == "Biên bản họp chi bộ"
    assert "Text corrected" in rows
    # Checked without a change: the history says no text changed.
    services.page_review(actor=archivist, page=page, text="Biên bản họp chi bộ")
    unchanged = AuditEvent.objects.filter(action=services.AuditAction.PAGE_REVIEWED).latest("pk")
    with override("en"):
        assert "Text of the page" not in {label for label, _old, _new in audit_changes(unchanged)}


def test_a_scan_is_filed_under_the_title_and_sheets_the_archivist_corrects(
    archivist, tree, small_png, django_capture_on_commit_callbacks
):
    from vanphong.archive import services as archive_services
    from vanphong.archive.models import DossierItem

    client = Client()
    client.force_login(archivist)
    batch = _received(archivist, tree, [("trang.png", small_png)], django_capture_on_commit_callbacks)
    record = batch.files.get()
    ScanFile.objects.filter(pk=record.pk).update(page_count=4, title="`Bien ban hop chi bo thang 5 nam 1998")
    fonds = archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    dossier = archive_services.dossier_create(actor=archivist, fonds=fonds, title="Hồ sơ chi bộ 1998")
    page = client.get(reverse("scan_file_detail", args=[record.pk]))
    form = page.context["form"]
    # Prefilled with the guess, without the stray backtick, and the page count.
    assert form["title"].value() == "Bien ban hop chi bo thang 5 nam 1998"
    assert form["sheets"].value() == 4
    # An empty title: said at the field, nothing filed, the input kept.
    refused = client.post(
        reverse("scan_file_to_dossier", args=[record.pk]), {"dossier": dossier.pk, "title": " ", "sheets": 2}
    )
    assert refused.status_code == 200 and refused.context["form"].errors["title"]
    assert refused.context["form"]["sheets"].value() == "2"
    assert not DossierItem.objects.exists()
    response = client.post(
        reverse("scan_file_to_dossier", args=[record.pk]),
        {"dossier": dossier.pk, "title": "BIÊN BẢN họp chi bộ tháng 5 năm 1998", "sheets": 2},
    )
    assert response["Location"] == reverse("dossier_detail", args=[dossier.pk])
    item = DossierItem.objects.get()
    assert (item.title, item.sheets) == ("BIÊN BẢN họp chi bộ tháng 5 năm 1998", 2)
    dossier.refresh_from_db()
    assert dossier.sheets == 2
    event = AuditEvent.objects.filter(action=archive_services.AuditAction.DOCUMENT_FILED).get()
    assert event.after["document"] == item.title and event.after["item_sheets"] == 2


def test_stray_punctuation_is_taken_off_the_start_of_a_guessed_title():
    from vanphong.scans.models import ScanPage as Page

    pages = [Page(number=1, text="ĐẢNG BỘ TỈNH\n`“ Biên bản họp chi bộ tháng 5 năm 1998\n")]
    assert services._first_line(pages) == "Biên bản họp chi bộ tháng 5 năm 1998"


def test_resuming_says_what_was_resumed(archivist, tree, small_png, django_capture_on_commit_callbacks):
    from django.utils.translation import override

    client = Client()
    client.force_login(archivist)
    with override("en"), django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("scans_resume"), follow=True)
        said = [str(m) for m in response.context["messages"]]
    assert said == [_vi("No unfinished page: nothing to resume.")]
    batch = _received(archivist, tree, [("trang.png", small_png)], django_capture_on_commit_callbacks)
    ScanPage.objects.filter(file__batch=batch).update(state=PageState.PENDING)
    ScanFile.objects.filter(batch=batch).update(state=FileState.SPLIT)
    with override("en"), django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("scans_resume"), follow=True)
        said = [str(m) for m in response.context["messages"]]
    assert said == [_vi("Resumed %(n)s unfinished page.", "Resumed %(n)s unfinished pages.", 1)]


def test_import_scans_records_the_person_it_imports_for(
    archivist, tree, clerk, tmp_path, small_png, django_capture_on_commit_callbacks
):
    from django.core.management import CommandError, call_command, load_command_class

    from vanphong.archive import services as archive_services
    from vanphong.scans.models import ScanBatch

    archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    (tmp_path / "trang.png").write_bytes(small_png)
    with django_capture_on_commit_callbacks(execute=False):
        call_command("import-scans", str(tmp_path), "--fonds", "01", "--by", archivist.username, "--no-wait")
    batch = ScanBatch.objects.get()
    assert batch.created_by == archivist
    event = AuditEvent.objects.get(action=services.AuditAction.BATCH_CREATED)
    assert event.actor_id == archivist.pk
    # Someone not allowed to scan for the fonds, or nobody: refused, nothing imported.
    for username in (clerk.username, "khong-co-ai"):
        with pytest.raises(CommandError) as refused:
            call_command("import-scans", str(tmp_path), "--fonds", "01", "--by", username, "--no-wait")
        assert username in str(refused.value)
    assert ScanBatch.objects.count() == 1
    # Its help says who is recorded without --by, in plain words.
    usage = load_command_class("vanphong.scans", "import-scans").create_parser("vanphong", "import-scans")
    text = " ".join(usage.format_help().split())
    assert "--by" in text and "hệ thống" in text and "Fonds.number" not in text
