"""Every change to what the public site shows, each with its audit row.

The committee's office (Action.DRAFT on the committee) writes announcements and news,
adds their images, publishes and withdraws them. Visits are not records: they are
counted in `visits`, never audited.
"""

from __future__ import annotations

import hashlib
import io
from enum import StrEnum

import filetype
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.public.models import Announcement, AnnouncementImage, AnnouncementKind


class AuditAction(StrEnum):
    ANNOUNCEMENT_CREATED = "public.announcement_created"
    ANNOUNCEMENT_UPDATED = "public.announcement_updated"
    ANNOUNCEMENT_PUBLISHED = "public.announcement_published"
    ANNOUNCEMENT_WITHDRAWN = "public.announcement_withdrawn"
    IMAGE_ADDED = "public.image_added"
    IMAGE_REMOVED = "public.image_removed"


AUDIT_LABELS = {
    AuditAction.ANNOUNCEMENT_CREATED: gettext_lazy("Public announcement written"),
    AuditAction.ANNOUNCEMENT_UPDATED: gettext_lazy("Public announcement edited"),
    AuditAction.ANNOUNCEMENT_PUBLISHED: gettext_lazy("Public announcement published"),
    AuditAction.ANNOUNCEMENT_WITHDRAWN: gettext_lazy("Public announcement withdrawn"),
    AuditAction.IMAGE_ADDED: gettext_lazy("Image added to a public announcement"),
    AuditAction.IMAGE_REMOVED: gettext_lazy("Image removed from a public announcement"),
}

AUDIT_TARGET_PAGES = {"public.announcement": "public_office_edit"}

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGES = 12
TITLE_LIMIT = 300
BODY_LIMIT = 50_000


def _refresh_site(announcement: Announcement) -> None:
    """The home page's list is cached a minute: drop it once the change is committed."""
    key = f"public:home:{announcement.organization_id}"
    transaction.on_commit(lambda: cache.delete(key))


def _check_office(actor: Person, organization: Organization) -> None:
    if not can(actor, Action.DRAFT, organization):
        raise PermissionDenied(_("Only the committee's office publishes on its public site."))


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())
    body = body.replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give a title.")
    elif len(title) > TITLE_LIMIT:
        errors["title"] = _("The title is too long.")
    if not body:
        errors["body"] = _("Write the text.")
    elif len(body) > BODY_LIMIT:
        errors["body"] = _("The text is too long.")
    if errors:
        raise ValidationError(errors)
    return title, body


def _snapshot(announcement: Announcement) -> dict[str, object]:
    return {
        "kind": announcement.kind,
        "title": announcement.title,
        "body": announcement.body,
        "published_at": announcement.published_at,
    }


def announcement_create(
    *, actor: Person, organization: Organization, kind: str, title: str, body: str
) -> Announcement:
    _check_office(actor, organization)
    title, body = _clean_text(title, body)
    if kind not in AnnouncementKind.values:
        raise ValidationError({"kind": _("Choose announcement or news.")})
    with transaction.atomic():
        announcement = Announcement.objects.create(
            organization=organization, kind=kind, title=title, body=body, created_by=actor
        )
        audit.record(
            actor=actor,
            action=AuditAction.ANNOUNCEMENT_CREATED,
            target=announcement,
            after=_snapshot(announcement),
        )
    return announcement


def announcement_update(
    *, actor: Person, announcement: Announcement, kind: str, title: str, body: str
) -> None:
    _check_office(actor, announcement.organization)
    title, body = _clean_text(title, body)
    if kind not in AnnouncementKind.values:
        raise ValidationError({"kind": _("Choose announcement or news.")})
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        before = _snapshot(locked)
        locked.kind, locked.title, locked.body = kind, title, body
        locked.save(update_fields=["kind", "title", "body", "updated_at"])
        _refresh_site(locked)
        audit.record(
            actor=actor,
            action=AuditAction.ANNOUNCEMENT_UPDATED,
            target=locked,
            before=before,
            after=_snapshot(locked),
        )
    announcement.refresh_from_db()


def announcement_publish(*, actor: Person, announcement: Announcement) -> None:
    """Show it on the public site, dated now (a republished text keeps its first date)."""
    _check_office(actor, announcement.organization)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.published_at is not None:
            raise ValidationError(_("It is already published."))
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
        _refresh_site(locked)
        audit.record(
            actor=actor,
            action=AuditAction.ANNOUNCEMENT_PUBLISHED,
            target=locked,
            after={"published_at": locked.published_at},
        )
    announcement.refresh_from_db()


def announcement_withdraw(*, actor: Person, announcement: Announcement) -> None:
    _check_office(actor, announcement.organization)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if locked.published_at is None:
            raise ValidationError(_("It is not published."))
        before = {"published_at": locked.published_at}
        locked.published_at = None
        locked.save(update_fields=["published_at", "updated_at"])
        _refresh_site(locked)
        audit.record(actor=actor, action=AuditAction.ANNOUNCEMENT_WITHDRAWN, target=locked, before=before)
    announcement.refresh_from_db()


def check_image(upload: UploadedFile) -> tuple[bytes, str, str]:
    """The image's bytes, content type and extension, or a field error: JPEG, PNG or
    WebP by their content (not their name), at most MAX_IMAGE_BYTES, and a picture
    Pillow can read whole and that is not a decompression bomb."""
    size = upload.size or 0
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                "image": _("The image is too large (at most %(limit)s).")
                % {"limit": filesizeformat(MAX_IMAGE_BYTES)}
            }
        )
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            {
                "image": _("The image is too large (at most %(limit)s).")
                % {"limit": filesizeformat(MAX_IMAGE_BYTES)}
            }
        )
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise ValidationError({"image": _("Only JPEG, PNG or WebP images are accepted.")})
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError({"image": _("The image has too many pixels.")})
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError({"image": _("The image cannot be read.")}) from error
    return data, kind.mime, IMAGE_TYPES[kind.mime]


def image_add(
    *, actor: Person, announcement: Announcement, upload: UploadedFile, caption: str = ""
) -> AnnouncementImage:
    _check_office(actor, announcement.organization)
    data, content_type, extension = check_image(upload)
    caption = " ".join(caption.split())[:300]
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        count = locked.images.count()
        if count >= MAX_IMAGES:
            raise ValidationError(
                {"image": _("An announcement has at most %(count)d images.") % {"count": MAX_IMAGES}}
            )
        image = AnnouncementImage(
            announcement=locked,
            extension=extension,
            content_type=content_type,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            caption=caption,
            position=count,
        )
        image.file.save("image", ContentFile(data), save=False)
        image.save()
        _refresh_site(locked)
        audit.record(
            actor=actor,
            action=AuditAction.IMAGE_ADDED,
            target=locked,
            after={"image": image.pk, "sha256": image.sha256, "size": image.size, "caption": caption},
        )
    return image


def image_remove(*, actor: Person, image: AnnouncementImage) -> None:
    announcement = image.announcement
    _check_office(actor, announcement.organization)
    with transaction.atomic():
        before = {"image": image.pk, "sha256": image.sha256, "caption": image.caption}
        name = image.file.name
        storage = image.file.storage
        image.delete()
        _refresh_site(announcement)
        audit.record(actor=actor, action=AuditAction.IMAGE_REMOVED, target=announcement, before=before)
        # The file goes only once the row's removal is committed.
        transaction.on_commit(lambda: storage.delete(name))
