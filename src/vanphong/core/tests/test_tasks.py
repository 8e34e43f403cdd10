"""Background work goes through the database queue and `vanphong worker`, as it does
on a site with worker machines (the same test runs on SQLite and PostgreSQL).

The worker manages its own database connections (it closes them between tasks), so
these tests commit for real instead of running inside a test transaction."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from vanphong.core.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run_worker() -> None:
    call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_the_worker_runs_the_queued_audit_check(tree):
    result = verify_audit_chain.enqueue()
    assert result.status == TaskResultStatus.READY
    _run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"events": 7, "problems": []}  # the seven units of the tree


def test_the_queued_check_reports_a_tampered_event(tree):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET target_repr = 'sửa lén' "
            "WHERE id = (SELECT MIN(id) FROM core_auditevent)"
        )
    call_command("audit", "verify", "--background", verbosity=0)
    _run_worker()
    # The worker also ran the other apps' start hooks (the follow-up's daily reminders).
    stored = DBTaskResult.objects.get(task_path__startswith="vanphong.core.")
    assert stored.status == TaskResultStatus.SUCCESSFUL
    problems = stored.return_value["problems"]
    assert len(problems) == 1 and "edited" in problems[0][1]


@pytest.mark.django_db(transaction=False)
def test_an_idle_worker_looks_at_the_queue_four_times_a_second():
    """db_worker waits 1 s when the queue is empty; a batch's pages or a clerk's export
    should not wait that long for a free worker. `--interval` still overrides it."""
    from vanphong.core.management.commands.worker import Command

    parser = Command().create_parser("vanphong", "worker")
    assert parser.parse_args([]).interval == 0.25
    assert parser.parse_args(["--interval", "5"]).interval == 5
