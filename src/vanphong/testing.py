"""Helpers shared by the apps' tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes every writer on one database lock, so it cannot show a race; "
    "run with DATABASE_URL=postgres://… to test the row locks",
)


def in_threads(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run `work(n)` in `count` threads released at once, each with its own database
    connection (closed at the end): writers racing for the same row lock. Returns the
    results and the exceptions; fails when a thread hangs (a deadlock)."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = work(n)
            with lock:
                results.append(result)
        except BaseException as error:  # reported by the test
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung (deadlock?)"
    return results, errors
