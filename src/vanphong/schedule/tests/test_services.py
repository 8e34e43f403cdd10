"""The weekly schedule's services: refusals keyed to their fields with nothing
saved, leaders booked twice refused until confirmed, publishing, changes after
publishing marked, and one audit row per write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from vanphong.core.models import AuditEvent, Role
from vanphong.core.tests.conftest import clerk, member, office_chief, outsider, secretary, tree  # noqa: F401
from vanphong.core.tests.factories import persona
from vanphong.schedule import selectors, services
from vanphong.schedule.models import Event, EventState, ScheduleWeek
from vanphong.schedule.services import AuditAction

TUESDAY = dt.date(2026, 11, 24)
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def specialist(tree):  # noqa: F811
    """Office staff of the city committee: drafting, so keeping its schedule."""
    return persona(tree, Role.SPECIALIST)


@pytest.fixture
def standing(tree):  # noqa: F811
    return persona(tree, Role.STANDING_MEMBER)


def add(specialist, tree, **overrides):  # noqa: F811
    values = {
        "actor": specialist,
        "organization": tree.city,
        "day": TUESDAY,
        "title": "Hội nghị Ban Thường vụ Thành ủy",
        "starts_at": dt.time(8, 0),
        "ends_at": dt.time(11, 0),
    }
    values.update(overrides)
    return services.event_create(**values)


def test_an_event_of_the_week_with_who_presides_attends_and_prepares(specialist, tree, secretary, standing):  # noqa: F811
    event = add(
        specialist,
        tree,
        place="Phòng họp Ban Thường vụ",
        presiding=secretary,
        attendees=[standing],
        attendees_text="Các đồng chí Ủy viên BTV",
        preparing_unit=tree.office,
        note="Tài liệu gửi trước 2 ngày",
    )
    assert event.week.monday == MONDAY and not event.week.is_published
    assert list(event.attendees.all()) == [standing]
    assert event.changed_at is None and event.state == EventState.PLANNED
    audit = AuditEvent.objects.get(action=AuditAction.EVENT_CREATED)
    assert audit.after["presiding"] == secretary.pk and audit.after["attendees"] == [standing.pk]
    assert audit.after["double_booked"] == [] and audit.after["after_publishing"] is False


def test_bad_input_is_refused_by_field_and_nothing_is_saved(specialist, tree):  # noqa: F811
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        add(
            specialist,
            tree,
            starts_at=dt.time(14, 0),
            ends_at=dt.time(9, 0),
            preparing_unit=tree.other_province,
        )
    errors = refused.value.message_dict
    assert set(errors) == {"ends_at", "preparing_unit"}
    with translation.override("vi"):
        assert errors["ends_at"] == [gettext("The event cannot end before it starts.")]
    with pytest.raises(ValidationError) as refused:
        add(specialist, tree, title="  ", starts_at=None)
    assert set(refused.value.message_dict) == {"title", "starts_at"}
    assert not Event.objects.exists() and not ScheduleWeek.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="schedule.").exists()


def test_presiding_must_lead_the_committee(specialist, tree, member):  # noqa: F811
    with pytest.raises(ValidationError) as refused:
        add(specialist, tree, presiding=member, attendees=[member])
    assert set(refused.value.message_dict) == {"presiding", "attendees"}


def test_only_the_committees_office_keeps_its_schedule(specialist, tree, clerk, secretary, outsider):  # noqa: F811
    for person in (clerk, secretary, outsider):
        with pytest.raises(PermissionDenied):
            add(person, tree)
    with pytest.raises(PermissionDenied):
        add(specialist, tree, organization=tree.other_province)
    with pytest.raises(ValidationError):
        add(specialist, tree, organization=tree.office)  # an office has no schedule of its own


def test_a_leader_booked_twice_is_refused_until_confirmed(specialist, tree, secretary, standing):  # noqa: F811
    first = add(specialist, tree, presiding=secretary)
    with pytest.raises(ValidationError) as refused:
        add(
            specialist,
            tree,
            title="Tiếp đoàn công tác",
            starts_at=dt.time(9, 0),
            ends_at=dt.time(10, 0),
            attendees=[secretary],
        )
    assert list(refused.value.message_dict) == ["confirm_double_booking"]
    assert secretary.full_name in refused.value.message_dict["confirm_double_booking"][0]
    assert Event.objects.count() == 1
    second = add(
        specialist,
        tree,
        title="Tiếp đoàn công tác",
        starts_at=dt.time(9, 0),
        ends_at=dt.time(10, 0),
        attendees=[secretary, standing],
        confirm_double_booking=True,
    )
    audit = AuditEvent.objects.filter(action=AuditAction.EVENT_CREATED).order_by("id").last()
    assert audit is not None and audit.after["double_booked"] == [secretary.pk]
    flagged = selectors.week_clashes(selectors.week_events(tree.city, MONDAY, keeping=True))
    assert {pk: [c.person for c in found] for pk, found in flagged.items()} == {
        first.pk: [secretary],
        second.pk: [secretary],
    }
    # Back to back is no clash; an event without an end lasts until the end of its half-day.
    add(
        specialist,
        tree,
        title="Làm việc",
        starts_at=dt.time(11, 0),
        ends_at=dt.time(11, 30),
        presiding=standing,
    )
    with pytest.raises(ValidationError):
        add(specialist, tree, title="Họp", starts_at=dt.time(11, 45), presiding=standing)
    with pytest.raises(ValidationError):
        add(
            specialist, tree, title="Cả ngày", all_day=True, starts_at=None, ends_at=None, presiding=secretary
        )


def test_a_cancelled_event_no_longer_books_its_leaders(specialist, tree, secretary):  # noqa: F811
    first = add(specialist, tree, presiding=secretary)
    services.event_cancel(actor=specialist, event=first, reason="Hoãn")
    add(specialist, tree, title="Thay thế", presiding=secretary)
    assert Event.objects.filter(state=EventState.PLANNED).count() == 1


def test_publishing_opens_the_week_and_later_changes_are_marked(specialist, tree, secretary, standing):  # noqa: F811
    kept = add(specialist, tree, presiding=secretary)
    dropped_in_draft = add(specialist, tree, title="Dự kiến, chưa chốt", day=MONDAY)
    services.event_cancel(actor=specialist, event=dropped_in_draft)
    reader = selectors.week_page(secretary, tree.city, TUESDAY)
    assert not reader.visible and reader.events == []
    with pytest.raises(PermissionDenied):
        services.week_publish(actor=secretary, organization=tree.city, day=TUESDAY)
    with pytest.raises(ValidationError):
        services.week_publish(actor=specialist, organization=tree.city, day=TUESDAY + dt.timedelta(days=7))
    week = services.week_publish(actor=specialist, organization=tree.city, day=TUESDAY)
    assert week.is_published and week.publications == 1
    with pytest.raises(ValidationError):  # nothing changed since
        services.week_publish(actor=specialist, organization=tree.city, day=MONDAY)
    reader = selectors.week_page(secretary, tree.city, TUESDAY)
    assert reader.visible and reader.events == [kept]  # the draft's cancelled event does not show
    assert not reader.changes

    moved = services.event_update(
        actor=specialist, event=kept, starts_at=dt.time(14, 0), ends_at=dt.time(16, 0)
    )
    added = add(specialist, tree, title="Làm việc với Ban Tổ chức", day=MONDAY, presiding=standing)
    cancelled = add(specialist, tree, title="Tiếp công dân", day=TUESDAY + dt.timedelta(days=2))
    services.event_cancel(actor=specialist, event=cancelled, reason="Lãnh đạo đi công tác")
    for event in (moved, added, cancelled):
        event.refresh_from_db()
        assert event.changed_at is not None
    reader = selectors.week_page(secretary, tree.city, TUESDAY)
    assert {e.pk for e in reader.events} == {kept.pk, added.pk, cancelled.pk}
    assert reader.changes == 3 and reader.changed_since_publishing
    shown = next(e for e in reader.events if e.pk == cancelled.pk)
    assert shown.is_cancelled and shown.cancel_note == "Lãnh đạo đi công tác"
    with pytest.raises(ValidationError):
        services.event_update(actor=specialist, event=cancelled, title="Đổi")
    week = services.week_publish(actor=specialist, organization=tree.city, day=TUESDAY)
    assert week.publications == 2

    actions = list(
        AuditEvent.objects.filter(action__startswith="schedule.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        AuditAction.EVENT_CREATED,
        AuditAction.EVENT_CREATED,
        AuditAction.EVENT_CANCELLED,
        AuditAction.WEEK_PUBLISHED,
        AuditAction.EVENT_UPDATED,
        AuditAction.EVENT_CREATED,
        AuditAction.EVENT_CREATED,
        AuditAction.EVENT_CANCELLED,
        AuditAction.WEEK_PUBLISHED,
    ]
    update = AuditEvent.objects.get(action=AuditAction.EVENT_UPDATED)
    assert update.before["starts_at"] == "08:00:00" and update.after["starts_at"] == "14:00:00"
    assert update.after["after_publishing"] is True


def test_an_edit_that_changes_nothing_writes_nothing(specialist, tree, secretary):  # noqa: F811
    event = add(specialist, tree, presiding=secretary)
    services.event_update(actor=specialist, event=event, title=" Hội nghị  Ban Thường vụ Thành ủy ")
    assert not AuditEvent.objects.filter(action=AuditAction.EVENT_UPDATED).exists()
    event.refresh_from_db()
    assert event.revision == 0


def test_moving_an_event_checks_the_new_time_for_double_booking(specialist, tree, secretary):  # noqa: F811
    add(specialist, tree, presiding=secretary)
    other = add(
        specialist, tree, title="Chiều", starts_at=dt.time(14, 0), ends_at=dt.time(16, 0), presiding=secretary
    )
    with pytest.raises(ValidationError) as refused:
        services.event_update(actor=specialist, event=other, starts_at=dt.time(10, 0), ends_at=dt.time(12, 0))
    assert "confirm_double_booking" in refused.value.message_dict
    other.refresh_from_db()
    assert other.starts_at == dt.time(14, 0)
    services.event_update(
        actor=specialist,
        event=other,
        starts_at=dt.time(10, 0),
        ends_at=dt.time(12, 0),
        confirm_double_booking=True,
    )


def test_a_clash_with_another_committees_draft_names_it_only_to_those_who_see_it(
    specialist,
    tree,  # noqa: F811
    standing,
):
    """The Bí thư Đảng ủy Khối sits in the city's Standing Committee: the bloc's
    office books him in its draft week, which the city's readers do not see."""
    from vanphong.core import services as core_services
    from vanphong.core.tests.factories import make_person

    core_services.membership_add(
        actor=None,
        person=standing,
        organization=tree.bloc,
        role=Role.SECRETARY,
        started_on=dt.date(2020, 1, 1),
    )
    bloc_office = make_person(organization=tree.bloc, role=Role.SPECIALIST)
    hidden = add(
        bloc_office,
        tree,
        organization=tree.bloc,
        title="Hội nghị Ban Thường vụ Đảng ủy Khối",
        presiding=standing,
    )
    with pytest.raises(ValidationError) as refused:
        add(specialist, tree, title="Giao ban", attendees=[standing])
    [message] = refused.value.message_dict["confirm_double_booking"]
    assert tree.bloc.name in message and "Đảng ủy Khối" not in message.split("(")[0]
    city_event = add(specialist, tree, title="Giao ban", attendees=[standing], confirm_double_booking=True)
    services.week_publish(actor=specialist, organization=tree.city, day=TUESDAY)
    reader = persona(tree, Role.COMMITTEE_MEMBER)
    assert selectors.week_page(reader, tree.city, TUESDAY).clashes == {}
    assert selectors.week_page(bloc_office, tree.bloc, TUESDAY).clashes == {}  # the city is above the bloc
    services.week_publish(actor=bloc_office, organization=tree.bloc, day=TUESDAY)
    seen = selectors.week_page(reader, tree.city, TUESDAY).clashes
    assert [(c.person, c.other) for c in seen[city_event.pk]] == [(standing, hidden)]
