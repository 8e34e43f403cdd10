"""The leaders' board and the weekly schedule at a provincial committee's size: the
board with 100,000 tasks and the week's page with 10,000 events, each against the
naive way of computing the same thing in the same run.

    uv run python bench/followup.py                        # SQLite
    DATABASE_URL=postgres://… uv run python bench/followup.py --fresh
    uv run python bench/followup.py --keep var/bench-followup   # reuse the SQLite file

The data is written in bulk (not through the services): an invented Thành ủy with 128
units (its office, five boards, two Đảng ủy Khối with 30 grassroots committees each,
12 district committees with 4 communes each), 17 leaders; 20,000 conclusions over the
last five years with 100,000 tasks (1 to 9 a conclusion) given to those units, each
with a leader in charge, a deadline 2 weeks to 6 months after the conclusion; of the
tasks whose deadline passed, 70 % done (four in five of them on time), the rest
overdue, some reported in progress; of the others 20 % done, 45 % in progress; a report
for each task in progress or done, co-operating units on one task in five. All the
tasks are the Thành ủy's: its board is the largest one there is. 10,000 events over
four years, published week by week: 6,000 the Thành ủy's, 4,000 four district
committees', two to five of the Thành ủy's leaders attending each, so that they are
booked by several committees; the current week is a busy one (60 events of the Thành
ủy, 20 of the districts on the same days, some leaders booked twice).

What is timed, each as one request through Django's test client (middleware, session,
the menu, the template), signed in as the Thành ủy's Secretary:

- **board**: `/followup/board/`, the leaders' board of the Thành ủy;
- **week**: the busy week's schedule page, as the Secretary sees it (published events)
  and as the Chief of Office sees it (every event, the office's controls);
- the selectors alone (`followup.selectors.board`, `schedule.selectors.week_page`),
  for comparison with the baselines, which render nothing.

The baselines are the straightforward per-row Python a first version would write:

- **naive board**: every task of the committee loaded as a model instance (lead unit
  and leader joined, so without the N+1 that would take minutes), its state computed
  in Python (`FollowUpTask.state_on`), counted per unit and per leader in dicts;
- **naive week**: the week's events loaded plainly, then for each event its presiding
  leader, preparing unit and attendees read one by one (N+1), and its double bookings
  found by one query per event for that day's other events of its leaders.

Each case is run twice to warm the caches, then timed `--repeat` times (the naive
board fewer, it takes seconds); p50 and p95 in milliseconds, and the number of queries
of one run.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import arguments, parent_results, print_cases, setup_child, timed_cases

ROOT = Path(__file__).resolve().parent.parent
TASKS = 100_000
CONCLUSIONS = 20_000
EVENTS = 10_000
YEARS = 5
EVENT_YEARS = 4

BOARDS = [
    ("Ban Tổ chức Thành ủy", "BTC", "board"),
    ("Ban Tuyên giáo và Dân vận Thành ủy", "BTGDV", "board"),
    ("Ban Nội chính Thành ủy", "BNC", "board"),
    ("Ban Kinh tế Thành ủy", "BKT", "board"),
    ("Ủy ban Kiểm tra Thành ủy", "UBKT", "inspection"),
]
DISTRICTS = [
    "Ngọc Hà", "Tân Phong", "Bình An", "Đông Xuyên", "Hòa Lạc", "Thạch Bàn",
    "Yên Phụ", "Kim Liên", "Phước Long", "Trung Hòa", "Mỹ Đình", "Đồng Tâm",
]  # fmt: skip
COMMUNES = ["Đông", "Tây", "Nam", "Bắc"]
AGENCIES = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Nội vụ", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Xây dựng", "Sở Công Thương", "Sở Văn hóa", "Sở Nông nghiệp", "Sở Khoa học",
]  # fmt: skip
LEADERS = [
    ("Nguyễn Văn Bí", "secretary"),
    ("Trần Thị Phó", "deputy_secretary"),
    ("Lê Văn Thường", "deputy_secretary"),
    *[(f"Phạm Văn Vụ {n}", "standing_member") for n in range(1, 9)],
    *[(f"Hoàng Thị Ủy {n}", "committee_member") for n in range(1, 7)],
]
TASK_WORDS = [
    "Xây dựng kế hoạch triển khai",
    "Tổ chức sơ kết",
    "Rà soát, bổ sung quy hoạch cán bộ",
    "Báo cáo kết quả thực hiện",
    "Tham mưu ban hành quy định về",
    "Kiểm tra, giám sát việc thực hiện",
    "Hoàn thiện đề án",
    "Tuyên truyền, quán triệt",
]
TOPICS = [
    "công tác xây dựng Đảng",
    "chuyển đổi số trong cơ quan Đảng",
    "công tác dân vận",
    "phòng, chống tham nhũng, tiêu cực",
    "đại hội chi bộ nhiệm kỳ 2025-2027",
    "cải cách hành chính",
    "công tác cán bộ",
]
EVENT_TITLES = [
    "Họp Ban Thường vụ",
    "Làm việc với Đảng ủy",
    "Dự hội nghị sơ kết",
    "Tiếp công dân định kỳ",
    "Kiểm tra công tác chuẩn bị đại hội tại",
    "Họp Thường trực",
    "Dự lễ kỷ niệm",
    "Giao ban khối",
]
PLACES = ["Phòng họp số 1, Thành ủy", "Hội trường lớn", "Trụ sở Đảng ủy", "Phòng họp trực tuyến", ""]


def _child(repeat: int) -> None:
    setup_child()
    office = _office()
    _generate(office)
    print(json.dumps(_measure(office, repeat)))


def _office() -> dict[str, Any]:
    """The Thành ủy's tree and people, made once (through the services: 130 units)."""
    from vanphong.core import services
    from vanphong.core.models import Organization, OrganizationKind, Person, Role
    from vanphong.core.tests.factories import make_person

    def kind(code: str) -> OrganizationKind:
        return OrganizationKind.objects.get(code=code)

    def unit(parent: Any, name: str, abbreviation: str, code: str) -> Any:
        return services.organization_create(
            actor=None, parent=parent, name=name, abbreviation=abbreviation, kind=kind(code)
        )

    if not Organization.objects.filter(name="Thành ủy Bình Sơn").exists():
        started = time.perf_counter()
        central = unit(None, "Ban Chấp hành Trung ương", "TW", "central")
        city = unit(central, "Thành ủy Bình Sơn", "TU", "provincial")
        office = unit(city, "Văn phòng Thành ủy", "VPTU", "office")
        for name, abbreviation, code in BOARDS:
            unit(city, name, abbreviation, code)
        for n, bloc_name in enumerate(["các cơ quan Đảng, đoàn thể", "chính quyền"]):
            bloc = unit(city, f"Đảng ủy Khối {bloc_name} thành phố", f"ĐUK{n}", "provincial-party")
            for m, agency in enumerate(AGENCIES * 3):
                unit(bloc, f"Đảng ủy {agency} {m // len(AGENCIES) + 1}", f"ĐU{m}", "grassroots-committee")
        for n, district in enumerate(DISTRICTS):
            committee = unit(city, f"Quận ủy {district}", f"QU{n}", "district")
            for m, commune in enumerate(COMMUNES):
                unit(committee, f"Đảng ủy phường {district} {commune}", f"ĐUP{m}", "commune")
        for full_name, role in LEADERS:
            make_person(organization=city, role=Role(role), full_name=full_name, password=None)
        make_person(organization=office, role=Role.OFFICE_CHIEF, full_name="Đỗ Văn Chánh", password=None)
        for district in DISTRICTS[:4]:
            make_person(
                organization=Organization.objects.get(name=f"Quận ủy {district}"),
                role=Role.SECRETARY,
                full_name=f"Vũ Văn Quận {district}",
                password=None,
            )
        print(f"  tree and people: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    city = Organization.objects.get(name="Thành ủy Bình Sơn")
    return {
        "city": city,
        "units": list(Organization.objects.filter(path__startswith=city.path).exclude(pk=city.pk)),
        "districts": [Organization.objects.get(name=f"Quận ủy {d}") for d in DISTRICTS[:4]],
        "leaders": [Person.objects.get(full_name=name) for name, _ in LEADERS],
        "secretary": Person.objects.get(full_name=LEADERS[0][0]),
        "chief": Person.objects.get(full_name="Đỗ Văn Chánh"),
        "district_secretaries": [Person.objects.get(full_name=f"Vũ Văn Quận {d}") for d in DISTRICTS[:4]],
    }


def _generate(office: dict[str, Any]) -> None:
    from vanphong.followup.models import Conclusion
    from vanphong.schedule.models import Event

    if not Conclusion.objects.exists():
        _tasks(office)
    if not Event.objects.exists():
        _events(office)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _tasks(office: dict[str, Any]) -> None:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from vanphong.followup.models import Conclusion, FollowUpTask, Progress, TaskReport

    started = time.perf_counter()
    rng = random.Random(20261205)
    today = timezone.localdate()
    first = today - dt.timedelta(days=YEARS * 365)
    span = (today - first).days
    city, units, leaders = office["city"], office["units"], office["leaders"]
    # The boards and the office get more of the work than a ward does.
    weights = [8 if u.kind.code in ("board", "inspection", "office", "district") else 1 for u in units]
    issued = sorted(first + dt.timedelta(days=rng.randrange(span)) for _ in range(CONCLUSIONS))
    conclusions = [
        Conclusion(
            organization=city,
            kind="KL" if n % 3 else "TB",
            symbol=f"{n + 1}-{'KL' if n % 3 else 'TB'}/TU",
            issued_on=day,
            title=f"Kết luận của Ban Thường vụ về {rng.choice(TOPICS)}",
            created_by=office["chief"],
        )
        for n, day in enumerate(issued)
    ]
    with transaction.atomic():
        Conclusion.objects.bulk_create(conclusions, batch_size=2000)
    conclusions = list(Conclusion.objects.filter(organization=city).order_by("pk"))
    # 1 to 9 tasks a conclusion, 100,000 in all.
    sizes = [1] * CONCLUSIONS
    for _ in range(TASKS - CONCLUSIONS):
        sizes[rng.randrange(CONCLUSIONS)] += 1
    tasks: list[FollowUpTask] = []
    for conclusion, size in zip(conclusions, sizes, strict=True):
        for number in range(1, size + 1):
            deadline = conclusion.issued_on + dt.timedelta(days=rng.randint(14, 180))
            progress, completed = Progress.NOT_STARTED, None
            roll = rng.random()
            if deadline < today:
                if roll < 0.56:  # done on time
                    progress = Progress.DONE
                    completed = deadline - dt.timedelta(days=rng.randint(0, 20))
                elif roll < 0.70:  # done late
                    progress = Progress.DONE
                    completed = deadline + dt.timedelta(days=rng.randint(1, 60))
                elif roll < 0.85:  # overdue, reported under way
                    progress = Progress.IN_PROGRESS
            elif roll < 0.20:
                progress = Progress.DONE
                completed = min(today, conclusion.issued_on + dt.timedelta(days=rng.randint(1, 30)))
            elif roll < 0.65:
                progress = Progress.IN_PROGRESS
            if completed is not None:
                completed = max(conclusion.issued_on, min(completed, today))
            tasks.append(
                FollowUpTask(
                    conclusion=conclusion,
                    organization=city,
                    number=number,
                    content=f"{rng.choice(TASK_WORDS)} {rng.choice(TOPICS)}",
                    lead_unit=rng.choices(units, weights)[0],
                    leader=rng.choice(leaders),
                    deadline=deadline,
                    progress=progress,
                    completed_on=completed,
                )
            )
    with transaction.atomic():
        FollowUpTask.objects.bulk_create(tasks, batch_size=5000)
    tasks = list(FollowUpTask.objects.filter(organization=city).select_related("conclusion").order_by("pk"))
    reports, co_units = [], []
    through = FollowUpTask.co_units.through
    now = timezone.now()
    for task in tasks:
        if task.progress != Progress.NOT_STARTED:
            at = dt.datetime.combine(task.completed_on or min(today, task.deadline), dt.time(9), dt.UTC)
            reports.append(
                TaskReport(
                    task=task,
                    author=office["chief"],
                    unit=task.lead_unit,
                    at=min(at, now),
                    note="Đã triển khai, báo cáo kết quả kèm theo.",
                    done=task.progress == Progress.DONE,
                )
            )
        if rng.random() < 0.2:
            for other in rng.sample(units, rng.randint(1, 2)):
                if other.pk != task.lead_unit_id:
                    co_units.append(through(followuptask_id=task.pk, organization_id=other.pk))
    with transaction.atomic():
        TaskReport.objects.bulk_create(reports, batch_size=5000)
        through.objects.bulk_create(co_units, batch_size=5000)
    print(
        f"  {len(conclusions):,} conclusions, {len(tasks):,} tasks, {len(reports):,} reports: "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _events(office: dict[str, Any]) -> None:
    """Four years of published weeks: 6,000 events of the Thành ủy, 4,000 of four
    district committees, leaders of the Thành ủy attending both; the current week busy."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from vanphong.schedule.models import Event, EventState, ScheduleWeek, monday_of

    started = time.perf_counter()
    rng = random.Random(20261206)
    today = timezone.localdate()
    this_monday = monday_of(today)
    mondays = [this_monday - dt.timedelta(weeks=n) for n in range(EVENT_YEARS * 52)][::-1]
    city, leaders = office["city"], office["leaders"]
    committees = [city, *office["districts"]]
    hosts = {
        city.pk: leaders[:3],
        **{d.pk: [s] for d, s in zip(office["districts"], office["district_secretaries"], strict=True)},
    }
    published = timezone.now()
    weeks = {
        (committee.pk, monday): ScheduleWeek(
            organization=committee,
            monday=monday,
            published_at=published,
            published_by=office["chief"],
            publications=1,
        )
        for committee in committees
        for monday in mondays
    }
    with transaction.atomic():
        ScheduleWeek.objects.bulk_create(weeks.values(), batch_size=2000)
    weeks = {(w.organization_id, w.monday): w for w in ScheduleWeek.objects.all()}
    units = office["units"]
    busy_city, busy_districts = 60, 20
    plan: list[tuple[Any, dt.date]] = []
    plan += [(city, this_monday)] * busy_city
    plan += [(rng.choice(office["districts"]), this_monday) for _ in range(busy_districts)]
    others = EVENTS - busy_city - busy_districts
    for n in range(others):
        committee = city if n < 6000 - busy_city else rng.choice(office["districts"])
        plan.append((committee, rng.choice(mondays[:-1])))
    events, attending = [], []
    for committee, monday in plan:
        day = monday + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5]))
        all_day = rng.random() < 0.1
        start = (
            None
            if all_day
            else dt.time(rng.choice([7, 8, 8, 9, 10, 13, 14, 14, 15, 16, 19]), rng.choice([0, 30]))
        )
        end = None if start is None or rng.random() < 0.5 else dt.time(min(start.hour + 2, 23), start.minute)
        cancelled = rng.random() < 0.04
        events.append(
            Event(
                organization=committee,
                week=weeks[(committee.pk, monday)],
                day=day,
                all_day=all_day,
                starts_at=start,
                ends_at=end,
                title=f"{rng.choice(EVENT_TITLES)} {rng.choice(TOPICS)}",
                place=rng.choice(PLACES),
                presiding=rng.choice(hosts[committee.pk]),
                attendees_text="Đại diện lãnh đạo các ban" if rng.random() < 0.3 else "",
                preparing_unit=rng.choice(units) if rng.random() < 0.8 else None,
                state=EventState.CANCELLED if cancelled else EventState.PLANNED,
                changed_at=published if cancelled or rng.random() < 0.05 else None,
                created_by=office["chief"],
            )
        )
    with transaction.atomic():
        Event.objects.bulk_create(events, batch_size=2000)
    through = Event.attendees.through
    for event in Event.objects.all().only("pk"):
        for person in rng.sample(leaders, rng.randint(2, 5)):
            attending.append(through(event_id=event.pk, person_id=person.pk))
    with transaction.atomic():
        through.objects.bulk_create(attending, batch_size=5000)
    print(
        f"  {len(weeks):,} weeks, {len(events):,} events, {len(attending):,} attendances: "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _naive_board(committee: Any) -> dict[str, Any]:
    """Every task as an instance, its state in Python, counted in dicts."""
    from django.utils import timezone

    from vanphong.followup.models import FollowUpTask

    today = timezone.localdate()
    units: dict[str, dict[str, int]] = {}
    leaders: dict[str, dict[str, int]] = {}
    total: dict[str, int] = {}
    for task in FollowUpTask.objects.filter(organization=committee).select_related("lead_unit", "leader"):
        state = task.state_on(today)
        for counts in (
            units.setdefault(task.lead_unit.name, {}),
            leaders.setdefault(task.leader.full_name, {}),
            total,
        ):
            counts[state] = counts.get(state, 0) + 1
    return {"total": total, "units": units, "leaders": leaders}


def _naive_week(committee: Any, monday: Any) -> list[Any]:
    """The week's events read plainly: presiding, unit and attendees one by one, and
    each event's double bookings by a query of its own."""
    import datetime as dt

    from django.db.models import Q

    from vanphong.schedule.models import Event, EventState

    rows = []
    events = Event.objects.filter(
        organization=committee, day__gte=monday, day__lt=monday + dt.timedelta(days=7)
    )
    for event in events.filter(Q(state=EventState.PLANNED) | Q(changed_at__isnull=False)):
        people = [event.presiding, *event.attendees.all()]
        names = [p.full_name for p in people if p is not None]
        unit = event.preparing_unit.name if event.preparing_unit else ""
        clashes = []
        if event.state == EventState.PLANNED:
            for other in (
                Event.objects.filter(day=event.day, state=EventState.PLANNED)
                .filter(Q(presiding__in=people) | Q(attendees__in=people))
                .exclude(pk=event.pk)
                .distinct()
            ):
                if event.occupies()[0] < other.occupies()[1] and other.occupies()[0] < event.occupies()[1]:
                    clashes.append((other.title, other.organization.name))
        rows.append((event.title, names, unit, clashes))
    return rows


def _measure(office: dict[str, Any], repeat: int) -> dict[str, Any]:
    import datetime as dt

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vanphong.followup import selectors as followup
    from vanphong.followup.models import FollowUpTask
    from vanphong.schedule import selectors as schedule
    from vanphong.schedule.models import Event, monday_of

    city = office["city"]
    monday = monday_of(timezone.localdate())
    leader, chief = Client(), Client()
    leader.force_login(office["secretary"])
    chief.force_login(office["chief"])
    board_url = reverse("followup_board")
    tasks_url = f"{reverse('followup_home')}?committee={city.pk}"
    week_url = reverse("schedule_week", args=[city.pk, monday.isoformat()])

    def page(client: Any, url: str) -> Callable[[], object]:
        def run() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response.content

        return run

    slow = max(5, repeat // 4)  # the naive board takes seconds
    cases = [
        ("board page (Secretary)", page(leader, board_url), repeat),
        ("board selector", lambda: followup.board(city), repeat),
        ("naive board", lambda: _naive_board(city), slow),
        # Where the board's counts lead: the committee's overdue tasks, a page of 50.
        ("board's overdue tasks, page 1", page(leader, f"{tasks_url}&state=overdue"), repeat),
        ("board's overdue tasks, page 100", page(leader, f"{tasks_url}&state=overdue&page=100"), repeat),
        ("week page (Secretary)", page(leader, week_url), repeat),
        ("week page (Chief of Office)", page(chief, week_url), repeat),
        ("week selector (Secretary)", lambda: schedule.week_page(office["secretary"], city, monday), repeat),
        ("naive week", lambda: _naive_week(city, monday), repeat),
    ]
    week_events = Event.objects.filter(
        organization=city, day__gte=monday, day__lt=monday + dt.timedelta(days=7)
    )
    results: dict[str, Any] = {
        "database": connection.vendor,
        "units": len(office["units"]) + 1,
        "tasks": FollowUpTask.objects.count(),
        "events": Event.objects.count(),
        "busy_week": {"monday": monday.isoformat(), "events": week_events.count()},
        "cases": timed_cases(cases),
    }
    return results


def main() -> None:
    args = arguments(__doc__, repeat=40).parse_args()
    if args.child:
        _child(args.repeat)
        return
    results = parent_results(__file__, args)
    cases = results["cases"]
    print(
        f"\n{results['database']}: {results['units']} units, {results['tasks']:,} tasks, "
        f"{results['events']:,} events ({results['busy_week']['events']} in the busy week), "
        f"{args.repeat} runs a case\n"
    )

    def baseline(label: str) -> str | None:
        if label.startswith("naive"):
            return None
        return "naive board" if "board" in label else "naive week"

    print_cases(cases, baseline)


if __name__ == "__main__":
    main()
