"""Every change to the reports from grassroots organizations, each with its audit row.

The office of a committee (Action.RECEIVE_REPORTS) defines forms and their versions,
publishes a version, opens and closes periods, returns a report for correction and
reminds those whose report is missing. A grassroots organization's Secretary or
office staff (Action.SEND_REPORTS) fill in its report and submit it.

Saving a draft writes no audit event: the draft is the organization's own working
copy, saved every few seconds while someone types, not an official record; the
audit trail would be flooded with keystrokes. What is official (the submission,
the files attached, a return, a reminder) is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.attachments.services import ACCEPTED, accepted_names, max_upload_bytes, sniff
from vanphong.core import audit
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can
from vanphong.handling.services import notify
from vanphong.reports import schema, selectors
from vanphong.reports.models import (
    Periodicity,
    Report,
    ReportFile,
    ReportForm,
    ReportFormVersion,
    ReportPeriod,
    ReportState,
    ReportSubmission,
    ReportValue,
    period_bounds,
)


class AuditAction(StrEnum):
    FORM_CREATED = "reports.form_created"
    VERSION_SAVED = "reports.version_saved"
    VERSION_PUBLISHED = "reports.version_published"
    PERIOD_OPENED = "reports.period_opened"
    PERIOD_CLOSED = "reports.period_closed"
    FILE_ATTACHED = "reports.file_attached"
    REPORT_SUBMITTED = "reports.report_submitted"
    REPORT_RETURNED = "reports.report_returned"
    REMINDERS_SENT = "reports.reminders_sent"


AUDIT_LABELS = {
    AuditAction.FORM_CREATED: gettext_lazy("Report form created"),
    AuditAction.VERSION_SAVED: gettext_lazy("Report form version saved"),
    AuditAction.VERSION_PUBLISHED: gettext_lazy("Report form version published"),
    AuditAction.PERIOD_OPENED: gettext_lazy("Report period opened"),
    AuditAction.PERIOD_CLOSED: gettext_lazy("Report period closed"),
    AuditAction.FILE_ATTACHED: gettext_lazy("File attached to a report"),
    AuditAction.REPORT_SUBMITTED: gettext_lazy("Report submitted"),
    AuditAction.REPORT_RETURNED: gettext_lazy("Report returned for correction"),
    AuditAction.REMINDERS_SENT: gettext_lazy("Reminders sent for missing reports"),
}
AUDIT_TARGET_PAGES = {"reports.reportform": "report_form_detail", "reports.reportperiod": "report_board"}

# A draft larger than this is not a report being typed.
DRAFT_LIMIT = 1_000_000


def _check_office(actor: Person, obj: ReportForm | ReportPeriod | Organization) -> None:
    if not can(actor, Action.RECEIVE_REPORTS, obj):
        raise PermissionDenied(_("Only the committee's office asks for reports and receives them."))


def _check_sender(actor: Person, organization: Organization) -> None:
    if not can(actor, Action.SEND_REPORTS, organization):
        raise PermissionDenied(_("Only the organization's Secretary or office staff send its reports."))


# --- Forms and versions -------------------------------------------------------------------------


def _settings_errors(
    periodicity: str,
    due_day: int,
    due_days_after: int | None,
    root: Organization | None,
    chosen: list[Organization],
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if periodicity not in Periodicity.values:
        errors["periodicity"] = [_("Choose how often the report is sent.")]
    if due_days_after is None and not 1 <= due_day <= 31:
        errors["due_day"] = [_("A day of the month, 1 to 31.")]
    if (root is None) == (not chosen):
        errors["recipients_root"] = [
            _("Choose either a node of the tree (all grassroots organizations under it) or a list.")
        ]
    return errors


@transaction.atomic
def form_create(
    *,
    actor: Person,
    organization: Organization,
    title: str,
    periodicity: str,
    due_day: int = 20,
    due_days_after: int | None = None,
    recipients_root: Organization | None = None,
    recipients: Iterable[Organization] = (),
    tolerance_percent: int | None = 20,
    fields: list[dict[str, Any]],
    checks: list[dict[str, Any]] | None = None,
) -> ReportForm:
    """A new form of `organization`'s office and its first version, not yet published."""
    _check_office(actor, organization)
    chosen = list(recipients)
    errors = _settings_errors(periodicity, due_day, due_days_after, recipients_root, chosen)
    if not title.strip():
        errors["title"] = [_("Give the report a title.")]
    if recipients_root is not None and not recipients_root.path.startswith(organization.path):
        errors["recipients_root"] = [_("Reports are asked only of organizations under the committee.")]
    if any(not unit.path.startswith(organization.path) for unit in chosen):
        errors["recipients"] = [_("Reports are asked only of organizations under the committee.")]
    try:
        schema.validate_definition(fields, checks or [])
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    form = ReportForm.objects.create(
        organization=organization,
        title=title.strip(),
        periodicity=periodicity,
        due_day=due_day,
        due_days_after=due_days_after,
        recipients_root=recipients_root,
        tolerance_percent=tolerance_percent,
        created_by=actor,
    )
    form.recipients.set(chosen)
    ReportFormVersion.objects.create(form=form, number=1, fields=fields, checks=checks or [])
    audit.record(
        actor=actor,
        action=AuditAction.FORM_CREATED,
        target=form,
        after={
            "title": form.title,
            "periodicity": periodicity,
            "recipients_root": recipients_root.name if recipients_root else None,
            "recipients": [unit.name for unit in chosen],
            "fields": [field["key"] for field in fields],
        },
        organization=organization,
    )
    return form


