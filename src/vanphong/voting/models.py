"""Votes at a meeting (biểu quyết) and written consultations between meetings (xin ý
kiến bằng văn bản): issue 9, items 5 and 6.

- `Vote`: one question put to the members of a meeting (optionally on one of its
  agenda items), of a kind: **open** (show of hands: the secretary enters the counts),
  **named** (each member's choice is recorded against their name) or **secret**. The
  choices are tán thành / không tán thành / không biểu quyết (`Choice`). A vote is
  opened only while the meeting is in progress with its quorum present; closing it
  locks the result: the counts, the members and those present at that moment, the
  majority's basis (the meeting kind's `majority_basis`), the votes needed and
  whether it passed.
- `Voter`: one seat (an `Invitation` of a member of the body) that has voted, and who
  sat on it (the member or, where the kind lets delegates count, their delegate).
  It refuses a second ballot for the same seat (unique per vote and seat). Its
  `choice` is filled for a named vote only.
- `Consultation`, `ConsultationDocument`, `Recipient`: a question sent in writing to
  the members of a body of the committee with its documents and a deadline; each
  recipient answers with a choice and an opinion; tallied like a vote with the same
  majority rule, the members being those consulted and the "present" those who
  answered.

**How a secret vote stays secret.** The database holds no link between a person and
a choice, and nothing from which one can be rebuilt:

- who has voted is a `Voter` row with an empty `choice` (a check in the service, and
  the test `test_secret_ballot_storage` reads every column of every table of the app);
- the choices exist **only as three counters on the `Vote` row itself**
  (`cast_for`, `cast_against`, `cast_abstain`), each ballot adding one in place
  (`F() + 1` under the vote row's lock). There is no ballot row at all: no primary
  key, no SQLite rowid, no PostgreSQL ctid, no timestamp, nothing whose order could be
  joined with the order of the `Voter` rows or of the audit trail;
- the audit event of a secret ballot names the voter and the vote, never the choice
  nor the counters;
- the counters of a secret vote are shown to nobody, not even the chair, until the
  vote closes: reading them after each ballot would tell who chose what.

Paper ballots of a secret vote come in as counts entered by the secretary together
with the seats that voted on paper (so those seats cannot vote again in the app); the
counts must add up to those seats, are added to the same three counters and are not
written in the audit trail (one member voting on paper would be readable beside their
seat). What remains outside the application's reach: a database administrator
watching the counters live, or PostgreSQL's dead row versions (each ballot's UPDATE
leaves the previous counters behind, stamped with the same transaction id as the
voter's row, until VACUUM reclaims them; reading them needs a superuser and the
pageinspect extension)."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person
from vanphong.meetings.models import AgendaItem, Invitation, MajorityBasis, Meeting, MeetingKind


class VoteKind(models.TextChoices):
    OPEN = "open", _("Open (show of hands)")
    NAMED = "named", _("Named")
    SECRET = "secret", _("Secret ballot")


class Choice(models.TextChoices):
    FOR = "for", _("In favour")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Not voting")


class VoteState(models.TextChoices):
    OPEN = "open", pgettext_lazy("vote", "Open")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")


class Vote(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="votes", verbose_name=_("meeting")
    )
    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("agenda item"),
    )
    question = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind of vote"), max_length=8, choices=VoteKind.choices)
    state = models.CharField(_("state"), max_length=8, choices=VoteState.choices, default=VoteState.OPEN)
    # Ballots cast in the app (or, for a named vote, per person on paper): the only
    # place where the choices of a secret vote exist (see the module's docstring).
    cast_for = models.PositiveIntegerField(_("in favour (ballots)"), default=0)
    cast_against = models.PositiveIntegerField(_("against (ballots)"), default=0)
    cast_abstain = models.PositiveIntegerField(_("not voting (ballots)"), default=0)
    # The show of hands of an open vote, entered by the secretary.
    hand_for = models.PositiveIntegerField(_("in favour (entered by hand)"), default=0)
    hand_against = models.PositiveIntegerField(_("against (entered by hand)"), default=0)
    hand_abstain = models.PositiveIntegerField(_("not voting (entered by hand)"), default=0)
    # The result, fixed when the vote closes.
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    majority_basis = models.CharField(_("majority"), max_length=10, choices=MajorityBasis.choices, blank=True)
    majority_needed = models.PositiveIntegerField(_("votes needed"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "opened_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return self.question[:120]

    @property
    def is_closed(self) -> bool:
        return self.state == VoteState.CLOSED

    @property
    def is_secret(self) -> bool:
        return self.kind == VoteKind.SECRET

    @property
    def votes_for(self) -> int:
        return self.cast_for + self.hand_for

    @property
    def votes_against(self) -> int:
        return self.cast_against + self.hand_against

    @property
    def votes_abstain(self) -> int:
        return self.cast_abstain + self.hand_abstain

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


class Voter(models.Model):
    """A seat that has voted: refuses its second ballot. For a secret vote nothing
    here says how (`choice` stays empty)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters", verbose_name=_("vote"))
    seat = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="+", verbose_name=_("seat"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("voted"))
    on_paper = models.BooleanField(_("on paper"), default=False)
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices, blank=True)

    class Meta:
        ordering = ["vote", "person__sort_key", "pk"]
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [models.UniqueConstraint(fields=["vote", "seat"], name="voting_one_ballot_per_seat")]

    def __str__(self) -> str:
        return f"{self.person} — {self.vote}"


class ConsultationState(models.TextChoices):
    OPEN = "open", _("Awaiting answers")
    CLOSED = "closed", pgettext_lazy("consultation", "Closed")


class Consultation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    # The body consulted and its majority rule: those of a kind of meeting (BTV, BCH).
    kind = models.ForeignKey(
        MeetingKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("body consulted")
    )
    question = models.CharField(_("question"), max_length=500)
    text = models.TextField(_("explanation"), blank=True)
    deadline = models.DateTimeField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=8, choices=ConsultationState.choices, default=ConsultationState.OPEN
    )
    members = models.PositiveIntegerField(_("members consulted"), null=True, blank=True)
    answered = models.PositiveIntegerField(_("answers"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("in favour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("not voting"), null=True, blank=True)
    majority_basis = models.CharField(_("majority"), max_length=10, choices=MajorityBasis.choices, blank=True)
    majority_needed = models.PositiveIntegerField(_("votes needed"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    closed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("written consultation")
        verbose_name_plural = _("written consultations")

    def __str__(self) -> str:
        return self.question[:120]

    @property
    def is_closed(self) -> bool:
        return self.state == ConsultationState.CLOSED


def consultation_file_name(instance: ConsultationDocument, filename: str) -> str:
    """A random stored name, as attachments do: the user's file name stays on the row."""
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"voting/{timezone.now():%Y/%m/%d}/{secrets.token_hex(16)}.{suffix}"


class ConsultationDocument(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("consultation")
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=consultation_file_name, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    added_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = _("consultation document")
        verbose_name_plural = _("consultation documents")

    def __str__(self) -> str:
        return self.title


class Recipient(models.Model):
    """One member consulted and their answer."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("consultation")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders"), default=0)

    class Meta:
        ordering = ["consultation", "person__sort_key", "pk"]
        verbose_name = _("member consulted")
        verbose_name_plural = _("members consulted")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "person"], name="voting_recipient_unique"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, choice="")
                | Q(answered_at__isnull=False) & ~Q(choice=""),
                name="voting_recipient_answer_has_choice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.consultation}"
