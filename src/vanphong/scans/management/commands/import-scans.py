"""`vanphong import-scans DIR --fonds 01`: a directory of scanned files (PDF, TIFF,
JPEG, PNG, ZIP) into the archive of the fonds' organization, as one batch.

The files are read by the workers (`vanphong worker`, as many as there are cores or
machines); this command shows the batch's progress until it is done. With
`--process` it reads them itself, one page after the other (no worker needed)."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanphong.archive.models import Fonds
from vanphong.scans import selectors, services
from vanphong.scans.models import ScanBatch

SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".zip"}


def _bar(done: int, total: int, width: int = 40) -> str:
    filled = width * done // total if total else 0
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = "Nhập một thư mục tệp quét (PDF, TIFF, JPEG, PNG, ZIP) vào phông lưu trữ thành một đợt số hóa."
    # The system checks import every view of the site (and with them the signature
    # libraries): 1.5 s before the first file reaches the workers, for checks that
    # `migrate` and the server run anyway.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--fonds", required=True, help="số phông (Fonds.number)")
        parser.add_argument("--title", default="", help="tên đợt số hóa")
        parser.add_argument(
            "--process", action="store_true", help="tự đọc các trang, không chờ tiến trình nền"
        )
        parser.add_argument("--no-wait", action="store_true", help="nhập rồi thoát, không theo dõi tiến độ")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục {directory}.")
        fonds = Fonds.objects.select_related("organization").filter(number=options["fonds"]).first()
        if fonds is None:
            raise CommandError(f"Không có phông số {options['fonds']}.")
        paths = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not paths:
            raise CommandError(f"Thư mục {directory} không có tệp quét nào ({', '.join(sorted(SUFFIXES))}).")
        with ExitStack() as stack:
            uploads = [(path.name, stack.enter_context(path.open("rb"))) for path in paths]
            batch = services.batch_create(
                actor=None,
                organization=fonds.organization,
                title=options["title"] or directory.name,
                uploads=uploads,
            )
        self.stdout.write(f"Đợt số hóa “{batch.title}”: {len(paths)} tệp.")
        if options["process"]:
            self._process(batch.pk)
        elif options["no_wait"]:
            return
        while True:
            progress = selectors.progress(batch)
            sys.stdout.write(f"\r{_bar(progress.pages_read + progress.pages_failed, progress.pages)} trang")
            sys.stdout.flush()
            if progress.finished:
                break
            time.sleep(2)
        self.stdout.write(
            f"\nXong: {progress.pages_read} trang đã đọc, {progress.pages_failed} trang không đọc được, "
            f"{progress.files_refused} tệp bị từ chối."
        )

    def _process(self, batch_id: int) -> None:
        """Read the batch here, page after page, with its progress bar."""
        batch = ScanBatch.objects.get(pk=batch_id)

        def bar() -> None:
            progress = selectors.progress(batch)
            sys.stdout.write(f"\r{_bar(progress.pages_read + progress.pages_failed, progress.pages)} trang")
            sys.stdout.flush()

        services.batch_run_here(batch_id=batch_id, on_page=bar)