@transaction.atomic
def version_save(
    *,
    actor: Person,
    form: ReportForm,
    fields: list[dict[str, Any]],
    checks: list[dict[str, Any]] | None = None,
) -> ReportFormVersion:
    """The fields of the form's draft version; when the latest is published, a new
    version is begun (a published one never changes)."""
    _check_office(actor, form)
    schema.validate_definition(fields, checks or [])
    # Two office staff editing at once: the form row serializes the numbering.
    ReportForm.objects.select_for_update().filter(pk=form.pk).values_list("pk").get()
    latest = form.versions.order_by("-number").first()
    if latest is not None and not latest.is_published:
        before = {"fields": [f["key"] for f in latest.fields]}
        latest.fields, latest.checks = fields, checks or []
        latest.save(update_fields=["fields", "checks"])
        version = latest
    else:
        before = None
        version = ReportFormVersion.objects.create(
            form=form, number=(latest.number + 1) if latest else 1, fields=fields, checks=checks or []
        )
    audit.record(
        actor=actor,
        action=AuditAction.VERSION_SAVED,
        target=form,
        before=before,
        after={"version": version.number, "fields": [f["key"] for f in fields], "checks": checks or []},
        organization=form.organization,
    )
    return version


@transaction.atomic
def version_publish(*, actor: Person, version: ReportFormVersion) -> ReportFormVersion:
    """Publish a version: from now on it never changes, and the periods opened from
    now on are filled on it (the periods already open keep theirs)."""
    version = (
        ReportFormVersion.objects.select_for_update().select_related("form__organization").get(pk=version.pk)
    )
    _check_office(actor, version.form)
    if version.is_published:
        raise ValidationError(_("This version is already published: it cannot change."))
    schema.validate_definition(version.fields, version.checks)
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["published_at", "published_by"])
    audit.record(
        actor=actor,
        action=AuditAction.VERSION_PUBLISHED,
        target=version.form,
        after={"version": version.number},
        organization=version.form.organization,
    )
    return version


def _period_label(periodicity: str, year: int, number: int) -> str:
    if periodicity == Periodicity.MONTH:
        return _("Month %(n)s/%(year)s") % {"n": number, "year": year}
    if periodicity == Periodicity.QUARTER:
        return _("Quarter %(n)s/%(year)s") % {"n": number, "year": year}
    if periodicity == Periodicity.HALF:
        return _("Half %(n)s/%(year)s") % {"n": number, "year": year}
    return _("Year %(year)s") % {"year": year}


@transaction.atomic
def period_open(
    *,
    actor: Person,
    form: ReportForm,
    year: int | None = None,
    number: int = 1,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    label: str = "",
) -> ReportPeriod:
    """Ask for the report of one period (the `number`-th month, quarter or half of
    `year`; a one-off form: from `starts_on` to `ends_on`), on the latest published
    version. Writes one row: who must report is computed from the form."""
    _check_office(actor, form)
    version = form.versions.filter(published_at__isnull=False).order_by("-number").first()
    if version is None:
        raise ValidationError(_("Publish a version of the form first."))
    if form.periodicity == Periodicity.ONCE:
        if starts_on is None or ends_on is None or ends_on < starts_on:
            raise ValidationError({"starts_on": _("Give the first and last day of the period.")})
        label = label or f"{starts_on:%d/%m/%Y}–{ends_on:%d/%m/%Y}"
    else:
        if year is None:
            raise ValidationError({"year": _("Give the year.")})
        try:
            starts_on, ends_on = period_bounds(form.periodicity, year, number)
        except ValueError:
            raise ValidationError({"number": _("There is no such period in a year.")}) from None
        label = label or _period_label(form.periodicity, year, number)
    if form.periods.filter(starts_on=starts_on).exists():
        raise ValidationError({"number": _("This period is already open.")})
    period = ReportPeriod.objects.create(
        form=form,
        version=version,
        organization=form.organization,
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        due_on=form.due_on(starts_on, ends_on),
    )
    audit.record(
        actor=actor,
        action=AuditAction.PERIOD_OPENED,
        target=period,
        after={"label": label, "version": version.number, "due_on": period.due_on.isoformat()},
        organization=form.organization,
    )
    return period


