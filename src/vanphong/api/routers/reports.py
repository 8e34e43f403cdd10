"""Reports from grassroots organizations through the API: the forms and periods one
sees, the office's period board, reminders and a period's numbers summed up the tree;
for a grassroots organization, what is due, its report's draft (saved as the page's
autosave saves it), its submission; the office's return for correction.

As the pages (`reports/views.py`): a form, period or report the caller may not see is
a 404 (so is an organization they do not see, or one the report is not asked of); one
they see but may not act on is a 403 (the office reminds, returns and sums; the
organization's Secretary or office staff fill in and submit); the services' refusals
are 422s keyed by field (a table's cell: `table.row.column`), the draft kept."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.responses import Status

from vanphong.api.common import ACTION_REFUSALS, REFUSALS, invalid_choice, person_ref, ref
from vanphong.api.routers.reports_schemas import (
    ReportBoardOut,
    ReportBoardQuery,
    ReportDraftIn,
    ReportDueOut,
    ReportFillOut,
    ReportFormDetailOut,
    ReportFormPage,
    ReportPageQuery,
    ReportPeriodDetailOut,
    ReportPeriodPage,
    ReportPeriodQuery,
    ReportRatingOut,
    ReportRatingQuery,
    ReportRemindOut,
    ReportReturnIn,
    ReportSubmissionOut,
    ReportSubmitIn,
    ReportSumsOut,
    ReportSumsQuery,
)
from vanphong.core.models import Organization, Person
from vanphong.core.permissions import Action, can, visible_to
from vanphong.core.web import get_checked, person_of
from vanphong.reports import rating, selectors, services
from vanphong.reports.models import Report, ReportForm, ReportPeriod, ReportSubmission

router = Router(tags=["reports"])


# --- Output ---------------------------------------------------------------------------------------


def _form_ref(form: ReportForm) -> dict[str, Any]:
    return {"id": form.pk, "name": form.title}


def _form(form: ReportForm) -> dict[str, Any]:
    """A form annotated with `current_version`, its recipients prefetched."""
    return {
        "id": form.pk,
        "organization": ref(form.organization),
        "title": form.title,
        "periodicity": form.periodicity,
        "due_day": form.due_day,
        "due_days_after": form.due_days_after,
        "recipients_root": ref(form.recipients_root),
        "recipients": [ref(unit) for unit in form.recipients.all()],
        "tolerance_percent": form.tolerance_percent,
        "current_version": form.current_version,  # type: ignore[attr-defined]
    }


def _period(period: ReportPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "form": _form_ref(period.form),
        "organization": ref(period.organization),
        "version": period.version.number,
        "label": period.label,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "due_on": period.due_on,
        "opened_at": period.opened_at,
        "closed_at": period.closed_at,
    }


def _period_detail(period: ReportPeriod) -> dict[str, Any]:
    return {**_period(period), "fields": period.version.fields, "checks": period.version.checks}


def _summary(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "state": report.state,
        "submitted_at": report.submitted_at,
        "first_submitted_at": report.first_submitted_at,
        "thin": report.is_thin,
        "return_reason": report.return_reason,
        "returned_at": report.returned_at,
    }


def _labels(fields: list[dict[str, Any]]) -> dict[str, str]:
    return {f["key"]: f.get("label", f["key"]) for f in fields}


def _submission(submission: ReportSubmission) -> dict[str, Any]:
    labels = _labels(submission.version.fields)
    return {
        "number": submission.number,
        "version": submission.version.number,
        "values": submission.values,
        "thin_reasons": [selectors.word_reason(reason, labels) for reason in submission.thin_reasons],
        "submitted_at": submission.submitted_at,
        "submitted_by": person_ref(submission.submitted_by),
    }


def _report(period: ReportPeriod, organization: Organization, report: Report | None) -> dict[str, Any]:
    """The report as the fill-in page (or the office's) shows it; None: not begun."""
    submissions: list[ReportSubmission] = []
    files: list[Any] = []
    if report is not None:
        submissions = list(report.submissions.select_related("version", "submitted_by").order_by("-number"))
        files = list(report.files.order_by("pk"))
    return {
        "id": report.pk if report else None,
        "period": _period_detail(period),
        "organization": ref(organization),
        "state": report.state if report else None,
        "draft": report.draft if report else {},
        "draft_saved_at": report.draft_saved_at if report else None,
        "first_submitted_at": report.first_submitted_at if report else None,
        "submitted_at": report.submitted_at if report else None,
        "thin": report.is_thin if report else False,
        "return_reason": report.return_reason if report else "",
        "returned_at": report.returned_at if report else None,
        "files": [
            {
                "id": attached.pk,
                "field_key": attached.field_key,
                "name": attached.name,
                "size": attached.size,
                "content_type": attached.content_type,
                "sha256": attached.sha256,
            }
            for attached in files
        ],
        "submissions": [_submission(submission) for submission in submissions],
    }


def _page(queryset: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    return queryset.count(), list(queryset[offset : offset + limit])


# --- Fetching -------------------------------------------------------------------------------------


def _forms(person: Person) -> QuerySet[ReportForm]:
    return (
        selectors.forms_visible_to(person)
        .annotate(current_version=Max("versions__number", filter=Q(versions__published_at__isnull=False)))
        .prefetch_related("recipients")
    )


def _visible_period(request: HttpRequest, period_id: int, action: Action = Action.VIEW) -> ReportPeriod:
    period: ReportPeriod = get_checked(
        request, selectors.periods_visible_to(person_of(request)), period_id, action
    )
    return period


def _sending(request: HttpRequest, period_id: int, organization_id: int) -> tuple[ReportPeriod, Organization]:
    """The period and the organization, if the caller may send its report (the fill-in
    page's fetch): 404 when they do not see the organization or the report is not
    asked of it, 403 when they see it but do not send in its name."""
    person = person_of(request)
    organization = get_object_or_404(visible_to(person, Organization.objects.all()), pk=organization_id)
    period = get_object_or_404(
        ReportPeriod.objects.select_related("form", "version", "organization"), pk=period_id
    )
    if not selectors.is_recipient(period, organization):
        raise Http404
    if not can(person, Action.SEND_REPORTS, organization):
        raise PermissionDenied
    return period, organization


def _own_report(period: ReportPeriod, organization: Organization) -> dict[str, Any]:
    return _report(
        period, organization, Report.objects.filter(period=period, organization=organization).first()
    )


# --- Forms and periods ----------------------------------------------------------------------------


@router.get("/forms/", response={200: ReportFormPage, **REFUSALS}, url_name="report_form_list")
def form_list(request: HttpRequest, page: Query[ReportPageQuery]) -> dict[str, Any]:
    """The report forms the caller sees, committee by committee."""
    count, chosen = _page(_forms(person_of(request)), page.limit, page.offset)
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": [_form(f) for f in chosen]}


@router.get(
    "/forms/{form_id}/", response={200: ReportFormDetailOut, **REFUSALS}, url_name="report_form_detail"
)
def form_detail(request: HttpRequest, form_id: int) -> dict[str, Any]:
    """A form with its current published version's fields and its versions."""
    form: ReportForm = get_object_or_404(_forms(person_of(request)), pk=form_id)
    versions = list(form.versions.order_by("-number"))
    current = next((v for v in versions if v.is_published), None)
    return {
        **_form(form),
        "version": None
        if current is None
        else {
            "number": current.number,
            "published_at": current.published_at,
            "fields": current.fields,
            "checks": current.checks,
        },
        "versions": [{"number": v.number, "published_at": v.published_at} for v in versions],
    }


@router.get("/periods/", response={200: ReportPeriodPage, **REFUSALS}, url_name="report_period_list")
def period_list(request: HttpRequest, filters: Query[ReportPeriodQuery]) -> dict[str, Any]:
    """The periods the caller sees, the latest first: by form, year begun, open or closed."""
    periods = selectors.periods_visible_to(person_of(request))
    if filters.form is not None:
        periods = periods.filter(form_id=filters.form)
    if filters.year is not None:
        periods = periods.filter(starts_on__year=filters.year)
    if filters.state is not None:
        periods = periods.filter(closed_at__isnull=filters.state == "open")
    periods = periods.order_by("-starts_on", "form__title", "pk")
    count, chosen = _page(periods, filters.limit, filters.offset)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_period(p) for p in chosen],
    }


