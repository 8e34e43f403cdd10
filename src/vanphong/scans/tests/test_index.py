"""The search index of scanned pages is there after every migration: a later
migration that rebuilds the table on SQLite would drop its triggers silently."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_pages_search_index_is_kept_by_the_database():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'scans_scanpage'"
            )
            names = sorted(row[0] for row in cursor.fetchall())
            assert names == ["scans_page_fts_delete", "scans_page_fts_insert", "scans_page_fts_update"]
        else:
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = 'scans_scanpage' AND column_name = 'search_vector'"
            )
            assert cursor.fetchone() == ("ALWAYS",)