@transaction.atomic
def period_close(*, actor: Person, period: ReportPeriod) -> ReportPeriod:
    """No more submissions for the period; drafts are kept."""
    period = ReportPeriod.objects.select_for_update().get(pk=period.pk)
    _check_office(actor, period)
    if period.is_closed:
        raise ValidationError(_("This period is already closed."))
    period.closed_at = timezone.now()
    period.save(update_fields=["closed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.PERIOD_CLOSED,
        target=period,
        after={"label": period.label},
        organization=period.organization,
    )
    return period


# --- Filling in ---------------------------------------------------------------------------------


def _report_for(actor: Person, period: ReportPeriod, organization: Organization) -> Report:
    """The organization's report of the period, locked; begun if it was not."""
    _check_sender(actor, organization)
    if not selectors.is_recipient(period, organization):
        raise PermissionDenied(_("This report is not asked of this organization."))
    report, _created = Report.objects.select_for_update().get_or_create(
        period=period, organization=organization
    )
    return report


def _clean_draft(version: ReportFormVersion, values: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    """Only what the version asks; strings stay as typed (a wrong one too)."""
    draft: dict[str, Any] = {}
    for field in version.fields:
        key = field["key"]
        if field["kind"] == "file":
            draft[key] = files.get(key, [])
        elif field["kind"] == "table":
            rows = values.get(key)
            draft[key] = [
                {str(k): str(v)[:2000] for k, v in row.items() if v is not None}
                for row in (rows if isinstance(rows, list) else [])[: schema.MAX_FREE_ROWS]
                if isinstance(row, dict)
            ]
        elif key in values and values[key] is not None:
            draft[key] = str(values[key])[:100_000]
    if len(json.dumps(draft)) > DRAFT_LIMIT:
        raise ValidationError(_("The report is too long to be saved."))
    return draft


@transaction.atomic
def draft_save(
    *, actor: Person, period: ReportPeriod, organization: Organization, values: dict[str, Any]
) -> Report:
    """Keep what was typed, as typed. Not audited (see the module's docstring); a
    submitted report has no draft until the office returns it."""
    report = _report_for(actor, period, organization)
    if report.state == ReportState.SUBMITTED:
        raise ValidationError(_("This report has been submitted; the office may return it for correction."))
    files = {k: v for k, v in report.draft.items() if isinstance(v, list) and _is_file_field(period, k)}
    report.draft = _clean_draft(period.version, values, files)
    report.draft_saved_at = timezone.now()
    report.draft_saved_by = actor
    report.save(update_fields=["draft", "draft_saved_at", "draft_saved_by"])
    return report


def _is_file_field(period: ReportPeriod, key: str) -> bool:
    return any(f["key"] == key and f["kind"] == "file" for f in period.version.fields)


@transaction.atomic
def file_attach(
    *, actor: Person, period: ReportPeriod, organization: Organization, field_key: str, upload: File[Any]
) -> ReportFile:
    """Attach a file to a file field of the draft: refused with a message at the
    field when empty, too large or of a type the office does not accept (read from
    its content, as the attachments of documents are)."""
    report = _report_for(actor, period, organization)
    if not _is_file_field(period, field_key):
        raise ValidationError({field_key: _("This part of the form takes no file.")})
    if report.state == ReportState.SUBMITTED:
        raise ValidationError({field_key: _("This report has been submitted.")})
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field_key: _("The file is empty.")})
    if size > max_upload_bytes():
        raise ValidationError(
            {
                field_key: _("The file is %(size)s; the office accepts files up to %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}
            }
        )
    sniffed = sniff(upload)
    if sniffed.mime is None:
        raise ValidationError(
            {
                field_key: _(
                    "This file is %(found)s, which the office does not accept. Accepted: %(accepted)s."
                )
                % {"found": sniffed.found, "accepted": accepted_names()}
            }
        )
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    attached = ReportFile(
        report=report,
        field_key=field_key,
        name=name,
        size=size,
        content_type=sniffed.mime,
        sha256=sha.hexdigest(),
        uploaded_by=actor,
    )
    attached.file.save(f"upload.{ACCEPTED[sniffed.mime]}", upload, save=False)
    attached.save()
    report.draft = {**report.draft, field_key: [*report.draft.get(field_key, []), attached.pk]}
    report.save(update_fields=["draft"])
    audit.record(
        actor=actor,
        action=AuditAction.FILE_ATTACHED,
        target=period,
        after={
            "organization": organization.name,
            "field": field_key,
            "name": name,
            "sha256": attached.sha256,
        },
        organization=period.organization,
    )
    return attached


@transaction.atomic
def report_submit(*, actor: Person, period: ReportPeriod, organization: Organization) -> ReportSubmission:
    """Submit the saved draft as the next submission. Refused, with a message at each
    field and the draft kept, for a value the field does not take, a sum that does
    not match, or a period already closed. Thin reports are accepted, their reasons
    kept for the board."""
    report = _report_for(actor, period, organization)
    period = ReportPeriod.objects.select_related("form", "version").get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(
            _("The period was closed on %(date)s: the report can no longer be submitted. Your draft is kept.")
            % {"date": timezone.localtime(period.closed_at).strftime("%d/%m/%Y")}
        )
    if report.state == ReportState.SUBMITTED:
        raise ValidationError(_("This report has already been submitted."))
    version = period.version
    values = schema.clean_values(version.fields, version.checks, report.draft)
    for field in version.fields:
        if field["kind"] == "file":
            owned = set(report.files.filter(field_key=field["key"]).values_list("pk", flat=True))
            values[field["key"]] = [pk for pk in values[field["key"]] if pk in owned]
    reasons = schema.thin_reasons(
        version.fields,
        values,
        selectors.previous_numbers(period, organization),
        period.form.tolerance_percent,
    )
    number = (report.submissions.aggregate(last=Max("number"))["last"] or 0) + 1
    now = timezone.now()
    submission = ReportSubmission.objects.create(
        report=report,
        number=number,
        version=version,
        values=json.loads(json.dumps(values, default=str)),
        thin_reasons=[reason.as_json() for reason in reasons],
        submitted_at=now,
        submitted_by=actor,
    )
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.is_thin = bool(reasons)
    report.save(update_fields=["state", "submitted_at", "first_submitted_at", "is_thin"])
    ReportValue.objects.filter(report=report).delete()
    ReportValue.objects.bulk_create(
        ReportValue(
            period=period,
            organization=organization,
            report=report,
            submission=submission,
            key=key,
            value=value,
        )
        for key, value in schema.numbers(version.fields, values).items()
    )
    audit.record(
        actor=actor,
        action=AuditAction.REPORT_SUBMITTED,
        target=period,
        after={
            "organization": organization.name,
            "submission": number,
            "version": version.number,
            "thin": [reason.as_json() for reason in reasons],
        },
        organization=period.organization,
    )
    return submission


@transaction.atomic
def report_return(*, actor: Person, report: Report, reason: str) -> Report:
    """The office sends a submitted report back for correction, saying why; the
    organization's next submission is a new one."""
    report = (
        Report.objects.select_for_update().select_related("period__form", "organization").get(pk=report.pk)
    )
    _check_office(actor, report.period)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what must be corrected.")})
    report.state = ReportState.RETURNED
    report.return_reason = reason.strip()
    report.returned_at = timezone.now()
    report.save(update_fields=["state", "return_reason", "returned_at"])
    audit.record(
        actor=actor,
        action=AuditAction.REPORT_RETURNED,
        target=report.period,
        after={"organization": report.organization.name, "reason": report.return_reason},
        organization=report.period.organization,
    )
    url = reverse("report_fill", args=[report.period_id, report.organization_id])
    text = _("Report returned for correction: %(form)s, %(period)s. %(reason)s") % {
        "form": report.period.form.title,
        "period": report.period.label,
        "reason": report.return_reason,
    }
    for person in selectors.senders_of(report.organization):
        notify(recipient=person, text=text, url=url)
    return report


@transaction.atomic
def reminders_send(*, actor: Person, period: ReportPeriod, today: dt.date | None = None) -> int:
    """Remind every organization whose report is missing (the due day past, nothing
    submitted), in the app and by e-mail. Returns how many organizations."""
    _check_office(actor, period)
    if period.is_closed:
        raise ValidationError(_("This period is closed."))
    units = list(selectors.unsent(period, today))
    text = _("Report missing: %(form)s, %(period)s, was due on %(date)s.") % {
        "form": period.form.title,
        "period": period.label,
        "date": period.due_on.strftime("%d/%m/%Y"),
    }
    told = 0
    for unit in units:
        url = reverse("report_fill", args=[period.pk, unit.pk])
        for person in selectors.senders_of(unit):
            notify(recipient=person, text=text, url=url)
            told += 1
    audit.record(
        actor=actor,
        action=AuditAction.REMINDERS_SENT,
        target=period,
        after={"organizations": [unit.name for unit in units][:200], "count": len(units), "people": told},
        organization=period.organization,
    )
    return len(units)
