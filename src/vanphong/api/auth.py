"""Bearer tokens for the API: `Authorization: Bearer vp_…`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from vanphong.api import services
from vanphong.core.models import Person


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        """The token's person, who then acts as on the pages: `request.user` is set so
        that `core.web.get_checked` and `person_of` work unchanged. None (401) for a
        missing, unknown or revoked token, or an inactive person."""
        person = services.token_authenticate(token)
        if person is not None:
            request.user = person
        return person
