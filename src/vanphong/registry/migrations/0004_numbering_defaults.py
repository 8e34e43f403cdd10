"""How outgoing numbers run, per type (DOMAIN.md §2, 36-HD/VPTW 1.3.1).

Every type restarts at each congress term (the field's default), công văn included.
The administrative papers (giấy mời, giấy giới thiệu, phiếu chuyển…) are issued by
the hundred and offices commonly number them by the calendar year: they start as
YEAR, a setting an administrator changes per type. Every type keeps a series of its
own (an empty series group): sharing one, as Quyết định and Quy định may at the
centre, is a setting too."""

from django.db import migrations

YEARLY = [
    "giay-gioi-thieu",
    "giay-chung-nhan",
    "giay-di-duong",
    "giay-nghi-phep",
    "giay-moi",
    "phieu-chuyen",
    "phieu-gui",
    "thu-cong",
]


def set_yearly(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    DocumentType.objects.filter(code__in=YEARLY).update(numbering_scope="year")


def unset_yearly(apps, schema_editor):
    DocumentType = apps.get_model("registry", "DocumentType")
    DocumentType.objects.filter(code__in=YEARLY).update(numbering_scope="term")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_outgoing")]
    operations = [migrations.RunPython(set_yearly, unset_yearly)]
