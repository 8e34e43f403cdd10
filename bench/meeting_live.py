"""The live meeting: 50 members following on their tablets while the chair moves on.

    uv run python bench/meeting_live.py [--members 50] [--advances 20] [--port N]
    DATABASE_URL=postgres://…/vanphong_bench uv run python bench/meeting_live.py

1. A throwaway database (SQLite under a temporary VANPHONG_VAR_DIR, or the empty
   PostgreSQL database of DATABASE_URL), migrated; the test factories' city committee,
   its chair (the Secretary) and `--members` members of its Executive Committee, each a
   real person invited to a BCH meeting of `--advances` + 1 items, opened by its chair.
   Each person gets a signed-in session of their own (a session row as the sign-in
   writes it: the user's id, backend and password hash).
2. The project served by gunicorn on loopback: the project names no production server
   and has no ASGI stack; gunicorn's sync workers are what `bench/public.py` uses too
   (`uv run --with gunicorn`), 2 workers for the 2 cores. Not runserver: it is a
   development server, one thread per request and autoreload.
3. Each member is a thread polling the follow fragment as the page's htmx does (a fixed
   tick every `interval`, from a random phase), with the ETag of what it last got in
   If-None-Match (or, for the baseline, without it: every poll renders the fragment).
   The chair posts "next item" `--advances` times, 1.5–3 s apart (random); the moment
   the POST returns is the click. A member's latency for an item is the time from that
   click to the end of its first poll that returned the item (a poll that returned it
   before the POST did counts 0).
4. The server's CPU: utime + stime of the gunicorn master and its workers from
   /proc/<pid>/stat, over the run's wall time.

Three runs in one process, each on a fresh meeting: polling every 1 s with the ETag,
every 1 s without it (the baseline), every 0.5 s with it. Prints a table and the JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")

SEED = r"""
import json, sys, datetime as dt
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from vanphong.core.models import Person, Role, Secrecy, Organization
from vanphong.core.tests.factories import make_person, make_tree
from vanphong.meetings import services
from vanphong.meetings.models import MeetingKind

members, items, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
tree = make_tree()
office = make_person(organization=tree.office, role=Role.SPECIALIST, clearance=Secrecy.SECRET, password=None)
chair = make_person(organization=tree.city, role=Role.SECRETARY, clearance=Secrecy.SECRET, password=None)
people = [make_person(organization=tree.city, role=Role.COMMITTEE_MEMBER, password=None)
          for _ in range(members)]

def session(person):
    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return store.session_key

meetings = []
for run in range(runs):
    meeting = services.meeting_create(
        actor=office, organization=tree.city, kind=MeetingKind.objects.get(code="bch"),
        title=f"Hội nghị Ban Chấp hành lần thứ {run + 1}",
        starts_at=timezone.now() + dt.timedelta(days=run + 1), chair=chair, confirm_double_booking=True,
    )
    ids = [services.item_add(actor=office, meeting=meeting, title=f"Nội dung số {n + 1} của hội nghị").pk
           for n in range(items)]
    services.invitations_send(actor=office, meeting=meeting)
    services.meeting_open(actor=chair, meeting=meeting)
    assert meeting.invitations.count() >= members
    meetings.append({"pk": meeting.pk, "items": ids})
