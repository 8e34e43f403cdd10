"""`vanphong worker`: run the background tasks (django-tasks-db's `db_worker`).

Every option of `db_worker` passes through, e.g. `vanphong worker --batch` or
`vanphong worker --queue-name '*' --interval 5`.

Before it starts, each app's `tasks.on_worker_start()` runs, if it declares one: a
worker killed in the middle of its work leaves its task "running" in the queue for
good, so the apps re-queue what it left (the scans app: the pages whose lease ran
out). Their steps check their state, so nothing is done twice.
"""

from __future__ import annotations

import importlib
from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


def _start_hooks() -> None:
    for config in apps.get_app_configs():
        if not config.name.startswith("vanphong."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        hook = getattr(module, "on_worker_start", None)
        if hook is not None:
            hook()


# How long an idle worker waits before it looks at the queue again (db_worker's default
# is 1 s): a page of a scanned batch, or an export a clerk waits for, is taken up within a
# quarter of a second. Looking costs one indexed query (PostgreSQL) or one short write
# lock (SQLite); a busy worker takes its next task without waiting at all.
IDLE_INTERVAL = 0.25


class Command(DbWorkerCommand):
    help = "Chạy tiến trình xử lý việc nền (django-tasks-db db_worker); nhận mọi tùy chọn của db_worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=IDLE_INTERVAL)

    def handle(self, *args: Any, **options: Any) -> None:
        _start_hooks()
        call_command("db_worker", *args, **options)
