"""The daily reminders, as a task of `vanphong worker` that queues its own next run.

django-tasks has no periodic schedule: each run of `send_reminders` queues the next
for REMINDER_HOUR tomorrow, and a starting worker queues one if none is waiting (a
first start, or a queue that was emptied). Two runs on the same day are harmless:
each task is reminded once (`services.reminders_send`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from vanphong.followup import services

# Local time of the daily run: before the office's working day.
REMINDER_HOUR = 7


@task()
def send_reminders() -> dict[str, int]:
    sent = services.reminders_send()
    send_reminders.using(run_after=next_run()).enqueue()
    return sent


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """REMINDER_HOUR of the next day, local time."""
    local = timezone.localtime(now)
    tomorrow = local.date() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(REMINDER_HOUR)))


def on_worker_start() -> None:
    """Queue today's run unless one is already waiting."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.send_reminders", status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        send_reminders.enqueue()