@router.get(
    "/periods/{period_id}/",
    response={200: ReportPeriodDetailOut, **REFUSALS},
    url_name="report_period_detail",
)
def period_detail(request: HttpRequest, period_id: int) -> dict[str, Any]:
    return _period_detail(_visible_period(request, period_id))


# --- The office -----------------------------------------------------------------------------------


@router.get(
    "/periods/{period_id}/board/", response={200: ReportBoardOut, **REFUSALS}, url_name="report_board"
)
def board(request: HttpRequest, period_id: int, filters: Query[ReportBoardQuery]) -> dict[str, Any]:
    """Every organization asked, on time, late, missing or not yet due, thin or not
    (with why), as the office's board shows them; the counts over all of them."""
    period = _visible_period(request, period_id)
    result = selectors.board(
        period,
        today=filters.day,
        status=str(filters.status or ""),
        thin=filters.thin,
        q=filters.q,
    )
    counts = result.counts
    return {
        "period": _period(period),
        "day": result.today,
        "counts": {key: counts[key] for key in ("total", "thin", "returned", *map(str, selectors.Status))},
        "rows": [
            {
                "organization": ref(row),
                "status": row.status,
                "report_id": row.report_id,
                "report_state": row.report_state,
                "first_submitted_at": row.first_submitted_at,
                "submitted_at": row.submitted_at,
                "thin": bool(row.is_thin),
                "thin_reasons": result.thin.get(row.report_id, []),
            }
            for row in result.rows
        ],
    }


