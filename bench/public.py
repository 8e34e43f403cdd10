"""The public home page with visitor counting on and off, and a flood of form posts.

    uv run python bench/public.py [--rounds 8] [--seconds 5] [--port 55515]

1. A throwaway SQLite database under a temporary VANPHONG_VAR_DIR: migrated, a small
   tree (the test factories' city committee and its office) and six published
   announcements.
2. The home page served by gunicorn (2 sync workers, the project names no production
   server; fetched with `uv run --with gunicorn`), measured with wrk on loopback
   (2 threads, 16 connections): two servers at once, VANPHONG_PUBLIC_COUNT_VISITS=1 and
   =0, measured in turns (`--rounds` of `--seconds` each, the order swapped each
   round); the cost is the median of the rounds' on/off ratios.
3. 1,000 form posts in a minute from one client and one post each from 50 others,
   through Django's test client (REMOTE_ADDR set per client: the project does not
   trust X-Forwarded-For), each with a correct captcha answer read from the store.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ["uv", "run", "--with", "gunicorn", "gunicorn", "vanphong.wsgi", "-w", "2"]
CURL_STATUS = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"]


def setup(var: Path) -> None:
    env = {**os.environ, "VANPHONG_VAR_DIR": str(var)}
    subprocess.run(["uv", "run", "vanphong", "migrate", "-v", "0"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        ["uv", "run", "vanphong", "collectstatic", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT
    )
    code = (
        "import django; django.setup()\n"
        "from vanphong.core.tests.factories import make_tree, make_person\n"
        "from vanphong.core.models import Role\n"
        "from vanphong.public import services\n"
        "tree = make_tree()\n"
        "office = make_person(organization=tree.office, role=Role.SPECIALIST)\n"
        "for i in range(6):\n"
        "    kind = 'news' if i % 2 else 'announcement'\n"
        "    item = services.announcement_create(actor=office, organization=tree.city, kind=kind,\n"
        "        title=f'Thông báo số {i + 1} của Thành ủy', body='Nội dung thông báo. ' * 40)\n"
        "    services.announcement_publish(actor=office, announcement=item)\n"
    )
    subprocess.run(
        ["uv", "run", "python", "-c", code],
        check=True,
        env={**env, "DJANGO_SETTINGS_MODULE": "vanphong.settings"},
        cwd=ROOT,
    )


def serve(var: Path, port: int, counting: bool) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VANPHONG_VAR_DIR": str(var),
        "VANPHONG_PUBLIC_COUNT_VISITS": "1" if counting else "0",
        "DJANGO_SETTINGS_MODULE": "vanphong.settings",
    }
    server = subprocess.Popen(
        [*GUNICORN, "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/cong-khai/"
    for _ in range(100):
        probe = subprocess.run([*CURL_STATUS, url], capture_output=True)
        if probe.stdout == b"200":
            break
        time.sleep(0.3)
    else:
        server.terminate()
        raise SystemExit(f"the server on port {port} never answered 200")
    subprocess.run(["wrk", "-t2", "-c16", "-d2s", url], capture_output=True)  # warm-up
    return server


def measure(port: int, seconds: int) -> float:
    url = f"http://127.0.0.1:{port}/cong-khai/"
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit("wrk saw errors:\n" + out)
    return float(match.group(1)) if match else 0.0


def in_process(var: Path) -> None:
    """The same page through Django's test client, counting on and off alternated in
    30 blocks of 100 requests each (a busy machine slows both alike), and the cost of
    `count_visit` alone: one visitor again and again (a browsing citizen, as wrk) and
    a new visitor at every request (the worst case)."""
    code = r"""
import django, time, statistics; django.setup()
from django.conf import settings
from django.test import Client, RequestFactory
from django.test.utils import setup_test_environment
setup_test_environment()
from vanphong.public import visits
client = Client()
def block(counting, n=100, new_visitors=False):
    settings.VANPHONG_PUBLIC_COUNT_VISITS = counting
    started = time.perf_counter()
    for i in range(n):
        address = f"10.{i // 250 % 250}.{i % 250}.{int(started) % 250}" if new_visitors else "10.0.0.1"
        assert client.get("/cong-khai/", REMOTE_ADDR=address).status_code == 200
    return (time.perf_counter() - started) / n
for name, new in (("one visitor", False), ("a new visitor each request", True)):
    on, off = [], []
    for _ in range(30):
        on.append(block(True, new_visitors=new)); off.append(block(False, new_visitors=new))
    for how, pick in (("median", statistics.median), ("fastest", min)):
        on_ms, off_ms = pick(on) * 1000, pick(off) * 1000
        print(f"in-process home page, {name}, {how} of 30 blocks of 100: on {on_ms:.2f} ms, "
              f"off {off_ms:.2f} ms a request; counting costs {100 * (on_ms - off_ms) / off_ms:.1f} %")
