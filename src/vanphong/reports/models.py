"""Reports from grassroots organizations (báo cáo định kỳ của tổ chức cơ sở đảng).

A committee's office defines a report form (`ReportForm`): what is asked, how often,
by when and of whom. What is asked lives in versions (`ReportFormVersion`), whose
field definitions are JSON checked by `schema.validate_definition`; a published
version never changes, and each period (`ReportPeriod`) is filled on the version in
force when it was opened, so a new version never breaks what was sent.

Who must report in a period is computed, not copied: every open grassroots
organization under the form's `recipients_root`, or the chosen `recipients`. A
`Report` row is made only when an organization starts its draft, so opening a
period at national scale (50,000 organizations) writes one row, and the board is
one query over the organizations left-joined to their reports.

A submission (`ReportSubmission`) is immutable; a report returned for correction is
submitted again as a new one. The numbers of a report's current submission are also
kept one per row (`ReportValue`), so a sum up the tree is one GROUP BY.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vanphong.core.models import Organization, Person


class Periodicity(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Six-month")
    YEAR = "year", _("Yearly")
    ONCE = "once", _("One-off")


MONTHS_OF = {Periodicity.MONTH: 1, Periodicity.QUARTER: 3, Periodicity.HALF: 6, Periodicity.YEAR: 12}


def period_bounds(periodicity: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """First and last day of the `number`-th month, quarter or half of `year` (the
    year itself for a yearly form: `number` is 1)."""
    months = MONTHS_OF[Periodicity(periodicity)]
    if not 1 <= number <= 12 // months:
        raise ValueError(f"no period {number} of a {periodicity} form")
    first = months * (number - 1) + 1
    last = first + months - 1
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


class ReportForm(models.Model):
    """A report the office asks for, owned by its committee."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    title = models.CharField(_("title"), max_length=200)
    periodicity = models.CharField(_("periodicity"), max_length=8, choices=Periodicity.choices)
    # The due day: the `due_day` of the period's last month, or `due_days_after` days
    # after the period's last day when that is set (a one-off form: after its end).
    due_day = models.PositiveSmallIntegerField(_("due day of the last month"), default=20)
    due_days_after = models.PositiveSmallIntegerField(_("due days after the period"), null=True, blank=True)
    recipients_root = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("every grassroots organization under"),
    )
    recipients = models.ManyToManyField(  # type: ignore[var-annotated]
        Organization, blank=True, related_name="+", verbose_name=_("chosen organizations")
    )
    # A figure moving more than this share from the last period makes a report thin.
    tolerance_percent = models.PositiveSmallIntegerField(
        _("tolerance (%)"), null=True, blank=True, default=20
    )
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["organization__path", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    def due_on(self, start: dt.date, end: dt.date) -> dt.date:
        if self.due_days_after is not None or self.periodicity == Periodicity.ONCE:
            return end + dt.timedelta(days=self.due_days_after or 0)
        last_day = calendar.monthrange(end.year, end.month)[1]
        return end.replace(day=min(self.due_day or last_day, last_day))

    def recipients_q(self) -> Q:
        """The organizations that must send this report (a filter on Organization)."""
        if self.recipients_root_id is not None:
            root = self.recipients_root
            assert root is not None
            return Q(path__startswith=root.path, kind__is_grassroots=True)
        return Q(pk__in=self.recipients.values("pk"))


class ReportFormVersion(models.Model):
    """What a form asks, at one version. `fields` and `checks` follow
    `schema.validate_definition`; once `published_at` is set they never change."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    fields: models.JSONField[Any, Any] = models.JSONField(_("fields"), default=list)
    checks: models.JSONField[Any, Any] = models.JSONField(_("checks"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report form version")
        verbose_name_plural = _("report form versions")
        ordering = ["form", "-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def organization(self) -> Organization:
        return self.form.organization


class ReportPeriod(models.Model):
    """One period of a form (the request): filled on `version`, due on `due_on`."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="periods")
    version = models.ForeignKey(ReportFormVersion, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("period"), max_length=60)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    due_on = models.DateField(_("due on"))
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        ordering = ["form", "-starts_on"]
        constraints = [models.UniqueConstraint(fields=["form", "starts_on"], name="report_period_unique")]

    def __str__(self) -> str:
        return f"{self.form} — {self.label}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")


class Report(models.Model):
    """One organization's report for one period: its draft, and its submissions."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="reports")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # The draft as typed (strings, even a wrong one: nothing typed is lost).
    draft: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    draft_saved_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Timeliness is judged by the first submission: a correction asked by the office
    # does not make an on-time report late.
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_thin = models.BooleanField(_("thin"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["period", "organization"], name="report_unique")]

    def __str__(self) -> str:
        return f"{self.period} — {self.organization}"


class ReportSubmission(models.Model):
    """A report as sent: immutable. `thin_reasons` are what made it thin (codes and
    numbers, worded when shown)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("submission"))
    version = models.ForeignKey(ReportFormVersion, on_delete=models.PROTECT, related_name="+")
    values: models.JSONField[Any, Any] = models.JSONField(default=dict)
    thin_reasons: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_submission_unique")]

    def __str__(self) -> str:
        return f"{self.report} #{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An invariant, not business logic: a submission, once sent, never changes.
        if not self._state.adding:
            raise TypeError("A report submission is immutable.")
        super().save(*args, **kwargs)


class ReportValue(models.Model):
    """One number of a report's current submission, for sums: `key` is a field's key,
    or `table.row.column` for a cell of a table with fixed rows (`table.*.column`, the
    column's total, for free rows). Replaced when the report is submitted again."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="numbers")
    submission = models.ForeignKey(ReportSubmission, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_value_unique")]
        indexes = [models.Index(fields=["period", "key", "organization"], name="report_value_sum")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


def _report_file_path(instance: ReportFile, filename: str) -> str:
    return f"reports/{instance.report.period_id}/{instance.report_id}/{filename}"


class ReportFile(models.Model):
    """A file attached to a report's field; kept once a submission names it."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    field_key = models.CharField(max_length=60)
    file = models.FileField(upload_to=_report_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.name
