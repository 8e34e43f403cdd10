"""`vanphong worker`: run the background tasks (django-tasks-db's `db_worker`).

Every option of `db_worker` passes through, e.g. `vanphong worker --batch` or
`vanphong worker --queue-name '*' --interval 5`.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Chạy tiến trình xử lý việc nền (django-tasks-db db_worker); nhận mọi tùy chọn của db_worker."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("db_worker", *args, **options)
