"""Reads for the API tokens page, and the api app's entry in the person's own menu."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from vanphong.api.models import ApiToken
from vanphong.core.models import Person


def account_navigation(person: Person) -> list[tuple[str, str, str]]:
    """The api app's entry in the person's own menu: (label, url, name). Everyone may
    hold tokens (a token acts with its person's own permissions)."""
    return [(_("API tokens"), reverse("apitoken_list"), "apitokens")]


def manages_every_token(person: Person) -> bool:
    """The system administrator (an active superuser, as for /admin) sees and revokes
    anybody's tokens: a leaked one, those of a person who left."""
    return bool(person.is_authenticated and person.is_active and person.is_superuser)


def tokens_visible_to(person: Person) -> QuerySet[ApiToken]:
    """The tokens `person` may see and revoke: their own; everybody's for the system
    administrator. Newest first."""
    tokens = ApiToken.objects.select_related("person").order_by("-created_at", "-id")
    if not person.is_authenticated or not person.is_active:
        return tokens.none()
    if manages_every_token(person):
        return tokens
    return tokens.filter(person=person)
