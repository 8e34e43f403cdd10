"""The legal time limits, as the office starts with them (editable afterwards).

- Khiếu nại: Luật Khiếu nại 2011, art. 27 (accept within 10 days of receipt) and art. 28
  (resolve within 30 days of acceptance, 45 for a complex case).
- Tố cáo: Luật Tố cáo 2018, art. 24 (check and decide on acceptance within 7 working
  days) and art. 30 (resolve within 30 days of acceptance; a complex case once
  extended by 30 days).
- Kiến nghị, phản ánh: no law fixes the figures for a Party office; 10 and 30 days as
  for a complaint, by the Luật Tiếp công dân 2013's practice (verify).
"""

from django.db import migrations

LIMITS = [
    ("complaint", 10, 30, 15, False, "Luật Khiếu nại 2011, điều 27, 28"),
    ("denunciation", 7, 30, 30, True, "Luật Tố cáo 2018, điều 24, 30"),
    ("petition", 10, 30, 0, False, "Luật Tiếp công dân 2013 (cần kiểm tra)"),
    ("feedback", 10, 30, 0, False, "Luật Tiếp công dân 2013 (cần kiểm tra)"),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("letters", "TimeLimit")
    for kind, accept, resolve, extra, working, basis in LIMITS:
        TimeLimit.objects.get_or_create(
            kind=kind,
            defaults={
                "acceptance_days": accept,
                "resolution_days": resolve,
                "complex_extra_days": extra,
                "acceptance_in_working_days": working,
                "legal_basis": basis,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("letters", "TimeLimit").objects.filter(kind__in=[row[0] for row in LIMITS]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