print(json.dumps({"chair": session(chair), "members": [session(p) for p in people], "meetings": meetings}))
"""


def setup(env: dict[str, str], members: int, items: int, runs: int) -> dict[str, Any]:
    subprocess.run(["uv", "run", "vanphong", "migrate", "-v", "0"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        ["uv", "run", "vanphong", "collectstatic", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT
    )
    out = subprocess.run(
        ["uv", "run", "python", "-c", SEED, str(members), str(items), str(runs)],
        check=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "vanphong.settings", "PYTHONPATH": str(ROOT / "src")},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    seeded: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return seeded


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and every process below it."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


ITEM = re.compile(rb'id="live-item" data-item="(\d+)"')
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Member(threading.Thread):
    def __init__(self, port: int, path: str, session: str, interval: float, etag: bool, run: Run) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, f"sessionid={session}"
        self.interval, self.use_etag, self.run_ = interval, etag, run
        self.seen: dict[int, float] = {}  # item -> when first seen
        self.statuses: dict[int, int] = {}
        self.request_ms: list[float] = []

    def run(self) -> None:
        etag = None
        tick = time.monotonic() + random.random() * self.interval
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.run_.stop.is_set():
            time.sleep(max(0.0, tick - time.monotonic()))
            tick += self.interval
            headers = {"Cookie": self.cookie, "HX-Request": "true"}
            if etag and self.use_etag:
                headers["If-None-Match"] = etag
            started = time.monotonic()
            try:
                connection.request("GET", self.path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.statuses[-1] = self.statuses.get(-1, 0) + 1
                continue
            done = time.monotonic()
            self.request_ms.append((done - started) * 1000)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            if response.status == 200:
                etag = response.getheader("ETag")
                found = ITEM.search(body)
                if found:
                    self.seen.setdefault(int(found.group(1)), done)


class Run:
    def __init__(self) -> None:
        self.stop = threading.Event()


def request(
    port: int, method: str, path: str, cookie: str, body: str = "", **headers: str
) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = {"Cookie": cookie, **headers}
    if body:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=all_headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text


def measure(
    port: int, server_pid: int, seeded: dict[str, Any], meeting: dict[str, Any], interval: float, etag: bool
) -> dict[str, Any]:
    pk, items = meeting["pk"], meeting["items"]
    chair = f"sessionid={seeded['chair']}"
    status, page = request(port, "GET", f"/meetings/{pk}/live/", chair)
    assert status == 200, status
    token = CSRF.search(page)
    assert token, "no CSRF token on the chair's page"
    chair_cookie = f"{chair}; csrftoken={token.group(1)}"
    run = Run()
    members = [
        Member(port, f"/meetings/{pk}/live/follow/", session, interval, etag, run)
        for session in seeded["members"]
    ]
    for member in members:
        member.start()
    time.sleep(3)  # every member has its first screen
    clicks: dict[int, float] = {}
    cpu_before, wall_before = tree_cpu(server_pid), time.monotonic()
    for target in items[1:]:
        time.sleep(random.uniform(1.5, 3.0))
        status, _ = request(
            port,
            "POST",
            f"/meetings/{pk}/live/move/",
            chair_cookie,
            "action=next",
            **{"X-CSRFToken": token.group(1), "HX-Request": "true", "Referer": f"http://127.0.0.1:{port}/"},
        )
        assert status == 200, status
        clicks[target] = time.monotonic()
    time.sleep(interval + 1.5)
    cpu, wall = tree_cpu(server_pid) - cpu_before, time.monotonic() - wall_before
    run.stop.set()
    for member in members:
        member.join(timeout=15)
    latencies, missed = [], 0
    for member in members:
        for target, clicked in clicks.items():
            seen = member.seen.get(target)
            if seen is None:
                missed += 1
            else:
                latencies.append(max(0.0, seen - clicked) * 1000)
    latencies.sort()
    statuses: dict[int, int] = {}
    for member in members:
        for code, n in member.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    request_ms = sorted(ms for member in members for ms in member.request_ms)
    polls = sum(statuses.values())

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")

    return {
        "interval_s": interval,
        "etag": etag,
        "members": len(members),
        "advances": len(clicks),
        "seen": len(latencies),
        "missed": missed,
        "latency_ms": {
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": pct(latencies, 0.95),
            "max": latencies[-1] if latencies else float("nan"),
        },
        "polls": polls,
        "polls_per_s": polls / wall,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "request_ms": {"p50": statistics.median(request_ms), "p95": pct(request_ms, 0.95)},
        "cpu_s": cpu,
        "wall_s": wall,
        "cpu_percent_of_one_core": 100 * cpu / wall,
        "cpu_ms_per_poll": 1000 * cpu / polls if polls else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--advances", type=int, default=20)
    parser.add_argument("--port", type=int, default=0, help="the server's port (0: a free one)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    cases = [(1.0, True), (1.0, False), (0.5, True)]
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "VANPHONG_VAR_DIR": var,
            "VANPHONG_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "vanphong.settings",
        }
        started = time.monotonic()
        seeded = setup(env, args.members, args.advances + 1, len(cases))
        print(f"seeded in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        server = subprocess.Popen(
            [
                "uv",
                "run",
                "--with",
                "gunicorn",
                "gunicorn",
                "vanphong.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            for _ in range(200):  # until a worker answers, not just the socket
                try:
                    request(args.port, "GET", "/account/login/", "")
                    break
                except (OSError, http.client.HTTPException):
                    time.sleep(0.3)
            results = []
            for (interval, etag), meeting in zip(cases, seeded["meetings"], strict=True):
                result = measure(args.port, server.pid, seeded, meeting, interval, etag)
                results.append(result)
                lat, req = result["latency_ms"], result["request_ms"]
                print(
                    f"  poll {interval:g} s, ETag {etag}: latency p50 {lat['p50']:.0f} ms,"
                    f" p95 {lat['p95']:.0f} ms, max {lat['max']:.0f} ms, missed {result['missed']};"
                    f" {result['polls_per_s']:.0f} polls/s {result['statuses']},"
                    f" request p50 {req['p50']:.1f} ms p95 {req['p95']:.1f} ms;"
                    f" server CPU {result['cpu_percent_of_one_core']:.0f} % of a core,"
                    f" {result['cpu_ms_per_poll']:.2f} ms a poll",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=20)
    base = next(r for r in results if r["interval_s"] == 1.0 and not r["etag"])
    short = next(r for r in results if r["interval_s"] == 1.0 and r["etag"])
    ratios = {
        "cpu_without_over_with_etag": base["cpu_s"] / short["cpu_s"] if short["cpu_s"] else None,
        "cpu_per_poll_without_over_with_etag": base["cpu_ms_per_poll"] / short["cpu_ms_per_poll"],
    }
    print(json.dumps({"load": os.getloadavg(), "results": results, "ratios": ratios}))


if __name__ == "__main__":
    main()
