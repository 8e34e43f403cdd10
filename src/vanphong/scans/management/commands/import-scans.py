"""`vanphong import-scans DIR --fonds 01`: a directory of scanned files (PDF, TIFF,
JPEG, PNG, ZIP) into the archive of the fonds' organization, as one batch.

The files are read by the workers (`vanphong worker`, as many as there are cores or
machines); this command shows the batch's progress until it is done. With
`--process` it reads them itself, one page after the other (no worker needed). With
`--by USERNAME` the batch is recorded as brought by that person (who must be allowed
to scan for the fonds' organization), otherwise by the system. At
the end it names each file refused and why (as the batch's page does), and the files
already received, apart."""

from __future__ import annotations

import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanphong.archive.models import Fonds
from vanphong.core.models import Person
from vanphong.core.permissions import Action, can
from vanphong.scans import pipeline, selectors, services
from vanphong.scans.models import FileState, ScanBatch, ScanFile

SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".zip"}
# Files operating systems leave in folders: skipped without a word.
LITTER = {".ds_store", "thumbs.db", "desktop.ini"}


def _bar(done: int, total: int, width: int = 40) -> str:
    filled = width * min(done, total) // total if total else 0
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = "Nhập một thư mục tệp quét (PDF, TIFF, JPEG, PNG, ZIP) vào phông lưu trữ thành một đợt số hóa."
    # The system checks import every view of the site (and with them the signature
    # libraries): 1.5 s before the first file reaches the workers, for checks that
    # `migrate` and the server run anyway.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--fonds", required=True, help="số của phông lưu trữ, ví dụ 01")
        parser.add_argument(
            "--by",
            metavar="TÊN_ĐĂNG_NHẬP",
            default="",
            help=(
                "tên đăng nhập của người được nhập hộ (phải có quyền số hóa cho tổ chức của phông); "
                "không có thì đợt số hóa ghi là do hệ thống nhập"
            ),
        )
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
        actor = None
        if options["by"]:
            actor = Person.objects.filter(username=options["by"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['by']}.")
            if not can(actor, Action.ARCHIVE, fonds.organization):
                raise CommandError(
                    f"{actor.full_name} ({actor.username}) không có quyền số hóa tài liệu "
                    f"cho {fonds.organization.name}."
                )
        found = sorted(p for p in directory.rglob("*") if p.is_file() and p.name.lower() not in LITTER)
        paths = [p for p in found if p.suffix.lower() in SUFFIXES]
        skipped = [p for p in found if p.suffix.lower() not in SUFFIXES]
        if skipped:
            self.stdout.write(
                f"Bỏ qua {len(skipped)} tệp không phải tệp quét (chỉ nhận {', '.join(sorted(SUFFIXES))}):"
            )
            for path in skipped:
                self.stdout.write(f"  - {path.relative_to(directory)}")
        if not paths:
            raise CommandError(f"Thư mục {directory} không có tệp quét nào ({', '.join(sorted(SUFFIXES))}).")
        with ExitStack() as stack:
            uploads = [(path.name, stack.enter_context(path.open("rb"))) for path in paths]
            batch = services.batch_create(
                actor=actor,
                organization=fonds.organization,
                title=options["title"] or directory.name,
                uploads=uploads,
            )
        # The pages each file will give, from its header: the bar's total from the start
        # (a file's pages exist only once a worker has cut it).
        records = batch.files.order_by("pk").values_list("pk", flat=True)
        self.expected = {
            pk: pipeline.expected_pages(path) or 0 for pk, path in zip(records, paths, strict=True)
        }
        self.stdout.write(
            f"Đợt số hóa “{batch.title}”: {len(paths)} tệp, {sum(self.expected.values())} trang."
        )
        if options["no_wait"]:
            return
        self._bar(batch)
        if options["process"]:

            def page_read() -> None:
                self._bar(batch)

            services.batch_run_here(batch_id=batch.pk, on_page=page_read)
        while True:
            progress = self._bar(batch)
            if progress.finished:
                break
            time.sleep(2)
        self._summary(batch, progress)

    def _total(self, batch: ScanBatch, pages: int) -> int:
        """The pages cut so far and those the files not yet cut will give."""
        waiting = ScanFile.objects.filter(batch=batch, state=FileState.RECEIVED).values_list("pk", flat=True)
        return pages + sum(self.expected.get(pk, 0) for pk in waiting)

    def _bar(self, batch: ScanBatch) -> selectors.Progress:
        progress = selectors.progress(batch)
        total = self._total(batch, progress.pages)
        sys.stdout.write(f"\r{_bar(progress.pages_read + progress.pages_failed, total)} trang")
        sys.stdout.flush()
        return progress

    def _summary(self, batch: ScanBatch, progress: selectors.Progress) -> None:
        files = batch.files.order_by("pk")
        refused = [f for f in files if f.state in {FileState.REFUSED, FileState.FAILED}]
        duplicates = [f for f in files if f.state == FileState.DUPLICATE]
        self.stdout.write(
            f"\nXong: {progress.pages_read} trang đã đọc, {progress.pages_failed} trang không đọc được, "
            f"{len(refused)} tệp bị từ chối, {len(duplicates)} tệp đã có, bỏ qua."
        )
        if refused:
            self.stdout.write("Tệp bị từ chối:")
            for record in refused:
                # A refusal's message names its file; a failed file's says what failed.
                named = record.state == FileState.REFUSED and record.original_name in record.message
                self.stdout.write(
                    f"  ✗ {record.message}" if named else f"  ✗ {record.original_name}: {record.message}"
                )
        if duplicates:
            self.stdout.write("Tệp đã có, bỏ qua:")
            for record in duplicates:
                self.stdout.write(f"  = {record.original_name}: {record.message}")
        failed_pages = [f for f in files if f.state == FileState.DONE and f.message]
        for record in failed_pages:
            self.stdout.write(f"  ! {record.original_name}: {record.message}")
