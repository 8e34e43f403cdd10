"""The files of a document, for the registry's document page (which knows nothing
of attachments: the registry does not depend on this app)."""

from __future__ import annotations

from typing import Any

from django import template

from vanphong.attachments import selectors, services
from vanphong.attachments.forms import AttachmentForm
from vanphong.core.models import Person
from vanphong.registry.models import IncomingDocument

register = template.Library()


@register.simple_tag(takes_context=True)
def document_attachments(context: dict[str, Any], document: IncomingDocument) -> dict[str, Any]:
    """The files of `document` the viewer may see, the first PDF to preview, and the
    upload form if they may attach one."""
    person = context["request"].user
    if not isinstance(person, Person):
        return {"attachments": [], "preview": None, "form": None}
    attachments = list(selectors.document_attachments(person, document))
    may_attach = selectors.may_attach(person, document)
    return {
        "attachments": attachments,
        "preview": next((a for a in attachments if a.is_pdf), None),
        "form": AttachmentForm() if may_attach else None,
        "max_upload": services.max_upload_bytes(),
        "accepted": services.accepted_names(),
    }
