"""What the page benchmarks share (`bench/followup.py`, `bench/membership.py`,
`bench/reports.py`): their options, each case timed after warming up with its queries
counted, the measuring done in a child process with its own settings (a database file
under a scratch or kept folder) whose last line of output is the JSON of the results,
the table of the cases against their naive baselines, and an organization tree
written in bulk."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def timed(run: Callable[[], object], repeat: int) -> dict[str, float]:
    """p50 and p95 in ms of `repeat` runs, after two to warm the caches (as a second
    visit is), and the queries of one run."""
    from django.db import connection

    for _ in range(2):
        run()
    # Counted by a wrapper, not connection.queries: a request resets that list.
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "n": len(times), "queries": len(queries)}


def timed_cases(cases: Iterable[tuple[str, Callable[[], object], int]]) -> dict[str, dict[str, float]]:
    """Each (label, run, repeat) timed, its figures printed to stderr as it ends."""
    results = {}
    for label, run, repeat in cases:
        results[label] = case = timed(run, repeat)
        print(
            f"  {label}: p50 {case['p50']:.1f} ms, p95 {case['p95']:.1f} ms, {case['queries']} queries",
            file=sys.stderr,
            flush=True,
        )
    return results


def child_results(script: str, repeat: int, keep: str | None) -> dict[str, Any]:
    """Run `script --child --repeat N` with the database under `keep` (kept and reused)
    or a scratch folder, and return the JSON its last line prints."""
    with tempfile.TemporaryDirectory() as scratch:
        var = keep or scratch
        Path(var).mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "VANPHONG_VAR_DIR": str(Path(var).resolve()),
            "VANPHONG_ALLOWED_HOSTS": "testserver",
            "PYTHONPATH": str(ROOT / "src"),
        }
        child = [sys.executable, script, "--child", "--repeat", str(repeat)]
        out = subprocess.run(child, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    results: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return results


# --- The two processes ---------------------------------------------------------------------------


def arguments(description: str, repeat: int) -> argparse.ArgumentParser:
    """The options of a bench measured in a child process; a bench adds its own."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repeat", type=int, default=repeat, help="timed runs of each case (p50/p95 of these)"
    )
    parser.add_argument("--keep", help="directory for the SQLite file, kept and reused (default: a temp dir)")
    parser.add_argument(
        "--fresh", action="store_true", help="PostgreSQL: drop and recreate the database first"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser


def setup_child() -> None:
    """Django in the child, its database migrated. Pages render their static links
    without a collected manifest, as in the tests."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)


def parent_results(script: str, args: argparse.Namespace) -> dict[str, Any]:
    """The child's results (its database first recreated on PostgreSQL with --fresh),
    printed whole as JSON."""
    from pgfresh import fresh_postgres

    if os.environ.get("DATABASE_URL") and args.fresh:
        fresh_postgres(os.environ["DATABASE_URL"])
    results = child_results(script, args.repeat, args.keep)
    print(json.dumps(results, indent=2))
    return results


def print_cases(cases: dict[str, dict[str, float]], baseline: Callable[[str], str | None]) -> None:
    """The cases as a Markdown table, each against the p95 of the naive case
    `baseline(label)` names (none for the naive cases themselves)."""
    print("| case | p50 | p95 | queries | naive p95 ÷ p95 |")
    print("|---|---:|---:|---:|---:|")
    for label, case in cases.items():
        naive = baseline(label)
        ratio = f"{cases[naive]['p95'] / case['p95']:.1f}×" if naive in cases else ""
        print(f"| {label} | {case['p50']:.1f} ms | {case['p95']:.1f} ms | {case['queries']} | {ratio} |")


# --- A tree written in bulk ----------------------------------------------------------------------

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's
STEP = 4  # characters of the path per level


def path_step(n: int) -> str:
    """The n-th child's step of a treebeard path."""
    digits = ""
    for _ in range(STEP):
        n, rest = divmod(n, len(PATH_ALPHABET))
        digits = PATH_ALPHABET[rest] + digits
    return digits


class TreeRows:
    """Organizations as treebeard stores them (path, depth, number of children),
    gathered by `unit()` and written in one bulk insert by `save()`: tens of thousands
    through the services would take the bench longer than what it measures."""

    def __init__(self) -> None:
        from vanphong.core.models import OrganizationKind

        self.kinds = {k.code: k for k in OrganizationKind.objects.all()}
        self.rows: list[Any] = []
        self.started = time.perf_counter()

    def unit(self, path: str, title: str, abbreviation: str, code: str, children: int) -> str:
        from vanphong.core.models import Organization
        from vanphong.core.vietnamese import fold

        self.rows.append(
            Organization(
                path=path,
                depth=len(path) // STEP,
                numchild=children,
                name=title,
                abbreviation=abbreviation,
                kind=self.kinds[code],
                search_name=fold(title),
            )
        )
        return path

    def save(self) -> None:
        from django.db import transaction

        from vanphong.core.models import Organization

        with transaction.atomic():
            Organization.objects.bulk_create(self.rows, batch_size=2000)
        print(
            f"  {len(self.rows):,} organizations: {time.perf_counter() - self.started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
