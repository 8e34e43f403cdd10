"""The report pages: the office's forms, field editor, periods and board; the
grassroots person's list of what is due and the fill-in page with its autosave."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vanphong.core import selectors as core_selectors
from vanphong.core.models import Organization
from vanphong.core.permissions import Action, can, visible_to
from vanphong.core.templatetags.charts import Bar
from vanphong.core.web import get_checked, is_htmx, person_of, stored_file, submit
from vanphong.reports import exports, rating, selectors, services
from vanphong.reports import forms as report_forms
from vanphong.reports.models import Periodicity, Report, ReportFile, ReportFormVersion, ReportState

# --- The office -----------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    forms_ = selectors.forms_visible_to(person).prefetch_related("periods")
    return render(
        request,
        "reports/home.html",
        {
            "forms": forms_,
            "may_create": selectors.receiving_committees(person).exists(),
            "may_send": selectors.sending_organizations(person).exists(),
        },
    )


@login_required
def form_create(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    committees = selectors.receiving_committees(person)
    if not committees.exists():
        raise PermissionDenied
    units = Organization.objects.none()
    for committee in committees:
        units = units | core_selectors.subtree(committee)
    settings_form = report_forms.ReportFormSettings(
        request.POST or None, committees=committees, units=units.select_related("kind").order_by("path")
    )
    fields = report_forms.FieldFormSet(request.POST or None, prefix="fields")
    checks = report_forms.ChecksForm(request.POST or None)
    if request.method == "POST" and settings_form.is_valid() and fields.is_valid() and checks.is_valid():
        data = settings_form.cleaned_data
        definition = [d for d in (row.definition() for row in fields.forms) if d]
        try:
            form = services.form_create(
                actor=person,
                organization=data["organization"],
                title=data["title"],
                periodicity=data["periodicity"],
                due_day=data["due_day"] or 20,
                due_days_after=data["due_days_after"],
                recipients_root=data["recipients_root"],
                recipients=data["recipients"],
                tolerance_percent=data["tolerance_percent"],
                fields=definition,
                checks=checks.cleaned_data["checks"],
            )
        except ValidationError as error:
            _attach_definition_errors(settings_form, checks, error)
        else:
            messages.success(request, _("Report form created: check its fields, then publish it."))
            return redirect("report_form_detail", form.pk)
    return render(
        request,
        "reports/form_create.html",
        {"form": settings_form, "fields": fields, "checks": checks},
    )


def _attach_definition_errors(settings_form: Any, checks: Any, error: ValidationError) -> None:
    for key, problems in error.message_dict.items():
        if key in settings_form.fields:
            settings_form.add_error(key, problems)
        else:
            checks.add_error(None, problems)


@login_required
def form_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    form = get_checked(request, selectors.forms_visible_to(person), pk, Action.VIEW)
    may_receive = selectors.may_receive(person, form)
    open_form = report_forms.PeriodOpenForm(
        request.POST or None,
        initial={"year": timezone.localdate().year},
        once=form.periodicity == Periodicity.ONCE,
    )
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied
        done = submit(
            request,
            open_form,
            lambda data: services.period_open(
                actor=person,
                form=form,
                year=data.get("year"),
                number=data.get("number") or 1,
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            ),
            success=_("Period opened: the organizations see it in their list of reports due."),
            then=lambda period: redirect("report_board", period.pk),
        )
        if done:
            return done
    return render(
        request,
        "reports/form_detail.html",
        {
            "report_form": form,
            "versions": form.versions.all(),
            "periods": form.periods.select_related("version"),
            "may_receive": may_receive,
            "open_form": open_form,
            "recipients": form.recipients.all(),
        },
    )


@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The fields of the form's draft version (a new one when the latest is published)."""
    person = person_of(request)
    form = get_checked(request, selectors.forms_visible_to(person), pk, Action.RECEIVE_REPORTS)
    latest = form.versions.order_by("-number").first()
    current = latest.fields if latest else []
    fields = report_forms.FieldFormSet(
        request.POST or None, prefix="fields", initial=report_forms.initial_rows(current)
    )
    checks = report_forms.ChecksForm(
        request.POST or None, initial={"checks": report_forms.checks_text(latest.checks if latest else [])}
    )
    if request.method == "POST" and fields.is_valid() and checks.is_valid():
        definition = [d for d in (row.definition() for row in fields.forms) if d]
        try:
            version = services.version_save(
                actor=person, form=form, fields=definition, checks=checks.cleaned_data["checks"]
            )
        except ValidationError as error:
            checks.add_error(None, error.messages)
        else:
            messages.success(request, _("Version %(n)s saved.") % {"n": version.number})
            return redirect("report_form_detail", form.pk)
    return render(
        request,
        "reports/version_edit.html",
        {"report_form": form, "fields": fields, "checks": checks, "latest": latest},
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    version = get_object_or_404(
        ReportFormVersion.objects.filter(form__in=selectors.forms_visible_to(person)).select_related("form"),
        pk=pk,
    )
    if not selectors.may_receive(person, version.form):
        raise PermissionDenied
    try:
        services.version_publish(actor=person, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(n)s published.") % {"n": version.number})
    return redirect("report_form_detail", version.form_id)


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    period = get_checked(request, selectors.periods_visible_to(person), pk, Action.VIEW)
    filters = report_forms.BoardFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    result = selectors.board(
        period,
        status=data.get("status", ""),
        thin=data.get("thin", False),
        q=data.get("q", ""),
        page=number,
        per_page=BOARD_PAGE,
    )
    context = {
        "board": result,
        "period": period,
        "filters": filters,
        "may_receive": selectors.may_receive(person, period),
        "status_labels": selectors.STATUS_LABELS,
    }
    if is_htmx(request):
        return render(request, "reports/_board_rows.html", context)
    return render(request, "reports/board.html", context)


# A province's board lists 5,000 organizations: drawn whole it took 0.7 s to render
# and a long scroll to read. The totals above it still count them all.
BOARD_PAGE = 200


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    period = get_checked(request, selectors.periods_visible_to(person), pk, Action.RECEIVE_REPORTS)
    try:
        count = services.reminders_send(actor=person, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("Reminder sent to %(n)s organization.", "Reminder sent to %(n)s organizations.", count)
            % {"n": count},
        )
    return redirect("report_board", period.pk)


@login_required
@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    period = get_checked(request, selectors.periods_visible_to(person), pk, Action.RECEIVE_REPORTS)
    try:
        services.period_close(actor=person, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Period closed."))
    return redirect("report_board", period.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report as the office receives it: its submissions, and returning it."""
    person = person_of(request)
    report = get_object_or_404(selectors.reports_visible_to(person), pk=pk)
    may_receive = selectors.may_receive(person, report.period)
    form = report_forms.ReturnForm(request.POST or None)
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied
        done = submit(
            request,
            form,
            lambda data: services.report_return(actor=person, report=report, reason=data["reason"]),
            success=_("Report returned; the organization was told."),
            then=lambda report: redirect("report_board", report.period_id),
        )
        if done:
            return done
    submissions = list(report.submissions.select_related("version", "submitted_by").order_by("-number"))
    latest = submissions[0] if submissions else None
    labels = {f["key"]: f.get("label", f["key"]) for f in report.period.version.fields}
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "submissions": submissions,
            "latest": latest,
            "shown": _shown_values(latest.version.fields, latest.values, report) if latest else [],
            "reasons": [selectors.word_reason(r, labels) for r in (latest.thin_reasons if latest else [])],
            "form": form if may_receive and report.state == ReportState.SUBMITTED else None,
        },
    )


def _shown_values(
    fields: list[dict[str, Any]], values: dict[str, Any], report: Report
) -> list[dict[str, Any]]:
    files = {f.pk: f for f in report.files.all()}
    shown = []
    for field in fields:
        value = values.get(field["key"])
        if field["kind"] == "file":
            value = [files[pk].name for pk in value or [] if pk in files]
        shown.append({"field": field, "value": value})
    return shown


# --- The grassroots organization --------------------------------------------------------------


@login_required
def due(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    return render(
        request,
        "reports/due.html",
        {
            "due": selectors.due_for(person),
            "returned": selectors.returned_for(person),
            "today": timezone.localdate(),
        },
    )


def _fill_target(request: HttpRequest, pk: int, organization_pk: int) -> tuple[Any, Organization]:
    """The period and the organization, if the person may send its report: 404 when
    they may not see either or the report is not asked of it, 403 when they see but
    may not send."""
    person = person_of(request)
    organization = get_object_or_404(visible_to(person, Organization.objects.all()), pk=organization_pk)
    period = get_object_or_404(
        selectors.ReportPeriod.objects.select_related("form", "version", "organization"), pk=pk
    )
    if not selectors.is_recipient(period, organization):
        raise Http404
    if not can(person, Action.SEND_REPORTS, organization):
        raise PermissionDenied
    return period, organization


def values_from(post: Any, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The typed values from the page's inputs: `f:key` for a field, `t:key:row:col`
    for a table's cell."""
    values: dict[str, Any] = {}
    for field in fields:
        key = field["key"]
        if field["kind"] == "table":
            rows: dict[int, dict[str, str]] = {}
            for name, value in post.items():
                parts = name.split(":")
                if len(parts) == 4 and parts[0] == "t" and parts[1] == key and parts[2].isdigit():
                    rows.setdefault(int(parts[2]), {})[parts[3]] = value
            values[key] = [rows.get(i, {}) for i in range(max(rows) + 1)] if rows else []
        elif f"f:{key}" in post:
            values[key] = post.get(f"f:{key}")
    return values


@login_required
def fill(request: HttpRequest, pk: int, organization_pk: int) -> HttpResponse:
    person = person_of(request)
    period, organization = _fill_target(request, pk, organization_pk)
    report = Report.objects.filter(period=period, organization=organization).first()
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    fields = period.version.fields
    if request.method == "POST":
        values = values_from(request.POST, fields)
        try:
            # The draft is saved first, in its own transaction: a refused submission keeps it.
            report = services.draft_save(
                actor=person, period=period, organization=organization, values=values
            )
            for field in fields:
                for upload in request.FILES.getlist(f"file:{field['key']}"):
                    try:
                        services.file_attach(
                            actor=person,
                            period=period,
                            organization=organization,
                            field_key=field["key"],
                            upload=upload,
                        )
                    except ValidationError as error:
                        for key, problems in error.message_dict.items():
                            errors.setdefault(key, []).extend(problems)
            if request.POST.get("action") == "submit" and not errors:
                submission = services.report_submit(actor=person, period=period, organization=organization)
                if submission.thin_reasons:
                    messages.warning(
                        request,
                        _("Report submitted. The office will see it as thin: %(reasons)s")
                        % {
                            "reasons": "; ".join(
                                selectors.word_reason(r, {f["key"]: f.get("label", "") for f in fields})
                                for r in submission.thin_reasons
                            )
                        },
                    )
                else:
                    messages.success(request, _("Report submitted."))
                return redirect("report_fill", period.pk, organization.pk)
            if not errors:
                messages.success(request, _("Draft saved."))
                return redirect("report_fill", period.pk, organization.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, problems in error.message_dict.items():
                    errors.setdefault(key, []).extend(problems)
            else:
                general.extend(error.messages)
        report = Report.objects.filter(period=period, organization=organization).first()
    draft = report.draft if report else {}
    submitted = report is not None and report.state == ReportState.SUBMITTED
    latest = report.submissions.order_by("-number").first() if report else None
    return render(
        request,
        "reports/fill.html",
        {
            "period": period,
            "organization": organization,
            "report": report,
            "rows": _fill_rows(fields, latest.values if submitted and latest else draft, errors, report),
            "errors": errors,
            "general": general,
            "submitted": submitted,
            "latest": latest,
            "storage_key": f"vanphong-report-{period.pk}-{organization.pk}",
            "saved_at": int(report.draft_saved_at.timestamp() * 1000)
            if report and report.draft_saved_at
            else 0,
        },
    )


def _fill_rows(
    fields: list[dict[str, Any]], values: dict[str, Any], errors: dict[str, list[str]], report: Report | None
) -> list[dict[str, Any]]:
    files = {f.pk: f for f in (report.files.all() if report else [])}
    rows = []
    for field in fields:
        key = field["key"]
        value = values.get(key)
        row: dict[str, Any] = {
            "field": field,
            "value": value if value is not None else "",
            "errors": errors.get(key, []),
        }
        if field["kind"] == "table":
            typed = value if isinstance(value, list) else []
            fixed = field.get("rows") or []
            count = len(fixed) if fixed else len(typed) + 3
            row["table"] = [
                {
                    "index": i,
                    "label": fixed[i] if fixed else "",
                    "cells": [
                        {
                            "column": column,
                            "value": _cell(typed, i, column["key"]),
                            "errors": errors.get(f"{key}.{i}.{column['key']}", []),
                        }
                        for column in field["columns"]
                    ],
                }
                for i in range(count)
            ]
        if field["kind"] == "file":
            row["files"] = [files[pk] for pk in (value or []) if pk in files]
        rows.append(row)
    return rows


def _cell(typed: list[Any], index: int, column: str) -> Any:
    row = typed[index] if index < len(typed) else None
    value = row.get(column) if isinstance(row, dict) else None
    return "" if value is None else value


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int, organization_pk: int) -> HttpResponse:
    """The fill-in page's draft, saved every few seconds (htmx): answers a short status."""
    person = person_of(request)
    period, organization = _fill_target(request, pk, organization_pk)
    try:
        report = services.draft_save(
            actor=person,
            period=period,
            organization=organization,
            values=values_from(request.POST, period.version.fields),
        )
    except ValidationError as error:
        return HttpResponse(
            format_html('<span class="text-danger" data-saved="0">{}</span>', " ".join(error.messages))
        )
    assert report.draft_saved_at is not None
    saved = timezone.localtime(report.draft_saved_at)
    return HttpResponse(
        format_html(
            '<span class="text-success" data-saved="{}">{}</span>',
            int(report.draft_saved_at.timestamp() * 1000),
            _("Draft saved at %(time)s") % {"time": saved.strftime("%H:%M:%S")},
        )
    )


@login_required
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    person = person_of(request)
    attached = get_object_or_404(
        ReportFile.objects.select_related("report__period", "report__organization"), pk=pk
    )
    if not (
        can(person, Action.SEND_REPORTS, attached.report.organization)
        or selectors.reports_visible_to(person).filter(pk=attached.report_id).exists()
    ):
        raise Http404
    return stored_file(attached.file, attached.name, inline=False)


# --- A period's numbers summed up the tree ---------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_sums(request: HttpRequest, pk: int) -> selectors.PeriodSums:
    """The board's fetch (404 to whom does not see the period, 403 to whom may not
    receive its reports), then the node asked for, which must lie under the form's
    committee (404 otherwise)."""
    person = person_of(request)
    period = get_checked(request, selectors.periods_visible_to(person), pk, Action.RECEIVE_REPORTS)
    root = selectors.statistics_root(period)
    node = root
    asked = request.GET.get("org")
    if asked:
        if not asked.isdigit():
            raise Http404
        node = get_object_or_404(Organization.objects.filter(path__startswith=root.path), pk=int(asked))
    return selectors.period_sums(period, node)


@login_required
def period_statistics(request: HttpRequest, pk: int) -> HttpResponse:
    """The period's numbers for each unit under a node, against the previous period:
    a click on a unit goes one level down."""
    sums = _period_sums(request, pk)
    page = reverse("report_period_statistics", args=[sums.period.pk])
    keys = [key for key, _label in sums.keys]
    links = {line.key: f"{page}?org={line.organization.pk}" for line in sums.lines if line.drillable}  # type: ignore[union-attr]
    main = keys[0] if keys else ""
    bars = [
        Bar(
            _row_label(line),
            float(line.values.get(main, 0)),
            float(line.previous[main]) if main in line.previous else None,
            links.get(line.key, ""),
        )
        for line in sums.lines
    ]
    context = {
        "sums": sums,
        "period": sums.period,
        "labels": sums.keys,
        "rows": [(line, _row_label(line), links.get(line.key, ""), line.cells(keys)) for line in sums.lines],
        "total_cells": sums.total.cells(keys),
        "trail": [(unit, f"{page}?org={unit.pk}") for unit in sums.trail],
        "main_label": sums.keys[0][1] if sums.keys else "",
        "bars": bars,
        "export": f"{reverse('report_period_statistics_export', args=[sums.period.pk])}?org={sums.node.pk}",
    }
    return render(request, "reports/period_statistics.html", context)


def _row_label(line: selectors.SumLine) -> str:
    assert line.organization is not None
    if line.is_own:
        return _("%(name)s (its own report)") % {"name": line.organization.name}
    return line.organization.name


@login_required
def period_statistics_export(request: HttpRequest, pk: int) -> HttpResponse:
    sums = _period_sums(request, pk)
    response = HttpResponse(exports.period_sums_xlsx(sums), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(sums)}"'
    return response


# --- The year's rating -----------------------------------------------------------------------


def _rating_scope(request: HttpRequest) -> tuple[Organization, int, list[Organization], list[int]]:
    """The committee (`?committee=`, else the first of the person's receiving committees
    that has asked for reports: 403 to whom receives for none, 404 for one they do not
    see or a wrong number, 403 for one they see but do not receive for) and the year
    (`?year=`, else this year if it has periods, else the latest that has)."""
    person = person_of(request)
    committees = list(selectors.receiving_committees(person))
    if not committees:
        raise PermissionDenied
    asked = request.GET.get("committee", "")
    if asked:
        if not asked.isdigit():
            raise Http404
        committee = get_checked(
            request, Organization.objects.filter(kind__is_office=False), int(asked), Action.RECEIVE_REPORTS
        )
    else:
        # The first committee that has asked for reports (most receive for one).
        asking = set(
            selectors.ReportPeriod.objects.filter(form__organization__in=committees).values_list(
                "form__organization", flat=True
            )
        )
        committee = next((c for c in committees if c.pk in asking), committees[0])
    years = rating.years(committee)
    this_year = timezone.localdate().year
    typed = request.GET.get("year", "")
    if typed.isdigit() and int(typed) in years:
        year = int(typed)
    else:
        year = this_year if this_year in years or not years else years[0]
    return committee, year, committees, years


# (sort key, heading, numeric, hidden on a phone): the organization's column sorts by
# name; on a phone the counts go on a line under the name, leaving the score and band.
_RATING_COLUMNS = [
    ("name", gettext_lazy("Organization"), False, False),
    ("", gettext_lazy("Periods due"), True, True),
    ("on_time", gettext_lazy("On time"), True, True),
    ("late", gettext_lazy("Late"), True, True),
    ("missing", gettext_lazy("Missing"), True, True),
    ("thin", gettext_lazy("Thin"), True, True),
    ("completeness", gettext_lazy("Complete"), True, True),
    ("score", gettext_lazy("Score"), True, False),
    ("", gettext_lazy("Suggested rating"), False, False),
]


@login_required
def rating_page(request: HttpRequest) -> HttpResponse:
    """Each organization's reporting over the year, the best score first (or sorted by
    a column), with the Khối's totals: for the year-end rating."""
    committee, year, committees, years = _rating_scope(request)
    result = rating.rating(committee, year)
    sort = request.GET.get("sort", "score")
    query = {"committee": committee.pk, "year": year}
    return render(
        request,
        "reports/rating.html",
        {
            "rating": result,
            "rows": rating.sorted_rows(result, sort),
            "sort": sort if sort in rating.SORTS else "score",
            "committee": committee,
            "committees": committees,
            "years": years,
            "year": year,
            "bands": [(band, rating.BAND_LABELS[band], n) for band, n in result.bands.items()],
            "columns": _RATING_COLUMNS,
            "query": urlencode(query),
            "export": f"{reverse('report_rating_export')}?{urlencode(query)}",
        },
    )


@login_required
def rating_export(request: HttpRequest) -> HttpResponse:
    committee, year, _committees, _years = _rating_scope(request)
    result = rating.rating(committee, year)
    response = HttpResponse(rating.xlsx(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{rating.filename(result)}"'
    return response


@login_required
def rating_organization(request: HttpRequest, pk: int) -> HttpResponse:
    """One organization's periods of the year, each with its status and a link to its
    report (404 when the committee's forms did not ask it that year)."""
    committee, year, _committees, _years = _rating_scope(request)
    organization = get_object_or_404(Organization.objects.all(), pk=pk)
    result = rating.rating(committee, year, only=organization)
    if not result.rows:
        raise Http404
    return render(
        request,
        "reports/rating_organization.html",
        {
            "rating": result,
            "row": result.rows[0],
            "organization": organization,
            "status_labels": selectors.STATUS_LABELS,
            "band_labels": rating.BAND_LABELS,
            "back": f"{reverse('report_rating')}?{urlencode({'committee': committee.pk, 'year': year})}",
        },
    )
