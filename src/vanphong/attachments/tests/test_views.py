from urllib.parse import quote

import pytest
from django.urls import reverse

from vanphong.attachments import services
from vanphong.attachments.models import Attachment
from vanphong.attachments.tests.conftest import pdf_bytes, png_bytes, stored_files, upload
from vanphong.core.models import AuditEvent, Role, Secrecy
from vanphong.core.tests.factories import persona
from vanphong.registry.models import IncomingDocument


@pytest.fixture
def attached(clerk, document) -> Attachment:
    return services.attachment_add(
        actor=clerk, document=document, upload=upload(pdf_bytes(), "Công văn 12.pdf")
    )


def test_it_attaches_from_the_document_page(client, media, clerk, document):
    client.force_login(clerk)
    page = client.get(reverse("incoming_detail", args=[document.pk])).content.decode()
    add_url = reverse("attachment_add", args=[document.pk])
    assert 'id="attachment-form"' in page and add_url in page
    response = client.post(add_url, {"file": upload(pdf_bytes(pages=2), "Công văn 12.pdf")})
    assert response.status_code == 302
    assert response["Location"] == reverse("incoming_detail", args=[document.pk]) + "#attachments"
    attachment = Attachment.objects.get()
    page = client.get(reverse("incoming_detail", args=[document.pk])).content.decode()
    download = reverse("attachment_download", args=[attachment.pk])
    preview = page[page.index('id="attachment-preview"') :]
    assert preview.index(f'src="{download}"') < preview.index("</iframe>")
    assert (
        "Công văn 12.pdf" in page
        and attachment.sha256[:12] in page
        and ("2 trang" in page or "2 pages" in page)
    )
    assert len(stored_files(media)) == 1


def test_it_shows_the_refusal_on_the_field(client, media, clerk, document):
    client.force_login(clerk)
    response = client.post(
        reverse("attachment_add", args=[document.pk]), {"file": upload(b"chi la van ban " * 9)}
    )
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_it_links_to_the_file_already_attached(client, clerk, document, attached):
    client.force_login(clerk)
    response = client.post(
        reverse("attachment_add", args=[document.pk]), {"file": upload(pdf_bytes(), "lai.pdf")}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'id="duplicate-link"' in page
    assert reverse("attachment_download", args=[attached.pk]) in page


def test_it_refuses_a_file_on_a_classified_document_with_the_reason(client, media, clerk, classified):
    client.force_login(clerk)
    page = client.get(reverse("incoming_detail", args=[classified.pk])).content.decode()
    assert 'id="attachment-form"' not in page
    response = client.post(reverse("attachment_add", args=[classified.pk]), {"file": upload(pdf_bytes())})
    assert response.status_code == 400 and "cơ yếu" in response.content.decode()
    assert stored_files(media) == [] and not AuditEvent.objects.filter(action="attachment.added").exists()


def test_it_forbids_attaching_to_those_who_do_not_register(client, secretary, outsider, document):
    url = reverse("attachment_add", args=[document.pk])
    client.force_login(secretary)
    assert (
        'id="attachment-form"'
        not in client.get(reverse("incoming_detail", args=[document.pk])).content.decode()
    )
    assert client.post(url, {"file": upload(pdf_bytes())}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"file": upload(pdf_bytes())}).status_code == 404
    assert not Attachment.objects.exists()


def test_it_streams_a_pdf_inline_with_its_vietnamese_name(client, secretary, attached):
    client.force_login(secretary)
    response = client.get(reverse("attachment_download", args=[attached.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == attached.file.open("rb").read()
    assert response["Content-Disposition"] == f"inline; filename*=utf-8''{quote('Công văn 12.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "SAMEORIGIN"


def test_it_offers_an_office_file_as_a_download(client, clerk, document):
    from vanphong.attachments.tests.conftest import office_bytes

    attachment = services.attachment_add(
        actor=clerk,
        document=document,
        upload=upload(office_bytes("wordprocessingml.document.main+xml"), "bao cao.docx"),
    )
    client.force_login(clerk)
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_hides_the_file_from_outsiders(client, outsider, member, attached):
    url = reverse("attachment_download", args=[attached.pk])
    for person in (outsider, member):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(reverse("attachment_download", args=[attached.pk + 1000])).status_code in (302, 404)


def test_it_gives_a_file_of_a_document_classified_later_only_to_the_cleared(client, tree, clerk, attached):
    # A deployment declared an isolated LAN may hold classified files (DOMAIN.md §2).
    IncomingDocument.objects.filter(pk=attached.document_id).update(secrecy=Secrecy.CONFIDENTIAL)
    url = reverse("attachment_download", args=[attached.pk])
    client.force_login(persona(tree, Role.SPECIALIST, Secrecy.NONE))
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_it_lists_a_png_with_its_size(client, clerk, document):
    services.attachment_add(actor=clerk, document=document, upload=upload(png_bytes() * 30, "anh.png"))
    client.force_login(clerk)
    page = client.get(reverse("incoming_detail", args=[document.pk])).content.decode()
    assert "anh.png" in page and "PNG" in page and 'id="attachment-preview"' not in page
