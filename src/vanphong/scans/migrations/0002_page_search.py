"""The search inside scans: each page's `search_terms` (made by the registry's own
`search.terms`, so words are folded the same way, đ included) indexed by the
database, as the registers are (registry migration 0005):

- SQLite: a contentless FTS5 table kept by triggers, rowid = the page's id;
- PostgreSQL: a generated tsvector column of the terms as they are, with a GIN index.
"""

from django.db import migrations

PAGE, INDEX = "scans_scanpage", "scans_page_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        insert = f"INSERT INTO {INDEX}(rowid, terms) VALUES (NEW.id, NEW.search_terms);"
        delete = f"INSERT INTO {INDEX}({INDEX}, rowid, terms) VALUES ('delete', OLD.id, OLD.search_terms);"
        statements = [
            f"CREATE VIRTUAL TABLE {INDEX} USING fts5(terms, content='', "
            "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")",
            f"CREATE TRIGGER {INDEX}_insert AFTER INSERT ON {PAGE} BEGIN {insert} END",
            f"CREATE TRIGGER {INDEX}_delete AFTER DELETE ON {PAGE} BEGIN {delete} END",
            f"CREATE TRIGGER {INDEX}_update AFTER UPDATE OF search_terms ON {PAGE} BEGIN {delete} {insert} END",
            f"INSERT INTO {INDEX}(rowid, terms) SELECT id, search_terms FROM {PAGE}",
        ]
    else:
        statements = [
            f"ALTER TABLE {PAGE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            "(array_to_tsvector(string_to_array(search_terms, ' '))) STORED",
            f"CREATE INDEX {PAGE}_search ON {PAGE} USING gin (search_vector)",
        ]
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {INDEX}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {INDEX}")
    else:
        schema_editor.execute(f"ALTER TABLE {PAGE} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("scans", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
