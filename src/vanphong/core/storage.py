"""Files written by a service that fails.

A service's transaction rolls its rows back, not the files it stored on the way: the
names it stored are collected in the list this gives, and deleted if the block raises.
(If a caller's enclosing transaction rolls back later, the files are left unreferenced.)

    with files_removed_on_failure() as stored:
        return _attachment_add(actor=actor, document=document, upload=upload, stored=stored)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.storage import default_storage


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
