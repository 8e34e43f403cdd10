from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from vanphong.followup import tasks


def test_the_daily_run_queues_the_next_for_seven_tomorrow(db):
    now = timezone.make_aware(dt.datetime(2026, 11, 25, 15, 30))
    assert timezone.localtime(tasks.next_run(now)) == timezone.make_aware(dt.datetime(2026, 11, 26, 7, 0))
    tasks.send_reminders.call()
    (queued,) = DBTaskResult.objects.filter(task_path="vanphong.followup.tasks.send_reminders")
    assert queued.status == TaskResultStatus.READY and queued.run_after > timezone.now()


def test_a_starting_worker_queues_one_run_unless_one_waits(db):
    tasks.on_worker_start()
    tasks.on_worker_start()
    assert DBTaskResult.objects.filter(task_path="vanphong.followup.tasks.send_reminders").count() == 1
