"""The electronic sending of an outgoing document, for the pages that show one (the
draft's and the outgoing register's, which know nothing of this app)."""

from __future__ import annotations

from typing import Any

from django import template

from vanphong.core.models import Person, Secrecy
from vanphong.exchange import services
from vanphong.exchange.models import Delivery
from vanphong.registry.models import OutgoingDocument

register = template.Library()


@register.simple_tag(takes_context=True)
def outgoing_sending(context: dict[str, Any], outgoing: OutgoingDocument) -> dict[str, Any]:
    """Where `outgoing` was delivered, the recipients in the system still waiting for
    it, and whether the viewer may send it to them (the button is shown only then:
    anyone else would be refused)."""
    deliveries = list(
        Delivery.objects.filter(outgoing=outgoing)
        .select_related("organization", "incoming")
        .order_by("organization__path")
    )
    draft = getattr(outgoing, "draft", None)
    reached = {delivery.organization_id for delivery in deliveries}
    recipients = list(draft.internal_recipients.order_by("path")) if draft is not None else []
    pending = [organization for organization in recipients if organization.pk not in reached]
    person = context["request"].user
    may_send = (
        isinstance(person, Person)
        and bool(pending)
        and not outgoing.is_cancelled
        and outgoing.secrecy == Secrecy.NONE
        and services.may_send(person, outgoing)
    )
    return {"deliveries": deliveries, "recipients": recipients, "pending": pending, "may_send": may_send}
