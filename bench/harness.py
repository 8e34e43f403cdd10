"""What the page benchmarks share (`bench/followup.py`, `bench/membership.py`): each
case timed after warming up, with its queries counted, and the measuring done in a
child process with its own settings (a database file under a scratch or kept folder),
whose last line of output is the JSON of the results."""

from __future__ import annotations

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
