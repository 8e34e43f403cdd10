"""The report pages: the office defines, publishes and opens; a grassroots clerk
fills in and submits; the board; who may open what (404) and act (403)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vanphong.reports.models import Report, ReportForm, ReportState
from vanphong.reports.tests.conftest import LONG


def _fields(rows):
    data = {"fields-TOTAL_FORMS": str(len(rows)), "fields-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"fields-{i}-{name}"] = value
    return data


def test_the_office_creates_publishes_and_opens_a_quarterly_form(client, tree, khoi):
    client.force_login(khoi.office)
    assert client.get(reverse("report_form_create")).status_code == 200
    data = {
        "organization": tree.bloc.pk,
        "title": "Báo cáo quý",
        "periodicity": "quarter",
        "due_day": "20",
        "recipients_root": tree.bloc.pk,
        "tolerance_percent": "20",
        "checks": "members = men + women",
        **_fields(
            [
                {"key": "members", "label": "Tổng số", "kind": "number", "required": "on", "minimum": "0"},
                {"key": "men", "label": "Nam", "kind": "number", "minimum": "0"},
                {"key": "women", "label": "Nữ", "kind": "number", "minimum": "0"},
                {"key": "summary", "label": "Tình hình", "kind": "text", "min_words": "10"},
                {
                    "key": "cells",
                    "label": "Chi bộ",
                    "kind": "table",
                    "options": "members: Số ĐV: number\nnote: Ghi chú: text",
                    "rows": "CB 1\nCB 2",
                },
                {"key": "", "label": "", "kind": "number"},
            ]
        ),
    }
    response = client.post(reverse("report_form_create"), data)
    form = ReportForm.objects.get()
    assert response["Location"] == reverse("report_form_detail", args=[form.pk])
    version = form.versions.get()
    assert [f["key"] for f in version.fields] == ["members", "men", "women", "summary", "cells"]
    assert version.fields[4]["columns"][1] == {"key": "note", "label": "Ghi chú", "kind": "text"}
    assert version.checks == [{"kind": "sum", "total": "members", "parts": ["men", "women"]}]
    client.post(reverse("report_version_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.is_published
    response = client.post(reverse("report_form_detail", args=[form.pk]), {"year": "2026", "number": "4"})
    period = form.periods.get()
    assert response["Location"] == reverse("report_board", args=[period.pk])
    page = client.get(response["Location"]).content.decode()
    assert page.count("data-status=") == 3 and 'data-count="total">3<' in page
    # The editor shows the published fields, and saving begins version 2.
    editor = client.get(reverse("report_version_edit", args=[form.pk])).content.decode()
    assert 'value="members"' in editor


def test_a_bad_definition_is_shown_at_the_form(client, tree, khoi):
    client.force_login(khoi.office)
    data = {
        "organization": tree.bloc.pk,
        "title": "X",
        "periodicity": "quarter",
        "due_day": "20",
        "recipients_root": tree.bloc.pk,
        "checks": "members = men + women",
        **_fields([{"key": "members", "label": "Tổng", "kind": "number"}]),
    }
    response = client.post(reverse("report_form_create"), data)
    assert response.status_code == 200 and not ReportForm.objects.exists()
    assert "members" in response.content.decode()


def test_the_clerk_fills_in_saves_a_wrong_value_then_submits(client, period, khoi):
    clerk, unit = khoi.clerks[0], khoi.units[0]
    client.force_login(clerk)
    due = client.get(reverse("reports_due")).content.decode()
    assert reverse("report_fill", args=[period.pk, unit.pk]) in due
    url = reverse("report_fill", args=[period.pk, unit.pk])
    assert client.get(url).status_code == 200
    typed = {
        "f:members": "-4",
        "f:men": "25",
        "f:women": "20",
        "f:summary": LONG,
        "t:cells:0:members": "mười",
    }
    response = client.post(url, {**typed, "action": "submit"})
    page = response.content.decode()
    # The page speaks Vietnamese, the default language.
    with translation.override("vi"):
        negative, not_a_number = _("A count cannot be negative."), _("Enter a number, e.g. 125.")
    assert response.status_code == 200 and negative in page
    assert not_a_number in page
    assert 't:cells:0:members" value="mười"' in page
    report = Report.objects.get()
    assert report.draft["members"] == "-4" and report.state == ReportState.DRAFT
    # Autosave keeps the corrected values.
    saved = client.post(
        reverse("report_autosave", args=[period.pk, unit.pk]),
        {**typed, "f:members": "45", "t:cells:0:members": "20"},
    )
    assert "data-saved=" in saved.content.decode()
    report.refresh_from_db()
    assert report.draft["members"] == "45"
    png = SimpleUploadedFile("bien-ban.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    response = client.post(
        url, {**typed, "f:members": "45", "t:cells:0:members": "20", "file:minutes": png, "action": "submit"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.files.count() == 1
    page = client.get(url).content.decode()
    assert 'id="submitted"' in page and "bien-ban.png" in page


def test_the_office_returns_a_report_and_the_clerk_sees_why(client, period, khoi):
    clerk, unit = khoi.clerks[0], khoi.units[0]
    client.force_login(clerk)
    client.post(
        reverse("report_fill", args=[period.pk, unit.pk]),
        {"f:members": "45", "f:men": "25", "f:women": "20", "f:summary": "Ngắn", "action": "submit"},
    )
    report = Report.objects.get()
    assert report.is_thin
    client.force_login(khoi.office)
    board = client.get(reverse("report_board", args=[period.pk]) + "?thin=on", HTTP_HX_REQUEST="true")
    assert (
        board.content.decode().count("data-organization=") == 1 and "thin-reasons" in board.content.decode()
    )
    detail = reverse("report_detail", args=[report.pk])
    assert "return-form" in client.get(detail).content.decode()
    client.post(detail, {"reason": "Bổ sung phần tình hình chung"})
    client.force_login(clerk)
    assert "Bổ sung phần tình hình chung" in client.get(reverse("reports_due")).content.decode()
    assert (
        "Bổ sung phần tình hình chung"
        in client.get(reverse("report_fill", args=[period.pk, unit.pk])).content.decode()
    )


def test_outsiders_get_404_and_those_who_see_but_may_not_act_403(
    client, period, khoi, outsider, secretary, tree
):
    unit = khoi.units[0]
    fill = reverse("report_fill", args=[period.pk, unit.pk])
    board = reverse("report_board", args=[period.pk])
    client.force_login(outsider)
    for url in (fill, board, reverse("report_form_detail", args=[period.form_id])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("report_remind", args=[period.pk])).status_code == 404
    # Another grassroots clerk does not even see the first one's organization.
    client.force_login(khoi.clerks[1])
    assert client.get(fill).status_code == 404
    # The bloc's office sees the unit but sends nothing in its name.
    client.force_login(khoi.office)
    assert client.get(fill).status_code == 403
    # The city's Secretary sees the board but neither reminds nor closes.
    client.force_login(secretary)
    assert client.get(board).status_code == 200
    assert client.post(reverse("report_remind", args=[period.pk])).status_code == 403
    assert client.post(reverse("report_period_close", args=[period.pk])).status_code == 403
    assert client.get(reverse("report_version_edit", args=[period.form_id])).status_code == 403
    # A plain member of the asking committee sees its board, not a unit's report or files.
    from vanphong.core.models import Role
    from vanphong.core.tests.factories import make_person

    report = Report.objects.create(period=period, organization=unit, state=ReportState.SUBMITTED)
    client.force_login(make_person(organization=tree.bloc, role=Role.MEMBER))
    assert client.get(board).status_code == 200
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 404
    client.force_login(secretary)
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200
    assert client.post(reverse("report_detail", args=[report.pk]), {"reason": "x"}).status_code == 403
    # An organization not asked for the report: 404.
    client.force_login(khoi.office)
    assert client.get(reverse("report_fill", args=[period.pk, tree.city.pk])).status_code == 404


def test_the_reminder_button(client, period, khoi):
    client.force_login(khoi.office)
    # The period was due on 20/09/2026, past on the day these tests run.
    assert dt.date.today() > period.due_on
    response = client.post(reverse("report_remind", args=[period.pk]))
    assert response.status_code == 302
    assert 'data-count="missing">3<' in client.get(reverse("report_board", args=[period.pk])).content.decode()


def test_a_one_off_period_is_opened_by_its_dates(client, tree, khoi):
    from vanphong.reports import services

    form = services.form_create(
        actor=khoi.office,
        organization=tree.bloc,
        title="Báo cáo đột xuất",
        periodicity="once",
        due_days_after=5,
        recipients=[khoi.units[1]],
        fields=[{"key": "damage", "label": "Thiệt hại", "kind": "text"}],
    )
    services.version_publish(actor=khoi.office, version=form.versions.get())
    client.force_login(khoi.office)
    page = client.get(reverse("report_form_detail", args=[form.pk])).content.decode()
    assert 'name="starts_on"' in page and 'name="year"' not in page
    client.post(
        reverse("report_form_detail", args=[form.pk]), {"starts_on": "01/11/2026", "ends_on": "10/11/2026"}
    )
    assert form.periods.get().due_on == dt.date(2026, 11, 15)


def test_the_board_lists_its_organizations_a_page_at_a_time(client, period, khoi, monkeypatch):
    from vanphong.reports import views

    monkeypatch.setattr(views, "BOARD_PAGE", 2)
    client.force_login(khoi.office)
    url = reverse("report_board", args=[period.pk])
    first = client.get(url, {"status": "missing"}).content.decode()
    assert first.count("data-organization=") == 2
    assert "1–2" in first and 'data-count="total">3<' in first
    assert 'href="?status=missing&amp;page=2" data-page="2"' in first
    second = client.get(url, {"status": "missing", "page": "2"}).content.decode()
    assert second.count("data-organization=") == 1
    assert 'href="?status=missing&amp;page=1" data-page="1"' in second
    assert 'data-page="3"' not in second
    # A page past the end shows the last page; not a number, the first; never an error.
    past = client.get(url, {"page": "9"})
    assert past.status_code == 200 and past.content.decode().count("data-organization=") == 1
    assert "3–3" in past.content.decode()
    assert client.get(url, {"page": "x"}).content.decode().count("data-organization=") == 2


def test_an_office_of_one_committee_finds_it_chosen(client, khoi, tree):
    client.force_login(khoi.office)
    page = client.get(reverse("report_form_create")).content.decode()
    chosen = f'<option value="{tree.bloc.pk}" selected>'
    assert page.count(chosen) == 2  # the committee, and the tree its form is asked of
