"""Background work of the attachments app, run by `vanphong worker`."""

from __future__ import annotations

from django_tasks import task

from vanphong.attachments import services
from vanphong.attachments.models import Attachment


@task()
def extract_text(attachment_id: int) -> dict[str, object]:
    """Read a PDF's text layer for the search, away from the upload's request."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        return {"attachment": attachment_id, "text": None}
    derived = services.text_layer_extract(attachment=attachment)
    return {"attachment": attachment_id, "text": derived.pk if derived else None}
