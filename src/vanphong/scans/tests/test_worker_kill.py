"""Issue 6: "killing a worker in the middle of a batch and starting it again loses
nothing and does nothing twice", with real `vanphong worker` processes.

Nothing here uses pytest-django's test database: the workers are other processes, so
the site is a SQLite database in a directory of its own (`VANPHONG_VAR_DIR`), made by
`vanphong migrate`, filled by `vanphong shell` and `vanphong import-scans`, and read
here with `sqlite3` (queries only). The lease is cut to LEASE_SECONDS so that a page
held by a killed worker is taken over within the test.

Pages are rendered at 150 dpi (about 5 s of OCR each) so that a worker is always
caught in the middle of one."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageSequence

from vanphong.scans.tests import samples

pytestmark = pytest.mark.slow

LEASE_SECONDS = 20
DPI = 150
# Any one step (a command, a page, a worker's whole run) that takes longer has hung.
STEP_TIMEOUT = 120

SETUP = """
from vanphong.archive.models import Fonds
from vanphong.core import services
from vanphong.core.models import OrganizationKind

organization = services.organization_create(
    actor=None, parent=None, name="Thành ủy Thử nghiệm", abbreviation="TUTN",
    kind=OrganizationKind.objects.get(code="provincial"),
)
Fonds.objects.create(organization=organization, number="01", name="Phông Thành ủy Thử nghiệm")
"""

# What each rendered text begins with, as OCR must give it back.
FIRST_LINES = {samples.LETTER: "ĐẢNG BỘ THÀNH PHỐ", samples.MINUTES: "BIÊN BẢN HỌP CHI BỘ"}


@dataclass
class Site:
    """A vanphong site in a directory of its own, and the processes started on it."""

    root: Path
    env: dict[str, str]
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.root / "var" / "vanphong.sqlite3"

    def run(self, *args: str) -> str:
        """A `vanphong` command to its end; its output, or a failure showing it."""
        done = subprocess.run(
            [sys.executable, "-m", "vanphong", *args],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        assert done.returncode == 0, f"vanphong {' '.join(args)} exited with {done.returncode}:\n{output}"
        return output

    def worker(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        """`vanphong worker` in a process group of its own (its OCR children die with
        it), its output in `name`.log."""
        log = (self.root / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "vanphong", "worker", "--no-reload", "--interval", "0.2", *args],
            env={**self.env, **env},
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append((name, process))
        return process

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, prefix: str = "") -> str:
        return "".join(
            f"\n--- {name} ---\n{self.log(name)}" for name, _ in self.processes if name.startswith(prefix)
        )

    def query(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with closing(sqlite3.connect(self.database, timeout=10)) as connection:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA query_only = ON")
            return connection.execute(sql, params).fetchall()

    def wait_exit(self, process: subprocess.Popen[bytes], name: str) -> None:
        try:
            code = process.wait(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} still running after {STEP_TIMEOUT} s:\n{self.log(name)}")
        assert code == 0, f"{name} exited with {code}:\n{self.log(name)}"

    def stop_all(self) -> None:
        for _, process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def wait_for(
    condition: Callable[[], Any], what: str, site: Site, workers: list[subprocess.Popen[bytes]]
) -> Any:
    """`condition()` once it is true, polled while `workers` are all alive."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if any(worker.poll() is not None for worker in workers):
            pytest.fail(f"a worker stopped before {what}:{site.logs()}")
        time.sleep(0.1)
    pytest.fail(f"no {what} after {STEP_TIMEOUT} s:{site.logs()}")


