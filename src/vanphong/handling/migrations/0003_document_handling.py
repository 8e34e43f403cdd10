"""Where the handling of each incoming document already sent on a slip stands
(registry 0008 added the columns, every document "not yet forwarded"): some slip
open, or all done; and the earliest deadline of its open directed slips. From now
on the slip services record it (`handling.services._record_handling`)."""

from django.db import migrations
from django.db.models import Count, Min, Q


def fill_document_handling(apps, schema_editor):
    IncomingDocument = apps.get_model("registry", "IncomingDocument")
    TransferSlip = apps.get_model("handling", "TransferSlip")
    per_document = (
        TransferSlip.objects.values("document")
        .annotate(
            open=Count("pk", filter=~Q(state="done")),
            deadline=Min("deadline", filter=Q(state="directed")),
        )
        .order_by("document")
    )
    for row in per_document.iterator():
        IncomingDocument.objects.filter(pk=row["document"]).update(
            handling="open" if row["open"] else "done",
            handling_deadline=row["deadline"] if row["open"] else None,
        )


def clear_document_handling(apps, schema_editor):
    IncomingDocument = apps.get_model("registry", "IncomingDocument")
    IncomingDocument.objects.exclude(handling="none").update(handling="none", handling_deadline=None)


class Migration(migrations.Migration):
    dependencies = [
        ("handling", "0002_directed_on"),
        ("registry", "0008_incoming_handling"),
    ]

    operations = [
        migrations.RunPython(fill_document_handling, clear_document_handling),
    ]
