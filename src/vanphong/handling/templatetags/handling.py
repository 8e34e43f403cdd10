"""The slips of a document, for the registry's document page (which knows nothing
of handling: the registry does not depend on this app)."""

from __future__ import annotations

from typing import Any

from django import template

from vanphong.core.models import Person
from vanphong.handling import selectors
from vanphong.registry.models import IncomingDocument

register = template.Library()


@register.simple_tag(takes_context=True)
def document_slips(context: dict[str, Any], document: IncomingDocument) -> dict[str, Any]:
    """The slips of `document` the viewer may see, and whether they may send one."""
    person = context["request"].user
    if not isinstance(person, Person):
        return {"slips": [], "may_send": False}
    return {
        "slips": list(selectors.document_slips(person, document)),
        "may_send": selectors.may_send(person, document),
    }
