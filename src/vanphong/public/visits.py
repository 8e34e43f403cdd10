"""Visitor counts without a visitor's address and without a database write per request.

A visitor of a day is the SHA-256 of the day's salt, the client's address and its
browser's name; the salt is random, made with the day's `VisitDay` row and blanked
once the day is over, so no address is stored and an old key cannot be recomputed.

Per request, in Django's cache (no other service):
- one `get` of the visitor's last minute; when it changed (at most once a minute per
  visitor), the visitor moves from that minute's bucket to this one's (online now =
  the buckets of the last five minutes) and, if new today, adds one to the day's
  pending count;
- at most once a minute per process, `flush` adds the pending counts to the days'
  rows (one UPDATE per day that has some), so the all-time count survives restarts;
  what had not been flushed when a process stops (under a minute's worth) is lost.

With the default local-memory cache each server process counts on its own: a visitor
served by two processes is counted twice that day. A shared cache (CACHES) makes the
counts exact across processes and machines.

"Hôm nay" is today's visitors, "Trong tuần" and "Tất cả" the sums of the days' counts
since Monday and since counting began (a visitor of two days is counted on each).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db.models import F, Sum
from django.http import HttpRequest
from django.utils import timezone

from vanphong.public.models import VisitDay

ONLINE_MINUTES = 5
FLUSH_SECONDS = 60
PREFIX = "public:visits"
TOTALS_KEY = f"{PREFIX}:totals"

_lock = threading.Lock()
_salts: dict[dt.date, str] = {}


class _Process:
    """What this process remembers between requests."""

    next_flush = 0.0
    cleared_before = dt.date.min
    shown: tuple[float, VisitCounts] | None = None


_process = _Process()


@dataclass(frozen=True)
class VisitCounts:
    online: int
    today: int
    week: int
    total: int


# Its own cache when configured (CACHES["public"]): one key per visitor of the day
# must not push other keys out of a small shared cache (Django's local-memory default
# keeps 300 keys, and would drop the pending counts with them).
CACHE_ALIAS = "public"


def store() -> BaseCache:
    return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else caches["default"]


def counting_enabled() -> bool:
    return bool(getattr(settings, "VANPHONG_PUBLIC_COUNT_VISITS", True))


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only, as the audit trail does: X-Forwarded-For is forged by anyone.
    return request.META.get("REMOTE_ADDR") or ""


def day_salt(day: dt.date) -> str:
    """The day's salt: from this process's memory, else the cache, else the day's row
    (made, with a fresh random salt, by the first visit of the day)."""
    salt = _salts.get(day)
    if salt:
        return salt
    key = f"{PREFIX}:salt:{day.isoformat()}"
    salt = store().get(key)
    if not salt:
        row, _created = VisitDay.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})
        if not row.salt:
            # A row made by a flush before any visit was hashed: give it its salt once.
            VisitDay.objects.filter(pk=row.pk, salt="").update(salt=secrets.token_hex(32))
            row.refresh_from_db(fields=["salt"])
        salt = row.salt
        store().set(key, salt, 2 * 86400)
    with _lock:
        _salts.clear()
        _salts[day] = salt
    return salt


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def client_hash(request: HttpRequest, day: dt.date | None = None) -> str:
    """The client's address under the day's salt: the key of the form's rate limit
    and what a letter keeps of where it came from."""
    day = day or timezone.localdate()
    return _digest(day_salt(day), client_address(request))


def visitor_key(request: HttpRequest, day: dt.date) -> str:
    return _digest(day_salt(day), client_address(request), request.META.get("HTTP_USER_AGENT", "")[:300])


def _incr(key: str, timeout: int, delta: int = 1) -> None:
    store().add(key, 0, timeout)
    try:
        store().incr(key, delta)
    except ValueError:  # expired between the two calls
        store().set(key, delta, timeout)


def count_visit(request: HttpRequest, now: dt.datetime | None = None) -> None:
    """Count one request to a public page (no-op when counting is off)."""
    if not counting_enabled():
        return
    now = now or timezone.now()
    day = timezone.localdate(now)
    minute = int(now.timestamp() // 60)
    key = visitor_key(request, day)
    last_key = f"{PREFIX}:last:{key}"
    last = store().get(last_key)
    if last != minute:
        bucket_ttl = (ONLINE_MINUTES + 1) * 60
        store().set(last_key, minute, bucket_ttl)
        _incr(f"{PREFIX}:online:{minute}", bucket_ttl)
        if last is not None:
            # That minute's bucket may be gone already: nothing to move then.
            with contextlib.suppress(ValueError):
                store().decr(f"{PREFIX}:online:{last}")
        came_online = last is None or minute - last >= ONLINE_MINUTES
        new_today = store().add(f"{PREFIX}:seen:{day.isoformat()}:{key}", 1, 2 * 86400)
        if new_today:
            _incr(f"{PREFIX}:new:{day.isoformat()}", 3 * 86400)
        _show_at_once(came_online, new_today)
    maybe_flush(now)


def _show_at_once(came_online: bool, new_today: bool) -> None:
    """What this process shows, moved by this visit at once (not recomputed: a page
    of new visitors would otherwise read the cache for the counts at every request)."""
    shown = _process.shown
    if shown is None or not (came_online or new_today):
        return
    seen = shown[1]
    day = int(new_today)
    _process.shown = (
        shown[0],
        VisitCounts(
            online=seen.online + int(came_online),
            today=seen.today + day,
            week=seen.week + day,
            total=seen.total + day,
        ),
    )


def maybe_flush(now: dt.datetime | None = None) -> bool:
    """Flush if this process has not for a minute."""
    clock = time.monotonic()
    with _lock:
        if clock < _process.next_flush:
            return False
        _process.next_flush = clock + FLUSH_SECONDS
    flush(now)
    return True


def flush(now: dt.datetime | None = None) -> int:
    """Add the pending counts of yesterday and today to their rows; blank the salts
    of past days. Returns how many visitors were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    written = 0
    for day in (today - dt.timedelta(days=1), today):
        key = f"{PREFIX}:new:{day.isoformat()}"
        pending = store().get(key) or 0
        if not pending:
            continue
        try:
            # Take what was read; visits counted meanwhile stay for the next flush.
            store().decr(key, pending)
        except ValueError:
            continue
        if not VisitDay.objects.filter(day=day).update(visitors=F("visitors") + pending):
            VisitDay.objects.get_or_create(day=day, defaults={"visitors": pending})
        written += pending
    if _process.cleared_before != today:
        VisitDay.objects.filter(day__lt=today).exclude(salt="").update(salt="")
        _process.cleared_before = today
    if written:
        store().delete(TOTALS_KEY)
    return written


