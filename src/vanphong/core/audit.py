"""The audit trail: one place that writes and verifies it.

`record` is called by services inside their transaction. Every event stores the hash
of the one before it; the chain head row is locked while appending, which keeps the
chain linear when several workers write at once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import importlib
import ipaddress
import json
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from vanphong.core import permissions
from vanphong.core.models import AuditChainHead, AuditEvent, Organization, Person

GENESIS = "0" * 64

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "vanphong_client_address", default=None
)


def _jsonable(value: Any) -> Any:
    """What the JSON column will give back: dates and decimals become strings."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _clean_address(value: str | None) -> str | None:
    """The address as the database will give it back, so that the hash still matches
    after the round trip: Django rewrites an IPv6 address on save (lower case,
    compressed) and PostgreSQL's inet column would refuse a malformed one, failing
    the service itself. Anything that is not an IP address is dropped."""
    if not value:
        return None
    try:
        # A link-local zone ("fe80::1%eth0") says nothing about the client, and inet refuses it.
        address = ipaddress.ip_address(value.strip().split("%")[0])
    except ValueError:
        return None
    return clean_ipv6_address(str(address)) if address.version == 6 else str(address)


def _event_hash(event: AuditEvent) -> str:
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {
        "at": at,
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "organization": event.organization_id,
        "before": event.before,
        "after": event.after,
        "client_address": event.client_address,
        "secrecy": event.secrecy,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _organization_of(target: models.Model) -> Organization | None:
    if isinstance(target, Organization):
        return target
    organization = getattr(target, "organization", None)
    return organization if isinstance(organization, Organization) else None


def record(
    *,
    actor: Person | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization: Organization | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction, so that the change
    and its audit row commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    # A write may change who may do what (a membership, a closed unit): the rest of the
    # request must not act on grants read before it.
    permissions.forget_grants()
    # Lock the head: appends are serialized so each event links to the true previous one.
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "length": 0}
    )
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_name=actor.full_name if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        organization=organization or _organization_of(target),
        before=_jsonable(before),
        after=_jsonable(after),
        client_address=_clean_address(client_address.get()),
        secrecy=int(getattr(target, "secrecy", 0) or 0),
        prev_hash=head.last_hash,
    )
    event.hash = _event_hash(event)
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, length=head.length + 1)
    return event


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as the audit trail stores them (foreign keys by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
    return _jsonable(data)


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def _head() -> tuple[str, int]:
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.last_hash, head.length) if head else (GENESIS, 0)


def verify() -> Generator[ChainProblem, None, int]:
    """Walk the chain from the first event and yield every break: an edited row (its
    hash no longer matches), a removed row (the next row's link is wrong), or removed
    newest rows (the head no longer matches). Returns (as the generator's value) the
    number of events walked.

    Clerks keep appending while this runs, so the head is read before and after the
    walk: the walk must pass through the first head and end at most at the second.
    Reading it only once, after, would report every append made meanwhile as a
    removal."""
    head_hash_before, head_length_before = _head()
    expected_prev = GENESIS
    hash_at_head_before = GENESIS if head_length_before == 0 else None
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != expected_prev:
            yield ChainProblem(
                event.id, "link to the previous event is broken (a row was removed or inserted)"
            )
        if _event_hash(event) != event.hash:
            yield ChainProblem(event.id, "content does not match its hash (the row was edited)")
        expected_prev = event.hash
        if count == head_length_before:
            hash_at_head_before = event.hash
    head_hash_after, head_length_after = _head()
    if (
        not head_length_before <= count <= head_length_after
        or hash_at_head_before != head_hash_before
        or (count == head_length_after and expected_prev != head_hash_after)
    ):
        yield ChainProblem(
            None,
            f"the chain ends at event #{count} but the head records {head_length_after} events "
            "(newest events were removed or the head was altered)",
        )
    return count


def verify_all() -> tuple[int, list[ChainProblem]]:
    """`verify()` run to its end: the number of events walked and every break."""
    problems: list[ChainProblem] = []
    walk = verify()
    while True:
        try:
            problems.append(next(walk))
        except StopIteration as done:
            return done.value, problems


@functools.cache
def _declared(name: str) -> dict[str, Any]:
    """`name` (a dict) merged from the `services` module of every vanphong app: each
    app declares the labels and pages of its own events, and core imports none of
    them directly (no import cycles between apps)."""
    from django.apps import apps

    merged: dict[str, Any] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("vanphong."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        merged.update(getattr(module, name, {}))
    return merged


def event_label(action: str) -> str:
    """The translated name of an event type, e.g. "Organization moved"."""
    return str(_declared("AUDIT_LABELS").get(action, action))


def field_labels(target_type: str) -> dict[str, Any]:
    """What an app calls the keys of its events' snapshots about `target_type`
    (`AUDIT_FIELD_LABELS`), where a field's own name would mislead or none exists."""
    labels: dict[str, Any] = _declared("AUDIT_FIELD_LABELS").get(target_type, {})
    return labels


def value_labels(target_type: str) -> dict[str, dict[Any, Any]]:
    """The labels of the values of some of those keys (`AUDIT_VALUE_LABELS`)."""
    labels: dict[str, dict[Any, Any]] = _declared("AUDIT_VALUE_LABELS").get(target_type, {})
    return labels


def target_page(target_type: str) -> str | None:
    """The URL name of the page showing one record of `target_type` by its id."""
    page: str | None = _declared("AUDIT_TARGET_PAGES").get(target_type)
    return page
