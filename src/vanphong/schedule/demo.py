"""The demo's weekly schedule of the city committee's Thường trực and Ban Thường vụ,
written through the schedule's services by the office's specialist (`chuyenvien`):
last week and this week published, next week still a draft; this week has one event
changed after publishing and one leader booked twice (confirmed by the office)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Organization, Person
from vanphong.schedule import services
from vanphong.schedule.models import Event, EventKind, monday_of

BTV = "Các đồng chí Ủy viên Ban Thường vụ Thành ủy"
TT = "Thường trực Thành ủy"

# week (0 this week), weekday (0 Monday), start, end, content, place, presiding,
# attending (usernames), attending as written, preparing unit
EVENTS: list[
    tuple[int, int, tuple[int, int] | None, tuple[int, int] | None, str, str, str, list[str], str, str]
] = [
    (
        -1,
        0,
        (8, 0),
        (11, 30),
        "Giao ban Thường trực Thành ủy",
        "Phòng họp số 1",
        "bithu",
        ["phobithu"],
        "Chánh Văn phòng Thành ủy",
        "Văn phòng Thành ủy",
    ),
    (
        -1,
        1,
        (14, 0),
        (17, 0),
        "Hội nghị Ban Thường vụ Thành ủy cho ý kiến về công tác cán bộ",
        "Phòng họp Ban Thường vụ",
        "bithu",
        ["phobithu", "btv"],
        BTV,
        "Ban Tổ chức Thành ủy",
    ),
    (
        -1,
        3,
        (8, 0),
        None,
        "Làm việc với Đảng ủy Khối các cơ quan thành phố về kết quả thực hiện Nghị quyết",
        "Trụ sở Đảng ủy Khối",
        "phobithu",
        ["btv"],
        "Lãnh đạo các ban đảng Thành ủy",
        "Đảng ủy Khối các cơ quan thành phố",
    ),
    (
        -1,
        4,
        None,
        None,
        "Tiếp công dân định kỳ",
        "Trụ sở Tiếp công dân thành phố",
        "bithu",
        [],
        "",
        "Văn phòng Thành ủy",
    ),
    (
        0,
        0,
        (8, 0),
        (11, 0),
        "Giao ban Thường trực Thành ủy",
        "Phòng họp số 1",
        "bithu",
        ["phobithu"],
        "Chánh Văn phòng Thành ủy",
        "Văn phòng Thành ủy",
    ),
    (
        0,
        1,
        (8, 0),
        (11, 30),
        "Hội nghị Ban Thường vụ Thành ủy nghe báo cáo tình hình kinh tế – xã hội 11 tháng",
        "Phòng họp Ban Thường vụ",
        "bithu",
        ["phobithu", "btv"],
        BTV,
        "Văn phòng Thành ủy",
    ),
    (
        0,
        2,
        (14, 0),
        (16, 30),
        "Kiểm tra công tác chuẩn bị đại hội chi bộ",
        "Đảng ủy phường",
        "phobithu",
        [],
        "Ủy ban Kiểm tra Thành ủy",
        "Ủy ban Kiểm tra Thành ủy",
    ),
    (
        0,
        3,
        (8, 0),
        (11, 0),
        "Hội nghị tổng kết công tác tuyên giáo và dân vận",
        "Hội trường Thành ủy",
        "phobithu",
        ["btv"],
        "Trưởng các ban đảng",
        "Ban Tuyên giáo và Dân vận Thành ủy",
    ),
    (
        0,
        3,
        (9, 0),
        (10, 30),
        "Tiếp đoàn công tác của Ban Tổ chức Trung ương",
        "Phòng khách Thành ủy",
        "bithu",
        ["btv"],
        "",
        "Ban Tổ chức Thành ủy",
    ),
    (
        0,
        4,
        (14, 0),
        (17, 0),
        "Làm việc với Ban Nội chính Thành ủy về công tác phòng, chống tham nhũng",
        "Phòng họp số 2",
        "bithu",
        [],
        "Lãnh đạo Ban Nội chính Thành ủy",
        "Ban Nội chính Thành ủy",
    ),
    (
        1,
        0,
        (8, 0),
        (11, 0),
        "Giao ban Thường trực Thành ủy",
        "Phòng họp số 1",
        "bithu",
        ["phobithu"],
        "Chánh Văn phòng Thành ủy",
        "Văn phòng Thành ủy",
    ),
    (
        1,
        2,
        (8, 0),
        None,
        "Hội nghị Ban Chấp hành Đảng bộ thành phố (mở rộng)",
        "Hội trường Thành ủy",
        "bithu",
        ["phobithu", "btv"],
        "Các đồng chí Thành ủy viên",
        "Văn phòng Thành ủy",
    ),
]

# The kind of each demo event, by its content (the office's review counts them by kind).
KINDS = {
    "Giao ban Thường trực Thành ủy": EventKind.STANDING_BRIEFING,
    "Hội nghị Ban Thường vụ Thành ủy cho ý kiến về công tác cán bộ": EventKind.STANDING_COMMITTEE,
    "Hội nghị Ban Thường vụ Thành ủy nghe báo cáo tình hình kinh tế – xã hội 11 tháng": (
        EventKind.STANDING_COMMITTEE
    ),
    "Làm việc với Đảng ủy Khối các cơ quan thành phố về kết quả thực hiện Nghị quyết": (
        EventKind.WORKING_SESSION
    ),
    "Tiếp công dân định kỳ": EventKind.OTHER,
    "Kiểm tra công tác chuẩn bị đại hội chi bộ": EventKind.FIELD_INSPECTION,
    "Hội nghị tổng kết công tác tuyên giáo và dân vận": EventKind.CONFERENCE,
    "Tiếp đoàn công tác của Ban Tổ chức Trung ương": EventKind.RECEPTION,
    "Làm việc với Ban Nội chính Thành ủy về công tác phòng, chống tham nhũng": EventKind.WORKING_SESSION,
    "Hội nghị Ban Chấp hành Đảng bộ thành phố (mở rộng)": EventKind.CONFERENCE,
}


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    clerk = Person.objects.filter(username="chuyenvien").first()
    if clerk is None:
        return {}
    if Event.objects.filter(organization=city).exists():
        return {"schedule_events": Event.objects.filter(organization=city).count()}
    people = {p.username: p for p in Person.objects.filter(username__in=["bithu", "phobithu", "btv"])}
    units = {u.name: u for u in Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1)}
    monday = monday_of(timezone.localdate())
    created: list[Event] = []
    with transaction.atomic():
        for week, weekday, start, end, title, place, presiding, attending, written, unit in EVENTS:
            day = monday + dt.timedelta(days=7 * week + weekday)
            created.append(
                services.event_create(
                    actor=clerk,
                    organization=city,
                    day=day,
                    title=title,
                    kind=KINDS.get(title, EventKind.OTHER),
                    all_day=start is None,
                    starts_at=dt.time(*start) if start else None,
                    ends_at=dt.time(*end) if end else None,
                    place=place,
                    presiding=people.get(presiding),
                    attendees=[people[name] for name in attending if name in people],
                    attendees_text=written,
                    preparing_unit=units.get(unit),
                    # Thursday's reception overlaps the conference: the office keeps both.
                    confirm_double_booking=True,
                )
            )
        for week in (-1, 0):
            services.week_publish(actor=clerk, organization=city, day=monday + dt.timedelta(days=7 * week))
        # After publishing, Friday's working session moves to the morning.
        friday = next(e for e in created if e.day == monday + dt.timedelta(days=4))
        services.event_update(
            actor=clerk,
            event=friday,
            starts_at=dt.time(8, 0),
            ends_at=dt.time(11, 0),
            note="Chuyển từ buổi chiều sang buổi sáng",
        )
    count = Event.objects.filter(organization=city).count()
    out(f"Lịch công tác tuần: {count} sự kiện trong 3 tuần (2 tuần đã công bố).")
    return {"schedule_events": count}