SHOWN_SECONDS = 5.0


def counts(now: dt.datetime | None = None) -> VisitCounts:
    """Online now, today, this week (since Monday) and all time: the days' rows (read
    at most once a minute) plus what the cache holds that is not yet flushed. Without
    `now`, what this process computed in the last SHOWN_SECONDS is shown again, moved
    by the visits it counted since (every public page shows the counts)."""
    if now is None:
        clock = time.monotonic()
        shown = _process.shown
        if shown is not None and clock < shown[0]:
            return shown[1]
        result = _counts(timezone.now())
        _process.shown = (clock + SHOWN_SECONDS, result)
        return result
    return _counts(now)


def _counts(now: dt.datetime) -> VisitCounts:
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    totals = store().get(TOTALS_KEY)
    if totals is None or totals[0] != today.isoformat():
        rows = dict(VisitDay.objects.filter(day__gte=monday, day__lte=today).values_list("day", "visitors"))
        total = VisitDay.objects.aggregate(total=Sum("visitors"))["total"] or 0
        totals = (today.isoformat(), rows.get(today, 0), sum(rows.values()), total)
        store().set(TOTALS_KEY, totals, FLUSH_SECONDS)
    _day, today_db, week_db, total_db = totals
    yesterday = today - dt.timedelta(days=1)
    pending_keys = [f"{PREFIX}:new:{today.isoformat()}", f"{PREFIX}:new:{yesterday.isoformat()}"]
    minute = int(now.timestamp() // 60)
    online_keys = [f"{PREFIX}:online:{m}" for m in range(minute - ONLINE_MINUTES + 1, minute + 1)]
    cached = store().get_many(pending_keys + online_keys)
    pending_today = cached.get(pending_keys[0], 0)
    pending_yesterday = cached.get(pending_keys[1], 0)
    online = sum(cached.get(key, 0) for key in online_keys)
    return VisitCounts(
        online=max(online, 0),
        today=today_db + pending_today,
        week=week_db + pending_today + (pending_yesterday if yesterday >= monday else 0),
        total=total_db + pending_today + pending_yesterday,
    )


def reset_process_state() -> None:
    """Forget this process's memory (tests: a new day, a new process)."""
    with _lock:
        _salts.clear()
        _process.next_flush = 0.0
        _process.cleared_before = dt.date.min
        _process.shown = None
