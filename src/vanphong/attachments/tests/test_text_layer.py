"""The text layer of an attached PDF: read by the worker into a text file beside the
original (which is never altered), and the document found by that text, accents
optional, on either database."""

from __future__ import annotations

import hashlib

import pytest
from django_tasks_db.models import DBTaskResult
from weasyprint import HTML

from vanphong.attachments import services
from vanphong.attachments.models import Attachment, FileRole
from vanphong.attachments.tasks import extract_text
from vanphong.attachments.tests.conftest import pdf_bytes, stored_files, upload
from vanphong.core.models import AuditEvent
from vanphong.registry.selectors import IncomingFilters, incoming_list

BODY = "Nghị quyết về chuyển đổi số trong các cơ quan Đảng của tỉnh Quảng Ngãi"


def text_pdf(text: str = BODY) -> bytes:
    return HTML(string=f"<html lang='vi'><body><p>{text}</p><p>Trang hai.</p></body></html>").write_pdf()


def _found(clerk, text: str) -> list[int]:
    return [d.pk for d in incoming_list(clerk, IncomingFilters(query=text))]


def test_the_text_of_a_pdf_makes_the_document_findable(
    document, clerk, media, django_capture_on_commit_callbacks
):
    data = text_pdf()
    assert _found(clerk, "quang ngai") == []
    with django_capture_on_commit_callbacks(execute=True):
        original = services.attachment_add(actor=clerk, document=document, upload=upload(data))
    # The upload only queues the reading, for the worker.
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == (
        "vanphong.attachments.tasks.extract_text",
        [original.pk],
    )
    assert not Attachment.objects.filter(derived_from=original).exists()
    assert extract_text.call(original.pk) == {"attachment": original.pk, "text": original.derived.get().pk}
    text = Attachment.objects.get(derived_from=original)
    assert (text.role, text.content_type, text.original_name) == (
        FileRole.DERIVED,
        "text/plain",
        "công văn số 12.txt",
    )
    with text.file.open("rb") as stream:
        content = stream.read()
    assert "chuyển đổi số" in content.decode() and text.sha256 == hashlib.sha256(content).hexdigest()
    # The original is stored as received, byte for byte.
    with original.file.open("rb") as stream:
        assert stream.read() == data
    assert len(stored_files(media)) == 2
    for query in ("quang ngai", "Quảng Ngãi", "CHUYEN DOI SO co quan dang"):
        assert _found(clerk, query) == [document.pk], query
    # Still found by its own columns.
    assert _found(clerk, "dai hoi chi bo") == [document.pk]
    event = AuditEvent.objects.filter(action="attachment.text_extracted").get()
    assert (event.actor, event.target_id, event.after["text"]) == (None, str(document.pk), text.pk)


def test_reading_again_makes_nothing_new(document, clerk):
    original = services.attachment_add(actor=clerk, document=document, upload=upload(text_pdf()))
    first = services.text_layer_extract(attachment=original)
    assert first is not None
    assert services.text_layer_extract(attachment=original) == first
    assert Attachment.objects.filter(role=FileRole.DERIVED).count() == 1
    assert AuditEvent.objects.filter(action="attachment.text_extracted").count() == 1


@pytest.mark.parametrize("data", [pdf_bytes(2)], ids=["scan without text"])
def test_a_pdf_without_text_gives_no_text_file(document, clerk, data):
    original = services.attachment_add(actor=clerk, document=document, upload=upload(data))
    assert services.text_layer_extract(attachment=original) is None
    assert not Attachment.objects.filter(role=FileRole.DERIVED).exists()


def test_the_texts_of_several_files_are_all_searched(document, clerk):
    first = services.attachment_add(actor=clerk, document=document, upload=upload(text_pdf(), "a.pdf"))
    second = services.attachment_add(
        actor=clerk, document=document, upload=upload(text_pdf("Phụ lục danh sách Đảng bộ Sơn Tịnh"), "b.pdf")
    )
    services.text_layer_extract(attachment=first)
    services.text_layer_extract(attachment=second)
    assert _found(clerk, "quang ngai") == _found(clerk, "son tinh") == [document.pk]
