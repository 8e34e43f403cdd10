"""The day a leader gave the instruction (`directed_on`), apart from when it was
entered (`directed_at`): slips directed before this column existed were entered on
the day they were directed."""

from django.db import migrations, models
from django.utils import timezone


def fill_directed_on(apps, schema_editor):
    TransferSlip = apps.get_model("handling", "TransferSlip")
    for slip in TransferSlip.objects.filter(directed_at__isnull=False, directed_on__isnull=True).only(
        "directed_at"
    ):
        slip.directed_on = timezone.localdate(slip.directed_at)
        slip.save(update_fields=["directed_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("handling", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="transferslip",
            name="directed_on",
            field=models.DateField(blank=True, null=True, verbose_name="directed on"),
        ),
        migrations.RunPython(fill_directed_on, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="transferslip",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "sent"), ("directed_on__isnull", False), _connector="OR"),
                name="slip_directed_has_day",
            ),
        ),
    ]
