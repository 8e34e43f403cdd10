"""SQLite keeps the statistics its planner needs: `migrate` leaves them."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_migrate_leaves_statistics_for_the_planner():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_documenttype'")
        assert cursor.fetchone()[0] > 0
