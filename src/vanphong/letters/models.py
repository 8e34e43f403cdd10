"""Citizens' letters and petitions (thư, đơn của công dân) and reception sessions (tiếp dân).

A `Letter` arrives by post, through the public site's form, or in person at a
reception session. The office classifies it as khiếu nại (complaint), tố cáo
(denunciation), kiến nghị (petition) or phản ánh (feedback). Complaints and
denunciations are numbered in their own register (DOMAIN.md §2: "complaint or
denunciation letters go in separate registers"), petitions and feedback in the
other; each register's numbers run through the year of receipt, per committee. A
letter from the form arrives unclassified and is numbered when the office classifies
it. A letter moved to the other register by a later reclassification takes the next
number there; its old number stays in the audit trail and is not given again.

Every letter has a tracking code (`tracking_code`): ten characters from an alphabet
without look-alikes (no 0/O, 1/I/L), about 49 bits of chance, so it can be typed
from a phone and cannot be guessed; the citizen sees only `selectors.public_status`.

The legal time limits are data (`TimeLimit`, one row per kind, seeded from the laws
and editable by the office); a forwarded letter's deadline is computed from them when
it is forwarded and stored, so a later change of the limits does not move deadlines
already given. The office's rules for anonymous letters and for which committee
receives the public form's letters are data too (`LetterRules`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 10


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """What the citizen typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


class LetterKind(models.TextChoices):
    UNCLASSIFIED = "", _("Not yet classified")
    COMPLAINT = "complaint", _("Complaint (khiếu nại)")
    DENUNCIATION = "denunciation", _("Denunciation (tố cáo)")
    PETITION = "petition", _("Petition (kiến nghị)")
    FEEDBACK = "feedback", _("Feedback (phản ánh)")


class Register(models.TextChoices):
    COMPLAINTS = "complaints", _("Register of complaints and denunciations")
    PETITIONS = "petitions", _("Register of petitions and feedback")


REGISTER_OF_KIND = {
    LetterKind.COMPLAINT: Register.COMPLAINTS,
    LetterKind.DENUNCIATION: Register.COMPLAINTS,
    LetterKind.PETITION: Register.PETITIONS,
    LetterKind.FEEDBACK: Register.PETITIONS,
}
REGISTER_SYMBOL = {Register.COMPLAINTS: "KNTC", Register.PETITIONS: "KNPA"}


class Channel(models.TextChoices):
    POST = "post", _("By post")
    FORM = "form", _("Public website form")
    IN_PERSON = "in_person", _("In person (reception)")


class LetterState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("letter state", "Received")
    FORWARDED = "forwarded", pgettext_lazy("letter state", "Forwarded")
    REPLIED = "replied", pgettext_lazy("letter state", "Replied")
    FILED = "filed", pgettext_lazy("letter state", "Filed without handling")
    DUPLICATE = "duplicate", pgettext_lazy("letter state", "Duplicate")