@router.post(
    "/periods/{period_id}/remind/",
    response={200: ReportRemindOut, **ACTION_REFUSALS},
    url_name="report_remind",
)
def remind(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Remind the organizations whose report is missing, in the app and by e-mail."""
    period = _visible_period(request, period_id, Action.RECEIVE_REPORTS)
    return {"organizations": services.reminders_send(actor=person_of(request), period=period)}


@router.get(
    "/periods/{period_id}/sums/",
    response={200: ReportSumsOut, **ACTION_REFUSALS},
    url_name="report_period_sums",
)
def period_sums(request: HttpRequest, period_id: int, filters: Query[ReportSumsQuery]) -> dict[str, Any]:
    """The period's numbers summed over each subtree under a node (the form's
    committee by default), against the previous period of the form."""
    period = _visible_period(request, period_id, Action.RECEIVE_REPORTS)
    root = selectors.statistics_root(period)
    node = root
    if filters.organization is not None:
        node = Organization.objects.filter(path__startswith=root.path, pk=filters.organization).first()
        if node is None:
            raise invalid_choice("organization")
    sums = selectors.period_sums(period, node)
    keys = [key for key, _label in sums.keys]

    def line(item: selectors.SumLine) -> dict[str, Any]:
        return {
            "organization": ref(item.organization),
            "own": item.is_own,
            "drillable": item.drillable,
            "asked": item.asked,
            "reported": item.reported,
            "cells": [
                {"key": key, "value": now, "previous": before, "change": change}
                for key, now, before, change in item.cells(keys)
            ],
        }

    before = sums.previous_period
    return {
        "period": _period(period),
        "previous_period": None if before is None else _period(before),
        "node": ref(sums.node),
        "trail": [ref(unit) for unit in sums.trail],
        "keys": [{"key": key, "label": label} for key, label in sums.keys],
        "lines": [line(item) for item in sums.lines],
        "total": line(sums.total),
    }


@router.get("/received/{report_id}/", response={200: ReportFillOut, **REFUSALS}, url_name="report_received")
def received(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """A report as the office receives it, with its submissions."""
    report: Report = get_object_or_404(selectors.reports_visible_to(person_of(request)), pk=report_id)
    return _report(report.period, report.organization, report)


@router.post(
    "/received/{report_id}/return/",
    response={200: ReportFillOut, **ACTION_REFUSALS},
    url_name="report_return",
)
def report_return(request: HttpRequest, report_id: int, payload: ReportReturnIn) -> dict[str, Any]:
    """Send a submitted report back for correction, saying why; the organization is told."""
    person = person_of(request)
    report: Report = get_object_or_404(selectors.reports_visible_to(person), pk=report_id)
    if not selectors.may_receive(person, report.period):
        raise PermissionDenied
    report = services.report_return(actor=person, report=report, reason=payload.reason)
    return _report(report.period, report.organization, report)


# --- The grassroots organization ------------------------------------------------------------------


@router.get("/due/", response={200: ReportDueOut, **REFUSALS}, url_name="reports_due")
def due(request: HttpRequest) -> dict[str, Any]:
    """For each organization the caller sends for, the open periods it must report on
    and its report so far; and the reports returned for correction."""
    person = person_of(request)
    due_for = selectors.due_for(person)
    returned = list(selectors.returned_for(person).order_by("period__due_on", "pk"))
    periods = [period for _unit, items in due_for for period, _report in items]
    periods += [report.period for report in returned]
    prefetch_related_objects(periods, "version", "organization")
    return {
        "organizations": [
            {
                "organization": ref(unit),
                "periods": [
                    {"period": _period(period), "report": None if report is None else _summary(report)}
                    for period, report in items
                ],
            }
            for unit, items in due_for
        ],
        "returned": [
            {
                "period": _period(report.period),
                "organization": ref(report.organization),
                "report": _summary(report),
            }
            for report in returned
        ],
    }


@router.get(
    "/periods/{period_id}/organizations/{organization_id}/",
    response={200: ReportFillOut, **ACTION_REFUSALS},
    url_name="report_fill",
)
def report_read(request: HttpRequest, period_id: int, organization_id: int) -> dict[str, Any]:
    """The organization's report of the period: the form's fields, the draft as typed,
    the files attached and every submission."""
    period, organization = _sending(request, period_id, organization_id)
    return _own_report(period, organization)


@router.put(
    "/periods/{period_id}/organizations/{organization_id}/draft/",
    response={200: ReportFillOut, **ACTION_REFUSALS},
    url_name="report_draft",
)
def draft_save(
    request: HttpRequest, period_id: int, organization_id: int, payload: ReportDraftIn
) -> dict[str, Any]:
    """Keep what was typed, as typed (a wrong value too: it is refused at submission),
    as the page's autosave does; not possible while the report is submitted."""
    period, organization = _sending(request, period_id, organization_id)
    services.draft_save(
        actor=person_of(request), period=period, organization=organization, values=payload.values
    )
    return _own_report(period, organization)


