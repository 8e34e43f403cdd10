"""The seeded legal basis of kiến nghị and phản ánh carried a note to the developers
("cần kiểm tra") that the office saw on its time-limits page. Say honestly what the
figures rest on; only rows still holding the seeded text change (the office may have
written its own since)."""

from django.db import migrations

OLD = "Luật Tiếp công dân 2013 (cần kiểm tra)"
NEW = "Luật Tiếp công dân 2013; thời hạn giải quyết theo quy chế làm việc của cơ quan"
KINDS = ["petition", "feedback"]


def reword(apps, schema_editor):
    TimeLimit = apps.get_model("letters", "TimeLimit")
    TimeLimit.objects.filter(kind__in=KINDS, legal_basis=OLD).update(legal_basis=NEW)


def unreword(apps, schema_editor):
    TimeLimit = apps.get_model("letters", "TimeLimit")
    TimeLimit.objects.filter(kind__in=KINDS, legal_basis=NEW).update(legal_basis=OLD)


class Migration(migrations.Migration):
    dependencies = [("letters", "0002_time_limits")]
    operations = [migrations.RunPython(reword, unreword)]
