"""Background work of the core app, run by `vanphong worker`."""

from __future__ import annotations

import logging

from django_tasks import task

from vanphong.core import audit

logger = logging.getLogger(__name__)


@task()
def verify_audit_chain() -> dict[str, object]:
    """Walk the whole audit chain away from the web requests: the walk reads every
    event, which on a large site takes minutes. A break is logged as an error for
    the administrator's monitoring; the result keeps the count and the problems."""
    count, problems = audit.verify_all()
    for problem in problems:
        logger.error("audit chain broken at event %s: %s", problem.event_id, problem.message)
    return {"events": count, "problems": [[p.event_id, p.message] for p in problems]}
