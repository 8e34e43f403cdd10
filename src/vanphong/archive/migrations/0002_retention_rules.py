"""A starting retention table, after the sample tables of Hướng dẫn 35-HD/VPTW (2010)
for province and district Party bodies. Data: the archivist corrects and completes
it in the administration pages (the terms here are to be checked against the text
the locality applies)."""

from django.db import migrations

RULES = [
    # code, kind of dossier, years (None: permanent)
    ("1", "Hồ sơ đại hội đảng bộ", None),
    ("2", "Hồ sơ hội nghị Ban Chấp hành, Ban Thường vụ", None),
    ("3", "Nghị quyết, chỉ thị, kết luận, quyết định, quy định của cấp ủy", None),
    ("4", "Chương trình, kế hoạch, báo cáo tổng kết năm, nhiệm kỳ", None),
    ("5", "Báo cáo tháng, quý, 6 tháng", 10),
    ("6", "Công văn trao đổi về công tác chuyên môn", 10),
    ("7", "Sổ đăng ký văn bản đến, văn bản đi", 20),
    ("8", "Hồ sơ, chứng từ tài chính, kế toán, đảng phí", 20),
    ("9", "Giấy mời, giấy giới thiệu, phiếu gửi", 5),
]


def add(apps, schema_editor):
    RetentionRule = apps.get_model("archive", "RetentionRule")
    for code, name, years in RULES:
        RetentionRule.objects.get_or_create(code=code, defaults={"name": name, "years": years})


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
