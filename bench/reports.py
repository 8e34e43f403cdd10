"""Reports from grassroots organizations (issue 8, item 8) at national scale: a
period's numbers summed up the tree over 50,000 organizations, and the office's period
board for 117 and for 5,000 organizations, each against a naive per-organization loop
in the same run.

    uv run python bench/reports.py                        # SQLite
    DATABASE_URL=postgres://… uv run python bench/reports.py --fresh
    uv run python bench/reports.py --keep var/bench-reports   # reuse the SQLite file
    uv run python bench/reports.py --keep var/bench-reports --quick   # without the naive national loop

The data is written in bulk (not through the services), in the shape `report_submit`
leaves: an invented Trung ương with 10 Thành ủy, each with 40 Đảng ủy Khối or
commune-level committees holding 5,000 grassroots organizations (the first Khối 117,
the last 133, the others 125): 50,000 grassroots organizations, 50,411 in all. Three
forms, each with a published version of five number fields (one of them a table
with two fixed rows) and a narrative one: the Trung ương's, asked of every grassroots
organization, with two quarters (the third and second of 2026); the first Thành ủy's
(5,000 organizations) and its first Khối's (117), one quarter each. For each period
about 8 % of the organizations never began, 4 % left a draft, 15 % sent late, the rest
on time; one sent report in eight is thin (its reasons kept on the submission), one
in thirty was returned for correction and one in thirty sent again (its numbers are
the second submission's). A sent report has its `ReportSubmission` and one
`ReportValue` a number (7 keys), as `report_submit` writes them: 1.5 million values.

What is timed, as the office's specialist of the Khối or the Thành ủy:

- **board 117 / board 5,000**: `reports.selectors.board` (the counts and the first
  1,000 rows, the thin reasons worded), and the same page as one request through
  Django's test client (middleware, session, the menu, the template);
- **national sums**: `reports.selectors.period_sums` of the Trung ương's period (its
  10 Thành ủy, both quarters, who was asked and who reported), 50,000 organizations;
- **naive**: the straightforward per-organization loop: for each organization that
  must report, its report read, then its latest submission (and its thin reasons),
  and, for the sums, that submission's values, added up in Python by child subtree
  for each of the two quarters.

Each case is run twice to warm the caches, then timed `--repeat` times (the naive
board of 5,000 a quarter as often; the naive national loop once, unwarmed: it takes
minutes); p50 and p95 in milliseconds, and the number of queries of one run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from harness import (
    STEP,
    TreeRows,
    arguments,
    parent_results,
    path_step,
    print_cases,
    setup_child,
    timed_cases,
)

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = 10
UNITS = 40  # per province
KHOI = 117  # grassroots organizations of the first unit of each province
PER_UNIT = 125
PER_PROVINCE = 5_000
LONG = " ".join(["Chi bộ tổ chức sinh hoạt đều đặn, đúng nội dung hướng dẫn của cấp trên."] * 3)
FIELDS: list[dict[str, Any]] = [
    {"key": "members", "label": "Tổng số đảng viên", "kind": "number", "required": True, "min": 0},
    {"key": "men", "label": "Nam", "kind": "number", "required": True, "min": 0},
    {"key": "women", "label": "Nữ", "kind": "number", "required": True, "min": 0},
    {"key": "admitted", "label": "Kết nạp mới", "kind": "number", "min": 0},
    {"key": "summary", "label": "Tình hình chung", "kind": "text", "required": True, "min_words": 20},
    {
        "key": "cells",
        "label": "Các chi bộ",
        "kind": "table",
        "columns": [
            {"key": "members", "label": "Số đảng viên", "kind": "number"},
            {"key": "note", "label": "Ghi chú", "kind": "text"},
        ],
        "rows": ["Chi bộ 1", "Chi bộ 2"],
    },
]
CHECKS = [{"kind": "sum", "total": "members", "parts": ["men", "women"]}]


def _sizes() -> list[int]:
    """The grassroots organizations of each unit of a province: 5,000 in all."""
    return [KHOI] + [PER_UNIT] * (UNITS - 2) + [PER_PROVINCE - KHOI - PER_UNIT * (UNITS - 2)]


def _child(repeat: int, quick: bool) -> None:
    setup_child()
    office = _office()
    _analyze()
    print(json.dumps(_measure(office, repeat, quick)))


def _analyze() -> None:
    """Planner statistics of the bulk-written tables, as autovacuum would have them on a
    site: measured straight after the load, PostgreSQL planned the 5,032 board's
    1,000 rows at 553 ms one run and 39 ms once analyzed."""
    from django.db import connection

    # PostgreSQL only: autovacuum analyzes there; a SQLite site has no statistics
    # unless someone runs ANALYZE, and neither does this bench.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _office() -> dict[str, Any]:

    from vanphong.core.models import Membership, Organization, Person, Role

    name = "Trung ương (báo cáo)"
    if not Organization.objects.filter(name=name).exists():
        started = time.perf_counter()
        root = path_step(Organization.objects.filter(depth=1).count() + 1)
        tree = TreeRows()
        unit = tree.unit
        unit(root, name, "TW", "central", PROVINCES)
        for p in range(PROVINCES):
            province = unit(root + path_step(p + 1), f"Thành ủy số {p + 1}", f"TU{p}", "provincial", UNITS)
            for u, size in enumerate(_sizes()):
                code = "provincial-party" if u < 8 else "commune"
                parent = unit(province + path_step(u + 1), f"Đảng ủy Khối {p + 1}.{u + 1}", "ĐUK", code, size)
                for g in range(size):
                    kind = "grassroots-committee" if g % 3 else "grassroots-cell"
                    unit(parent + path_step(g + 1), f"Đảng bộ cơ sở {p + 1}.{u + 1}.{g + 1}", "ĐU", kind, 0)
        tree.save()
        root_row = Organization.objects.get(path=root)
        province = Organization.objects.get(path=root + path_step(1))
        khoi = Organization.objects.get(path=province.path + path_step(1))
        people = {}
        for username, full, where in [
            ("bc-tw", "Trần Văn Trung", root_row),
            ("bc-tinh", "Lê Thị Tỉnh", province),
            ("bc-khoi", "Phạm Thu Khối", khoi),
        ]:
            person = Person(username=username)
            person.set_name(full)
            person.set_unusable_password()
            person.save()
            Membership.objects.create(
                person=person, organization=where, role=Role.SPECIALIST, started_on=dt.date(2020, 1, 1)
            )
            people[username] = person
        clerk = Person(username="bc-vanthu")
        clerk.set_name("Nguyễn Văn Thư")
        clerk.set_unusable_password()
        clerk.save()
        rng = random.Random(2026)
        for committee, person in [
            (root_row, people["bc-tw"]),
            (province, people["bc-tinh"]),
            (khoi, people["bc-khoi"]),
        ]:
            quarters = [2, 3] if committee == root_row else [3]
            _form(committee, person, clerk, quarters, rng)
            print(
                f"  {committee.name}: {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    root_row = Organization.objects.select_related("kind").get(name=name)
    province = Organization.objects.select_related("kind").get(path=root_row.path + path_step(1))
    khoi = Organization.objects.select_related("kind").get(path=province.path + path_step(1))
    return {
        "root": root_row,
        "province": province,
        "khoi": khoi,
        "people": {p.username: p for p in Person.objects.filter(username__startswith="bc-")},
    }


def _form(committee: Any, office: Any, clerk: Any, quarters: list[int], rng: random.Random) -> None:
    """A quarterly form of `committee` asked of every grassroots organization under
    it, published, with a period for each of `quarters` of 2026 filled in as
    `report_submit` leaves it."""
    from django.db import transaction
    from django.utils import timezone

    from vanphong.reports import schema, selectors
    from vanphong.reports.models import (
        Report,
        ReportForm,
        ReportFormVersion,
        ReportPeriod,
        ReportState,
        ReportSubmission,
        ReportValue,
        period_bounds,
    )

    schema.validate_definition(FIELDS, CHECKS)
    with transaction.atomic():
        form = ReportForm.objects.create(
            organization=committee,
            title=f"Báo cáo quý về công tác xây dựng Đảng ({committee.abbreviation})",
            periodicity="quarter",
            due_day=20,
            recipients_root=committee,
            created_by=office,
        )
        version = ReportFormVersion.objects.create(
            form=form,
            number=1,
            fields=FIELDS,
            checks=CHECKS,
            published_at=timezone.now(),
            published_by=office,
        )
    previous_members: dict[int, int] = {}
    for quarter in quarters:
        start, end = period_bounds("quarter", 2026, quarter)
        with transaction.atomic():
            period = ReportPeriod.objects.create(
                form=form,
                version=version,
                organization=committee,
                label=f"Quý {quarter}/2026",
                starts_on=start,
                ends_on=end,
                due_on=form.due_on(start, end),
            )
            due = selectors.due_end(period)
            units = list(selectors.recipients(period).order_by("path").values_list("pk", flat=True))
            reports: list[Report] = []
            planned: list[tuple[Report, list[dict[str, Any]]]] = []
            for organization in units:
                draw = rng.random()
                if draw < 0.08:
                    continue  # never began
                report = Report(period=period, organization_id=organization, draft_saved_by=clerk)
                reports.append(report)
                if draw < 0.12:  # a draft, never sent
                    report.draft = {"members": str(rng.randrange(10, 300))}
                    report.draft_saved_at = due - dt.timedelta(days=3)
                    planned.append((report, []))
                    continue
                first = due - dt.timedelta(hours=rng.randrange(1, 24 * 20))
                if draw < 0.27:
                    first = due + dt.timedelta(hours=rng.randrange(1, 24 * 30))
                sends = []
                for n in range(2 if rng.random() < 1 / 30 else 1):
                    members = previous_members.get(organization) or rng.randrange(10, 300)
                    members = max(1, members + rng.randrange(-3, 4))
                    men = members * rng.randrange(40, 70) // 100
                    one = members // 2
                    values: dict[str, Any] = {
                        "members": members,
                        "men": men,
                        "women": members - men,
                        "admitted": rng.randrange(0, 6),
                        "summary": LONG,
                        "cells": [{"members": one, "note": ""}, {"members": members - one, "note": ""}],
                    }
                    thin = rng.random() < 1 / 8
                    if thin:
                        values["summary"] = "Hoàn thành nhiệm vụ."
                    sends.append(
                        {
                            "number": n + 1,
                            "values": values,
                            "thin": [{"code": "short", "field": "summary", "words": 4, "min_words": 20}]
                            if thin
                            else [],
                            "at": first + dt.timedelta(days=5 * n),
                        }
                    )
                    previous_members[organization] = members
                last = sends[-1]
                report.state = ReportState.RETURNED if rng.random() < 1 / 30 else ReportState.SUBMITTED
                report.first_submitted_at = first
                report.submitted_at = last["at"]
                report.is_thin = bool(last["thin"])
                report.draft = {k: str(v) for k, v in last["values"].items() if not isinstance(v, list)}
                report.draft_saved_at = last["at"]
                if report.state == ReportState.RETURNED:
                    report.return_reason = "Bổ sung số liệu chi bộ."
                    report.returned_at = last["at"] + dt.timedelta(days=1)
                planned.append((report, sends))
            Report.objects.bulk_create(reports, batch_size=2000)
            submissions: list[ReportSubmission] = []
            latest: list[tuple[Report, ReportSubmission, dict[str, Any]]] = []
            for report, sends in planned:
                for send in sends:
                    submission = ReportSubmission(
                        report=report,
                        number=send["number"],
                        version=version,
                        values=send["values"],
                        thin_reasons=send["thin"],
                        submitted_at=send["at"],
                        submitted_by=clerk,
                    )
                    submissions.append(submission)
                if sends:
                    latest.append((report, submission, send["values"]))
            ReportSubmission.objects.bulk_create(submissions, batch_size=2000)
            numbers = [
                ReportValue(
                    period=period,
                    organization_id=report.organization_id,
                    report=report,
                    submission=submission,
                    key=key,
                    value=value,
                )
                for report, submission, values in latest
                for key, value in schema.numbers(FIELDS, values).items()
            ]
            ReportValue.objects.bulk_create(numbers, batch_size=5000)


# --- The naive loops ---------------------------------------------------------------------------


def _naive_board(period: Any, today: dt.date) -> dict[str, Any]:
    """For each organization that must report: its report, then its latest submission
    (for the thin reasons); the status and the counts worked out in Python."""
    from vanphong.core.models import Organization
    from vanphong.reports.models import Report, ReportState
    from vanphong.reports.selectors import due_end, word_reason

    due = due_end(period)
    labels = {f["key"]: f.get("label", f["key"]) for f in period.version.fields}
    counts = {"total": 0, "thin": 0, "returned": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0}
    rows = []
    for organization in (
        Organization.objects.filter(period.form.recipients_q()).select_related("kind").order_by("path")
    ):
        report = Report.objects.filter(period=period, organization=organization).first()
        reasons: list[str] = []
        if report is not None and report.first_submitted_at is not None:
            status = "on_time" if report.first_submitted_at < due else "late"
            latest = report.submissions.order_by("-number").first()
            if report.is_thin and latest is not None:
                reasons = [word_reason(r, labels) for r in latest.thin_reasons]
        else:
            status = "missing" if today > period.due_on else "pending"
        counts["total"] += 1
        counts[status] += 1
        counts["thin"] += bool(report and report.is_thin)
        counts["returned"] += bool(report and report.state == ReportState.RETURNED)
        rows.append((organization, status, reasons))
    return {"counts": counts, "rows": rows[:1000]}


def _naive_sums(period: Any, node: Any) -> dict[str, Any]:
    """For each organization under `node` that must report, in each of the two
    quarters: its report, its latest submission, that submission's values, added up
    by child subtree in Python."""
    from vanphong.core.models import Organization
    from vanphong.reports.models import Report, ReportValue
    from vanphong.reports.selectors import previous_period

    step = (node.depth + 1) * STEP
    before = previous_period(period)
    result: dict[str, Any] = {}
    for which in [period] + ([before] if before else []):
        sums: dict[str, dict[str, Decimal]] = {}
        asked: dict[str, list[int]] = {}
        for organization in Organization.objects.filter(which.form.recipients_q()).order_by("path"):
            child = organization.path[:step]
            counts = asked.setdefault(child, [0, 0])
            counts[0] += 1
            report = Report.objects.filter(period=which, organization=organization).first()
            if report is None or report.submitted_at is None:
                continue
            counts[1] += 1
            latest = report.submissions.order_by("-number").first()
            line = sums.setdefault(child, {})
            for key, value in ReportValue.objects.filter(submission=latest).values_list("key", "value"):
                line[key] = line.get(key, Decimal(0)) + value
        result[which.label] = {"sums": sums, "asked": asked}
    return result


def _check_national(national: Any, root: Any, sums: Any, results: dict[str, Any]) -> None:
    """The naive national loop, run once (it takes minutes), timed and its queries
    counted, and checked against `period_sums`."""
    from django.db import connection

    from vanphong.reports.selectors import plain

    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        started = time.perf_counter()
        naive = _naive_sums(national, root)
        once = (time.perf_counter() - started) * 1000
    results["naive national sums"] = {"p50": once, "p95": once, "n": 1, "queries": len(queries)}
    print(f"  naive national sums: {once:.1f} ms, {len(queries)} queries", file=sys.stderr, flush=True)
    now = naive[national.label]
    assert {line.key: line.values for line in sums.lines} == {
        child: {k: plain(v) for k, v in values.items()} for child, values in now["sums"].items()
    }
    assert {line.key: (line.asked, line.reported) for line in sums.lines} == {
        child: tuple(counts) for child, counts in now["asked"].items()
    }
    assert sums.previous_period is not None
    assert {line.key: line.previous for line in sums.lines} == {
        child: {k: plain(v) for k, v in values.items()}
        for child, values in naive[sums.previous_period.label]["sums"].items()
    }


def _measure(office: dict[str, Any], repeat: int, quick: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from vanphong.core.models import Organization
    from vanphong.reports.models import Report, ReportPeriod, ReportValue
    from vanphong.reports.selectors import board, period_sums

    root, province, khoi, people = office["root"], office["province"], office["khoi"], office["people"]
    today = timezone.localdate()

    def period_of(committee: Any) -> Any:
        return (
            ReportPeriod.objects.select_related("form", "version", "organization")
            .filter(form__organization=committee)
            .latest("starts_on")
        )

    national, provincial, local = period_of(root), period_of(province), period_of(khoi)

    def page(person: Any, period: Any) -> Any:
        client = Client()
        client.force_login(person)
        url = reverse("report_board", args=[period.pk])

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response.content

        return get

    # The two ways agree before anything is timed.
    for period in (local, provincial):
        fast, slow = board(period, today=today), _naive_board(period, today)
        assert fast.counts == slow["counts"], (fast.counts, slow["counts"])
        assert [row.pk for row in fast.rows] == [row[0].pk for row in slow["rows"]]
        assert [row.status for row in fast.rows] == [row[1] for row in slow["rows"]]
        assert [fast.thin.get(row.report_id, []) for row in fast.rows] == [row[2] for row in slow["rows"]]
    sums = period_sums(national)
    results: dict[str, Any] = {}
    if not quick:
        _check_national(national, root, sums, results)
    slow_cases = max(3, repeat // 4)
    cases = [
        ("board 117, selector", lambda: board(local, today=today), repeat),
        ("board 117, page", page(people["bc-khoi"], local), repeat),
        ("naive board 117", lambda: _naive_board(local, today), repeat),
        ("board 5,000, selector", lambda: board(provincial, today=today), repeat),
        ("board 5,000, page", page(people["bc-tinh"], provincial), repeat),
        ("naive board 5,000", lambda: _naive_board(provincial, today), slow_cases),
        ("national sums", lambda: period_sums(national), repeat),
    ]
    return {
        "database": connection.vendor,
        "organizations": Organization.objects.filter(path__startswith=root.path).count(),
        "asked": {
            "national": sums.total.asked,
            "5,000": board(provincial, today=today).counts["total"],
            "117": board(local, today=today).counts["total"],
        },
        "reported_national": sums.total.reported,
        "reports": Report.objects.count(),
        "values": ReportValue.objects.count(),
        "national_members": str(sums.total.values["members"]),
        "cases": {**timed_cases(cases), **results},
    }


def main() -> None:
    parser = arguments(__doc__, repeat=20)
    parser.add_argument(
        "--quick", action="store_true", help="leave out the naive national loop (minutes) and its check"
    )
    args = parser.parse_args()
    if args.child:
        _child(args.repeat, args.quick or os.environ.get("BENCH_REPORTS_QUICK") == "1")
        return
    if args.quick:
        os.environ["BENCH_REPORTS_QUICK"] = "1"  # the child's own flag, through its environment
    results = parent_results(__file__, args)
    cases = results["cases"]
    print(
        f"\n{results['database']}: {results['organizations']:,} organizations, "
        f"{results['reports']:,} reports, {results['values']:,} values, "
        f"asked {results['asked']}, {args.repeat} runs a case\n"
    )
    if args.quick:
        print("(--quick: the naive national loop left out)\n")
    baseline = {
        "board 117": "naive board 117",
        "board 5,000": "naive board 5,000",
        "national": "naive national sums",
    }
    print_cases(
        cases,
        lambda label: next((name for prefix, name in baseline.items() if label.startswith(prefix)), None),
    )


if __name__ == "__main__":
    main()
