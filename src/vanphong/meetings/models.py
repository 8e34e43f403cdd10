"""Paperless meetings (issue 9; DOMAIN.md §5): the committee's meetings, their agenda
and pre-reads, the invitations and who attended.

- `MeetingKind` (data, seeded by migration 0002): họp Ban Thường vụ, hội nghị Ban Chấp
  hành, hội ý Thường trực, buổi làm việc, kiểm tra thực tế, tiếp khách quốc tế. Each
  says which body of the committee is invited by default (`invited_body`: the roles in
  `BODY_ROLES`), its quorum as a fraction of that body's members
  (`quorum_numerator/quorum_denominator`, 2/3 for the BTV and the BCH; 0/1 = none),
  the basis of a majority (`majority_basis`: of all members or of those present) and
  whether a delegate counts towards the quorum (`delegates_count`).
- `Meeting`: one meeting of one committee (`organization`), of a kind, with its chair,
  its secretary (thư ký), its `state` (draft → invited → in progress → closed), its
  entry in the weekly schedule (`event`, written through schedule's services), and
  the pre-read settings: open `preread_days` before `starts_at`, downloads allowed or
  view only, and access after the meeting (`access_after`, `access_days`).
  `current_item` is the item on the screen during the live meeting.
- `AgendaItem`: an item of the agenda, in `order`, with its presenter, preparing unit,
  planned start and duration, `secrecy`, and who is invited to it (`invite_all`, else
  the `invitees` subset of the invited people).
- `MeetingDocument`: one document of an item: a registry document (incoming or
  outgoing), a draft, or an uploaded file (checked as the attachments app checks
  them). A classified item carries no document (DOMAIN.md §2) unless the deployment
  is an isolated LAN, and even then only for cleared readers.
- `Invitation`: one row per person invited: their answer (pending, confirmed, declined
  with a reason, delegated to a named person), whether they count as a member of the
  body for the quorum (`is_member`), and the check-in (`checked_in_at`, `present`).

Quorum and majority are computed from these rows (`selectors.quorum`)."""

from __future__ import annotations

import datetime as dt
import math
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person, Role, Secrecy
from vanphong.drafting.models import Draft
from vanphong.registry.models import IncomingDocument, OutgoingDocument
from vanphong.schedule.models import Event, EventKind


class InvitedBody(models.TextChoices):
    """Whose members a kind of meeting invites by default."""

    STANDING_COMMITTEE = "standing_committee", _("Standing Committee (BTV)")
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive Committee (BCH)")
    STANDING_MEMBERS = "standing_members", _("Standing members (Thường trực)")
    NONE = "none", _("Chosen for each meeting")


# The roles (core.Role) that make a person a member of each body, in the committee.
BODY_ROLES: dict[str, tuple[str, ...]] = {
    InvitedBody.STANDING_COMMITTEE: (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STANDING_MEMBER),
    InvitedBody.EXECUTIVE_COMMITTEE: (
        Role.SECRETARY,
        Role.DEPUTY_SECRETARY,
        Role.STANDING_MEMBER,
        Role.COMMITTEE_MEMBER,
    ),
    InvitedBody.STANDING_MEMBERS: (Role.SECRETARY, Role.DEPUTY_SECRETARY),
    InvitedBody.NONE: (),
}


class MajorityBasis(models.TextChoices):
    ALL_MEMBERS = "all", _("More than half of all members")
    PRESENT = "present", _("More than half of the members present")


