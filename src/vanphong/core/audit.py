"""The audit trail: one place that writes and verifies it.

`record` is called by services inside their transaction. Every event stores the hash
of the one before it; the chain head row is locked while appending, which keeps the
chain linear when several workers write at once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

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
        client_address=client_address.get(),
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
    return _jsonable(data)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    message: str


def verify() -> Iterator[ChainProblem]:
    """Walk the chain from the first event and yield every break: an edited row (its
    hash no longer matches), a removed row (the next row's link is wrong), or removed
    newest rows (the head no longer matches)."""
    expected_prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != expected_prev:
            yield ChainProblem(event.id, "link to the previous event is broken (a row was removed or inserted)")
        if _event_hash(event) != event.hash:
            yield ChainProblem(event.id, "content does not match its hash (the row was edited)")
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    head_hash, head_length = (head.last_hash, head.length) if head else (GENESIS, 0)
    if head_hash != expected_prev or head_length != count:
        yield ChainProblem(
            None,
            f"the chain ends at event #{count} but the head records {head_length} events "
            "(newest events were removed or the head was altered)",
        )