class Letter(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    register = models.CharField(
        _("register"), max_length=20, choices=Register.choices, blank=True, default=""
    )
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=CODE_LENGTH, unique=True)

    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    sender_contact = models.CharField(_("email or phone"), max_length=200, blank=True)
    sender_address = models.CharField(pgettext_lazy("postal", "address"), max_length=300, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    has_evidence = models.BooleanField(_("specific evidence enclosed"), default=False)

    subject = models.CharField(pgettext_lazy("letter", "subject"), max_length=300)
    content = models.TextField(_("content"))
    received_on = models.DateField(_("received on"))
    received_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    received_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    client_hash = models.CharField(max_length=64, blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=LetterState.choices, default=LetterState.RECEIVED
    )
    acceptance_due = models.DateField(_("to be accepted by"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    filed_reason = models.TextField(_("reason for filing"), blank=True)
    note = models.TextField(_("internal note"), blank=True)

    forwarded_to = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )
    handler = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handler")
    )
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    complex_case = models.BooleanField(_("complex case"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply recorded by"),
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "register", "year", "number"],
                condition=Q(number__isnull=False),
                name="letters_number_once_per_register_year",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "state", "deadline"]),
            models.Index(fields=["organization", "received_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.register_number or self.display_code} {self.subject}"[:300]

    @property
    def register_number(self) -> str:
        if self.number is None or not self.register:
            return ""
        return f"{self.number}/{REGISTER_SYMBOL[Register(self.register)]}-{self.year}"

    @property
    def display_code(self) -> str:
        return format_code(self.tracking_code)

    @property
    def is_denunciation(self) -> bool:
        return self.kind == LetterKind.DENUNCIATION

    @property
    def identity_protected(self) -> bool:
        """Is the sender protected as a denouncer? A letter not yet classified may be a
        denunciation, so it is protected until the office classifies it."""
        return not self.anonymous and self.kind in (LetterKind.DENUNCIATION, LetterKind.UNCLASSIFIED)

    def is_overdue(self, today: dt.date) -> bool:
        return self.state == LetterState.FORWARDED and self.deadline is not None and self.deadline < today


class RegisterCounter(models.Model):
    """The last number given in one register of one committee for one year: locked
    while a number is taken, so two clerks never get the same one."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    register = models.CharField(max_length=20, choices=Register.choices)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "register", "year"], name="letters_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.register} {self.year}: {self.last}"


class TimeLimit(models.Model):
    """The legal time limits for one kind of letter, in days. Seeded from the laws
    (migration 0002) and edited by the office when the law or its reading changes.
    The days to resolve are calendar days; the days to accept are working days when
    the law says so (Luật Tố cáo 2018: 7 working days)."""

    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices[1:], unique=True)
    acceptance_days = models.PositiveIntegerField(_("days to accept (thụ lý)"))
    resolution_days = models.PositiveIntegerField(_("days to resolve"))
    complex_extra_days = models.PositiveIntegerField(_("extra days for a complex case"), default=0)
    acceptance_in_working_days = models.BooleanField(_("days to accept are working days"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        return str(LetterKind(self.kind).label)


class AnonymousRule(models.TextChoices):
    HANDLE = "handle", _("Handle")
    EVIDENCE = "evidence", _("Handle only with specific evidence")
    FILE = "file", _("File without handling")


class LetterRules(models.Model):
    """One committee's rules for its letters: whether the public form's letters come
    to it, and what is done with anonymous letters of each kind."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    receives_public_form = models.BooleanField(_("receives the public form's letters"), default=False)
    anonymous_complaint = models.CharField(
        _("anonymous complaints"), max_length=10, choices=AnonymousRule.choices, default=AnonymousRule.FILE
    )
    anonymous_denunciation = models.CharField(
        _("anonymous denunciations"),
        max_length=10,
        choices=AnonymousRule.choices,
        default=AnonymousRule.EVIDENCE,
    )
    anonymous_petition = models.CharField(
        _("anonymous petitions"), max_length=10, choices=AnonymousRule.choices, default=AnonymousRule.HANDLE
    )
    anonymous_feedback = models.CharField(
        _("anonymous feedback"), max_length=10, choices=AnonymousRule.choices, default=AnonymousRule.HANDLE
    )

    def __str__(self) -> str:
        return str(self.organization)

    def rule_for(self, kind: str) -> str:
        return {
            LetterKind.COMPLAINT: self.anonymous_complaint,
            LetterKind.DENUNCIATION: self.anonymous_denunciation,
            LetterKind.PETITION: self.anonymous_petition,
            LetterKind.FEEDBACK: self.anonymous_feedback,
        }.get(LetterKind(kind), AnonymousRule.HANDLE)


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", pgettext_lazy("reception session", "Held")
    CANCELLED = "cancelled", _("Cancelled")


class ReceptionSession(models.Model):
    """A leader's reception day (ngày tiếp công dân) and its record."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    leader = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving leader")
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(pgettext_lazy("location", "place"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=SessionState.choices, default=SessionState.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    event = models.ForeignKey(
        "schedule.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event in the weekly schedule"),
    )

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.leader.full_name}"


class Visit(models.Model):
    """One citizen (or group) received at a session: who came, about what, what the
    leader decided; and the letters it concerns."""

    session = models.ForeignKey(ReceptionSession, on_delete=models.PROTECT, related_name="visits")
    visitor = models.CharField(_("who came"), max_length=300)
    about = models.TextField(_("about what"))
    decision = models.TextField(_("what was decided"), blank=True)
    letters = models.ManyToManyField(Letter, blank=True, related_name="visits", verbose_name=_("letters"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.visitor
