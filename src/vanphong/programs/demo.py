"""The demo's work programs, written through the programs' services by the office:
the city committee's 2026 program (issued in January by the Chief of Office), its
items prepared by a specialist (`chuyenvien`), broken down as an office breaks a year
down: into the program of the second half, that into the fourth quarter's, and that
into the months of October, November and December; the items done so far are marked
where they were done (a month's item, else the half's, else the year's), and each
item whose every breakdown is done is marked done by the system up the chain, so each
period has its execution rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from vanphong.core.models import Membership, Organization, Person
from vanphong.programs import services
from vanphong.programs.models import ItemState, Program, ProgramItem, ProgramKind
from vanphong.registry.models import DocumentType

YEAR = 2026

# Content, preparing body, co-operating bodies, leader (by username or title),
# month or quarter ("Q4"), output kind, document type code, output note, done on.
ITEMS: list[tuple[str, str, list[str], str, str, str, str, str, tuple[int, int] | None]] = [
    (
        "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 3 (mở rộng): tổng kết công tác năm 2025, "
        "triển khai nhiệm vụ năm 2026",
        "Văn phòng Thành ủy",
        ["Ban Tổ chức Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy"],
        "bithu",
        "1",
        "conference",
        "nghi-quyet",
        "về nhiệm vụ năm 2026",
        (1, 9),
    ),
    (
        "Xây dựng, ban hành Chương trình kiểm tra, giám sát năm 2026 của Ban Chấp hành, "
        "Ban Thường vụ Thành ủy",
        "Ủy ban Kiểm tra Thành ủy",
        ["Văn phòng Thành ủy"],
        "Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
        "1",
        "document",
        "chuong-trinh",
        "",
        (1, 20),
    ),
    (
        "Sơ kết công tác 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2026",
        "Văn phòng Thành ủy",
        ["Ban Tổ chức Thành ủy", "Ủy ban Kiểm tra Thành ủy"],
        "bithu",
        "7",
        "conference",
        "bao-cao",
        "sơ kết 6 tháng",
        (7, 10),
    ),
    (
        "Kiểm tra việc lãnh đạo thực hiện Nghị quyết Đại hội Đảng bộ thành phố lần thứ XVII tại các đảng ủy "
        "trực thuộc",
        "Ủy ban Kiểm tra Thành ủy",
        ["Ban Tổ chức Thành ủy", "Đảng ủy Khối các cơ quan thành phố"],
        "Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
        "Q3",
        "inspection",
        "",
        "",
        (9, 25),
    ),
    (
        "Giám sát chuyên đề việc thực hiện quy định về trách nhiệm nêu gương của cán bộ, đảng viên",
        "Ủy ban Kiểm tra Thành ủy",
        ["Ban Nội chính Thành ủy"],
        "Chủ nhiệm Ủy ban Kiểm tra Thành ủy",
        "Q4",
        "report",
        "bao-cao",
        "kết quả giám sát",
        None,
    ),
    (
        "Chỉ đạo chuẩn bị đại hội chi bộ, đảng bộ cơ sở nhiệm kỳ 2027–2032: ban hành kế hoạch, hướng dẫn",
        "Ban Tổ chức Thành ủy",
        ["Văn phòng Thành ủy", "Đảng ủy Khối các cơ quan thành phố"],
        "phobithu",
        "11",
        "document",
        "ke-hoach",
        "",
        (11, 12),
    ),
    (
        "Tổng kết công tác xây dựng Đảng và hệ thống chính trị năm 2026; đánh giá, xếp loại chất lượng "
        "tổ chức đảng, đảng viên",
        "Ban Tổ chức Thành ủy",
        ["Văn phòng Thành ủy", "Ủy ban Kiểm tra Thành ủy"],
        "Trưởng Ban Tổ chức Thành ủy",
        "12",
        "report",
        "bao-cao",
        "",
        None,
    ),
    (
        "Hội nghị Ban Chấp hành Đảng bộ thành phố lần thứ 5: kiểm điểm lãnh đạo năm 2026, quyết định "
        "nhiệm vụ năm 2027",
        "Văn phòng Thành ủy",
        ["Ban Tổ chức Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy", "Ủy ban Kiểm tra Thành ủy"],
        "bithu",
        "12",
        "conference",
        "nghi-quyet",
        "về nhiệm vụ năm 2027",
        None,
    ),
    (
        "Tuyên truyền kỷ niệm các ngày lễ lớn và sự kiện lịch sử của đất nước, của thành phố năm 2026",
        "Ban Tuyên giáo và Dân vận Thành ủy",
        ["Văn phòng Thành ủy"],
        "Trưởng Ban Tuyên giáo và Dân vận Thành ủy",
        "",
        "document",
        "huong-dan",
        "",
        None,
    ),
    (
        "Sơ kết công tác nội chính, phòng, chống tham nhũng, lãng phí, tiêu cực năm 2026",
        "Ban Nội chính Thành ủy",
        ["Ủy ban Kiểm tra Thành ủy"],
        "Trưởng Ban Nội chính Thành ủy",
        "11",
        "report",
        "bao-cao",
        "",
        (11, 20),
    ),
    (
        "Ban Thường vụ Thành ủy làm việc với các đảng ủy trực thuộc về tình hình thực hiện nhiệm vụ năm 2026",
        "Văn phòng Thành ủy",
        ["Đảng ủy Khối các cơ quan thành phố"],
        "phobithu",
        "Q4",
        "meeting",
        "thong-bao",
        "thông báo kết luận",
        None,
    ),
    (
        "Xây dựng Chương trình công tác năm 2027 của Ban Chấp hành, Ban Thường vụ Thành ủy",
        "Văn phòng Thành ủy",
        ["Các ban đảng Thành ủy"],
        "bithu",
        "12",
        "document",
        "chuong-trinh",
        "",
        None,
    ),
]

# Items of the year (by position) broken down into the second half's program: those
# planned from July on, and the item of the whole year (9).
HALF_ITEMS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
# Items of the second half (by their yearly position) broken down into the fourth
# quarter's program: those planned from October on.
QUARTER_ITEMS = [5, 6, 7, 8, 9, 10, 11, 12]
# Items of the fourth quarter (by their yearly position) broken down into the months,
# and the day each month's item was done (None: not yet).
MONTH_ITEMS: dict[int, list[tuple[int, tuple[int, int] | None]]] = {
    10: [(5, (10, 28)), (11, (10, 23))],
    11: [(6, (11, 12)), (10, (11, 20)), (11, None), (5, None)],
    12: [(7, None), (8, None), (12, None), (11, None)],
}
# What was done of the second half before October, marked on the half's items.
HALF_DONE = {3: (7, 10), 4: (9, 25)}
# Programs: (kind, period, title, issued on (month, day) and number, or None: drafting).
PROGRAMS: list[tuple[str, int, str, tuple[int, int, int] | None]] = [
    ("half", 2, "6 tháng cuối năm", (6, 29, 21)),
    ("quarter", 4, "quý IV năm", (9, 28, 33)),
    ("month", 10, "tháng 10 năm", (9, 29, 36)),
    ("month", 11, "tháng 11 năm", (10, 28, 41)),
    ("month", 12, "tháng 12 năm", None),
]


def _leader(city: Organization, who: str) -> Person | None:
    person = Person.objects.filter(username=who).first()
    if person is not None:
        return person
    membership = (
        Membership.objects.current().filter(organization=city, note=who).select_related("person").first()
    )
    return membership.person if membership else None


def _time(value: str) -> tuple[int | None, int | None]:
    """(month, quarter) from "11", "Q4" or "" (the whole year)."""
    if not value:
        return None, None
    if value.startswith("Q"):
        return None, int(value[1:])
    return int(value), None


def _day(month: int, day: int) -> dt.date:
    return min(dt.date(YEAR, month, day), timezone.localdate())


def load_demo(*, city: Organization, out: Callable[[str], None]) -> dict[str, int]:
    specialist = Person.objects.filter(username="chuyenvien").first()
    chief = Person.objects.filter(username="chanhvp").first()
    if specialist is None or chief is None:
        return {}
    if Program.objects.filter(organization=city).exists():
        return {"work_programs": Program.objects.filter(organization=city).count()}
    units = {
        org.name: org for org in Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1)
    }
    types = {t.code: t for t in DocumentType.objects.all()}
    today = timezone.localdate()
    with transaction.atomic():
        yearly = services.program_create(
            actor=specialist,
            organization=city,
            kind=ProgramKind.YEAR,
            year=YEAR,
            title=f"Chương trình công tác năm {YEAR} của Ban Chấp hành, Ban Thường vụ Thành ủy",
        )
        items: dict[int, ProgramItem] = {}
        done: list[tuple[ProgramItem, tuple[int, int]]] = []
        for content, lead, partners, leader, time, kind, type_code, note, done_on in ITEMS:
            month, quarter = _time(time)
            known = [units[name] for name in partners if name in units]
            item = services.item_add(
                actor=specialist,
                program=yearly,
                content=content,
                lead=units[lead],
                partners=known,
                partners_note=", ".join(name for name in partners if name not in units),
                leader=_leader(city, leader),
                planned_year=YEAR,
                output_kind=kind,
                output_type=types.get(type_code),
                output_note=note,
                planned_month=month,
                planned_quarter=quarter,
            )
            items[item.position] = item
            # What is broken down is done where it was done: in the half, or the months.
            if done_on is not None and item.position not in HALF_ITEMS and dt.date(YEAR, *done_on) <= today:
                done.append((item, done_on))
        services.program_issue(
            actor=chief, program=yearly, issued_on=min(dt.date(YEAR, 1, 5), today), number=3
        )
        programs: dict[tuple[str, int], Program] = {}
        for kind, period, words, _issued in PROGRAMS:
            shorter = services.program_create(
                actor=specialist,
                organization=city,
                kind=kind,
                year=YEAR,
                period=period,
                title=f"Chương trình công tác {words} {YEAR} của Ban Thường vụ Thành ủy",
            )
            programs[kind, period] = shorter
        second_half, fourth_quarter = programs["half", 2], programs["quarter", 4]
        in_half = {
            position: services.item_break_down(actor=specialist, item=items[position], program=second_half)
            for position in HALF_ITEMS
        }
        in_quarter = {
            position: services.item_break_down(
                actor=specialist, item=in_half[position], program=fourth_quarter
            )
            for position in QUARTER_ITEMS
        }
        for month, breakdown in MONTH_ITEMS.items():
            for position, child_done in breakdown:
                child = services.item_break_down(
                    actor=specialist, item=in_quarter[position], program=programs["month", month]
                )
                if child_done is not None and dt.date(YEAR, *child_done) <= today:
                    done.append((child, child_done))
        for kind, period, _words, issued in PROGRAMS:
            if issued is not None:
                services.program_issue(
                    actor=chief,
                    program=programs[kind, period],
                    issued_on=min(dt.date(YEAR, issued[0], issued[1]), today),
                    number=issued[2],
                )
        # Done where it was done (the year's first months, the half's before October,
        # the months'): the system marks the items above them once all theirs are done.
        done.extend(
            (in_half[position], when) for position, when in HALF_DONE.items() if dt.date(YEAR, *when) <= today
        )
        for item, (month, day) in sorted(done, key=lambda pair: pair[1]):
            services.item_set_state(
                actor=specialist, item=item, state=ItemState.DONE, done_on=_day(month, day)
            )
    count = Program.objects.filter(organization=city).count()
    out(
        f"Chương trình công tác năm {YEAR} với {len(ITEMS)} nội dung, cụ thể hóa vào 6 tháng cuối năm, "
        "quý IV và các tháng 10, 11, 12."
    )
    return {"work_programs": count}
