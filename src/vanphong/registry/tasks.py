"""Background work of the registry, run by `vanphong worker`."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from vanphong.registry import exports


@task()
def register_export_build(export_pk: int) -> dict[str, Any]:
    """Lay out a printed register too long to make while its reader waits (a year's
    register as a PDF takes minutes): `exports.export_run`, which records on the
    `RegisterExport` how it went, for the page its reader is watching."""
    return exports.export_run(export_pk)
