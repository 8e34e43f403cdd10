"""Party membership statistics (issue 8, item 4) at a large province's size: 5,000
organizations and 200,000 Party members, the statistics page's selectors against a
naive per-organization loop in the same run.

    uv run python bench/membership.py                        # SQLite
    DATABASE_URL=postgres://… uv run python bench/membership.py --fresh
    uv run python bench/membership.py --keep var/bench-membership   # reuse the SQLite file

(Not `bench/statistics.py`: a script's folder comes first on `sys.path`, and that name
would hide the standard library's `statistics` from the other benchmarks.)

The data is written in bulk (not through the services), in well under two minutes: an
invented Thành ủy with its office and 20 Đảng ủy Khối / commune-level committees, each
with 125 grassroots committees of one cell each (5,023 organizations in all); 200,000
people on the cells' rolls (about 80 a cell), a gender, a date of birth between 1950
and 2004 and an admission day after their 18th birthday (some admitted in 2025); one
in ten taken off their roll during 2025 (moved away), one in twenty put on it during
2025, so that the quarters differ. Issue 8 item 8 names 50,000 organizations and the
whole Party's 5.6 million members for the national scale: building that in bulk takes
far longer than a run should; this is a tenth of the organizations and 4 % of the
members, and the queries' cost is linear in the memberships of the subtree read.

What is timed, as the Thành ủy's Secretary, for the fourth quarter of 2025 against
the third (`statistics.selectors.member_statistics`: two grouped queries a day, four
in all, plus the units and the breadcrumb):

- **city selector**: the Thành ủy, its 20 units' subtrees (all 200,000 members);
- **Khối selector**: one Khối, its 125 grassroots committees (about 10,000 members);
- **Khối page**: the same as one request through Django's test client (middleware,
  session, the menu, the template with its three SVG charts);
- **naive city / naive Khối**: the straightforward per-organization loop: for each
  unit under the node, its subtree's memberships read as rows (person's gender, date
  of birth, admission) for each of the two days and counted in Python, the persons
  de-duplicated in a set.

Each case is run twice to warm the caches, then timed `--repeat` times; p50 and p95 in
milliseconds, and the number of queries of one run.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from harness import TreeRows, arguments, parent_results, path_step, print_cases, setup_child, timed_cases

ROOT = Path(__file__).resolve().parent.parent
UNITS = 20
GRASSROOTS = 125  # per unit, one cell each
MEMBERS = 200_000


def _child(repeat: int) -> None:
    setup_child()
    office = _office()
    print(json.dumps(_measure(office, repeat)))


def _office() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from vanphong.core.models import Membership, Organization, Person, Role
    from vanphong.core.vietnamese import collation_key, fold

    name = "Thành ủy Bình Sơn (thống kê)"
    if not Organization.objects.filter(name=name).exists():
        started = time.perf_counter()
        root = path_step(Organization.objects.filter(depth=1).count() + 1)
        tree = TreeRows()
        unit = tree.unit
        unit(root, "Ban Chấp hành Trung ương (thống kê)", "TW", "central", 1)
        city = unit(root + path_step(1), name, "TU", "provincial", UNITS + 1)
        unit(city + path_step(1), "Văn phòng Thành ủy", "VPTU", "office", 0)
        cells: list[str] = []
        for u in range(UNITS):
            code = "provincial-party" if u < 4 else "commune"
            parent = unit(city + path_step(u + 2), f"Đảng ủy Khối số {u + 1}", f"ĐUK{u}", code, GRASSROOTS)
            for g in range(GRASSROOTS):
                grassroots = unit(
                    parent + path_step(g + 1),
                    f"Đảng ủy cơ sở {u + 1}.{g + 1}",
                    "ĐU",
                    "grassroots-committee",
                    1,
                )
                cells.append(unit(grassroots + path_step(1), f"Chi bộ {u + 1}.{g + 1}", "CB", "cell", 0))
        tree.save()
        ids = dict(Organization.objects.filter(path__startswith=city).values_list("path", "pk"))

        rng = random.Random(2026)
        unusable = make_password(None)
        people = []
        for n in range(MEMBERS):
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(55 * 365))
            joined = born + dt.timedelta(
                days=18 * 366 + rng.randrange(max(1, (dt.date(2025, 12, 1) - born).days - 18 * 366))
            )
            full = f"Nguyễn Văn Thống {n}"
            people.append(
                Person(
                    username=f"tk{n}",
                    full_name=full,
                    given_name=f"Thống {n}",
                    sort_key=collation_key(f"Thống {n}", "Nguyễn", "Văn"),
                    search_name=fold(full),
                    gender="F" if rng.random() < 0.42 else "M",
                    birth_date=born,
                    joined_party_on=joined,
                    password=unusable,
                )
            )
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=5000)
        pks = list(
            Person.objects.filter(username__startswith="tk").order_by("pk").values_list("pk", flat=True)
        )
        memberships = []
        for n, pk in enumerate(pks):
            cell = ids[cells[n % len(cells)]]
            person = people[n]
            assert person.joined_party_on is not None
            started_on = person.joined_party_on
            ended_on = None
            draw = rng.random()
            if draw < 0.10:
                ended_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
                started_on = min(started_on, ended_on)
            elif draw < 0.15:
                started_on = max(started_on, dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365)))
            memberships.append(
                Membership(
                    person_id=pk,
                    organization_id=cell,
                    role=Role.MEMBER,
                    started_on=started_on,
                    ended_on=ended_on,
                )
            )
        secretary = Person(
            username="tk-bithu", full_name="Lê Văn Bí Thư", given_name="Thư", password=unusable
        )
        secretary.set_name("Lê Văn Bí Thư")
        secretary.save()
        memberships.append(
            Membership(
                person=secretary,
                organization_id=ids[city],
                role=Role.SECRETARY,
                started_on=dt.date(2020, 10, 15),
            )
        )
        with transaction.atomic():
            Membership.objects.bulk_create(memberships, batch_size=5000)
        print(
            f"  {len(people):,} members, {len(memberships):,} memberships: "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    city_row = Organization.objects.select_related("kind").get(name=name)
    bloc = Organization.objects.select_related("kind").get(path=city_row.path + path_step(2))
    return {"city": city_row, "bloc": bloc, "secretary": Person.objects.get(username="tk-bithu")}


def _naive(node: Any, period: Any, previous: Any) -> dict[str, Any]:
    """For each unit under `node`, its subtree's members on each day read as rows and
    counted in Python (a set of persons per unit and per node)."""
    from vanphong.core.models import Membership, Role
    from vanphong.core.tree import children
    from vanphong.statistics.selectors import AGE_BANDS, years_before

    def band(born: dt.date | None, day: dt.date) -> str:
        if born is None:
            return "age_unknown"
        for b in AGE_BANDS:
            low = b.low is None or born <= years_before(day, b.low)
            high = b.high is None or born > years_before(day, b.high + 1)
            if low and high:
                return b.key
        return "age_unknown"

    result: dict[str, Any] = {}
    for day, start in [(period.end, period.start), (previous.end, previous.start)]:
        everyone: set[int] = set()
        units = {}
        for unit in children(node):
            counts: dict[str, int] = {}
            seen: set[int] = set()
            rows = (
                Membership.objects.current(day)
                .filter(organization__path__startswith=unit.path, role=Role.MEMBER)
                .values_list("person_id", "person__gender", "person__birth_date", "person__joined_party_on")
            )
            for person, gender, born, joined in rows:
                if person in seen:
                    continue
                seen.add(person)
                for key in ("members", gender or "gender_unknown", band(born, day)):
                    counts[key] = counts.get(key, 0) + 1
                if joined is not None and start <= joined <= day:
                    counts["admitted"] = counts.get("admitted", 0) + 1
            everyone |= seen
            units[unit.path] = counts
        result[day.isoformat()] = {"total": len(everyone), "units": units}
    return result


def _measure(office: dict[str, Any], repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from vanphong.core.models import Membership, Organization
    from vanphong.figures.selectors import Period, PeriodKind
    from vanphong.statistics.selectors import member_statistics, previous_period

    city, bloc, secretary = office["city"], office["bloc"], office["secretary"]
    period = Period.of(PeriodKind.QUARTER, 2025, 4)
    previous = previous_period(period)
    today = dt.date(2026, 6, 1)
    client = Client()
    client.force_login(secretary)
    url = f"{reverse('statistics_members')}?org={bloc.pk}&period=quarter&year=2025&quarter=4"

    def page() -> object:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content

    # The two ways agree before anything is timed.
    fast = member_statistics(secretary, city, period, today)
    slow = _naive(city, period, previous)
    assert fast.total.members == slow[period.end.isoformat()]["total"]
    assert [line.value for line in fast.units] == [
        slow[period.end.isoformat()]["units"][line.key].get("members", 0) for line in fast.units
    ]
    slow_cases = max(3, repeat // 4)
    cases = [
        ("city selector", lambda: member_statistics(secretary, city, period, today), repeat),
        ("naive city", lambda: _naive(city, period, previous), slow_cases),
        ("Khối selector", lambda: member_statistics(secretary, bloc, period, today), repeat),
        ("Khối page", page, repeat),
        ("naive Khối", lambda: _naive(bloc, period, previous), slow_cases),
    ]
    results: dict[str, Any] = {
        "database": connection.vendor,
        "organizations": Organization.objects.filter(path__startswith=city.path).count(),
        "memberships": Membership.objects.filter(organization__path__startswith=city.path).count(),
        "members_on_31_12_2025": fast.total.members,
        "cases": timed_cases(cases),
    }
    return results


def main() -> None:
    args = arguments(__doc__, repeat=20).parse_args()
    if args.child:
        _child(args.repeat)
        return
    results = parent_results(__file__, args)
    cases = results["cases"]
    print(
        f"\n{results['database']}: {results['organizations']:,} organizations, "
        f"{results['memberships']:,} memberships, "
        f"{results['members_on_31_12_2025']:,} members on 31/12/2025, "
        f"{args.repeat} runs a case\n"
    )

    def baseline(label: str) -> str | None:
        if label.startswith("naive"):
            return None
        return "naive city" if label.startswith("city") else "naive Khối"

    print_cases(cases, baseline)


if __name__ == "__main__":
    main()
