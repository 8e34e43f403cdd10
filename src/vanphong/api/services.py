"""Issuing and revoking API tokens: the only place that changes them.

A token is shown once, when it is issued; only its SHA-256 is kept, and the audit
trail names it by its prefix, never by the secret."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vanphong.api import selectors
from vanphong.api.models import PREFIX_LENGTH, TOKEN_PREFIX, ApiToken
from vanphong.core import audit
from vanphong.core.models import Person
from vanphong.core.tokens import new_token, token_hash

# Writing `last_used_at` on every request would turn every read into a write.
TOUCH_EVERY = dt.timedelta(minutes=1)


class AuditAction:
    TOKEN_ISSUED = "apitoken.issued"
    TOKEN_REVOKED = "apitoken.revoked"


AUDIT_LABELS = {
    AuditAction.TOKEN_ISSUED: gettext_lazy("API token issued"),
    AuditAction.TOKEN_REVOKED: gettext_lazy("API token revoked"),
}


def _check_owner(actor: Person | None, person: Person) -> None:
    # A person issues their own tokens; the system (`vanphong apitoken`, run by the
    # server's administrator) may act for anyone.
    if actor is not None and actor.pk != person.pk:
        raise PermissionDenied(_("A person manages only their own API tokens."))


def _check_revoker(actor: Person | None, person: Person) -> None:
    # A system administrator may also revoke anybody's token (a leaked one, a person
    # who left), but not issue one in their name.
    if actor is not None and actor.pk != person.pk and not selectors.manages_every_token(actor):
        raise PermissionDenied(_("A person manages only their own API tokens."))


@transaction.atomic
def token_issue(*, actor: Person | None, person: Person, name: str) -> tuple[ApiToken, str]:
    """A new token for `person`: the saved row and the token itself, which is not
    kept anywhere and cannot be shown again."""
    _check_owner(actor, person)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Name the token (where it is used).")})
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("The name is too long.")})
    if not person.is_active:
        raise ValidationError({"person": _("This person's account is not active.")})
    plaintext = new_token(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        prefix=plaintext[:PREFIX_LENGTH],
        digest=token_hash(plaintext),
        created_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN_ISSUED,
        target=token,
        after={"person": person.pk, "name": token.name, "prefix": token.prefix},
    )
    return token, plaintext


@transaction.atomic
def token_revoke(*, actor: Person | None, token: ApiToken) -> ApiToken:
    """Refuse `token` from now on. The row stays, so the trail can name it. Its
    person revokes it, or a system administrator (the trail then names them)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _check_revoker(actor, token.person)
    if token.revoked_at is not None:
        raise ValidationError(_("This token has already been revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN_REVOKED,
        target=token,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at, "prefix": token.prefix},
    )
    return token


def token_authenticate(plaintext: str) -> Person | None:
    """The active person a live token belongs to, or None. Notes when it was last
    used (bookkeeping, like a session's expiry: not an audit event)."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.live().select_related("person").filter(digest=token_hash(plaintext)).first()
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