settings.VANPHONG_PUBLIC_COUNT_VISITS = True
factory = RequestFactory()
same = factory.get("/cong-khai/", REMOTE_ADDR="10.0.0.1")
started = time.perf_counter()
for _ in range(20000):
    visits.count_visit(same)
print(f"count_visit, same visitor: {(time.perf_counter() - started) / 20000 * 1e6:.1f} us")
requests = [factory.get("/cong-khai/", REMOTE_ADDR=f"172.16.{i // 250}.{i % 250}") for i in range(20000)]
started = time.perf_counter()
for request in requests:
    visits.count_visit(request)
print(f"count_visit, a new visitor each time: {(time.perf_counter() - started) / 20000 * 1e6:.1f} us")
"""
    env = {
        **os.environ,
        "VANPHONG_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "vanphong.settings",
        "VANPHONG_ALLOWED_HOSTS": "testserver,127.0.0.1",
    }
    subprocess.run(["uv", "run", "python", "-c", code], check=True, env=env, cwd=ROOT)


def flood(var: Path) -> None:
    code = r"""
import django, time; django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from captcha.models import CaptchaStore
from vanphong.letters.models import Letter
client = Client()
def post(address, wrong=False):
    client.get("/cong-khai/gui-thu/", REMOTE_ADDR=address)
    store = CaptchaStore.objects.order_by("-id").first()
    return client.post("/cong-khai/gui-thu/", {"name": "Trần Thị Bình", "contact": "0912345678",
        "subject": "Phản ánh", "content": "Nội dung phản ánh.", "website": "",
        "captcha_0": store.hashkey, "captcha_1": "999" if wrong else store.response},
        REMOTE_ADDR=address).status_code
started = time.perf_counter()
one = [post("198.51.100.1") for _ in range(1000)]
others = [post(f"203.0.113.{i}") for i in range(1, 51)]
# A citizen who gets the check wrong five times, then right: mistakes are not letters.
mistyped = [post("203.0.113.200", wrong=True) for _ in range(5)] + [post("203.0.113.200")]
# A program posting wrong answers: refused at the field until the posts' limit, then 429.
bad = [post("198.51.100.9", wrong=True) for _ in range(200)]
elapsed = time.perf_counter() - started
print(f"one client: {one.count(200)} accepted, {one.count(429)} refused (429) of {len(one)}")
print(f"50 other clients: {others.count(200)} accepted of {len(others)}")
print(f"5 wrong answers, then a right one: {mistyped[:5].count(400)} refused (400), last {mistyped[-1]}")
print(f"200 wrong answers from one client: {bad.count(400)} refused (400), {bad.count(429)} refused (429)")
posts = len(one) + len(others) + len(mistyped) + len(bad)
print(f"letters registered: {Letter.objects.count()}; {posts} posts in {elapsed:.1f} s")
"""
    env = {
        **os.environ,
        "VANPHONG_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "vanphong.settings",
        "VANPHONG_ALLOWED_HOSTS": "testserver,127.0.0.1",
    }
    subprocess.run(["uv", "run", "python", "-c", code], check=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="wrk run of each server in a round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--port", type=int, default=55515)
    parser.add_argument("--skip-wrk", action="store_true", help="only the in-process runs and the flood")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        var = Path(tmp)
        setup(var)
        if not args.skip_wrk:
            # Both servers up at once, measured in turns of a few seconds, the order
            # swapped each round: the machine's other load drifts over a minute, and a
            # ratio taken within one round cancels most of it (the best of three runs
            # apart gave 42 % one day and -10 % the next).
            servers = [serve(var, args.port, True), serve(var, args.port + 1, False)]
            ratios, rates = [], {True: [], False: []}
            try:
                for round_ in range(args.rounds):
                    order = (True, False) if round_ % 2 == 0 else (False, True)
                    got = {c: measure(args.port if c else args.port + 1, args.seconds) for c in order}
                    for counting, rps in got.items():
                        rates[counting].append(rps)
                    ratios.append(got[True] / got[False])
                    print(f"round {round_ + 1}: on {got[True]:,.0f}/s, off {got[False]:,.0f}/s")
            finally:
                for server in servers:
                    server.terminate()
                    server.wait()
            ratio = statistics.median(ratios)
            on, off = statistics.median(rates[True]), statistics.median(rates[False])
            print(
                f"median: on {on:,.0f}/s, off {off:,.0f}/s; median ratio on/off of the rounds {ratio:.3f}: "
                f"counting costs {100 * (1 - ratio):.1f} % of requests per second"
            )
        in_process(var)
        flood(var)


if __name__ == "__main__":
    main()
