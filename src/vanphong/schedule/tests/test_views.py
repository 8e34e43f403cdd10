"""The week's pages: who sees and who keeps it, the event form with its double
booking warning, the week navigated with htmx, the printed week (PDF) and the
calendar file (.ics)."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pdfplumber
import pytest
from django.urls import reverse
from django.utils import timezone

from vanphong.core.models import AuditEvent
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.schedule import services
from vanphong.schedule.models import Event, monday_of
from vanphong.schedule.services import AuditAction
from vanphong.schedule.tests.test_services import MONDAY, TUESDAY, add, specialist, standing  # noqa: F401

WEEK = MONDAY.isoformat()


@pytest.fixture
def week(specialist, tree, secretary, standing):  # noqa: F811
    kept = add(
        specialist,
        tree,
        presiding=secretary,
        attendees=[standing],
        attendees_text="Các đồng chí Ủy viên BTV",
        place="Phòng họp Ban Thường vụ",
        preparing_unit=tree.office,
    )
    dropped = add(
        specialist,
        tree,
        title="Tiếp công dân định kỳ",
        day=MONDAY,
        all_day=True,
        starts_at=None,
        ends_at=None,
    )
    services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    services.event_cancel(actor=specialist, event=dropped, reason="Hoãn")
    services.event_update(actor=specialist, event=kept, starts_at=dt.time(14, 0), ends_at=dt.time(17, 0))
    return kept, dropped


def _url(tree, name="schedule_week"):  # noqa: F811
    return reverse(name, args=[tree.city.pk, WEEK])


def test_outsiders_see_nothing_of_the_schedule(client, outsider, tree, week):  # noqa: F811
    client.force_login(outsider)
    kept, _dropped = week
    for url in (
        _url(tree),
        _url(tree, "schedule_week_pdf"),
        reverse("schedule_calendar", args=[tree.city.pk]),
        reverse("schedule_event_create", args=[tree.city.pk]),
        reverse("schedule_event_edit", args=[kept.pk]),
        reverse("schedule_event", args=[kept.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("schedule_event_cancel", args=[kept.pk])).status_code == 404
    assert client.post(_url(tree, "schedule_publish")).status_code == 404


def test_leaders_read_the_published_week_but_do_not_keep_it(client, secretary, tree, week):  # noqa: F811
    kept, dropped = week
    client.force_login(secretary)
    page = client.get(_url(tree)).content.decode()
    assert "Hội nghị Ban Thường vụ Thành ủy" in page and "Các đồng chí Ủy viên BTV" in page
    assert f'id="event-{dropped.pk}"' in page and "<del>Tiếp công dân định kỳ</del>" in page
    assert 'id="add-event"' not in page and 'id="publish"' not in page
    assert client.get(reverse("schedule_event_create", args=[tree.city.pk])).status_code == 403
    assert client.get(reverse("schedule_event_edit", args=[kept.pk])).status_code == 403
    assert client.post(reverse("schedule_event_cancel", args=[kept.pk])).status_code == 403
    assert client.post(_url(tree, "schedule_publish")).status_code == 403
    assert not AuditEvent.objects.filter(actor=secretary).exists()


def test_a_draft_week_is_the_offices_only(client, specialist, secretary, tree):  # noqa: F811
    event = add(specialist, tree)
    client.force_login(secretary)
    page = client.get(_url(tree)).content.decode()
    assert 'id="not-published"' in page and "Hội nghị Ban Thường vụ" not in page
    assert client.get(_url(tree, "schedule_week_pdf")).status_code == 404
    assert client.get(reverse("schedule_event", args=[event.pk])).status_code == 404
    client.force_login(specialist)
    page = client.get(_url(tree)).content.decode()
    assert "Hội nghị Ban Thường vụ" in page and 'id="publish"' in page


def test_the_week_moves_week_by_week_with_htmx(client, specialist, tree, week):  # noqa: F811
    client.force_login(specialist)
    assert client.get(reverse("schedule_week", args=[tree.city.pk, TUESDAY.isoformat()])).url == _url(tree)
    part = client.get(_url(tree), HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="week">') and "<html" not in part
    following = (MONDAY + dt.timedelta(days=7)).isoformat()
    assert reverse("schedule_week", args=[tree.city.pk, following]) in part
    empty = client.get(reverse("schedule_week", args=[tree.city.pk, following]), HTTP_HX_REQUEST="true")
    assert "Hội nghị" not in empty.content.decode()
    # The schedule opens on the week of today, whatever day the suite runs.
    assert client.get(reverse("schedule_home")).url == reverse(
        "schedule_week", args=[tree.city.pk, monday_of(timezone.localdate()).isoformat()]
    )


def test_the_form_warns_of_a_leader_booked_twice_and_saves_after_confirmation(
    client,
    specialist,  # noqa: F811
    secretary,  # noqa: F811
    tree,  # noqa: F811
):
    add(specialist, tree, presiding=secretary)
    client.force_login(specialist)
    url = reverse("schedule_event_create", args=[tree.city.pk])
    data = {
        "day": TUESDAY.strftime("%d/%m/%Y"),
        "starts_at": "9h30",
        "ends_at": "10:30",
        "title": "Tiếp đoàn công tác",
        "attendees": [secretary.pk],
        "preparing_unit": tree.office.pk,
    }
    answer = client.post(url, data)
    page = answer.content.decode()
    assert answer.status_code == 200 and 'id="double-booking"' in page and secretary.full_name in page
    assert Event.objects.count() == 1
    answer = client.post(url, {**data, "confirm_double_booking": "on"})
    assert answer.status_code == 302
    saved = Event.objects.get(title="Tiếp đoàn công tác")
    assert saved.starts_at == dt.time(9, 30) and list(saved.attendees.all()) == [secretary]
    page = client.get(_url(tree)).content.decode()
    assert 'id="double-bookings"' in page and page.count('double-booking"') >= 2


def test_the_form_refuses_bad_input_and_saves_nothing(client, specialist, tree):  # noqa: F811
    client.force_login(specialist)
    answer = client.post(
        reverse("schedule_event_create", args=[tree.city.pk]),
        {"day": TUESDAY.strftime("%d/%m/%Y"), "starts_at": "14:00", "ends_at": "09:00", "title": "Họp"},
    )
    assert answer.status_code == 200 and 'id="id_ends_at_error"' in answer.content.decode()
    assert not Event.objects.exists()


def test_the_printed_week(client, secretary, tree, week):  # noqa: F811
    client.force_login(secretary)
    answer = client.get(_url(tree, "schedule_week_pdf"))
    assert answer["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(answer.content)) as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # A4 landscape
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "BAN THƯỜNG VỤ THÀNH ỦY NGỌC SƠN" in text
    assert "LỊCH CÔNG TÁC TUẦN" in text and "từ ngày 23/11/2026 đến ngày 29/11/2026" in text
    assert "Hội nghị Ban Thường vụ Thành ủy" in text and "14:00–17:00" in text
    assert "Điều chỉnh" in text and "Hủy: Hoãn" in text
    assert "Thứ Hai" in text and "Chủ nhật" in text


def test_the_calendar_file_holds_the_published_events(client, secretary, specialist, tree, week):  # noqa: F811
    kept, dropped = week
    add(specialist, tree, title="Tuần sau, chưa công bố", day=MONDAY + dt.timedelta(days=7))
    client.force_login(secretary)
    answer = client.get(reverse("schedule_calendar", args=[tree.city.pk]))
    assert answer["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"schedule-event-{kept.pk}@vanphong", f"schedule-event-{dropped.pk}@vanphong"}
    meeting = events[f"schedule-event-{kept.pk}@vanphong"]
    assert str(meeting["summary"]) == "Hội nghị Ban Thường vụ Thành ủy"
    start = meeting.decoded("dtstart")
    assert start.date() == TUESDAY and start.hour == 14 and start.utcoffset() == dt.timedelta(hours=7)
    assert str(meeting["location"]) == "Phòng họp Ban Thường vụ" and int(meeting["sequence"]) == 1
    assert "Chủ trì: " in str(meeting["description"])
    cancelled = events[f"schedule-event-{dropped.pk}@vanphong"]
    assert str(cancelled["status"]) == "CANCELLED" and cancelled.decoded("dtstart") == MONDAY


def test_audit_timeline_links_to_the_event(client, specialist, tree, week):  # noqa: F811
    kept, _dropped = week
    client.force_login(specialist)
    answer = client.get(reverse("schedule_event", args=[kept.pk]))
    assert answer.url == _url(tree) + f"#event-{kept.pk}"
    assert AuditEvent.objects.filter(action=AuditAction.EVENT_UPDATED, target_id=str(kept.pk)).exists()


def test_the_audit_log_shows_the_schedules_events(client, office_chief, tree, week):  # noqa: F811
    kept, _dropped = week
    client.force_login(office_chief)
    page = client.get(reverse("audit_log")).content.decode()
    assert reverse("schedule_event", args=[kept.pk]) in page
    assert reverse("schedule_week_by_id", args=[kept.week_id]) in page
    assert client.get(reverse("schedule_week_by_id", args=[kept.week_id])).url == _url(tree)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_weeks_queries_do_not_grow_with_its_events(client, specialist, tree, secretary, standing):  # noqa: F811
    """No query per event, per attendee or per other committee's booking (the week
    of a busy committee has dozens: bench/followup.py)."""
    from vanphong.core import services as core_services
    from vanphong.core.models import Role
    from vanphong.core.tests.factories import make_person

    # A Standing Committee member of the city who is also the Secretary of the Sở's
    # committee: that committee books them too, and the page asks whether the viewer
    # may see each of those bookings.
    both = make_person(organization=tree.grassroots, role=Role.SECRETARY)
    core_services.membership_add(
        actor=None,
        person=both,
        organization=tree.city,
        role=Role.STANDING_MEMBER,
        started_on=dt.date(2020, 1, 1),
    )
    other = make_person(organization=tree.grassroots, role=Role.SPECIALIST)

    def fill(count, hour):
        for n in range(count):
            add(
                specialist,
                tree,
                title=f"Làm việc {hour}-{n}",
                starts_at=dt.time(hour + n % 3, 0),
                ends_at=None,
                presiding=secretary,
                attendees=[standing, both],
                preparing_unit=tree.bloc,
                confirm_double_booking=True,
            )
            add(
                other,
                tree,
                organization=tree.grassroots,
                title=f"Dự hội nghị {hour}-{n}",
                starts_at=dt.time(hour, 30),
                ends_at=None,
                presiding=both,
                confirm_double_booking=True,
            )
        services.week_publish(actor=other, organization=tree.grassroots, day=MONDAY)
        services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)

    fill(2, 8)
    client.force_login(secretary)
    few = _queries(client, _url(tree))
    fill(12, 13)
    page = client.get(_url(tree)).content.decode()
    assert page.count('id="event-') == 14 and "Dự hội nghị 13-" in page
    assert _queries(client, _url(tree)) == few


def test_cancelling_asks_an_optional_reason_shown_on_the_published_week(
    client,
    specialist,  # noqa: F811
    secretary,  # noqa: F811
    tree,  # noqa: F811
    week,
):
    kept, _dropped = week
    client.force_login(specialist)
    html = client.get(_url(tree)).content.decode()
    form = html[html.index(reverse("schedule_event_cancel", args=[kept.pk])) :]
    form = form[: form.index("</form>")]
    assert 'name="reason"' in form and "confirm(" not in form
    answer = client.post(reverse("schedule_event_cancel", args=[kept.pk]), {"reason": "Lùi sang tuần sau"})
    assert answer.status_code == 302
    kept.refresh_from_db()
    assert kept.is_cancelled and kept.cancel_note == "Lùi sang tuần sau"
    event = AuditEvent.objects.filter(action=AuditAction.EVENT_CANCELLED, target_id=str(kept.pk)).get()
    assert event.after["reason"] == "Lùi sang tuần sau" and event.actor == specialist
    client.force_login(secretary)
    row = client.get(_url(tree)).content.decode()
    row = row[row.index(f'id="event-{kept.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<del>" in row and "Lùi sang tuần sau" in row
