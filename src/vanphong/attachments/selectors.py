"""Reads of attachments for the pages."""

from __future__ import annotations

from django.db.models import QuerySet

from vanphong.attachments.models import Attachment, FileRole
from vanphong.core.models import Person, Secrecy
from vanphong.core.permissions import Action, can, visible_to
from vanphong.registry.models import IncomingDocument


def visible_attachments(person: Person) -> QuerySet[Attachment]:
    """The attachments of the documents `person` may see."""
    return visible_to(
        person,
        Attachment.objects.all(),
        organization_field="document__organization",
        secrecy_field="document__secrecy",
    )


def document_attachments(person: Person, document: IncomingDocument) -> QuerySet[Attachment]:
    """The originals of `document` the viewer may see, oldest first."""
    return (
        visible_attachments(person)
        .filter(document=document, role=FileRole.ORIGINAL)
        .select_related("uploaded_by", "signature_check")
        .order_by("uploaded_at", "pk")
    )


def may_attach(person: Person, document: IncomingDocument) -> bool:
    """May `person` attach files to `document`? Not to a classified one, whoever they are."""
    return document.secrecy == Secrecy.NONE and can(person, Action.REGISTER, document)
