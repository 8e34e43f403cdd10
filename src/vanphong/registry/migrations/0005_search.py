"""The registers' search index (registry/search.py): each document's `search_terms`,
indexed by the database itself so that every write is indexed however it is made.

- SQLite: an FTS5 table per register direction, contentless (the terms are on the
  document's row), kept by triggers. Its rowid is `day << 32 | id`, so reading it in
  rowid order is reading newest first.
- PostgreSQL: a generated tsvector column of the terms as they are (no parser, no
  dictionary: the terms are already folded), with a GIN index.

Django rebuilds an SQLite table for some later schema changes and drops its
triggers on the way; `registry/tests/test_search.py` checks they are all there after
every migration has run.
"""

from django.conf import settings
from django.db import migrations, models

import vanphong.registry.search

TABLES = [
    # (document table, its date column, index table)
    ("registry_incomingdocument", "received_on", "registry_incoming_fts"),
    ("registry_outgoingdocument", "issued_on", "registry_outgoing_fts"),
]


def _sqlite(document: str, day: str, index: str) -> list[str]:
    key = f"(CAST(julianday({{row}}.{day}) AS INTEGER) << 32) | {{row}}.id"
    new, old = key.format(row="NEW"), key.format(row="OLD")
    insert = f"INSERT INTO {index}(rowid, terms) VALUES ({new}, NEW.search_terms);"
    delete = f"INSERT INTO {index}({index}, rowid, terms) VALUES ('delete', {old}, OLD.search_terms);"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5(terms, content='', "
        "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {document} BEGIN {insert} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {document} BEGIN {delete} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {day}, search_terms ON {document} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {index}(rowid, terms) SELECT {key.format(row=document)}, search_terms FROM {document}",
    ]


def _postgresql(document: str, day: str, index: str) -> list[str]:
    return [
        f"ALTER TABLE {document} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(array_to_tsvector(string_to_array(search_terms, ' '))) STORED",
        f"CREATE INDEX {document}_search ON {document} USING gin (search_vector)",
    ]


def compute_terms(apps, schema_editor):
    from vanphong.registry.search import incoming_terms, outgoing_terms

    IncomingDocument = apps.get_model("registry", "IncomingDocument")
    OutgoingDocument = apps.get_model("registry", "OutgoingDocument")
    for document in IncomingDocument.objects.select_related("document_type").iterator():
        document.search_terms = incoming_terms(
            type_name=document.document_type.name,
            symbol=document.symbol,
            issuer=document.issuer,
            abstract=document.abstract,
        )
        document.save(update_fields=["search_terms"])
    for document in OutgoingDocument.objects.select_related("document_type", "organization").iterator():
        document.search_terms = outgoing_terms(
            type_name=document.document_type.name,
            symbol=document.symbol,
            issuer=document.organization.name,
            abstract=document.abstract,
            recipients=document.recipients,
        )
        document.save(update_fields=["search_terms"])


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    build = {"sqlite": _sqlite, "postgresql": _postgresql}[vendor]
    for document, day, index in TABLES:
        for statement in build(document, day, index):
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    for document, _day, index in TABLES:
        if schema_editor.connection.vendor == "sqlite":
            for trigger in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {index}_{trigger}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {index}")
        else:
            schema_editor.execute(f"ALTER TABLE {document} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_secrecy'),
        ('registry', '0004_numbering_defaults'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IncomingSearchIndex',
            fields=[
                ('rowid', models.BigIntegerField(primary_key=True, serialize=False)),
                ('terms', vanphong.registry.search.FTS5Terms()),
            ],
            options={
                'db_table': 'registry_incoming_fts',
                'managed': False,
            },
        ),
        migrations.CreateModel(
            name='OutgoingSearchIndex',
            fields=[
                ('rowid', models.BigIntegerField(primary_key=True, serialize=False)),
                ('terms', vanphong.registry.search.FTS5Terms()),
            ],
            options={
                'db_table': 'registry_outgoing_fts',
                'managed': False,
            },
        ),
        migrations.RemoveField(
            model_name='incomingdocument',
            name='search_text',
        ),
        migrations.RemoveField(
            model_name='outgoingdocument',
            name='search_text',
        ),
        migrations.AddField(
            model_name='incomingdocument',
            name='search_terms',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddField(
            model_name='outgoingdocument',
            name='search_terms',
            field=models.TextField(default='', editable=False),
        ),
        migrations.AddIndex(
            model_name='incomingdocument',
            index=models.Index(fields=['-received_on', '-id'], name='incoming_newest'),
        ),
        migrations.AddIndex(
            model_name='outgoingdocument',
            index=models.Index(fields=['-issued_on', '-id'], name='outgoing_newest'),
        ),
        migrations.RunPython(compute_terms, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
