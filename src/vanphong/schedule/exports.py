"""The week printed (A4 landscape, through WeasyPrint) and the published events as an
iCalendar file.

The printed week is a document the office issues: its fixed words ("ĐẢNG CỘNG SẢN
VIỆT NAM", "BAN THƯỜNG VỤ", "LỊCH CÔNG TÁC TUẦN", the columns, the days) are printed
in Vietnamese whatever the language of the person printing, as the drafting app
prints its own layout (drafting/rendering.py): constants, deliberately not
translated. So are the labels inside the calendar file's descriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from vanphong.core.models import Organization
from vanphong.core.printing import office_chief_of, pdf_from_html, place_of
from vanphong.schedule.models import Event, EventState
from vanphong.schedule.selectors import WeekPage, session_of

PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE = "LỊCH CÔNG TÁC TUẦN"
DAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
SESSION_NAMES = {"all_day": "Cả ngày", "morning": "Sáng", "afternoon": "Chiều", "evening": "Tối"}
# The columns and their share of the page's width, in per cent.
COLUMNS = [
    ("Thứ, ngày", 8),
    ("Thời gian", 9),
    ("Nội dung công việc", 30),
    ("Chủ trì", 11),
    ("Thành phần", 16),
    ("Đơn vị chuẩn bị", 13),
    ("Địa điểm", 13),
]
CHANGED = "Điều chỉnh"
CANCELLED = "Hủy"
DRAFT = "DỰ THẢO"
# The office issues the week on the Standing Committee's behalf, signed by its chief.
SIGNATURE_LINES = ("T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG")
RECIPIENTS_LABEL = "Nơi nhận:"
RECIPIENTS = (
    "- Các đồng chí Ủy viên Ban Thường vụ,",
    "- Các ban, đơn vị được phân công chuẩn bị,",
    "- Lưu Văn phòng.",
)


def standing_committee(committee: Organization) -> str:
    """ "BAN THƯỜNG VỤ THÀNH ỦY NGỌC SƠN": the body whose week it is."""
    return f"BAN THƯỜNG VỤ {committee.name.upper()}"


def attending(event: Event) -> str:
    names = [person.full_name for person in event.attendees.all()]
    return "; ".join(part for part in (", ".join(names), event.attendees_text) if part)


@dataclass(frozen=True)
class Row:
    day: str  # "Thứ Hai\n23/11" on the first row of a day, else ""
    span: int  # rows the day cell spans (0 on the rows it covers)
    time: str
    event: Event | None

    @property
    def attending(self) -> str:
        return attending(self.event) if self.event else ""


def rows(page: WeekPage) -> list[Row]:
    """One row per event, a day's name spanning its events; an empty day one row."""
    lines: list[Row] = []
    for offset, day in enumerate(page.days):
        label = f"{DAY_NAMES[offset]}\n{day.date:%d/%m}"
        events = [event for session in day.sessions for event in session.events]
        if not events:
            lines.append(Row(label, 1, "", None))
            continue
        for index, event in enumerate(events):
            time = SESSION_NAMES[session_of(event)]
            if event.time_text():
                time += f"\n{event.time_text()}"
            lines.append(Row(label if index == 0 else "", len(events) if index == 0 else 0, time, event))
    return lines


def place_date(page: WeekPage) -> str:
    """ "Ngọc Sơn, ngày 27 tháng 11 năm 2026": the day the week was (last) published;
    a draft leaves the day and month blank."""
    place = place_of(page.committee)
    if page.week is not None and page.week.published_at is not None:
        day = timezone.localtime(page.week.published_at).date()
        return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    return f"{place}, ngày      tháng      năm {page.monday.year}"


def printed_line(page: WeekPage, printed: dt.datetime) -> str:
    """When it was printed and published, in each page's footer."""
    text = f"In lúc {timezone.localtime(printed):%H:%M %d/%m/%Y}"
    if page.week is not None and page.week.published_at is not None:
        text += f"; công bố lúc {timezone.localtime(page.week.published_at):%H:%M %d/%m/%Y}"
    return text + "."


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (a margin box's `content`)."""
    escaped = text.replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")
    return f'"{escaped}"'


def filename(page: WeekPage, extension: str) -> str:
    return f"lich-cong-tac-tuan-{page.monday:%Y-%m-%d}.{extension}"


def week_pdf(page: WeekPage) -> bytes:
    html = render_to_string(
        "schedule/week_print.html",
        {
            "page": page,
            "party": PARTY_NAME,
            "body": standing_committee(page.committee),
            "title": TITLE,
            "subtitle": f"Tuần {page.number} (từ ngày {page.monday:%d/%m/%Y} "
            f"đến ngày {page.sunday:%d/%m/%Y})",
            "columns": COLUMNS,
            "rows": rows(page),
            "changed": CHANGED,
            "cancelled": CANCELLED,
            "draft": DRAFT if not page.published else "",
            "place_date": place_date(page),
            "printed_line": css_string(printed_line(page, timezone.now())),
            "recipients_label": RECIPIENTS_LABEL,
            "recipients": RECIPIENTS,
            "signature_lines": SIGNATURE_LINES,
            "signer": office_chief_of(page.committee),
        },
    )
    return pdf_from_html(html)


def calendar(committee: Organization, events: Sequence[Event]) -> bytes:
    """The events as an iCalendar (RFC 5545) file: each event keeps its UID and
    raises its SEQUENCE on every change, so calendar programs update it in place; a
    cancelled event is sent as CANCELLED, so they remove it."""
    import icalendar

    zone = ZoneInfo(settings.TIME_ZONE)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//vanphong//lich-cong-tac//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Lịch công tác — {committee.name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"schedule-event-{event.pk}@vanphong")
        item.add("dtstamp", stamp)
        item.add("sequence", event.revision)
        item.add("summary", event.title)
        if event.all_day or event.starts_at is None:
            item.add("dtstart", event.day)
            item.add("dtend", event.day + dt.timedelta(days=1))
        else:
            item.add("dtstart", dt.datetime.combine(event.day, event.starts_at, tzinfo=zone))
            if event.ends_at is not None:
                item.add("dtend", dt.datetime.combine(event.day, event.ends_at, tzinfo=zone))
        if event.place:
            item.add("location", event.place)
        lines = [
            f"{label}: {value}"
            for label, value in (
                ("Chủ trì", event.presiding.full_name if event.presiding else ""),
                ("Thành phần", attending(event)),
                ("Đơn vị chuẩn bị", event.preparing_unit.name if event.preparing_unit else ""),
                ("Ghi chú", event.note),
                (CHANGED, "có" if event.changed_at else ""),
            )
            if value
        ]
        if lines:
            item.add("description", "\n".join(lines))
        item.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
        item.add("last-modified", event.changed_at or event.created_at)
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
