import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from vanphong.attachments import services
from vanphong.attachments.models import Attachment
from vanphong.attachments.tests.conftest import office_bytes, pdf_bytes, png_bytes, stored_files, upload
from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import persona


def _refusal(error: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    [problem] = error.value.error_dict["file"]
    return str(problem.code), problem.messages[0]


def _assert_nothing_stored(media, document) -> None:
    assert stored_files(media) == []
    assert not Attachment.objects.filter(document=document).exists()
    assert not AuditEvent.objects.filter(action=services.AuditAction.ATTACHMENT_ADDED).exists()


def test_the_clerk_attaches_a_pdf_with_one_audit_event(media, clerk, document):
    data = pdf_bytes(pages=3)
    attachment = services.attachment_add(actor=clerk, document=document, upload=upload(data))

    assert attachment.content_type == "application/pdf" and attachment.page_count == 3
    assert attachment.size == len(data) and attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_name == "công văn số 12.pdf" and attachment.uploaded_by == clerk
    # Stored under a random name, never the user's, and byte for byte as received.
    [path] = stored_files(media)
    assert "công" not in attachment.file.name and attachment.file.name.startswith("attachments/")
    assert path.suffix == ".pdf" and path.read_bytes() == data
    [event] = AuditEvent.objects.filter(action="attachment.added")
    assert event.target_type == "registry.incomingdocument" and event.target_id == str(document.pk)
    assert event.after["name"] == "công văn số 12.pdf" and event.after["sha256"] == attachment.sha256
    assert event.after["size"] == len(data) and event.after["content_type"] == "application/pdf"


def test_a_png_is_accepted_whatever_its_name(media, clerk, document):
    attachment = services.attachment_add(
        actor=clerk, document=document, upload=upload(png_bytes(), "scan.pdf")
    )
    assert attachment.content_type == "image/png" and attachment.page_count is None
    assert stored_files(media)[0].suffix == ".png"


@pytest.mark.parametrize(
    ("part", "mime"),
    [
        ("wordprocessingml.document.main+xml", services.DOCX),
        ("spreadsheetml.sheet.main+xml", services.XLSX),
    ],
)
def test_office_documents_are_told_apart_by_their_manifest(media, clerk, document, part, mime):
    attachment = services.attachment_add(
        actor=clerk, document=document, upload=upload(office_bytes(part), "a.zip")
    )
    assert attachment.content_type == mime


def test_an_open_document_text_is_accepted(media, clerk, document):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", services.ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    attachment = services.attachment_add(
        actor=clerk, document=document, upload=upload(out.getvalue(), "a.odt")
    )
    assert attachment.content_type == services.ODT


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"Day la van ban, khong phai PDF.\n" * 20, "type", "kiểu tệp không nhận biết được"),
        (b"GIF89a" + b"\x00" * 64, "type", "GIF (image/gif)"),
        (office_bytes("presentationml.presentation.main+xml"), "type", "PowerPoint"),
        (b"PK\x03\x04" + b"\x00" * 100, "corrupt", "Tệp bị hỏng"),
        (b"", "empty", "Tệp rỗng"),
        (pdf_bytes()[:300], "corrupt", "bị hỏng hoặc không đầy đủ"),
        (b"%PDF-1.7\n" + b"rac" * 200, "corrupt", "bị hỏng hoặc không đầy đủ"),
        (pdf_bytes(password="matkhau"), "encrypted", "gỡ mật khẩu"),
    ],
    ids=[
        "text-named-pdf",
        "gif",
        "pptx",
        "broken-zip",
        "empty",
        "truncated-pdf",
        "garbage-pdf",
        "encrypted-pdf",
    ],
)
def test_a_file_the_office_does_not_accept_is_refused_and_nothing_stored(
    media, clerk, document, data, code, words
):
    with pytest.raises(ValidationError) as error:
        services.attachment_add(actor=clerk, document=document, upload=upload(data))
    found_code, message = _refusal(error)
    assert found_code == code and words in message
    _assert_nothing_stored(media, document)


def test_an_oversized_file_is_refused(media, settings, clerk, document):
    settings.VANPHONG_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as error:
        services.attachment_add(
            actor=clerk, document=document, upload=upload(png_bytes() + b"\x00" * (1 << 20))
        )
    assert _refusal(error)[0] == "too_large"
    _assert_nothing_stored(media, document)


def test_a_classified_document_accepts_no_file(media, clerk, classified):
    with pytest.raises(ValidationError) as error:
        services.attachment_add(actor=clerk, document=classified, upload=upload(pdf_bytes()))
    code, message = _refusal(error)
    assert code == "classified" and "chỉ vào sổ thông tin" in message and "cơ yếu" in message
    _assert_nothing_stored(media, classified)


def test_the_same_file_twice_is_refused_naming_the_first(media, clerk, document):
    data = pdf_bytes()
    first = services.attachment_add(actor=clerk, document=document, upload=upload(data, "lan 1.pdf"))
    with pytest.raises(ValidationError) as error:
        services.attachment_add(actor=clerk, document=document, upload=upload(data, "lan 2.pdf"))
    [problem] = error.value.error_dict["file"]
    assert (
        problem.code == "duplicate"
        and problem.params == {"pk": first.pk}
        and "lan 1.pdf" in problem.messages[0]
    )
    assert len(stored_files(media)) == 1 and Attachment.objects.count() == 1
    assert AuditEvent.objects.filter(action="attachment.added").count() == 1


def test_the_same_file_may_go_with_another_document(media, tree, clerk, document):
    from vanphong.attachments.tests.conftest import register_document

    other = register_document(tree, clerk, symbol="13-CV/BTCTW")
    data = pdf_bytes()
    services.attachment_add(actor=clerk, document=document, upload=upload(data))
    services.attachment_add(actor=clerk, document=other, upload=upload(data))
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize("who", ["secretary", "member", "outsider", "specialist"])
def test_only_the_office_that_registers_may_attach(request, media, tree, document, who):
    actor = (
        persona(tree, Role.SPECIALIST, Secrecy.SECRET)
        if who == "specialist"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=actor, document=document, upload=upload(pdf_bytes()))
    _assert_nothing_stored(media, document)


def test_the_stored_file_is_deleted_when_the_transaction_rolls_back(media, monkeypatch, clerk, document):
    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.attachment_add(actor=clerk, document=document, upload=upload(pdf_bytes()))
    assert stored_files(media) == [] and not Attachment.objects.exists()
