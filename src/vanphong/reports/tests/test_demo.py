"""The demo's year of reports: two forms of the Khối's office, the periods of the last
12 months and 4 quarters, about 30 % late, missing or thin on a past board, what a
submission would have written, and a second load that writes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import timezone

from vanphong.core.demo import find_demo
from vanphong.core.demo import load_demo as load_core_demo
from vanphong.core.models import Person
from vanphong.core.tests.factories import Tree
from vanphong.reports import demo, schema, selectors
from vanphong.reports.models import (
    Report,
    ReportForm,
    ReportPeriod,
    ReportState,
    ReportSubmission,
    ReportValue,
)
from vanphong.reports.services import AuditAction
from vanphong.reports.tests.conftest import Khoi


def _bad_share(period: ReportPeriod) -> float:
    board = selectors.board(period)
    counts = board.counts
    thin_on_time = Report.objects.filter(
        period=period, is_thin=True, first_submitted_at__lt=selectors.due_end(period)
    ).count()
    return (counts["total"] - counts["on_time"] + thin_on_time) / counts["total"]


def _check_rows() -> None:
    """Each submitted report holds what `report_submit` would have written."""
    reports = Report.objects.filter(submitted_at__isnull=False)
    assert not reports.annotate(n=Count("submissions")).exclude(n=1).exists()
    for submission in ReportSubmission.objects.select_related("report", "version")[:60]:
        report = submission.report
        assert report.first_submitted_at == submission.submitted_at
        assert report.is_thin == bool(submission.thin_reasons)
        expected = schema.numbers(submission.version.fields, submission.values)
        stored = dict(ReportValue.objects.filter(report=report).values_list("key", "value"))
        assert stored == expected and "members" in stored
        assert schema.clean_values(submission.version.fields, submission.version.checks, report.draft)


@pytest.mark.django_db
def test_the_demo_reports_on_a_small_khoi(tree: Tree, khoi: Khoi) -> None:
    said: list[str] = []
    counts = demo.load_demo(city=tree.city, out=said.append)
    assert counts["report_forms"] == 2 and counts["report_periods"] == 16
    assert counts["reports"] > 0 and said and said[0].startswith("Báo cáo: 2 mẫu, 16 kỳ")
    assert ReportForm.objects.filter(title=demo.MONTHLY_TITLE).exists()
    # Through the services: created, published, opened (and the old periods closed).
    from vanphong.core.models import AuditEvent

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.FORM_CREATED, AuditAction.VERSION_PUBLISHED, AuditAction.PERIOD_OPENED} <= actions
    today = timezone.localdate()
    assert not ReportSubmission.objects.filter(submitted_at__gt=timezone.now()).exists()
    assert ReportPeriod.objects.filter(due_on__gte=today).count() == 2  # this month's, this quarter's
    _check_rows()
    events = AuditEvent.objects.count()
    assert demo.load_demo(city=tree.city, out=said.append) == counts
    assert AuditEvent.objects.count() == events and len(said) == 1


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_city_has_a_year_of_reports_about_a_third_late_or_thin() -> None:
    said: list[str] = []
    load_core_demo(out=said.append)
    assert any(line.startswith("Báo cáo: 2 mẫu, 16 kỳ") for line in said)
    city = find_demo()
    assert city is not None
    today = timezone.localdate()
    past = list(ReportPeriod.objects.filter(due_on__lt=today).select_related("form", "version"))
    assert len(past) == 14
    for period in past:
        assert selectors.board(period).counts["total"] == 117
        assert 0.2 <= _bad_share(period) <= 0.4, period.label
    _check_rows()
    # A monthly figure matches the organization's real roll, give or take the year's changes.
    last = ReportPeriod.objects.filter(form__title=demo.MONTHLY_TITLE, due_on__lt=today).order_by(
        "-starts_on"
    )[0]
    assert selectors.sum_of(last, "members", city) == pytest.approx(6_929, rel=0.2)
    # vanthu.coso: last month's report returned with a reason; this month's and this
    # quarter's still due, the quarter's begun as a draft.
    coso = Person.objects.get(username="vanthu.coso")
    returned = selectors.returned_for(coso).get()
    assert returned.return_reason == demo.RETURN_REASON and returned.period == last
    due = {period.label: report for _org, rows in selectors.due_for(coso) for period, report in rows}
    open_now = ReportPeriod.objects.filter(due_on__gte=today)
    assert all(period.label in due for period in open_now)
    assert any(report is not None and report.state == ReportState.DRAFT for report in due.values())
    counts = demo._counts(city, returned.period.organization)
    said.clear()
    load_core_demo(out=said.append)
    assert demo._counts(city, returned.period.organization) == counts
    assert not any(line.startswith("Báo cáo") for line in said)
