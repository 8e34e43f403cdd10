"""`vanphong loaddemo`: load the invented city committee and print its sign-ins."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from vanphong.core.demo import COUNT_LABELS, DemoError, DemoLogin, DemoResult, load_demo, number


def login_table(logins: list[DemoLogin]) -> str:
    """The sign-ins as a plain-text table: username, password, role, name."""
    rows = [("Tên đăng nhập", "Mật khẩu", "Vai trò", "Họ và tên")]
    rows += [
        (
            login.username,
            login.password or "(giữ nguyên)",
            login.role + (f" — {login.organization}" if login.organization else ""),
            login.full_name,
        )
        for login in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(row[3]))
    return "\n".join(lines)


def count_lines(result: DemoResult) -> str:
    width = max(len(label) for label in COUNT_LABELS.values())
    return "\n".join(
        f"{COUNT_LABELS.get(key, key).ljust(width)}  {number(value):>7}"
        for key, value in result.counts.items()
    )


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: Thành ủy Ngọc Sơn (hư cấu) với Văn phòng, Đảng ủy Khối 117 tổ chức cơ sở "
        "đảng, khoảng 7.000 đảng viên và một tài khoản cho mỗi vai trò. Chạy lại không tạo thêm gì."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Không in gì (trừ lỗi).")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"] or options["verbosity"] == 0

        def out(message: str) -> None:
            if not quiet:
                self.stdout.write(message)

        started = time.monotonic()
        try:
            result = load_demo(out=out)
        except (DemoError, ValidationError) as error:
            raise CommandError("; ".join(getattr(error, "messages", [str(error)]))) from error
        elapsed = time.monotonic() - started
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Tài khoản đăng nhập thử:"))
        self.stdout.write(login_table(result.logins))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Số liệu:"))
        self.stdout.write(count_lines(result))
        self.stdout.write("")
        done = "Đã tạo dữ liệu mẫu" if result.created else "Dữ liệu mẫu đã có sẵn"
        self.stdout.write(self.style.SUCCESS(f"{done} ({elapsed:.1f} giây).".replace(".", ",", 1)))
