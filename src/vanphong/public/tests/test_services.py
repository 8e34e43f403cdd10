from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from vanphong.core.models import AuditEvent
from vanphong.public import selectors, services
from vanphong.public.models import Announcement

from .conftest import png

pytestmark = pytest.mark.django_db


def test_the_site_is_the_committee_with_the_office_under_the_frame_of_the_tree(tree):
    # The tree's root (the Central Committee) has no office here; the city committee does.
    assert selectors.site_committee() == tree.city


def test_the_office_writes_and_publishes_each_step_audited_once(tree, specialist):
    before = AuditEvent.objects.count()
    item = services.announcement_create(
        actor=specialist, organization=tree.city, kind="news", title="  Hội nghị  ", body="Nội dung."
    )
    assert item.title == "Hội nghị" and not item.is_published
    services.announcement_update(
        actor=specialist, announcement=item, kind="news", title="Hội nghị BCH", body="Mới."
    )
    services.announcement_publish(actor=specialist, announcement=item)
    assert item.is_published
    assert list(selectors.published(tree.city)) == [item]
    services.announcement_withdraw(actor=specialist, announcement=item)
    assert list(selectors.published(tree.city)) == []
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert actions == [
        "public.announcement_created",
        "public.announcement_updated",
        "public.announcement_published",
        "public.announcement_withdrawn",
    ]


def test_others_may_not_write_the_site(tree, member, outsider, clerk):
    for person in (member, outsider, clerk):
        with pytest.raises(PermissionDenied):
            services.announcement_create(
                actor=person, organization=tree.city, kind="news", title="X", body="Y"
            )
    assert not Announcement.objects.exists()


def test_empty_title_and_body_refused_at_their_fields(tree, specialist):
    with pytest.raises(ValidationError) as caught:
        services.announcement_create(
            actor=specialist, organization=tree.city, kind="news", title=" ", body=""
        )
    assert set(caught.value.message_dict) == {"title", "body"}


def test_publishing_twice_is_refused(published, specialist):
    with pytest.raises(ValidationError):
        services.announcement_publish(actor=specialist, announcement=published)


def test_an_image_checked_by_its_content_and_size(published, specialist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = services.image_add(
        actor=specialist,
        announcement=published,
        upload=SimpleUploadedFile("anh.png", png(), content_type="image/png"),
        caption="Quang cảnh",
    )
    assert image.content_type == "image/png" and image.file.name.endswith(".png")
    assert AuditEvent.objects.filter(action="public.image_added").count() == 1
    # A script named .jpg, a PDF, a truncated picture, an oversized file: refused at the field.
    for name, data in [
        ("x.jpg", b"<script>alert(1)</script>"),
        ("x.png", b"%PDF-1.7\n" + b"0" * 100),
        ("x.png", png()[:60]),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.image_add(
                actor=specialist, announcement=published, upload=SimpleUploadedFile(name, data)
            )
        assert "image" in caught.value.message_dict
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (services.MAX_IMAGE_BYTES + 1))
    with pytest.raises(ValidationError) as caught:
        services.image_add(actor=specialist, announcement=published, upload=big)
    assert "image" in caught.value.message_dict
    assert published.images.count() == 1
    services.image_remove(actor=specialist, image=image)
    assert published.images.count() == 0
    assert AuditEvent.objects.filter(action="public.image_removed").count() == 1
