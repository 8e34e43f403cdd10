"""Where the handling of each incoming document stands (`handling`: none, open, done)
and the earliest deadline of its open directed slips, recorded by the handling app
through `registry.services.incoming_handling_record`, so that the register filters
by status without reading the handling app's tables.

Django adds a NOT NULL column on SQLite by rebuilding the table, which drops the
search index's triggers (0005_search). `ALTER TABLE … ADD COLUMN` with a constant
default needs no rebuild on either database, so the column is added by hand here,
exactly as the model declares it (`db_default`, kept by the database). The documents
that already have slips are filled in by the handling app's migration 0003: this app
does not read that app's tables.
"""

from django.db import migrations, models

TABLE = "registry_incomingdocument"


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_type_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'ALTER TABLE "{TABLE}" ADD COLUMN "handling" varchar(4) DEFAULT \'none\' NOT NULL',
                    f'ALTER TABLE "{TABLE}" DROP COLUMN "handling"',
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="incomingdocument",
                    name="handling",
                    field=models.CharField(
                        choices=[("none", "Not yet forwarded"), ("open", "Being handled"), ("done", "Done")],
                        db_default="none",
                        default="none",
                        editable=False,
                        max_length=4,
                        verbose_name="handling",
                    ),
                ),
            ],
        ),
        # Nullable without a default: ALTER TABLE … ADD COLUMN on SQLite too.
        migrations.AddField(
            model_name="incomingdocument",
            name="handling_deadline",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="handling deadline"),
        ),
        migrations.AddIndex(
            model_name="incomingdocument",
            index=models.Index(fields=["handling", "handling_deadline"], name="incoming_handling"),
        ),
    ]
