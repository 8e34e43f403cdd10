"""Drafting outgoing documents in the Party's format (Hướng dẫn 36-HD/VPTW): the
draft, every version of it, the reviewers' decisions and comments, and, once the
signer has signed, the signed PDF and the outgoing register entry it was numbered as.

A draft goes DRAFTING → IN_REVIEW (the reviewers one after the other: the Chief of
Office, a board…) → AWAITING_SIGNATURE → SIGNED; any reviewer or the signer may send
it back (RETURNED) and the drafter revises it into a new version."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import Organization, Person, Secrecy
from vanphong.registry.models import DocumentType, OutgoingDocument, Urgency

# A công văn prints no type name: its abstract goes under the number as "V/v …".
OFFICIAL_LETTER = "cong-van"


class SignatureForm(models.TextChoices):
    """How the signer signs (36-HD/VPTW; the Party writes the slash: T/M, K/T)."""

    OWN = "own", _("In one's own capacity")
    ON_BEHALF = "T/M", _("T/M: on behalf of the collective")
    DEPUTY = "K/T", _("K/T: as deputy of the head")
    BY_ORDER = "T/L", _("T/L: by order of the collective")
    AUTHORIZED = "T/UQ", _("T/UQ: authorized")


class DraftState(models.TextChoices):
    DRAFTING = "drafting", _("Being drafted")
    IN_REVIEW = "review", _("In review")
    RETURNED = "returned", _("Returned for revision")
    AWAITING_SIGNATURE = "to_sign", _("Awaiting signature")
    SIGNED = "signed", _("Signed")


EDITABLE_STATES = (DraftState.DRAFTING, DraftState.RETURNED)


def signed_name(instance: Draft, filename: str) -> str:
    return f"signed/{timezone.now():%Y/%m/%d}/{instance.pk}-{timezone.now():%H%M%S%f}.pdf"


class Draft(models.Model):
    """A document being drafted by (or for) `organization`, its issuer. The fields
    are the working copy; each save that changes them is kept as a DraftVersion."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    # The two header lines at the top left, prefilled from the tree (`layout.header_of`)
    # and corrected by the drafter where the locality writes them otherwise.
    superior_body = models.CharField(_("superior body"), max_length=200, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    abstract = models.TextField(_("abstract"))
    body_html = models.TextField(_("body"), blank=True)
    place = models.CharField(_("place"), max_length=80)
    signature_form = models.CharField(
        _("signature form"), max_length=5, choices=SignatureForm.choices, default=SignatureForm.ON_BEHALF
    )
    # T/M and T/L name the collective ("BAN THƯỜNG VỤ"), K/T the head ("BÍ THƯ").
    on_behalf_of = models.CharField(_("on behalf of"), max_length=120, blank=True)
    signer = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("signer")
    )
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    # A second signature beside the signer's, as minutes (biên bản) are signed by the
    # meeting's secretary (THƯ KÝ HỘI NGHỊ) beside its chair: printed on the left, on
    # paper. The digital signature and the number remain the signer's.
    cosigner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second signer"),
    )
    cosigner_title = models.CharField(_("second signer's title"), max_length=120, blank=True)
    internal_recipients = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization, blank=True, related_name="+", verbose_name=_("recipient organizations")
    )
    external_recipients = models.TextField(
        _("other recipients"), blank=True, help_text=_("One per line, as printed after a dash.")
    )
    keep_copy = models.CharField(_("copy kept by"), max_length=200, default="Lưu Văn phòng")
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(
        _("state"), max_length=10, choices=DraftState.choices, default=DraftState.DRAFTING
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    review_round = models.PositiveSmallIntegerField(default=0, editable=False)
    drafter = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Filled at signing, in the transaction that numbers it.
    outgoing = models.OneToOneField(
        OutgoingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("outgoing document"),
    )
    signed_pdf = models.FileField(_("signed PDF"), upload_to=signed_name, max_length=200, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="signed", outgoing__isnull=False) | ~Q(state="signed"),
                name="draft_signed_is_numbered",
            )
        ]
        indexes = [models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        if self.outgoing_id:
            return str(self.outgoing)
        return _("Draft %(type)s: %(abstract)s") % {
            "type": self.document_type.name,
            "abstract": self.abstract[:60],
        }

    @property
    def is_official_letter(self) -> bool:
        return self.document_type.code == OFFICIAL_LETTER

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def external_recipient_list(self) -> list[str]:
        return [line.strip() for line in self.external_recipients.splitlines() if line.strip()]

    def signature_lines(self) -> list[str]:
        """The bold lines of the signature block: ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"],
        ["K/T BÍ THƯ", "PHÓ BÍ THƯ"], or the title alone when one signs as oneself."""
        title = self.signer_title.upper()
        if self.signature_form == SignatureForm.OWN or not self.on_behalf_of:
            return [title] if title else []
        return [f"{self.signature_form} {self.on_behalf_of.upper()}", *([title] if title else [])]

    def cosignature_lines(self) -> list[str]:
        """The bold lines of the second signature block ("THƯ KÝ HỘI NGHỊ"), if any."""
        title = self.cosigner_title.upper()
        return [title] if title else []


class DraftVersion(models.Model):
    """One saved state of a draft, kept for good: what the reviewers read, compare
    and comment on. `fields` holds the header as printed (labels, not ids), so two
    versions compare as the reader sees them."""

    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, related_name="versions", verbose_name=_("draft")
    )
    number = models.PositiveIntegerField(_("version"))
    abstract = models.TextField(_("abstract"))
    body_html = models.TextField(_("body"), blank=True)
    body_text = models.TextField(blank=True, editable=False)
    fields = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        ordering = ["draft", "number"]
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return _("Version %(number)d") % {"number": self.number}


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class ReviewStep(models.Model):
    """One reviewer's turn in one round of review. Reviewers decide in `position`
    order; a return ends the round, and the next submission starts a new one."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="steps", verbose_name=_("draft"))
    round = models.PositiveSmallIntegerField(_("round"))
    position = models.PositiveSmallIntegerField(_("order"))
    reviewer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    version = models.ForeignKey(
        DraftVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["draft", "round", "position"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        constraints = [
            models.UniqueConstraint(fields=["draft", "round", "position"], name="review_step_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.get_decision_display()}"


class DraftComment(models.Model):
    """A comment on one version: a reviewer's remark, the signer's reason for
    returning it, the drafter's answer."""

    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, related_name="comments", verbose_name=_("draft")
    )
    version = models.ForeignKey(
        DraftVersion, on_delete=models.PROTECT, related_name="comments", verbose_name=_("version")
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["draft", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class DraftTemplate(models.Model):
    """How a new draft of a type starts: its body's skeleton (the usual sections of a
    Kế hoạch, "Kính gửi" of a công văn) and its usual signature. Data an
    administrator edits: practice differs between localities."""

    document_type = models.OneToOneField(
        DocumentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("document type")
    )
    body_html = models.TextField(_("body"), blank=True)
    signature_form = models.CharField(
        _("signature form"), max_length=5, choices=SignatureForm.choices, default=SignatureForm.ON_BEHALF
    )
    on_behalf_of = models.CharField(_("on behalf of"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)

    class Meta:
        ordering = ["document_type"]
        verbose_name = _("draft template")
        verbose_name_plural = _("draft templates")

    def __str__(self) -> str:
        return str(self.document_type)
