"""Test-wide settings: fast password hashing, tasks run inline, e-mail in memory; and
one "today" for the whole run."""

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

_real_localdate = timezone.localdate
_run_day: dt.date | None = None


def _localdate(value: Any = None, timezone: Any = None) -> dt.date:
    """The office's "today", fixed at its first reading in this run. Tests take dates
    relative to today at import time while services read it when called: a run that
    crosses midnight in Hanoi (17:00 UTC) would otherwise see "tomorrow" become
    "today" between the two. Explicit values still convert as usual."""
    global _run_day
    if value is not None or timezone is not None:
        return _real_localdate(value, timezone)
    if _run_day is None:
        _run_day = _real_localdate()
    return _run_day


timezone.localdate = _localdate


@pytest.fixture(autouse=True)
def _fast_settings(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (it cannot download its own browser on
    these closed networks). Missing Chromium skips the browser tests on a developer's
    machine and fails them in CI."""
    from vanphong.e2e import CHROMIUM, chromium

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with chromium() as b:
        yield b
