# ruff: noqa: F811  (pytest fixtures imported from core, used as arguments)
"""Defects found by the demo's user test as the archivist, each with the test that
shows it fixed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from vanphong.core.tests.conftest import clerk, outsider, tree  # noqa: F401
from vanphong.scans import pipeline, services
from vanphong.scans.models import FileState, ScanBatch, ScanFile
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
