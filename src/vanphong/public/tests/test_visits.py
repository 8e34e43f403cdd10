from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vanphong.public import visits
from vanphong.public.models import VisitDay

pytestmark = pytest.mark.django_db


def request(address: str, agent: str = "Firefox"):
    return RequestFactory().get("/cong-khai/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


NOON = timezone.make_aware(dt.datetime(2026, 12, 2, 12, 0))  # a Wednesday


def test_visitors_counted_once_a_day_and_online_for_five_minutes():
    for minute in range(3):
        visits.count_visit(request("10.0.0.1"), now=NOON + dt.timedelta(minutes=minute))
    visits.count_visit(request("10.0.0.2"), now=NOON)
    counts = visits.counts(now=NOON + dt.timedelta(minutes=2))
    assert (counts.online, counts.today, counts.week, counts.total) == (2, 2, 2, 2)
    # Six minutes after their last request, neither is online any more; still two today.
    later = visits.counts(now=NOON + dt.timedelta(minutes=8))
    assert (later.online, later.today) == (0, 2)


def test_no_address_is_stored_and_the_salt_is_forgotten_after_its_day():
    visits.count_visit(request("203.0.113.7"), now=NOON)
    visits.flush(now=NOON)
    row = VisitDay.objects.get(day=NOON.date())
    assert row.visitors == 1 and len(row.salt) == 64
    assert "203.0.113.7" not in str(list(VisitDay.objects.values()))
    tomorrow = NOON + dt.timedelta(days=1)
    visits.reset_process_state()
    visits.count_visit(request("203.0.113.7"), now=tomorrow)
    visits.flush(now=tomorrow)
    assert VisitDay.objects.get(day=NOON.date()).salt == ""
    assert VisitDay.objects.get(day=tomorrow.date()).salt not in ("", row.salt)


def test_no_database_write_per_request_and_the_total_survives_a_restart():
    visits.count_visit(request("10.0.0.9"), now=NOON)  # the day's row (salt) is made once
    with CaptureQueriesContext(connection) as queries:
        for i in range(50):
            visits.count_visit(request(f"10.0.1.{i}"), now=NOON)
    writes = [
        q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert writes == []  # this process flushed at its first request; not again within the minute
    assert visits.counts(now=NOON).today == 51
    visits.flush(now=NOON)
    # A restart: the cache and the process's memory are gone; the rows are not.
    visits.store().clear()
    visits.reset_process_state()
    counts = visits.counts(now=NOON)
    assert (counts.today, counts.total, counts.online) == (51, 51, 0)


def test_the_week_starts_on_monday_and_all_time_sums_every_day():
    VisitDay.objects.create(day=dt.date(2026, 11, 30), visitors=7)  # Monday of that week
    VisitDay.objects.create(day=dt.date(2026, 11, 29), visitors=5)  # the Sunday before
    visits.count_visit(request("10.0.0.1"), now=NOON)
    counts = visits.counts(now=NOON)
    assert (counts.today, counts.week, counts.total) == (1, 8, 13)


def test_counting_off_counts_nothing(settings):
    settings.VANPHONG_PUBLIC_COUNT_VISITS = False
    visits.count_visit(request("10.0.0.1"), now=NOON)
    assert visits.counts(now=NOON).today == 0


def test_a_day_of_many_visitors_loses_no_count():
    # One key per visitor: in a cache of Django's default size (300 keys) the pending
    # counts would be pushed out; the public cache holds a day's visitors.
    for i in range(1500):
        visits.count_visit(request(f"10.2.{i // 250}.{i % 250}"), now=NOON)
    counts = visits.counts(now=NOON)
    assert (counts.today, counts.online) == (1500, 1500)
