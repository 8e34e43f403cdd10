# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""The digitization pages: uploading several files at once, the batch's progress as
htmx polls it, the search inside scans, and filing a read scan into a dossier."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanphong.archive import services as archive_services
from vanphong.archive.models import DossierItem
from vanphong.core.tests.conftest import clerk, outsider, tree  # noqa: F401
from vanphong.registry import search
from vanphong.scans.models import FileState, PageState, ScanBatch, ScanFile, ScanPage
from vanphong.scans.tests.test_services import archivist  # noqa: F401


def test_the_archivist_uploads_several_files_in_one_batch(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("batch_list"),
            {
                "organization": tree.city.pk,
                "title": "Hộp 12",
                "scans": [
                    SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"),
                    SimpleUploadedFile("b.png", b"\x89PNG b"),
                ],
            },
        )
    batch = ScanBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("batch_detail", args=[batch.pk])
    assert sorted(batch.files.values_list("original_name", flat=True)) == ["a.pdf", "b.png"]


def test_progress_polls_until_the_batch_is_finished(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("a.pdf", b"x")]},
        )
    batch = ScanBatch.objects.get()
    record = batch.files.get()
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.SPLIT, page_count=2)
    ScanPage.objects.create(file=record, organization=tree.city, number=1, state=PageState.DONE)
    page = ScanPage.objects.create(file=record, organization=tree.city, number=2)
    part = client.get(reverse("batch_detail", args=[batch.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in part and "50%" in part and "<html" not in part
    ScanPage.objects.filter(pk=page.pk).update(state=PageState.DONE)
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.DONE)
    part = client.get(reverse("batch_detail", args=[batch.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in part and "100%" in part


def test_outsiders_see_no_batch(client, archivist, tree, outsider, django_capture_on_commit_callbacks):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("a.pdf", b"x")]},
        )
    batch = ScanBatch.objects.get()
    client.force_login(outsider)
    assert client.get(reverse("batch_detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("batch_list")).status_code == 403


def test_a_read_scan_is_filed_into_an_open_dossier(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("a.pdf", b"x")]},
        )
    record = ScanFile.objects.get()
    ScanFile.objects.filter(pk=record.pk).update(
        state=FileState.DONE, page_count=3, title="Biên bản họp chi bộ"
    )
    fonds = archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    dossier = archive_services.dossier_create(actor=archivist, fonds=fonds, title="Hồ sơ chi bộ 1998")
    page = client.get(reverse("scan_file_detail", args=[record.pk])).content.decode()
    assert 'id="to-dossier"' in page
    response = client.post(
        reverse("scan_file_to_dossier", args=[record.pk]),
        {"dossier": dossier.pk, "title": "Biên bản họp chi bộ", "sheets": 3},
    )
    assert response["Location"] == reverse("dossier_detail", args=[dossier.pk])
    item = DossierItem.objects.get()
    assert (item.scan_id, item.sheets, item.title) == (record.pk, 3, "Biên bản họp chi bộ")


def test_a_word_searched_in_the_registers_is_found_inside_the_scans_too(
    client, archivist, tree, outsider, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("hop-12.pdf", b"x")]},
        )
    record = ScanFile.objects.get()
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.DONE, page_count=2, title="Hộp 12")
    text = "Đồng chí Bí thư quán triệt nghị quyết về công tác lưu trữ của Đảng bộ thành phố."
    ScanPage.objects.create(file=record, organization=tree.city, number=1, state=PageState.DONE, text="Bìa")
    ScanPage.objects.create(
        file=record,
        organization=tree.city,
        number=2,
        state=PageState.DONE,
        text=text,
        search_terms=search.terms(text),
    )
    for name in ("incoming_list", "outgoing_list"):
        page = client.get(reverse(name), {"q": "dang bo thanh pho"}).content.decode()
        assert 'id="scan-hits"' in page, name
        # The page found, its words as read, and the PDF opened at that page.
        assert f"{reverse('scan_file_pdf', args=[record.pk])}#page=2" in page
        assert "<mark>Đảng bộ thành phố</mark>" in page
        assert f"{reverse('scan_file_pdf', args=[record.pk])}#page=1" not in page
    # htmx asks for the results alone: the scans' pages come with them.
    part = client.get(reverse("incoming_list"), {"q": "Dang bo"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="scan-hits"' in part and "<html" not in part
    assert 'id="scan-hits"' not in client.get(reverse("incoming_list"), {"q": "hội nghị"}).content.decode()
    assert 'id="scan-hits"' not in client.get(reverse("incoming_list")).content.decode()
    # Somebody who may not see the archive's scans finds nothing of them.
    client.force_login(outsider)
    assert 'id="scan-hits"' not in client.get(reverse("incoming_list"), {"q": "dang bo"}).content.decode()
