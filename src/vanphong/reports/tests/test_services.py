"""Report forms, versions, periods, filling in and submitting, and the board's
rules: each write audited once, the wrong person refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import translation

from vanphong.core.models import AuditEvent
from vanphong.handling.models import Notification
from vanphong.reports import schema, selectors, services
from vanphong.reports.models import Report, ReportState, ReportSubmission, ReportValue
from vanphong.reports.tests.conftest import CHECKS, FIELDS, at, good_values

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _submit(khoi, period, index=0, when=None, **changes):
    clerk, unit = khoi.clerks[index], khoi.units[index]
    services.draft_save(actor=clerk, period=period, organization=unit, values=good_values(**changes))
    with mock.patch("django.utils.timezone.now", return_value=when or at(dt.date(2026, 9, 18))):
        return services.report_submit(actor=clerk, period=period, organization=unit)


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


# --- The definition --------------------------------------------------------------------------


def test_a_definition_is_checked_before_anything_is_stored():
    with pytest.raises(ValidationError) as error:
        schema.validate_definition(
            [
                {"key": "Members", "label": "x", "kind": "number"},
                {"key": "a", "label": "", "kind": "number", "min": 5, "max": 1},
                {"key": "t", "label": "T", "kind": "table", "columns": []},
                {"key": "c", "label": "C", "kind": "choice", "choices": ["one"]},
            ],
            [{"kind": "sum", "total": "a", "parts": ["zz"]}],
        )
    problems = " ".join(error.value.messages)
    for expected in (
        "lowercase letters",
        "no label",
        "minimum is above",
        "at least one column",
        "two choices",
        "sum of a",
    ):
        assert expected in problems


def test_a_published_version_never_changes_and_a_new_one_leaves_sent_reports_alone(form, period, khoi):
    submission = _submit(khoi, period)
    assert _audits(services.AuditAction.VERSION_PUBLISHED) == 1
    with pytest.raises(ValidationError, match="already published"):
        services.version_publish(actor=khoi.office, version=form.versions.get())
    fields = [*FIELDS, {"key": "youth", "label": "Đoàn viên", "kind": "number", "min": 0}]
    v2 = services.version_save(actor=khoi.office, form=form, fields=fields, checks=CHECKS)
    assert v2.number == 2 and not v2.is_published
    assert form.versions.get(number=1).fields == FIELDS
    # Saving again edits the draft version 2, not a third one.
    assert services.version_save(actor=khoi.office, form=form, fields=fields, checks=CHECKS).pk == v2.pk
    services.version_publish(actor=khoi.office, version=v2)
    later = services.period_open(actor=khoi.office, form=form, year=2026, number=4)
    assert later.version == v2 and period.version.number == 1
    submission.refresh_from_db()
    assert submission.version.number == 1 and "youth" not in submission.values
    with pytest.raises(TypeError):
        submission.save()
    assert _audits(services.AuditAction.VERSION_SAVED) == 2


def test_only_the_office_defines_and_opens(form, khoi, outsider, secretary):
    for person in (khoi.clerks[0], outsider, secretary):
        with pytest.raises(PermissionDenied):
            services.version_save(actor=person, form=form, fields=FIELDS)
        with pytest.raises(PermissionDenied):
            services.period_open(actor=person, form=form, year=2026, number=1)


def test_periods_and_their_due_days(form, khoi):
    q1 = services.period_open(actor=khoi.office, form=form, year=2026, number=1)
    assert (q1.starts_on, q1.ends_on, q1.due_on) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        dt.date(2026, 3, 20),
    )
    with pytest.raises(ValidationError):
        services.period_open(actor=khoi.office, form=form, year=2026, number=1)
    with pytest.raises(ValidationError):
        services.period_open(actor=khoi.office, form=form, year=2026, number=5)
    form.due_days_after = 5
    assert form.due_on(dt.date(2026, 4, 1), dt.date(2026, 6, 30)) == dt.date(2026, 7, 5)
    assert _audits(services.AuditAction.PERIOD_OPENED) == 1


# --- Filling in ------------------------------------------------------------------------------


def test_a_draft_keeps_what_was_typed_even_wrong_and_is_not_audited(period, khoi):
    before = AuditEvent.objects.count()
    report = services.draft_save(
        actor=khoi.clerks[0], period=period, organization=khoi.units[0], values=good_values(members="bốn lăm")
    )
    assert report.draft["members"] == "bốn lăm" and report.state == ReportState.DRAFT
    assert AuditEvent.objects.count() == before


def test_bad_input_has_a_message_at_each_field_and_the_draft_is_kept(period, khoi):
    values = good_values(
        members="-3",
        men="hai mươi",
        women="20",
        held_on="31/02/2026",
        rating="Xuất sắc",
        cells=[{"members": "abc"}, {"members": "25"}],
    )
    services.draft_save(actor=khoi.clerks[0], period=period, organization=khoi.units[0], values=values)
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=khoi.clerks[0], period=period, organization=khoi.units[0])
    messages = error.value.message_dict
    assert messages["members"] == ["A count cannot be negative."]
    assert messages["men"] == ["Enter a number, e.g. 125."]
    assert "dd/mm/yyyy" in messages["held_on"][0]
    assert messages["rating"] == ["Choose one of the answers offered."]
    assert messages["cells.0.members"] == ["Enter a number, e.g. 125."]
    report = Report.objects.get()
    assert report.draft["men"] == "hai mươi" and not report.submissions.exists()


def test_a_sum_that_does_not_match_is_refused_at_the_total(period, khoi):
    with pytest.raises(ValidationError) as error:
        _submit(khoi, period, members="46")
    assert error.value.message_dict["members"] == [
        "Tổng số đảng viên (46) must equal Nam + Nữ, which add up to 45."
    ]


def test_a_file_of_the_wrong_type_or_too_large_is_refused_at_its_field(period, khoi, settings):
    clerk, unit = khoi.clerks[0], khoi.units[0]
    with pytest.raises(ValidationError) as error:
        services.file_attach(
            actor=clerk,
            period=period,
            organization=unit,
            field_key="minutes",
            upload=SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 200),
        )
    assert "does not accept" in error.value.message_dict["minutes"][0]
    settings.VANPHONG_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError) as error:
        services.file_attach(
            actor=clerk,
            period=period,
            organization=unit,
            field_key="minutes",
            upload=SimpleUploadedFile("a.png", PNG),
        )
    assert "accepts files up to" in error.value.message_dict["minutes"][0]
    settings.VANPHONG_MAX_UPLOAD_MB = 5
    attached = services.file_attach(
        actor=clerk,
        period=period,
        organization=unit,
        field_key="minutes",
        upload=SimpleUploadedFile("bb.png", PNG),
    )
    assert Report.objects.get().draft["minutes"] == [attached.pk]
    assert _audits(services.AuditAction.FILE_ATTACHED) == 1
    submission = _submit(khoi, period)
    assert submission.values["minutes"] == [attached.pk]


def test_a_submission_after_the_period_closed_is_refused_and_the_draft_kept(period, khoi):
    services.period_close(actor=khoi.office, period=period)
    with pytest.raises(ValidationError, match="was closed on"):
        _submit(khoi, period)
    assert Report.objects.get().draft["members"] == "45"
    assert _audits(services.AuditAction.PERIOD_CLOSED) == 1


def test_submitting_writes_the_submission_the_numbers_and_one_audit_event(period, khoi, tree):
    before = AuditEvent.objects.count()
    submission = _submit(khoi, period)
    assert AuditEvent.objects.count() == before + 1
    assert submission.number == 1 and submission.values["members"] == 45 and submission.thin_reasons == []
    numbers = dict(ReportValue.objects.values_list("key", "value"))
    assert numbers["members"] == 45 and numbers["cells.1.members"] == 25 and numbers["cells.*.members"] == 45
    _submit(khoi, period, index=1, members="30", men="10", women="20")
    # A sum up the tree is one aggregate.
    assert selectors.sum_of(period, "members", tree.bloc) == 75
    assert ReportValue.objects.filter(period=period, key="women").aggregate(s=Sum("value"))["s"] == 40
    with pytest.raises(ValidationError, match="already been submitted"):
        services.report_submit(actor=khoi.clerks[0], period=period, organization=khoi.units[0])
    with pytest.raises(ValidationError, match="has been submitted"):
        services.draft_save(actor=khoi.clerks[0], period=period, organization=khoi.units[0], values={})


def test_the_wrong_person_may_not_fill_in_or_submit(period, khoi, member, outsider, office_chief):
    # Another unit's clerk, a plain member, another province, the city office.
    for person in (khoi.clerks[1], member, outsider, office_chief):
        with pytest.raises(PermissionDenied):
            services.draft_save(actor=person, period=period, organization=khoi.units[0], values={})
    with pytest.raises(PermissionDenied):
        services.report_return(
            actor=khoi.clerks[0],
            report=Report.objects.create(period=period, organization=khoi.units[0]),
            reason="x",
        )


def test_returned_for_correction_then_submitted_again_as_a_new_submission(
    period, khoi, django_capture_on_commit_callbacks
):
    _submit(khoi, period)
    report = Report.objects.get()
    with pytest.raises(ValidationError):
        services.report_return(actor=khoi.office, report=report, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=khoi.office, report=report, reason="Số liệu chi bộ 2 chưa khớp")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert Notification.objects.filter(recipient=khoi.clerks[0], text__contains="chưa khớp").exists()
    assert mail.outbox[-1].to == ["vanthu0@example.vn"]
    second = _submit(khoi, period, when=at(dt.date(2026, 9, 25)), members="46", women="21")
    assert second.number == 2 and ReportSubmission.objects.count() == 2
    report.refresh_from_db()
    # Timeliness is the first submission's: still on time.
    assert report.first_submitted_at == at(dt.date(2026, 9, 18)) and report.state == ReportState.SUBMITTED
    assert ReportValue.objects.get(report=report, key="members").value == 46
    assert _audits(services.AuditAction.REPORT_RETURNED) == 1


# --- Late, missing and thin ------------------------------------------------------------------


def test_on_time_late_missing_and_pending_at_the_due_day(period, khoi):
    # The due day is 20/09/2026: the last moment of that day is on time, the next is late.
    _submit(khoi, period, index=0, when=at(dt.date(2026, 9, 20), 23))
    _submit(khoi, period, index=1, when=at(dt.date(2026, 9, 21), 0))
    status = lambda today: dict(  # noqa: E731
        (row.pk, row.status) for row in selectors.board_rows(period, today)
    )
    on_due_day = status(dt.date(2026, 9, 20))
    assert on_due_day[khoi.units[0].pk] == "on_time"
    assert on_due_day[khoi.units[1].pk] == "late"
    assert on_due_day[khoi.units[2].pk] == "pending"
    assert status(dt.date(2026, 9, 21))[khoi.units[2].pk] == "missing"
    board = selectors.board(period, today=dt.date(2026, 9, 21))
    assert board.counts == {
        "total": 3,
        "thin": 0,
        "returned": 0,
        "on_time": 1,
        "late": 1,
        "missing": 1,
        "pending": 0,
    }
    assert [row.pk for row in selectors.board(period, today=dt.date(2026, 9, 21), status="missing").rows] == [
        khoi.units[2].pk
    ]


def test_thin_when_required_parts_are_empty_or_narratives_short(period, khoi):
    submission = _submit(khoi, period, summary="Tốt.", held_on="", women="", men="", members="")
    codes = {(r["field"], r["code"]) for r in submission.thin_reasons}
    assert codes == {("summary", "short"), ("members", "empty"), ("men", "empty"), ("women", "empty")}
    assert Report.objects.get().is_thin
    board = selectors.board(period, today=dt.date(2026, 9, 30), thin=True)
    assert board.counts["thin"] == 1
    (reasons,) = board.thin.values()
    assert "Tình hình chung: 1 words, at least 20 expected" in reasons


def test_thin_when_a_figure_jumps_beyond_the_tolerance_from_the_last_period(form, period, khoi):
    _submit(khoi, period)  # 45 members in the third quarter
    q4 = services.period_open(actor=khoi.office, form=form, year=2026, number=4)
    ok = _submit(khoi, q4, members="54", men="34", women="20", when=at(dt.date(2026, 12, 1)))  # +20 %: within
    assert not [r for r in ok.thin_reasons if r["field"] == "members"]
    q4_other = _submit(khoi, q4, index=1, when=at(dt.date(2026, 12, 1)))  # no earlier period: no jump
    assert q4_other.thin_reasons == []
    next_year = services.period_open(actor=khoi.office, form=form, year=2027, number=1)
    jump = _submit(khoi, next_year, members="30", men="10", women="20", when=at(dt.date(2027, 3, 1)))
    (reason,) = [r for r in jump.thin_reasons if r["field"] == "members"]
    assert reason == {"field": "members", "code": "jump", "previous": "54", "value": "30", "change": -44}


def test_reminders_go_to_the_missing_ones_only(period, khoi, django_capture_on_commit_callbacks):
    _submit(khoi, period)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.reminders_send(actor=khoi.office, period=period, today=dt.date(2026, 9, 21))
    assert count == 2
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {khoi.clerks[1].pk, khoi.clerks[2].pk}
    assert {m.to[0] for m in mail.outbox} == {"vanthu1@example.vn", "vanthu2@example.vn"}
    assert _audits(services.AuditAction.REMINDERS_SENT) == 1
    with pytest.raises(PermissionDenied):
        services.reminders_send(actor=khoi.clerks[0], period=period)


def test_what_is_due_for_the_grassroots_clerk(period, khoi):
    due = selectors.due_for(khoi.clerks[2])
    assert [(unit.pk, [p.pk for p, _r in periods]) for unit, periods in due] == [
        (khoi.units[2].pk, [period.pk])
    ]


def test_numbers_are_read_the_vietnamese_way_and_plainly():
    field = {"key": "x", "kind": "number", "min": 0, "integer": False}
    assert schema.clean_values([field], [], {"x": "1.234,5"})["x"] == Decimal("1234.5")
    assert schema.clean_values([field], [], {"x": "1234.5"})["x"] == Decimal("1234.5")
    assert schema.clean_values([{**field, "integer": True}], [], {"x": "6.929"})["x"] == 6929
    with pytest.raises(ValidationError, match="whole number"):
        schema.clean_values([{**field, "integer": True}], [], {"x": "2,5"})


def test_a_one_off_form_is_due_days_after_its_end(tree, khoi):
    form = services.form_create(
        actor=khoi.office,
        organization=tree.bloc,
        title="Báo cáo đột xuất về phòng chống bão",
        periodicity="once",
        due_days_after=3,
        recipients=[khoi.units[0], khoi.units[2]],
        fields=[{"key": "damage", "label": "Thiệt hại", "kind": "text", "required": True}],
    )
    services.version_publish(actor=khoi.office, version=form.versions.get())
    with pytest.raises(ValidationError):
        services.period_open(actor=khoi.office, form=form)
    period = services.period_open(
        actor=khoi.office, form=form, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 10)
    )
    assert period.due_on == dt.date(2026, 10, 13)
    assert set(selectors.recipients(period)) == {khoi.units[0], khoi.units[2]}
