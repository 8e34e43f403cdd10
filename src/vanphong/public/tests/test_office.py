"""The office's page that writes the public site: written, published, an image added
and served publicly once published; others refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanphong.public.models import Announcement

from .conftest import png

pytestmark = pytest.mark.django_db


def test_the_office_writes_publishes_and_illustrates(client, tree, specialist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(specialist)
    assert client.get(reverse("public_office")).status_code == 200
    bad = client.post(reverse("public_office_create"), {"kind": "news", "title": "", "body": "Nội dung"})
    assert bad.status_code == 200 and 'id="id_title_error"' in bad.content.decode()
    response = client.post(
        reverse("public_office_create"), {"kind": "news", "title": "Hội nghị sơ kết", "body": "Nội dung."}
    )
    item = Announcement.objects.get()
    assert response["Location"] == reverse("public_office_edit", args=[item.pk])
    refused = client.post(
        reverse("public_office_image_add", args=[item.pk]),
        {"image": SimpleUploadedFile("a.png", b"not an image"), "caption": ""},
    )
    assert refused.status_code == 400 and 'id="id_image_error"' in refused.content.decode()
    client.post(
        reverse("public_office_image_add", args=[item.pk]),
        {"image": SimpleUploadedFile("a.png", png()), "caption": "Quang cảnh hội nghị"},
    )
    picture = item.images.get()
    client.logout()
    # Not published yet: neither the page nor its image is public.
    assert client.get(f"/cong-khai/bai/{item.pk}/").status_code == 404
    assert client.get(f"/cong-khai/anh/{picture.pk}/").status_code == 404
    client.force_login(specialist)
    client.post(reverse("public_office_publish", args=[item.pk]))
    client.logout()
    page = client.get(f"/cong-khai/bai/{item.pk}/").content.decode()
    assert "Hội nghị sơ kết" in page and f"/cong-khai/anh/{picture.pk}/" in page
    image = client.get(f"/cong-khai/anh/{picture.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == png()


def test_others_are_refused(client, tree, member, clerk, published):
    for person in (member, clerk):
        client.force_login(person)
        assert client.get(reverse("public_office")).status_code == 403
        assert client.post(reverse("public_office_withdraw", args=[published.pk])).status_code == 403
    assert Announcement.objects.get().is_published
