# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""Defects found by the demo's user test as the archivist, each with the test that
shows it fixed."""

from __future__ import annotations

import io

from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from vanphong.core.models import AuditEvent
from vanphong.core.tests.conftest import clerk, outsider, tree  # noqa: F401
from vanphong.registry import search
from vanphong.scans import pipeline, selectors, services
from vanphong.scans.models import FileState, PageState, ScanBatch, ScanFile, ScanPage
from vanphong.scans.tests import samples
from vanphong.scans.tests.test_services import archivist  # noqa: F401


def test_an_empty_file_does_not_stop_the_upload_the_pipeline_refuses_it_alone(
    client, archivist, tree, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("batch_list"),
            {
                "organization": tree.city.pk,
                "scans": [
                    SimpleUploadedFile("trang-1.pdf", b"%PDF-1.4 a"),
                    SimpleUploadedFile("rong.pdf", b""),
                ],
            },
        )
    batch = ScanBatch.objects.get()
    assert response.status_code == 302
    empty = batch.files.get(original_name="rong.pdf")
    services.file_receive(file_id=empty.pk)
    empty.refresh_from_db()
    assert empty.state == FileState.REFUSED
    # The pipeline's own message, naming the file.
    (tmp := tmp_path / "rong.pdf").write_bytes(b"")
    try:
        pipeline.inspect(tmp)
    except pipeline.ScanRefused as refused:
        assert refused.code == pipeline.Refusal.EMPTY
        assert empty.message == refused.message and "rong.pdf" in empty.message
    assert batch.files.get(original_name="trang-1.pdf").state == FileState.RECEIVED


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=3)
def test_too_many_files_at_once_answer_with_the_form_and_a_message(archivist, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(archivist)
    page = client.get(reverse("batch_list"))
    assert "3" in str(page.context["form"]["scans"].help_text)
    token = page.cookies["csrftoken"].value
    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4 x") for n in range(4)]
    response = client.post(
        reverse("batch_list"),
        {"organization": tree.city.pk, "scans": files, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert 'id="upload-form"' in response.content.decode()
    (error,) = response.context["form"].errors["scans"]
    assert "3" in error
    assert not ScanBatch.objects.exists()
    # Within the limit the upload goes through, and the CSRF check still applies.
    response = client.post(
        reverse("batch_list"),
        {"organization": tree.city.pk, "scans": files[:3], "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and ScanFile.objects.count() == 3
    response = client.post(reverse("batch_list"), {"organization": tree.city.pk, "scans": files[:1]})
    assert response.status_code == 403


def test_the_settings_take_a_box_of_scans_in_one_upload():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES >= 1000
    assert pipeline.MAX_PAGES  # the pipeline's own limits are unchanged


def _read_page(record, number, text, confidence=None, state=PageState.DONE):
    return ScanPage.objects.create(
        file=record,
        organization=record.organization,
        number=number,
        state=state,
        text=text,
        confidence=confidence,
        search_terms=search.terms(text),
    )


def _uploaded(client, archivist, tree, django_capture_on_commit_callbacks, name="hop-12.pdf"):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"), {"organization": tree.city.pk, "scans": [SimpleUploadedFile(name, b"x")]}
        )
    record = ScanFile.objects.get(original_name=name)
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.DONE, page_count=3)
    return record


def test_the_review_queue_puts_pages_without_text_first_and_a_check_takes_a_page_out(
    client, archivist, tree, django_capture_on_commit_callbacks, tmp_path
):
    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks)
    unsure = _read_page(record, 1, "Bien ban hop chi bo thang nam", confidence=48)
    sure = _read_page(record, 2, "Nghị quyết của Đảng bộ", confidence=93)
    blank = _read_page(record, 3, "", confidence=None)
    failed = _read_page(record, 4, "", state=PageState.FAILED)
    assert list(selectors.review_queue(archivist)) == [blank, failed, unsure, sure]
    # The page's image beside its text, and the action.
    page = client.get(reverse("scans_review")).content.decode()
    assert reverse("scan_page_image", args=[blank.pk]) in page
    assert f"{reverse('scan_file_pdf', args=[record.pk])}#page=3" in page
    assert reverse("scan_page_review", args=[unsure.pk]) in page
    # Checked with the text corrected: out of the queue, the search finds the new text only.
    response = client.post(
        reverse("scan_page_review", args=[unsure.pk]),
        {"text": "Biên bản họp chi bộ tháng năm", "next": reverse("scans_review")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("scans_review")
    unsure.refresh_from_db()
    assert unsure.reviewed_by == archivist and unsure.text == "Biên bản họp chi bộ tháng năm"
    assert unsure not in selectors.review_queue(archivist)
    assert [hit.page for hit in selectors.search_pages(archivist, "biên bản")] == [unsure]
    assert selectors.search_pages(archivist, "thang nam").count() == 1
    assert selectors.search_pages(archivist, "chi bo thang").count() == 1
    event = AuditEvent.objects.filter(action=services.AuditAction.PAGE_REVIEWED).get()
    assert event.before["text"] == "Bien ban hop chi bo thang nam"
    assert event.after["text"] == "Biên bản họp chi bộ tháng năm" and event.after["page"] == 1
    # Checked as it is: out of the queue, its text kept.
    client.post(reverse("scan_page_review", args=[blank.pk]))
    blank.refresh_from_db()
    assert blank.reviewed_by == archivist and blank.text == ""
    assert list(selectors.review_queue(archivist)) == [failed, sure]


def test_a_page_being_read_cannot_be_checked_and_outsiders_cannot_check(
    client, archivist, tree, outsider, django_capture_on_commit_callbacks
):
    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks)
    waiting = _read_page(record, 1, "", state=PageState.PENDING)
    client.post(reverse("scan_page_review", args=[waiting.pk]), {"text": "x"})
    waiting.refresh_from_db()
    assert waiting.reviewed_by is None and waiting.text == ""
    client.force_login(outsider)
    assert client.post(reverse("scan_page_review", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("scans_review")).status_code == 403


def test_the_page_image_is_the_scan_small(
    client, archivist, tree, django_capture_on_commit_callbacks, tmp_path
):
    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks)
    png = samples.write_png(tmp_path / "p.png", samples.render_page(samples.MINUTES, noise=0, specks=0))
    pipeline.to_pdf(png, tmp_path / "p.pdf")
    (single,) = pipeline.split_pages(tmp_path / "p.pdf", tmp_path / "pages")
    page = _read_page(record, 1, "x", confidence=40)
    with single.open("rb") as handle:
        page.source.save("page-0001.pdf", File(handle))
    response = client.get(reverse("scan_page_image", args=[page.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    assert max(image.size) <= 700 and image.height > image.width


def test_search_inside_scans_ranks_the_words_as_typed_first_counts_and_pages(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks, name="hop-7.pdf")
    ScanFile.objects.filter(pk=record.pk).update(title="Biên bản họp")
    exact = _read_page(record, 1, "Ủy ban kiểm tra: đảng viên chấp hành tốt quy chế.", 90)
    # Newer pages (higher ids), each only a folded match: other accents, words apart.
    _read_page(record, 2, "Dạng văn bản: viên chức đăng ký.", 90)
    for number in range(3, 25):
        _read_page(record, number, "Đặng Văn Viên đăng tin " + "chữ " * 40 + "đăng viên", 90)
    found = selectors.search_pages(archivist, "đảng viên")
    assert found.count() == 24
    assert found[0].page == exact
    response = client.get(reverse("batch_list"), {"q": "đảng viên"})
    body = response.content.decode()
    assert "hop-7.pdf" in body and 'id="hits-count"' in body and "24" in body
    hits = response.context["hits"]
    assert len(hits) == 20 and hits.paginator.num_pages == 2 and hits[0].page == exact
    # The second page keeps the query.
    assert "?q=%C4%91%E1%BA%A3ng+vi%C3%AAn&amp;page=2" in body
    second = client.get(reverse("batch_list"), {"q": "đảng viên", "page": 2}).context["hits"]
    assert len(second) == 4 and exact not in [hit.page for hit in second]
    # Last: the words apart.
    assert second[3].page.number == 2
    # A snippet starts and ends at a word.
    long_hit = hits[1]
    assert long_hit.page.number == 24  # the words side by side, other accents, newest first
    assert long_hit.before.startswith("…chữ ") and long_hit.match == "đăng viên"


def test_a_page_of_hits_costs_the_same_queries_however_many_hits(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vanphong.archive import services as archive_services

    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks)
    fonds = archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    dossier = archive_services.dossier_create(actor=archivist, fonds=fonds, title="Hồ sơ 1998")
    archive_services.dossier_file(actor=archivist, dossier=dossier, scan_id=record.pk, title="x", sheets=3)
    _read_page(record, 1, "Nghị quyết đại hội", 90)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            found = selectors.search_pages(archivist, "nghi quyet")
            assert found is not None
            hits = list(found[0:20])
            shown = [
                (h.page.file.original_name, h.page.file.batch.title, h.page.dossier_number) for h in hits
            ]
            assert len(shown) == len(hits)
        return len(captured)

    one = queries()
    for number in range(2, 15):
        _read_page(record, number, "Nghị quyết số " + str(number), 90)
    assert queries() == one
    hit = selectors.search_pages(archivist, "nghi quyet")[0]
    assert (hit.page.dossier_id, hit.page.dossier_number) == (dossier.pk, dossier.number)


def test_a_batchs_history_names_its_keys_and_states(
    client, archivist, tree, django_capture_on_commit_callbacks, tmp_path
):
    from django.utils.translation import override

    from vanphong.core.templatetags.office import audit_changes

    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("rong.pdf", b"")]},
        )
    record = ScanFile.objects.get()
    services.file_receive(file_id=record.pk)
    with transaction.atomic():
        from vanphong.core import audit

        audit.record(
            actor=None,
            action=services.AuditAction.FILE_DONE,
            target=record.batch,
            after={"file": "a.pdf", "pages": 2, "failed": 0, "state": FileState.DONE},
            organization=tree.city,
        )
    with override("en"):
        refused = {
            label: new
            for label, _old, new in audit_changes(
                AuditEvent.objects.get(action=services.AuditAction.FILE_REFUSED)
            )
        }
        done = {
            label: new
            for label, _old, new in audit_changes(
                AuditEvent.objects.get(action=services.AuditAction.FILE_DONE)
            )
        }
    assert set(refused) == {"File", "Reason refused"} and refused["File"] == "rong.pdf"
    assert set(done) == {"File", "Pages read", "Pages that could not be read", "State"}
    assert done["State"] == "Done"
    # The files' table says how many pages each has, not "pagination".
    body = client.get(reverse("batch_detail", args=[record.batch.pk])).content.decode()
    with override("vi"):
        from django.utils.translation import gettext, pgettext

        assert pgettext("number of pages", "Pages") in body
        assert gettext("Pages") not in body  # Phân trang: the pagination's word


def test_import_scans_names_refusals_duplicates_and_skipped_files_and_knows_its_pages(
    archivist, tree, tmp_path, capsys, monkeypatch
):
    from django.core.management import call_command

    from vanphong.archive import services as archive_services

    archive_services.fonds_create(actor=archivist, organization=tree.city, number="01")
    inbox = tmp_path / "hop-12"
    inbox.mkdir()
    image = samples.render_page(samples.MINUTES, noise=0, specks=0)
    samples.write_tiff(inbox / "hai-trang.tif", [image, image])
    (inbox / "rong.pdf").write_bytes(b"")
    (inbox / "ghi-chu.docx").write_bytes(b"PK")
    (inbox / ".DS_Store").write_bytes(b"x")
    samples.write_tiff(inbox / "ban-sao.tif", [image, image])  # the same bytes as hai-trang.tif
    bars: list[str] = []

    def run_without_ocr(*, batch_id, on_page=None):
        # The pages are not read here (OCR is tested elsewhere): the bar's first total matters.
        from vanphong.scans.models import ScanPage

        for record in ScanFile.objects.filter(batch_id=batch_id, state=FileState.RECEIVED):
            services.file_receive(file_id=record.pk)
        ScanPage.objects.filter(file__batch_id=batch_id).update(state=PageState.DONE, text="x")
        ScanFile.objects.filter(batch_id=batch_id, state=FileState.SPLIT).update(state=FileState.DONE)
        bars.append(capsys.readouterr().out)

    monkeypatch.setattr(services, "batch_run_here", run_without_ocr)
    call_command("import-scans", str(inbox), "--fonds", "01", "--process")
    out = bars[0] + capsys.readouterr().out
    # Skipped for their extension, named (OS litter silently).
    assert "ghi-chu.docx" in out and ".DS_Store" not in out
    # The bar starts with the pages the files will give, not 0/0.
    assert "3 tệp, 4 trang" in out and "0/4 trang" in bars[0] and "0/0 trang" not in out
    assert "2 trang đã đọc" in out
    # The refusal with its reason, the copy counted apart.
    empty = ScanFile.objects.get(original_name="rong.pdf")
    assert empty.state == FileState.REFUSED and f"✗ {empty.message}" in out
    assert "1 tệp bị từ chối, 1 tệp đã có, bỏ qua" in out
    assert "= hai-trang.tif: " in out  # sorted by name, ban-sao.tif came first


def test_a_pdf_with_restrictions_only_is_read_one_with_a_password_refused(tmp_path):
    source = tmp_path / "source.pdf"
    samples.write_born_digital_pdf(source, ["Biên bản họp chi bộ."])
    owner = samples.write_encrypted_pdf(tmp_path / "owner.pdf", source, user_password="")
    assert pipeline.inspect(owner).kind == "pdf"
    assert pipeline.to_pdf(owner, tmp_path / "normalized.pdf") == 1
    (page,) = pipeline.split_pages(tmp_path / "normalized.pdf", tmp_path / "pages")
    import pikepdf

    with pikepdf.open(tmp_path / "normalized.pdf") as pdf:
        assert not pdf.is_encrypted
    result = pipeline.ocr_page(page, tmp_path / "read.pdf")
    assert "Biên bản họp chi bộ" in result.text
    locked = samples.write_encrypted_pdf(tmp_path / "locked.pdf", source)
    try:
        pipeline.inspect(locked)
    except pipeline.ScanRefused as refused:
        assert refused.code == pipeline.Refusal.ENCRYPTED
    else:
        raise AssertionError("a PDF that asks for a password was accepted")


def test_a_zip_inside_a_zip_is_refused_alone_and_the_rest_read(
    archivist, tree, tmp_path, django_capture_on_commit_callbacks
):
    png = samples.write_png(tmp_path / "a.png", samples.render_page(samples.MINUTES, noise=0, specks=0))
    inner = samples.zip_of(tmp_path / "inner.zip", {"b.png": png.read_bytes()})
    outer = samples.zip_of(
        tmp_path / "hop.zip",
        {"a.png": png.read_bytes(), "con/inner.zip": inner.read_bytes(), "trick.png": inner.read_bytes()},
    )
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.batch_create(
            actor=archivist, organization=tree.city, title="Hộp", uploads=[("hop.zip", outer.open("rb"))]
        )
        services.file_receive(file_id=batch.files.get().pk)
    files = {f.original_name: f for f in batch.files.all()}
    assert files["hop.zip"].state == FileState.DONE
    assert files["a.png"].state == FileState.RECEIVED
    for name in ("inner.zip", "trick.png"):
        assert files[name].state == FileState.REFUSED, name
        assert "hop.zip" in files[name].message and name in files[name].message
    assert AuditEvent.objects.filter(action=services.AuditAction.FILE_REFUSED).count() == 2


def test_a_batch_with_every_file_refused_shows_as_refused_not_done(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    client.force_login(archivist)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("batch_list"),
            {"organization": tree.city.pk, "scans": [SimpleUploadedFile("rong.pdf", b"")]},
        )
    batch = ScanBatch.objects.get()
    services.file_receive(file_id=batch.files.get().pk)
    assert selectors.progress(batch).nothing_read
    body = client.get(reverse("batch_list")).content.decode()
    assert "0/0" not in body and "✓" not in body
    assert 'id="nothing-read"' in client.get(reverse("batch_detail", args=[batch.pk])).content.decode()


def test_a_page_held_by_a_stopped_worker_says_when_it_will_be_read_again(
    client, archivist, tree, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    record = _uploaded(client, archivist, tree, django_capture_on_commit_callbacks)
    ScanFile.objects.filter(pk=record.pk).update(state=FileState.SPLIT)
    claimed = timezone.now() - dt.timedelta(minutes=6)
    _read_page(record, 1, "", state=PageState.RUNNING)
    ScanPage.objects.filter(file=record).update(claimed_at=claimed)
    busy = _read_page(record, 2, "", state=PageState.RUNNING)
    ScanPage.objects.filter(pk=busy.pk).update(claimed_at=timezone.now())
    progress = selectors.progress(record.batch)
    assert progress.pages_held == 1 and progress.retry_at == claimed + services.LEASE
    part = client.get(
        reverse("batch_detail", args=[record.batch.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="held"' in part
    assert timezone.localtime(progress.retry_at).strftime("%H:%M") in part
