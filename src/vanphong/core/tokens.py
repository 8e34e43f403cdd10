"""Secret tokens handed to a person (API bearer tokens, calendar links): made here and
kept only as their SHA-256, so that a copy of the database opens nothing. A token is
long and random, so a plain hash (not a slow password hash) is enough to store it."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str) -> str:
    """A new token: `prefix` (which says what it is for) and 256 random bits."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()
