"""How long loading the demo office takes, against a bare bulk insert of the same
people and roles in the same run.

    uv run python bench/demo_load.py            # SQLite (a fresh file per run)
    DATABASE_URL=postgres://… uv run python bench/demo_load.py

The demo goes through the services (organization tree through treebeard, terms,
roles, one audit event per call, 13 password hashes); the baseline writes the same
number of Person and Membership rows with bulk_create and nothing else. The ratio
says what the services cost on top of the rows themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pgfresh import fresh_postgres

ROOT = Path(__file__).resolve().parent.parent


def _child(mode: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    django.setup()
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction

    from vanphong.core.demo import load_demo
    from vanphong.core.models import Membership, Organization, OrganizationKind, Person, Role

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if mode == "demo":
        load_demo(out=lambda _line: None)
        people, memberships = Person.objects.count(), Membership.objects.count()
    else:
        people, memberships = int(sys.argv[3]), int(sys.argv[4])
        with transaction.atomic():
            kind = OrganizationKind.objects.get(code="cell")
            unit = Organization.objects.add_root(
                create_kwargs={"name": "Chi bộ", "abbreviation": "CB", "kind": kind}
            )
            unusable = make_password(None)
            Person.objects.bulk_create(
                [Person(username=f"p{i}", full_name=f"Người {i}", password=unusable) for i in range(people)],
                batch_size=1000,
            )
            ids = list(Person.objects.values_list("pk", flat=True))
            Membership.objects.bulk_create(
                [
                    Membership(
                        person_id=ids[i % len(ids)],
                        organization=unit,
                        role=Role.MEMBER,
                        started_on=dt.date(2020, 1, 1) + dt.timedelta(days=i // len(ids)),
                    )
                    for i in range(memberships)
                ],
                batch_size=1000,
            )
    seconds = time.perf_counter() - started
    print(json.dumps({"mode": mode, "seconds": seconds, "people": people, "memberships": memberships}))


def _run(mode: str, *extra: str) -> dict[str, float]:
    if os.environ.get("DATABASE_URL"):
        fresh_postgres(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "VANPHONG_VAR_DIR": var}
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, *extra],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    demo = _run("demo")
    baseline = _run("baseline", str(int(demo["people"])), str(int(demo["memberships"])))
    print(f"database: {database}")
    rows = f"{int(demo['people'])} people, {int(demo['memberships'])} roles"
    print(f"demo load:  {demo['seconds']:.2f} s ({rows})")
    print(f"baseline:   {baseline['seconds']:.2f} s (bulk_create of the same rows)")
    print(f"ratio:      {demo['seconds'] / baseline['seconds']:.1f}x")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
