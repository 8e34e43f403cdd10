"""The document registry (DOMAIN.md §2): registers (sổ), document types, the
incoming documents entered in them, and the outgoing documents numbered from each
issuer's series."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vanphong.core.models import CongressTerm, Organization, Person, Secrecy
from vanphong.core.vietnamese import fold
from vanphong.registry.search import FTS5Terms


def duplicate_key(issuer: str, symbol: str) -> str:
    """Issuer and symbol as compared for duplicates: "Ban Tổ chức Trung ương" and
    "BAN TỔ CHỨC TRUNG ƯƠNG", "12-CV/BTCTW" and "12 - cv/btctw" are the same."""
    return f"{fold(issuer)}|{''.join(fold(symbol).split())}"


class Direction(models.TextChoices):
    INCOMING = "in", _("Incoming")
    OUTGOING = "out", _("Outgoing")


class Urgency(models.IntegerChoices):
    """Party documents: Khẩn, Thượng khẩn, Hỏa tốc hẹn giờ (66-QĐ/TW art. 16); the
    state's plain Hỏa tốc is kept for documents received from state bodies."""

    NORMAL = 0, _("Normal")
    URGENT = 1, _("Urgent")  # Khẩn
    VERY_URGENT = 2, _("Very urgent")  # Thượng khẩn
    FLASH = 3, _("Flash")  # Hỏa tốc
    FLASH_TIMED = 4, _("Flash, by a set time")  # Hỏa tốc hẹn giờ


class NumberingScope(models.TextChoices):
    """When an issuer's series of a type starts again at 01 (36-HD/VPTW 1.3.1: at
    each committee term; some administrative papers run by the calendar year)."""

    TERM = "term", _("Each congress term")
    YEAR = "year", _("Each year")


class DocumentType(models.Model):
    """A type of document (Nghị quyết, Công văn…) with the abbreviation used in
    symbols and how its outgoing numbers run. Data an administrator edits:
    abbreviations and numbering practice differ between localities."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    abbreviation = models.CharField(_("abbreviation"), max_length=10)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    numbering_scope = models.CharField(
        _("numbering restarts"),
        max_length=4,
        choices=NumberingScope.choices,
        default=NumberingScope.TERM,
    )
    series_group = models.SlugField(
        _("series group"),
        max_length=40,
        blank=True,
        help_text=_(
            "Types with the same group share one series of numbers (e.g. Quyết định and "
            "Quy định, both QĐ). Empty: the type has a series of its own. Types of one "
            "group should restart alike."
        ),
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.name

    @property
    def series_key(self) -> str:
        """The series this type is numbered in: its group, or its own code."""
        return self.series_group or self.code


class Register(models.Model):
    """A register book (sổ) of one organization, one direction and one year. Classified
    documents go in a register of their own. `last_number` is the counter the next
    number is drawn from, under a row lock."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="registers", verbose_name=_("organization")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    is_classified = models.BooleanField(_("classified register"), default=False)
    last_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["organization", "-year", "direction", "is_classified"]
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "direction", "year", "is_classified"], name="register_unique"
            )
        ]

    def __str__(self) -> str:
        if self.direction == Direction.INCOMING:
            name = _("Classified incoming register") if self.is_classified else _("Incoming register")
        else:
            name = _("Classified outgoing register") if self.is_classified else _("Outgoing register")
        return f"{name} {self.year}"


class Handling(models.TextChoices):
    """Where the handling of an incoming document stands, as its transfer slips say
    (the handling app records it: `services.incoming_handling_record`)."""

    NONE = "none", _("Not yet forwarded")  # chưa chuyển xử lý
    OPEN = "open", _("Being handled")  # đang xử lý
    DONE = "done", _("Done")  # đã xong


class IncomingDocument(models.Model):
    """One entry of an incoming register: the columns of the paper book (DOMAIN.md §2)."""

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="incoming", verbose_name=_("register")
    )
    # The register's organization, kept on the row so that permission filters need
    # no join (`permissions.visible_to(…, organization_field="organization")`).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    number = models.PositiveIntegerField(_("incoming number"))
    received_on = models.DateField(_("received on"))
    issuer = models.CharField(_("issuing body"), max_length=200)
    symbol = models.CharField(_("number and symbol"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"))
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    abstract = models.TextField(_("abstract"))
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    handler_unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving unit"),
    )
    handler_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving person"),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # What the search box finds it by (`search.terms`), indexed by the database.
    search_terms = models.TextField(editable=False, default="")
    # Issuer and symbol folded (case, accents, spaces): what makes two entries "the
    # same document". SQLite's case-insensitive match folds ASCII only.
    duplicate_key = models.CharField(max_length=300, editable=False, default="")
    # Derived from its transfer slips, kept here so that the register filters by it
    # without reading the handling app's tables: none, some open, or all done; and
    # the earliest deadline among its directed slips still open (overdue once past).
    handling = models.CharField(
        _("handling"),
        max_length=4,
        choices=Handling.choices,
        default=Handling.NONE,
        db_default=Handling.NONE,
        editable=False,
    )
    handling_deadline = models.DateField(_("handling deadline"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-number"]
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="incoming_number_unique"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("received_on")),
                name="incoming_deadline_after_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-received_on", "-number"]),
            models.Index(fields=["organization", "duplicate_key", "document_date"]),
            # Search results are read newest first across all the registers one sees.
            models.Index(fields=["-received_on", "-id"], name="incoming_newest"),
            # The register filtered by type, newest first (a year of Nghị quyết).
            models.Index(fields=["document_type", "-received_on", "-id"], name="incoming_type_newest"),
            # The register filtered by handling (overdue: open, deadline before today).
            models.Index(fields=["handling", "handling_deadline"], name="incoming_handling"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.symbol or self.document_type}"