def parse_time(value: str) -> dt.datetime:
    # Django keeps aware datetimes in SQLite as naive UTC text.
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def scanned_tiff(path: Path, texts: list[str], seed: int) -> Path:
    """A multi-page TIFF of `texts` as a feeder scans them, at DPI rather than 300
    (`samples.write_tiff` stamps 300 dpi, which would halve the pages' size)."""
    pages = [
        samples.render_page(text, seed=seed + n).resize(
            (samples.A4_PIXELS[0] * DPI // samples.DPI, samples.A4_PIXELS[1] * DPI // samples.DPI),
            Image.Resampling.LANCZOS,
        )
        for n, text in enumerate(texts)
    ]
    first, *rest = pages
    first.save(path, format="TIFF", save_all=True, append_images=rest, dpi=(DPI, DPI), compression="tiff_lzw")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("site")
    env = {
        name: value
        for name, value in os.environ.items()
        # The test run's own database and task backend are not the site's.
        if name not in {"DATABASE_URL", "VANPHONG_TASKS_BACKEND", "VANPHONG_DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="vanphong.settings",
        VANPHONG_VAR_DIR=str(root / "var"),
        VANPHONG_SCAN_LEASE_SECONDS=str(LEASE_SECONDS),
        PYTHONUNBUFFERED="1",
    )
    site = Site(root=root, env=env)
    try:
        site.run("migrate", "--no-input", "-v", "0")
        site.run("shell", "-c", SETUP)
        yield site
    finally:
        site.stop_all()


def import_batch(site: Site, title: str, texts: list[str], seed: int) -> tuple[int, int]:
    """`vanphong import-scans` of one TIFF of `texts`: the batch's and the file's ids."""
    inbox = site.root / title
    inbox.mkdir()
    scanned_tiff(inbox / f"{title}.tif", texts, seed)
    site.run("import-scans", str(inbox), "--fonds", "01", "--title", title, "--no-wait")
    ((batch,),) = site.query("SELECT id FROM scans_scanbatch WHERE title = ?", title)
    ((file,),) = site.query("SELECT id FROM scans_scanfile WHERE batch_id = ?", batch)
    return batch, file


def pages_of(site: Site, file: int) -> dict[int, sqlite3.Row]:
    rows = site.query(
        "SELECT id, number, state, attempts, claimed_at, text, result FROM scans_scanpage"
        " WHERE file_id = ? ORDER BY number",
        file,
    )
    return {row["number"]: row for row in rows}


def assert_read(site: Site, batch: int, file: int, texts: list[str]) -> None:
    """Every page read, its text the page's, the searchable PDF of every page, and the
    file reported read once."""
    pages = pages_of(site, file)
    assert [pages[n]["state"] for n in sorted(pages)] == ["done"] * len(texts)
    for number, text in enumerate(texts, start=1):
        assert samples.normalize(pages[number]["text"]).startswith(FIRST_LINES[text]), pages[number]["text"]
        assert (site.root / "var" / "media" / pages[number]["result"]).is_file()
    ((state, searchable, page_count),) = site.query(
        "SELECT state, searchable, page_count FROM scans_scanfile WHERE id = ?", file
    )
    assert state == "done"
    assert page_count == len(texts)
    with pikepdf.open(site.root / "var" / "media" / searchable) as pdf:
        assert len(pdf.pages) == len(texts)
    events = site.query(
        "SELECT action, after FROM core_auditevent WHERE target_type = 'scans.scanbatch' AND target_id = ?"
        " ORDER BY id",
        str(batch),
    )
    assert [event["action"] for event in events] == ["scans.batch_created", "scans.file_done"]
    assert json.loads(events[1]["after"])["pages"] == len(texts)


def test_a_killed_worker_loses_nothing_and_does_nothing_twice(site: Site) -> None:
    """A worker killed (SIGKILL, nothing cleaned up) while it reads a page: a worker
    started at once reads the pages left waiting and leaves that page to its lease; one
    started after the lease reads it again and puts the file together."""
    texts = [samples.LETTER, samples.MINUTES, samples.LETTER]
    batch, file = import_batch(site, "killed", texts, seed=10)
    with Image.open(site.root / "killed" / "killed.tif") as tiff:
        assert sum(1 for _ in ImageSequence.Iterator(tiff)) == len(texts)
    try:
        first = site.worker("killed-1")

        def caught() -> int | None:
            """A page read and another just taken: the worker is in the middle."""
            pages = pages_of(site, file).values()
            if not any(page["state"] == "done" for page in pages):
                return None
            now = dt.datetime.now(dt.UTC)
            for page in pages:
                claimed = page["claimed_at"]
                if page["state"] == "running" and now - parse_time(claimed) < dt.timedelta(seconds=1.5):
                    return int(page["number"])
            return None

        killed = wait_for(caught, "a page read while another is being read", site, [first])
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)

        pages = pages_of(site, file)
        assert pages[killed]["state"] == "running", "the page was finished before the kill: no test"
        assert pages[killed]["attempts"] == 1
        lease_ends = parse_time(pages[killed]["claimed_at"]) + dt.timedelta(seconds=LEASE_SECONDS)
        # Time left for the next worker to start while the lease runs.
        assert lease_ends - dt.datetime.now(dt.UTC) > dt.timedelta(seconds=LEASE_SECONDS / 2)
        read_before = {n for n, page in pages.items() if page["state"] == "done"}
        waiting = {n for n, page in pages.items() if page["state"] == "pending"}
        assert read_before and waiting
        assert read_before | waiting | {killed} == set(pages)

        # Started again at once: it reads what was waiting, and leaves the killed
        # page alone while its lease runs (its worker might only be slow).
        second = site.worker("killed-2", "--batch")
        site.wait_exit(second, "killed-2")
        pages = pages_of(site, file)
        assert pages[killed]["state"] == "running"
        assert pages[killed]["attempts"] == 1
        assert {n for n, page in pages.items() if page["state"] == "done"} == read_before | waiting
        ((state,),) = site.query("SELECT state FROM scans_scanfile WHERE id = ?", file)
        assert state == "split"

        # Once the lease has run out, a worker starting takes the page over.
        time.sleep(max(0.0, (lease_ends - dt.datetime.now(dt.UTC)).total_seconds()) + 1)
        third = site.worker("killed-3", "--batch")
        site.wait_exit(third, "killed-3")

        assert_read(site, batch, file, texts)
        pages = pages_of(site, file)
        assert {n: page["attempts"] for n, page in pages.items()} == {
            n: 2 if n == killed else 1 for n in pages
        }
    finally:
        site.stop_all()
        print(site.logs("killed-"))


def test_two_workers_at_once_read_each_page_once(site: Site) -> None:
    """Two workers on one batch, each page's reading queued a second time (as the
    archivist's "resume" button does while workers run): the worker holding a page
    keeps it, a page read is not read again."""
    texts = [samples.MINUTES, samples.LETTER, samples.MINUTES, samples.LETTER]
    batch, file = import_batch(site, "shared", texts, seed=20)
    # Cut here, so that the queue holds each page's reading, then the same again in
    # the reverse order: the last pages' second tasks come up while they are read.
    site.run(
        "shell",
        "-c",
        "from vanphong.scans import services, tasks\n"
        "from vanphong.scans.models import ScanPage\n"
        f"services.file_receive(file_id={file})\n"
        f"for page in ScanPage.objects.filter(file_id={file}).order_by('-number'):\n"
        "    tasks.read_page.enqueue(page.pk)\n",
    )
    try:
        # A long lease: no worker here is killed, and none may take over another's page.
        workers = [site.worker(f"shared-{n}", VANPHONG_SCAN_LEASE_SECONDS="600") for n in (1, 2)]
        wait_for(
            lambda: site.query("SELECT 1 FROM scans_scanfile WHERE id = ? AND state = 'done'", file),
            "the searchable PDF",
            site,
            workers,
        )
        # Every task taken (SIGTERM lets a worker finish the task it holds).
        wait_for(
            # Tasks due now; a worker starting while another holds a page also queues
            # that page a try for when its lease runs out (run_after, in the future).
            lambda: (
                not site.query(
                    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"
                    " AND (run_after IS NULL OR run_after <= strftime('%Y-%m-%d %H:%M:%f', 'now'))"
                )
            ),
            "an empty queue",
            site,
            workers,
        )
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for n, worker in enumerate(workers, start=1):
            site.wait_exit(worker, f"shared-{n}")

        assert_read(site, batch, file, texts)
        pages = pages_of(site, file)
        assert [page["attempts"] for page in pages.values()] == [1] * len(texts)
        # Each page's two tasks ran: one read it (True), the other found it taken (False);
        # both workers read pages.
        ids = {page["id"] for page in pages.values()}
        rows = site.query(
            "SELECT args_kwargs, status, return_value, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'vanphong.scans.tasks.read_page'"
        )
        runs = [
            row
            for row in rows
            if json.loads(row["args_kwargs"])["args"][0] in ids and row["status"] != "READY"
        ]
        assert {row["status"] for row in runs} == {"SUCCESSFUL"}
        assert sorted(
            (json.loads(row["args_kwargs"])["args"][0], row["return_value"]) for row in runs
        ) == sorted([(page, "false") for page in ids] + [(page, "true") for page in ids])
        readers = {json.loads(row["worker_ids"])[-1] for row in runs if row["return_value"] == "true"}
        assert len(readers) == 2
    finally:
        site.stop_all()
        print(site.logs("shared-"))
