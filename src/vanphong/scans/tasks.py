"""The digitization pipeline's steps as background tasks (`vanphong worker`): each
loads by id and calls its service, which checks the state first, so a task run twice
(re-queued by `services.resume` after a killed worker) does nothing the second time."""

from __future__ import annotations

from django_tasks import task

from vanphong.scans import services


@task()
def receive_file(file_id: int) -> None:
    services.file_receive(file_id=file_id)


@task()
def read_page(page_id: int) -> bool:
    return services.page_read(page_id=page_id)


@task()
def assemble_file(file_id: int) -> None:
    services.file_assemble(file_id=file_id)


def on_worker_start() -> None:
    """`vanphong worker` calls this as it starts: re-queue what a killed worker left."""
    services.resume()
