"""The written consultations' hourly round, as a task of `vanphong worker` that queues
its own next run (as the follow-up's daily reminders do): close those whose deadline
has passed and record their result, and remind, on the last day, the members who
have not answered. Two runs close together are harmless: a closed consultation is
not closed again, and nobody is reminded twice within 20 hours."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from vanphong.voting import services


@task()
def consultations_round() -> dict[str, int]:
    result = {"closed": services.consultations_close_due(), "reminded": services.consultations_remind_due()}
    consultations_round.using(run_after=next_run()).enqueue()
    return result


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the next hour."""
    moment = now or timezone.now()
    return moment.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def on_worker_start() -> None:
    """Queue a run unless one is already waiting."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.consultations_round", status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        consultations_round.enqueue()
