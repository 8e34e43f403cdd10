"""Organizations, people, roles, secrecy and the audit trail: what every module of
vanphong hangs on."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from vanphong.core.vietnamese import collation_key, fold, split_full_name


class Secrecy(models.IntegerChoices):
    """Secrecy levels of state secrets (Luật Bảo vệ bí mật nhà nước), also used as a
    person's clearance: the highest level they may read."""

    NONE = 0, _("Not classified")
    CONFIDENTIAL = 1, _("Confidential")  # Mật
    SECRET = 2, _("Secret")  # Tối mật
    TOP_SECRET = 3, _("Top secret")  # Tuyệt mật


class OrganizationKind(models.Model):  # type: ignore[django-manager-missing]
    """The kind of a node in the tree (Thành ủy, Đảng ủy cơ sở, Chi bộ, Văn phòng…).

    Kinds are data because the levels change (the district level ended on
    1 July 2025) and differ between localities.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_committee = models.BooleanField(
        _("is a Party committee"),
        default=False,
        help_text=_("A committee (cấp ủy) issues documents and has congress terms."),
    )
    is_office = models.BooleanField(
        _("is an office"),
        default=False,
        help_text=_("An office serves its parent committee: its staff act for that committee."),
    )
    is_grassroots = models.BooleanField(_("is a grassroots organization"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("organization kind")
        verbose_name_plural = _("organization kinds")

    def __str__(self) -> str:
        return self.name


class Organization(MP_Node):
    """A node of the Party's organization tree, of any depth.

    The materialized path (`path`, from django-treebeard) makes a subtree one indexed
    prefix query; closing keeps the row and its history, and a move is audited with
    the old parent.
    """

    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=20,
        help_text=_("Used in document symbols, e.g. TU, VPTU, ĐUK."),
    )
    kind = models.ForeignKey(
        OrganizationKind, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("kind")
    )
    opened_on = models.DateField(_("established on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    search_name = models.CharField(max_length=200, db_index=True, editable=False, default="")

    steplen = 4

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="organization_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def parent_path(self) -> str:
        return self.path[: -self.steplen]


class CongressTerm(models.Model):
    """A committee term (nhiệm kỳ): from the day after a congress closes to the close
    of the next. Document series restart at each term."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="terms", verbose_name=_("organization")
    )
    number = models.PositiveSmallIntegerField(_("term number"), help_text=_("Khóa, e.g. 16"))
    started_on = models.DateField(_("starts on"))
    ended_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "-started_on"]
        verbose_name = _("congress term")
        verbose_name_plural = _("congress terms")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="term_number_unique"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        end = self.ended_on.year if self.ended_on else "…"
        return _("Term %(number)s (%(start)s–%(end)s)") % {
            "number": self.number,
            "start": self.started_on.year,
            "end": end,
        }

    def covers(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class PersonManager(BaseUserManager["Person"]):
    """What Django's own commands (createsuperuser) need; the office creates people
    through `services.person_create`."""

    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> Person:
        person = self.model(username=username, **fields)
        person.set_name(fields.get("full_name") or username)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> Person:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person known to the office: a Party member, a leader, a staff member.

    Only some sign in; the rest have no usable password. Clearance is separate from
    any role.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    username = models.CharField(_("username"), max_length=150, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    given_name = models.CharField(
        _("given name"), max_length=40, help_text=_("Tên: the name a list is sorted by.")
    )
    sort_key = models.CharField(max_length=400, db_index=True, editable=False)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    joined_party_on = models.DateField(_("admitted to the Party on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Secrecy.choices, default=Secrecy.NONE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name

    def set_name(self, full_name: str, given_name: str | None = None) -> None:
        """Set the name and what is derived from it: the given name (the last word
        unless told), the Vietnamese sort key and the folded search form."""
        self.full_name = " ".join(full_name.split())
        family, middle, last = split_full_name(self.full_name)
        self.given_name = given_name or last
        self.sort_key = collation_key(self.given_name, family, middle)
        self.search_name = fold(self.full_name)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.given_name


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")  # Bí thư
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy Secretary")  # Phó Bí thư
    STANDING_MEMBER = "standing_member", _("Standing Committee member")  # Ủy viên BTV
    COMMITTEE_MEMBER = "committee_member", _("Committee member")  # Cấp ủy viên
    OFFICE_CHIEF = "office_chief", _("Chief of Office")  # Chánh Văn phòng
    OFFICE_DEPUTY_CHIEF = "office_deputy_chief", _("Deputy Chief of Office")  # Phó Chánh VP
    # The head of one of a committee's boards (Ban Tổ chức, Ban Tuyên giáo…), its own
    # unit: not the office's Chief, who speaks for the committee's office.
    UNIT_HEAD = "unit_head", _("Head of board")  # Trưởng ban
    UNIT_DEPUTY_HEAD = "unit_deputy_head", _("Deputy head of board")  # Phó Trưởng ban
    SPECIALIST = "specialist", _("Specialist")  # Chuyên viên
    CLERK = "clerk", _("Registry clerk")  # Văn thư
    ARCHIVIST = "archivist", _("Archivist")  # Lưu trữ
    ACCOUNTANT = "accountant", _("Accountant")  # Kế toán
    MEMBER = "member", _("Party member")  # Đảng viên


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: dt.date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


class Membership(models.Model):
    """A person's role in one organization over a period. Ended memberships stay as
    history."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organization")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path", "role", "started_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organization", "role"]), models.Index(fields=["person", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organization}"

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")

    def for_target(self, target: models.Model) -> AuditEventQuerySet:
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


class AuditEvent(models.Model):
    """One change to an official record, written by the service that made it, in the
    same transaction. Append-only; each row carries the hash of the one before it, so
    an edited or deleted row breaks the chain (`vanphong audit verify`)."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    actor_name = models.CharField(_("actor"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("object"), max_length=300)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # The secrecy of the record the event is about: the event itself reveals its
    # subject, so those not cleared for that level do not see it either.
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: an event, once written, never changes.
        if not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit trail is append-only.")


class AuditChainHead(models.Model):
    """The single row that serializes appends to the chain and remembers its end, so
    that removing the newest events is detected too."""

    last_hash = models.CharField(max_length=64)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.length} events, last {self.last_hash[:12]}"
