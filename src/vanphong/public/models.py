"""The public site's own records: what the office publishes (announcements and news,
with their images) and the visitor counts, one row per day.

A visitor is never stored: the counts are kept per day, and the salt that turns an
address into the day's anonymous visitor key lives on the day's row only while the
day lasts (`visits.flush` blanks the salts of past days), so yesterday's keys cannot
be recomputed from an address afterwards.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person


class AnnouncementKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("Announcement")
    NEWS = "news", _("News")


class Announcement(models.Model):
    """A text the office publishes on the public site under its committee's name.

    The body is plain text (paragraphs separated by blank lines), shown escaped: the
    public site renders no HTML typed by anyone."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="announcements")
    kind = models.CharField(max_length=20, choices=AnnouncementKind.choices, default=AnnouncementKind.NEWS)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = pgettext_lazy("public site", "announcement")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def image_path(instance: AnnouncementImage, filename: str) -> str:
    # The name is ours, never the sender's: only the checked extension is kept.
    return f"public/{instance.announcement_id}/{instance.sha256[:16]}.{instance.extension}"


class AnnouncementImage(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=image_path, max_length=200)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name


class VisitDay(models.Model):
    """The visitors of one day (each counted once that day), flushed from the cache."""

    day = models.DateField(unique=True)
    visitors = models.PositiveIntegerField(default=0)
    # Random, made with the row; blanked once the day is over.
    salt = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.visitors}"
