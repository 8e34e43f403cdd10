"""Handling incoming documents (DOMAIN.md §2): the transfer slip (phiếu chuyển) on
which the office forwards a document to leaders, the leader's decision comes back
(ý kiến chỉ đạo, the handler, a deadline), and the handlers report progress until it
is done; and the in-app notifications that tell each person it is their turn."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import IncomingDocument


class SlipState(models.TextChoices):
    SENT = "sent", _("Awaiting direction")  # chờ ý kiến chỉ đạo
    DIRECTED = "directed", _("In progress")  # đang xử lý
    DONE = "done", _("Done")  # hoàn thành


class TransferSlipQuerySet(models.QuerySet["TransferSlip"]):
    def open(self) -> TransferSlipQuerySet:
        return self.exclude(state=SlipState.DONE)

    def overdue(self, today: dt.date | None = None) -> TransferSlipQuerySet:
        """Slips whose deadline has passed and that are not done (as `is_overdue`)."""
        return self.open().filter(deadline__lt=today or timezone.localdate())


class TransferSlip(models.Model):
    """One phiếu chuyển: an incoming document forwarded by the office to one or more
    leaders, the decision of the leader who directs it, and its completion."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, related_name="slips", verbose_name=_("document")
    )
    # The document's organization and secrecy, kept on the row so that permission
    # filters need no join (`visible_to(…, secrecy_field="secrecy")`).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    state = models.CharField(_("state"), max_length=10, choices=SlipState.choices, default=SlipState.SENT)

    sent_to = models.ManyToManyField(Person, related_name="slips_to_direct", verbose_name=_("sent to"))
    sent_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    note = models.TextField(_("office note"), blank=True)

    instruction = models.TextField(_("instruction"), blank=True)  # ý kiến chỉ đạo
    lead_unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    lead_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slips_to_lead",
        verbose_name=_("lead person"),
    )
    co_units = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization, blank=True, related_name="+", verbose_name=_("co-handling units")
    )
    co_persons = models.ManyToManyField(
        Person, blank=True, related_name="slips_to_assist", verbose_name=_("co-handling persons")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    directed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directed by"),
    )
    directed_at = models.DateTimeField(_("directed at"), null=True, blank=True)  # when entered
    # The day the leader gave the instruction: earlier than `directed_at` when the
    # office enters it later from the paper slip. The deadline runs from it.
    directed_on = models.DateField(_("directed on"), null=True, blank=True)

    completed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)

    objects = TransferSlipQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("transfer slip")
        verbose_name_plural = _("transfer slips")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="sent") | Q(directed_at__isnull=False),
                name="slip_directed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state="sent") | Q(directed_on__isnull=False),
                name="slip_directed_has_day",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False),
                name="slip_done_has_time",
            ),
        ]
        indexes = [models.Index(fields=["organization", "state", "deadline"])]

    def __str__(self) -> str:
        return str(_("Slip for incoming No. %(number)s") % {"number": self.document.number})

    @property
    def directed_earlier(self) -> bool:
        """The direction was given on an earlier day than it was entered."""
        return (
            self.directed_on is not None
            and self.directed_at is not None
            and self.directed_on < timezone.localdate(self.directed_at)
        )

    @property
    def is_overdue(self) -> bool:
        return (
            self.state != SlipState.DONE
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


class SlipProgress(models.Model):
    """A handler's note on the way to completion."""

    slip = models.ForeignKey(
        TransferSlip, on_delete=models.CASCADE, related_name="progress", verbose_name=_("slip")
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("progress note"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:80]


class Notification(models.Model):
    """Tells one person it is their turn on something; read when they open it. Not
    an official record: personal state, outside the audit trail."""

    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
