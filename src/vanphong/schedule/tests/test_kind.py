"""An event's kind: chosen in the form, kept and audited by the services, shown on
the week; the demo's events have theirs; existing events got the kind their title
says (migration 0002)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from vanphong.core.models import AuditEvent
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.schedule import demo
from vanphong.schedule.models import Event, EventKind
from vanphong.schedule.services import AuditAction
from vanphong.schedule.tests.test_services import MONDAY, TUESDAY, add, specialist, standing  # noqa: F401

migration = importlib.import_module("vanphong.schedule.migrations.0002_event_kind")


def test_the_kind_is_kept_and_audited(specialist, tree):  # noqa: F811
    from vanphong.schedule import services

    event = add(specialist, tree, kind=EventKind.STANDING_COMMITTEE)
    assert event.kind == EventKind.STANDING_COMMITTEE
    created = AuditEvent.objects.get(action=AuditAction.EVENT_CREATED)
    assert created.after["kind"] == "standing_committee"
    services.event_update(actor=specialist, event=event, kind=EventKind.CONFERENCE)
    event.refresh_from_db()
    assert event.kind == EventKind.CONFERENCE
    updated = AuditEvent.objects.get(action=AuditAction.EVENT_UPDATED)
    assert updated.before["kind"] == "standing_committee" and updated.after["kind"] == "conference"


def test_an_event_without_a_kind_is_other_and_an_unknown_kind_is_refused(specialist, tree):  # noqa: F811
    assert add(specialist, tree).kind == EventKind.OTHER
    with pytest.raises(ValidationError) as refused:
        add(specialist, tree, kind="party")
    assert set(refused.value.message_dict) == {"kind"}
    assert Event.objects.count() == 1


def test_the_form_takes_the_kind_and_the_week_shows_it(client, specialist, tree):  # noqa: F811
    client.force_login(specialist)
    answer = client.post(
        reverse("schedule_event_create", args=[tree.city.pk]),
        {
            "day": TUESDAY.strftime("%d/%m/%Y"),
            "starts_at": "8:00",
            "kind": EventKind.FIELD_INSPECTION,
            "title": "Khảo sát thực tế tại phường",
        },
    )
    assert answer.status_code == 302
    event = Event.objects.get()
    assert event.kind == EventKind.FIELD_INSPECTION
    page = client.get(reverse("schedule_week", args=[tree.city.pk, MONDAY.isoformat()])).content.decode()
    assert 'data-kind="field_inspection"' in page
    form = client.get(reverse("schedule_event_edit", args=[event.pk])).content.decode()
    assert 'name="kind"' in form and 'value="field_inspection" selected' in form


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Họp Ban Thường vụ Thành ủy thường kỳ tháng 11", "standing_committee"),
        ("Hội nghị Ban Thường vụ Thành ủy cho ý kiến về công tác cán bộ", "standing_committee"),
        ("Hội ý Thường trực Thành ủy", "standing_briefing"),
        ("HỘI NGHỊ Ban Chấp hành Đảng bộ thành phố", "conference"),
        ("Đồng chí Bí thư làm việc với Đảng ủy phường Đông Sơn", "working_session"),
        ("Kiểm tra công tác chuẩn bị đại hội", "field_inspection"),
        ("Khảo sát thực tế tại xã", "field_inspection"),
        ("Tiếp đoàn đại biểu tỉnh Viêng Chăn", "reception"),
        ("Tiếp tục hoàn thiện dự thảo báo cáo", "other"),
        ("Tiếp công dân định kỳ", "other"),
        ("Dự lễ kỷ niệm ngày thành lập", "other"),
    ],
)
def test_the_migration_guesses_the_kind_from_the_title(title, kind):
    assert migration.guess(title) == kind


def test_the_migration_sets_the_kind_of_existing_events(specialist, tree):  # noqa: F811
    briefing = add(specialist, tree, title="Hội ý Thường trực")
    visit = add(specialist, tree, title="Tiếp đoàn khách quốc tế", day=MONDAY)
    other = add(specialist, tree, title="Dự lễ khánh thành", day=MONDAY, starts_at=None, all_day=True)
    migration.guess_kinds(apps, None)
    kinds = dict(Event.objects.values_list("pk", "kind"))
    assert kinds == {briefing.pk: "standing_briefing", visit.pk: "reception", other.pk: "other"}


def test_the_demo_events_have_the_kind_their_title_says():
    assert {event[4] for event in demo.EVENTS} <= set(demo.KINDS)
    for title, kind in demo.KINDS.items():
        assert migration.guess(title) == kind, title
    assert set(demo.KINDS.values()) >= {
        EventKind.CONFERENCE,
        EventKind.STANDING_COMMITTEE,
        EventKind.STANDING_BRIEFING,
        EventKind.WORKING_SESSION,
        EventKind.FIELD_INSPECTION,
        EventKind.RECEPTION,
    }