class MeetingKind(models.Model):
    """A kind of meeting, as data the office may adjust (DOMAIN.md: rules differ
    between localities). Quorum 0/1 means the kind needs none."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    schedule_kind = models.CharField(
        _("kind in the weekly schedule"), max_length=20, choices=EventKind.choices, default=EventKind.OTHER
    )
    invited_body = models.CharField(
        _("invited by default"), max_length=24, choices=InvitedBody.choices, default=InvitedBody.NONE
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum (numerator)"), default=0)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum (denominator)"), default=1)
    majority_basis = models.CharField(
        _("majority"), max_length=10, choices=MajorityBasis.choices, default=MajorityBasis.ALL_MEMBERS
    )
    # A member who sends a delegate is not present: the Party's rules count members.
    delegates_count = models.BooleanField(_("a delegate counts towards the quorum"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("kind of meeting")
        verbose_name_plural = _("kinds of meeting")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0), name="meeting_kind_quorum_denominator"
            ),
            models.CheckConstraint(
                condition=Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="meeting_kind_quorum_at_most_all",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_quorum(self) -> bool:
        return self.quorum_numerator > 0

    def quorum_of(self, members: int) -> int:
        """How many members must be present out of `members`: the fraction rounded up
        (2/3 of 13 is 9)."""
        if not self.needs_quorum:
            return 0
        return math.ceil(members * self.quorum_numerator / self.quorum_denominator)

    def majority_of(self, members: int, present: int) -> int:
        """The smallest number of votes that is more than half of the basis."""
        basis = members if self.majority_basis == MajorityBasis.ALL_MEMBERS else present
        return basis // 2 + 1


class MeetingState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("meeting", "Being prepared")
    INVITED = "invited", pgettext_lazy("meeting", "Invitations sent")
    IN_PROGRESS = "in_progress", pgettext_lazy("meeting", "In progress")
    CLOSED = "closed", pgettext_lazy("meeting", "Closed")


class AccessAfter(models.TextChoices):
    """How long members may still read the pre-reads after the meeting closes."""

    AT_CLOSE = "at_close", _("Ends when the meeting closes")
    DAYS_AFTER = "days_after", _("Ends some days after the meeting")
    KEEP = "keep", _("Stays open")


class Meeting(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    kind = models.ForeignKey(
        MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("kind")
    )
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(pgettext_lazy("meeting", "place"), max_length=300, blank=True)
    chair = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("chair")
    )
    secretary = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting secretary"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.DRAFT
    )
    event = models.OneToOneField(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("schedule event"),
    )
    preread_days = models.PositiveSmallIntegerField(_("pre-reads open days before"), default=3)
    downloads_allowed = models.BooleanField(_("downloads allowed"), default=False)
    access_after = models.CharField(
        _("access after the meeting"),
        max_length=12,
        choices=AccessAfter.choices,
        default=AccessAfter.AT_CLOSE,
    )
    access_days = models.PositiveSmallIntegerField(_("days of access after the meeting"), default=0)
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current item"),
    )
    # The giấy mời, rendered in the Party's layout when the invitations are sent.
    invitation_pdf = models.FileField(_("invitation"), upload_to="meetings/invitations/%Y/", blank=True)
    # Its number (e.g. 07-GM/TU), drawn from the outgoing register when it is first sent
    # and kept when it is sent again after changes.
    invitation_outgoing = models.ForeignKey(
        OutgoingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invitation's register entry"),
    )
    invited_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["organization", "starts_at"]), models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    @property
    def is_closed(self) -> bool:
        return self.state == MeetingState.CLOSED

    def prereads_open_from(self) -> dt.datetime:
        """Pre-reads open at midnight, `preread_days` days before the meeting's day."""
        day = timezone.localtime(self.starts_at).date() - dt.timedelta(days=self.preread_days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    def prereads_close_at(self) -> dt.datetime | None:
        """When reading ends (None: not yet known, or never)."""
        if self.access_after == AccessAfter.KEEP or self.closed_at is None:
            return None
        if self.access_after == AccessAfter.AT_CLOSE:
            return self.closed_at
        return self.closed_at + dt.timedelta(days=self.access_days)

    def prereads_open(self, at: dt.datetime | None = None) -> bool:
        now = at or timezone.now()
        if now < self.prereads_open_from():
            return False
        closes = self.prereads_close_at()
        return closes is None or now < closes


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=500)
    presenter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("presenter")
    )
    preparing_unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preparing unit"),
    )
    planned_start = models.TimeField(_("planned start"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    invite_all = models.BooleanField(_("everyone invited"), default=True)
    invitees = models.ManyToManyField(
        Person, blank=True, related_name="meeting_items", verbose_name=_("invited to this item")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="meeting_item_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title[:80]}"

    @property
    def is_classified(self) -> bool:
        return self.secrecy > Secrecy.NONE


def document_file_name(instance: MeetingDocument, filename: str) -> str:
    """A random stored name, as attachments do: the user's file name stays on the row."""
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"meetings/{timezone.now():%Y/%m/%d}/{secrets.token_hex(16)}.{suffix}"


class DocumentSource(models.TextChoices):
    INCOMING = "incoming", _("Incoming document")
    OUTGOING = "outgoing", _("Outgoing document")
    DRAFT = "draft", _("Draft")
    UPLOAD = "upload", _("Uploaded file")


class MeetingDocument(models.Model):
    """One document of an agenda item: exactly one of an incoming or outgoing document
    of the registry, a draft, or an uploaded file (`source` says which)."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="documents", verbose_name=_("item")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=500)
    source = models.CharField(_("source"), max_length=10, choices=DocumentSource.choices)
    incoming = models.ForeignKey(
        IncomingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoming document"),
    )
    outgoing = models.ForeignKey(
        OutgoingDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outgoing document"),
    )
    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("draft")
    )
    file = models.FileField(_("file"), upload_to=document_file_name, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    added_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["item", "order", "pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        source="incoming",
                        incoming__isnull=False,
                        outgoing__isnull=True,
                        draft__isnull=True,
                        file="",
                    )
                    | Q(
                        source="outgoing",
                        incoming__isnull=True,
                        outgoing__isnull=False,
                        draft__isnull=True,
                        file="",
                    )
                    | Q(
                        source="draft",
                        incoming__isnull=True,
                        outgoing__isnull=True,
                        draft__isnull=False,
                        file="",
                    )
                    | Q(source="upload", incoming__isnull=True, outgoing__isnull=True, draft__isnull=True)
                    & ~Q(file="")
                ),
                name="meeting_document_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Response(models.TextChoices):
    PENDING = "pending", _("Not answered")
    CONFIRMED = "confirmed", _("Will attend")
    DECLINED = "declined", _("Will not attend")
    DELEGATED = "delegated", _("Sends a delegate")


class Invitation(models.Model):
    """One person invited to a meeting, their answer and their attendance. When they
    send a delegate, the delegate reads, checks in and sits for them on this row."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="meeting_invitations", verbose_name=_("person")
    )
    # A member of the kind's body when invited: counted for the quorum and majority.
    is_member = models.BooleanField(_("member of the body"), default=True)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    delegate = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_delegations",
        verbose_name=_("delegate"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        ordering = ["meeting", "-is_member", "person__sort_key", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_invitation_unique"),
            models.CheckConstraint(
                condition=Q(response="delegated", delegate__isnull=False)
                | (~Q(response="delegated") & Q(delegate__isnull=True)),
                name="meeting_invitation_delegate_iff_delegated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.meeting}"

    @property
    def attendee(self) -> Person:
        """Who sits on this seat: the delegate when one was named."""
        return self.delegate if self.delegate_id and self.delegate is not None else self.person


# --- The live meeting (issue 9, item 4) -------------------------------------------------------
#
# - `LiveState`: one row per meeting once it runs live: a counter the live services raise
#   whenever what the members' screens show changes besides the meeting's own row (the
#   speakers' queue). The follow fragment's ETag is the meeting's state and current item
#   and this counter, so a poll that finds nothing new is answered 304 from one query.
# - `SpeakerRequest`: a request to speak on an item, from waiting to speaking (the chair
#   gives the floor) to done, or withdrawn by its author; the times are the record the
#   minutes use (`selectors.speakers_of`).
# - `PrivateNote`: a person's own note on an item or on one of its documents, read and
#   written only by its author: every query of it filters by author (`selectors.note_of`).


class LiveState(models.Model):
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="live", verbose_name=_("meeting")
    )
    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("live state of a meeting")
        verbose_name_plural = _("live states of meetings")

    def __str__(self) -> str:
        return f"{self.meeting_id}@{self.version}"


class SpeakerState(models.TextChoices):
    WAITING = "waiting", _("Waiting to speak")
    SPEAKING = "speaking", _("Has the floor")
    DONE = "done", _("Has spoken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SpeakerRequest(models.Model):
    """One request to speak on one item. `person` is who speaks (a delegate speaks
    for the seat's member: `invitation` says which seat)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="speaker_requests", verbose_name=_("meeting")
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="speaker_requests", verbose_name=_("item")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("speaker"))
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, related_name="+", verbose_name=_("seat")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SpeakerState.choices, default=SpeakerState.WAITING
    )
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    floor_at = models.DateTimeField(_("given the floor at"), null=True, blank=True)
    done_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["item", "requested_at", "pk"]
        verbose_name = _("request to speak")
        verbose_name_plural = _("requests to speak")
        indexes = [models.Index(fields=["item", "state", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "person"],
                condition=Q(state__in=["waiting", "speaking"]),
                name="meeting_speaker_one_open_request",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="speaking"), name="meeting_speaker_one_on_the_floor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.item}"


class PrivateNote(models.Model):
    """A person's own note on an item (`document` empty) or on one of its documents.
    Nobody else reads it, the office included."""

    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("author"))
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="private_notes", verbose_name=_("item")
    )
    document = models.ForeignKey(
        MeetingDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="private_notes",
        verbose_name=_("document"),
    )
    text = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        ordering = ["item", "document", "pk"]
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "item"],
                condition=Q(document__isnull=True),
                name="meeting_note_one_per_item",
            ),
            models.UniqueConstraint(
                fields=["author", "document"],
                condition=Q(document__isnull=False),
                name="meeting_note_one_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author_id}: {self.item_id}/{self.document_id}"


# --- After the meeting: the minutes and the concluding notice (issue 9, item 7) -------------


class MeetingPapers(models.Model):
    """What the office writes after a meeting, all through the drafting app: the
    minutes (biên bản, a draft of type BB generated from the record by
    `meetings.minutes`), the concluding notice (thông báo kết luận, a draft of type
    TB made from the conclusions and tasks written per item), and, once the notice is
    signed and numbered, the follow-up conclusion its tasks were handed to."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="papers", verbose_name=_("meeting")
    )
    minutes = models.OneToOneField(
        Draft,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("record", "minutes"),
    )
    notice = models.OneToOneField(
        Draft,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concluding notice"),
    )
    conclusion = models.OneToOneField(
        "followup.Conclusion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up as"),
    )
    handed_over_at = models.DateTimeField(_("tasks handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes and notice of a meeting")
        verbose_name_plural = _("minutes and notices of meetings")

    def __str__(self) -> str:
        return str(self.meeting)


class ItemConclusion(models.Model):
    """What the meeting concluded on one item, as the concluding notice prints it."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="conclusion", verbose_name=_("item")
    )
    text = models.TextField(_("conclusion"), blank=True)
    updated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("conclusion on an item")
        verbose_name_plural = _("conclusions on items")

    def __str__(self) -> str:
        return self.text[:80]


class ConclusionTask(models.Model):
    """A task the meeting gave on one item: what, the lead unit and those who help,
    the leader in charge and the deadline. Handed to the follow-up board (as a
    `followup.FollowUpTask`, `followup_task`) when the notice is issued."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="conclusion_tasks", verbose_name=_("item")
    )
    number = models.PositiveSmallIntegerField(_("No."))
    content = models.TextField(_("task"))
    lead_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization, blank=True, related_name="+", verbose_name=_("co-operating units")
    )
    leader = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader in charge")
    )
    deadline = models.DateField(_("deadline"))
    followup_task = models.OneToOneField(
        "followup.FollowUpTask",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up task"),
    )

    class Meta:
        ordering = ["item__order", "number", "pk"]
        verbose_name = _("task of a conclusion")
        verbose_name_plural = _("tasks of conclusions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="meeting_conclusion_task_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.content[:80]}"
