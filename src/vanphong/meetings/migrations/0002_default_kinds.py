"""The usual kinds of meeting of a committee, as editable data (DOMAIN.md §5).

Quorum and majority: a conference of the committee (Ban Chấp hành) and a meeting of
its Standing Committee are valid with at least two thirds of the members called
present, and decide by more than half of all members (Điều lệ Đảng and the
regulations implementing it; the committees' working rules say the same for the
BTV). A locality whose rules differ edits the rows. The other kinds need no quorum
and, when they vote at all, decide by more than half of those present."""

from django.db import migrations

KINDS = [
    # code, name, schedule kind, invited body, quorum, majority, order
    ("btv", "Họp Ban Thường vụ", "standing_committee", "standing_committee", (2, 3), "all", 10),
    ("bch", "Hội nghị Ban Chấp hành", "conference", "executive_committee", (2, 3), "all", 20),
    ("thuong-truc", "Hội ý Thường trực", "standing_briefing", "standing_members", (0, 1), "present", 30),
    ("lam-viec", "Buổi làm việc", "working_session", "none", (0, 1), "present", 40),
    ("kiem-tra", "Kiểm tra thực tế", "field_inspection", "none", (0, 1), "present", 50),
    ("tiep-khach", "Tiếp khách quốc tế", "reception", "none", (0, 1), "present", 60),
]


def add_kinds(apps, schema_editor):
    MeetingKind = apps.get_model("meetings", "MeetingKind")
    for code, name, schedule_kind, body, (numerator, denominator), majority, order in KINDS:
        MeetingKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "schedule_kind": schedule_kind,
                "invited_body": body,
                "quorum_numerator": numerator,
                "quorum_denominator": denominator,
                "majority_basis": majority,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