@router.post(
    "/periods/{period_id}/organizations/{organization_id}/submit/",
    response={201: ReportSubmissionOut, **ACTION_REFUSALS},
    url_name="report_submit",
)
def submit(
    request: HttpRequest, period_id: int, organization_id: int, payload: ReportSubmitIn
) -> Status[dict[str, Any]]:
    """Submit the draft (saved first from `values` when given): a new, immutable
    submission. A value the field does not take, a sum that does not match or a closed
    period is a 422 keyed by field, and the draft is kept."""
    person = person_of(request)
    period, organization = _sending(request, period_id, organization_id)
    if payload.values is not None:
        # Its own transaction, as on the page: a refused submission keeps the draft.
        services.draft_save(actor=person, period=period, organization=organization, values=payload.values)
    submission = services.report_submit(actor=person, period=period, organization=organization)
    submission = ReportSubmission.objects.select_related("version", "submitted_by").get(pk=submission.pk)
    return Status(201, _submission(submission))


# --- The year's rating ----------------------------------------------------------------------------


def _rating_row(row: rating.RatingRow) -> dict[str, Any]:
    return {
        "organization": None if row.pk is None else {"id": row.pk, "name": row.name},
        "due": row.due,
        "on_time": row.on_time,
        "late": row.late,
        "missing": row.missing,
        "thin": row.thin,
        "required": row.required,
        "filled": row.filled,
        "on_time_percent": row.on_time_percent,
        "thin_percent": row.thin_percent,
        "completeness_percent": row.completeness_percent,
        "score": row.score,
        "band": row.band,
        "band_label": row.band_label,
    }


@router.get("/rating/", response={200: ReportRatingOut, **ACTION_REFUSALS}, url_name="report_rating")
def year_rating(request: HttpRequest, filters: Query[ReportRatingQuery]) -> dict[str, Any]:
    """Each organization's reporting over a year for a committee, scored for the
    year-end rating: periods on time, late, missing, thin, completeness, score and
    suggested band; the best first, and the total."""
    person = person_of(request)
    committees = list(selectors.receiving_committees(person))
    if not committees:
        raise PermissionDenied
    committee = committees[0]
    if filters.committee is not None:
        committee = get_checked(
            request,
            Organization.objects.filter(kind__is_office=False),
            filters.committee,
            Action.RECEIVE_REPORTS,
        )
    result = rating.rating(committee, filters.year, as_of=filters.as_of)
    prefetch_related_objects(result.periods, "organization")
    return {
        "committee": ref(result.committee),
        "year": result.year,
        "as_of": result.as_of,
        "periods": [_period(period) for period in result.periods],
        "rows": [_rating_row(row) for row in result.rows],
        "total": _rating_row(result.total),
        "bands": {str(band): count for band, count in result.bands.items()},
    }
