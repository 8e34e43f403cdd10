"""The usual kinds of node in the Party's tree, as editable data (DOMAIN.md §1)."""

from django.db import migrations

KINDS = [
    # code, name, committee, office, grassroots, order
    ("central", "Trung ương", True, False, False, 10),
    ("provincial", "Tỉnh ủy, Thành ủy", True, False, False, 20),
    ("provincial-party", "Đảng ủy trực thuộc tỉnh", True, False, False, 30),
    ("district", "Quận ủy, Huyện ủy, Thị ủy", True, False, False, 40),
    ("commune", "Đảng ủy xã, phường, đặc khu", True, False, True, 45),
    ("grassroots-committee", "Đảng ủy cơ sở", True, False, True, 50),
    ("grassroots-cell", "Chi bộ cơ sở", True, False, True, 55),
    ("cell", "Chi bộ trực thuộc", True, False, False, 60),
    ("office", "Văn phòng cấp ủy", False, True, False, 70),
    ("board", "Ban tham mưu", False, False, False, 80),
    ("inspection", "Ủy ban Kiểm tra", False, False, False, 85),
]


def add_kinds(apps, schema_editor):
    OrganizationKind = apps.get_model("core", "OrganizationKind")
    for code, name, committee, office, grassroots, order in KINDS:
        OrganizationKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "is_committee": committee,
                "is_office": office,
                "is_grassroots": grassroots,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
