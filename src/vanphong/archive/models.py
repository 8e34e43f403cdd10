"""The archive (lưu trữ, DOMAIN.md §4): each organization's fonds (phông), its boxes,
its dossiers (hồ sơ) as the catalogue (mục lục hồ sơ) lists them, what is filed in
each dossier, how long each is kept, and the recorded decisions that destroy those
whose term has run out (never automatically)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.core.vietnamese import fold
from vanphong.registry.models import IncomingDocument, OutgoingDocument


class Fonds(models.Model):
    """The archive of one organization (phông lưu trữ): its number in the archive's
    list of fonds and the years its documents span."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="fonds", verbose_name=_("organization")
    )
    number = models.CharField(_("fonds number"), max_length=20)
    name = models.CharField(_("fonds name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["number", "name"]
        verbose_name = _("fonds")
        verbose_name_plural = _("fonds")

    def __str__(self) -> str:
        return f"{self.number} — {self.name}"


class RetentionRule(models.Model):
    """A line of the sample retention table (Hướng dẫn 35-HD/VPTW): a kind of dossier
    and how long it is kept. Data the archivist edits; a dossier copies its term, so
    changing the table later does not change what was decided."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("kind of dossier"), max_length=300)
    years = models.PositiveSmallIntegerField(
        _("years kept"), null=True, blank=True, help_text=_("Empty: kept permanently.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Box(models.Model):
    """A box (hộp) or folder (cặp) on a shelf, holding dossiers of one fonds."""

    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, related_name="boxes", verbose_name=_("fonds"))
    number = models.CharField(_("box number"), max_length=20)
    location = models.CharField(_("location"), max_length=200, blank=True)

    class Meta:
        ordering = ["fonds", "number"]
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        constraints = [models.UniqueConstraint(fields=["fonds", "number"], name="box_number_unique")]

    def __str__(self) -> str:
        return str(self.number)


class DossierState(models.TextChoices):
    OPEN = "open", _("Open")  # documents are still being filed
    CLOSED = "closed", _("Closed")  # in the archive, counted and boxed
    DESTROYED = "destroyed", _("Destroyed")  # by a recorded decision; the row stays


class Dossier(models.Model):
    """One dossier (hồ sơ) with the columns of the catalogue: its order number in the
    catalogue, number and symbol, title, the dates its documents span, sheets,
    retention, box and note."""

    fonds = models.ForeignKey(
        Fonds, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("fonds")
    )
    catalogue = models.PositiveSmallIntegerField(_("catalogue number"), default=1)
    number = models.PositiveIntegerField(_("dossier number"))
    symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    title = models.TextField(_("title"))
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    sheets = models.PositiveIntegerField(_("sheets"), default=0)
    # None: permanent (vĩnh viễn). Copied from the rule chosen, or entered.
    retention_years = models.PositiveSmallIntegerField(_("years kept"), null=True, blank=True)
    retention_rule = models.ForeignKey(
        RetentionRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retention rule"),
    )
    box = models.ForeignKey(
        Box, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers", verbose_name=_("box")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    state = models.CharField(
        _("state"), max_length=10, choices=DossierState.choices, default=DossierState.OPEN
    )
    # The fonds' organization, on the row for permission filters.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    destruction = models.ForeignKey(
        "DestructionDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("destruction decision"),
    )
    search_text = models.TextField(editable=False, default="")  # title and symbol folded
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["fonds", "catalogue", "number"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(fields=["fonds", "catalogue", "number"], name="dossier_number_unique"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="dossier_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(state="destroyed", destruction__isnull=False) | ~Q(state="destroyed"),
                name="dossier_destroyed_by_decision",
            ),
        ]
        indexes = [models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    @property
    def is_permanent(self) -> bool:
        return self.retention_years is None

    @property
    def review_due_on(self) -> dt.date | None:
        """When its term runs out and it goes before the review council: the end of
        the year its documents end in, plus the years kept (None: permanent, or its
        end date unknown)."""
        if self.retention_years is None or self.ended_on is None:
            return None
        return dt.date(self.ended_on.year + self.retention_years, 12, 31)

    def refresh_search_text(self) -> None:
        self.search_text = fold(f"{self.symbol} {self.title}")


class DossierItem(models.Model):
    """A document filed in a dossier: an incoming or outgoing document of the
    registry, or a scanned document of the archive (the scans app files its own)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="items", verbose_name=_("dossier")
    )
    position = models.PositiveIntegerField(_("order"))
    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A scanned document (scans.ScanDocument), named by id: the archive does not import the scans app.
    scan_id = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=400)
    sheets = models.PositiveIntegerField(_("sheets"), default=0)
    filed_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, related_name="+")
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        ordering = ["dossier", "position"]
        verbose_name = _("filed document")
        verbose_name_plural = _("filed documents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(incoming__isnull=False, outgoing__isnull=True, scan_id__isnull=True)
                    | Q(incoming__isnull=True, outgoing__isnull=False, scan_id__isnull=True)
                    | Q(incoming__isnull=True, outgoing__isnull=True, scan_id__isnull=False)
                ),
                name="dossier_item_one_source",
            ),
            models.UniqueConstraint(fields=["dossier", "position"], name="dossier_item_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class DestructionDecision(models.Model):
    """A recorded decision to destroy dossiers whose term has run out: the number of
    the decision, who signed it, the council that reviewed the dossiers (hội đồng xác
    định giá trị tài liệu), and when. The dossiers' rows stay, marked destroyed."""

    fonds = models.ForeignKey(
        Fonds, on_delete=models.PROTECT, related_name="destructions", verbose_name=_("fonds")
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    decision_number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(_("signed by"), max_length=200)
    council = models.TextField(_("review council"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("destruction decision")
        verbose_name_plural = _("destruction decisions")

    def __str__(self) -> str:
        return self.decision_number
