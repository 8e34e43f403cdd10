"""The words searched in the registers, found inside the scans too: the registry's
result lists show the pages (which know nothing of this app)."""

from __future__ import annotations

from typing import Any

from django import template

from vanphong.core.models import Person
from vanphong.scans import selectors

register = template.Library()

# The registry's list shows the first pages found; the scans' page lists them all.
HITS_IN_REGISTRY = 10


@register.inclusion_tag("scans/_hits_in_registry.html", takes_context=True)
def scan_hits(context: dict[str, Any], query: str) -> dict[str, Any]:
    """Pages of the scans the viewer may see whose text holds every word of `query`
    (accents optional), with a snippet and a link that opens the PDF at that page."""
    person = context["request"].user
    if not query.strip() or not isinstance(person, Person):
        return {"hits": None}
    found = selectors.search_pages(person, query)
    hits = found[: HITS_IN_REGISTRY + 1] if found is not None else []
    return {"hits": hits[:HITS_IN_REGISTRY], "more": len(hits) > HITS_IN_REGISTRY, "query": query}