class NumberSeries(models.Model):
    """One issuer's running numbers for one series group in one scope: a congress
    term or a calendar year, whichever the type restarts at. `last_number` is the
    counter the next number is drawn from, under a row lock."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="number_series", verbose_name=_("issuer")
    )
    series_group = models.SlugField(_("series group"), max_length=40)
    term = models.ForeignKey(
        CongressTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="number_series",
        verbose_name=_("congress term"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    last_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["organization_id", "series_group", "-year", "-term_id"]
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.CheckConstraint(
                condition=Q(term__isnull=False, year__isnull=True) | Q(term__isnull=True, year__isnull=False),
                name="series_term_or_year",
            ),
            models.UniqueConstraint(
                fields=["organization", "series_group", "term"],
                condition=Q(term__isnull=False),
                name="series_unique_term",
            ),
            models.UniqueConstraint(
                fields=["organization", "series_group", "year"],
                condition=Q(year__isnull=False),
                name="series_unique_year",
            ),
        ]

    def __str__(self) -> str:
        scope = str(self.term) if self.term_id else str(self.year)
        return f"{self.series_group} — {scope}"


def outgoing_symbol(number: int, type_abbreviation: str, issuer_abbreviation: str) -> str:
    """The number and symbol as printed after "Số": `12-CV/TU`. Series start at 01
    (36-HD/VPTW 1.3.1), so the number has two digits at least."""
    return f"{number:02d}-{type_abbreviation}/{issuer_abbreviation}"


class OutgoingDocument(models.Model):
    """One entry of an outgoing register: the columns of the paper book (DOMAIN.md
    §2). Its number comes from the issuer's series, never reused: a cancelled
    document keeps it, with the reason."""

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="outgoing", verbose_name=_("register")
    )
    # The issuer: the register's organization, kept on the row for permission filters.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    series = models.ForeignKey(
        NumberSeries, on_delete=models.PROTECT, related_name="documents", verbose_name=_("number series")
    )
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("document type")
    )
    abstract = models.TextField(_("abstract"))
    signer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signer_title = models.CharField(_("signing capacity"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients"))
    drafter = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_note = models.TextField(_("reason for cancelling"), blank=True)
    registered_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # What the search box finds it by (`search.terms`), indexed by the database.
    search_terms = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("outgoing document")
        verbose_name_plural = _("outgoing documents")
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="outgoing_number_unique"),
            models.CheckConstraint(condition=Q(copies__gte=1), name="outgoing_copies_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "-issued_on", "-number"]),
            models.Index(fields=["-issued_on", "-id"], name="outgoing_newest"),
            models.Index(fields=["document_type", "-issued_on", "-id"], name="outgoing_type_newest"),
        ]

    def __str__(self) -> str:
        return self.symbol

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class IncomingSearchIndex(models.Model):
    """SQLite only: the FTS5 table indexing `IncomingDocument.search_terms`, kept by
    triggers (migration 0005). Its rowid is the day received and the document's id
    (`day << 32 | id`), so the index read in rowid order is the register newest
    first. PostgreSQL indexes a generated column of the document's own table."""

    rowid = models.BigIntegerField(primary_key=True)
    terms = FTS5Terms()

    class Meta:
        managed = False
        db_table = "registry_incoming_fts"

    def __str__(self) -> str:
        return str(self.rowid)


class OutgoingSearchIndex(models.Model):
    """SQLite only: as `IncomingSearchIndex`, for outgoing documents by day issued."""

    rowid = models.BigIntegerField(primary_key=True)
    terms = FTS5Terms()

    class Meta:
        managed = False
        db_table = "registry_outgoing_fts"

    def __str__(self) -> str:
        return str(self.rowid)


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for its turn")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RegisterExport(models.Model):
    """A printed register laid out in the background (`registry/tasks.py`): a PDF too
    long to make while the person waits. What was asked and by whom; the file, in the
    default storage, once made. Only the person who asked downloads it, and only
    while their clearance still covers the most secret row in it; it is deleted after
    `exports.EXPORT_KEEP`."""

    requested_by = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    extension = models.CharField(_("format"), max_length=4, default="pdf")
    # The list's filters and the language as the task rebuilds them (`exports.Parameters`).
    parameters = models.JSONField(_("parameters"), default=dict)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    rows = models.PositiveIntegerField(_("documents"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="registry-exports/%Y/%m/%d/", max_length=200, blank=True)
    # The most secret row in the file: whoever downloads it must still be cleared for it.
    secrecy = models.PositiveSmallIntegerField(_("secrecy"), choices=Secrecy.choices, default=Secrecy.NONE)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What went wrong, for the administrator (the person sees a plain message).
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("register export")
        verbose_name_plural = _("register exports")
        indexes = [models.Index(fields=["requested_at"], name="registerexport_requested")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.period_start}–{self.period_end} ({self.status})"
