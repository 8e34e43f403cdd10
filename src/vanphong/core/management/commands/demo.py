"""`vanphong demo`: everything needed to try vanphong on one machine: the database,
the static files, the invented city committee, then the web server."""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand

from vanphong.core.demo import DEMO_PASSWORD, load_demo
from vanphong.core.management.commands.loaddemo import login_table

DEFAULT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Chạy thử vanphong: tạo cơ sở dữ liệu, thu gom tệp tĩnh, nạp dữ liệu mẫu (Thành ủy Ngọc Sơn) "
        "rồi mở máy chủ web tại http://127.0.0.1:8000."
    )
    requires_system_checks = []  # migrate and runserver run the checks themselves

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=(
                f"Địa chỉ và cổng của máy chủ web (mặc định {DEFAULT_ADDRPORT}). Một địa chỉ khác "
                "127.0.0.1 cần có trong VANPHONG_ALLOWED_HOSTS."
            ),
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Chuẩn bị xong thì dừng, không mở máy chủ web."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addrport: str = options["addrport"]
        self.stdout.write(self.style.MIGRATE_HEADING("Tạo, cập nhật cơ sở dữ liệu…"))
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr)
        if _static_files_changed():
            self.stdout.write(self.style.MIGRATE_HEADING("Thu gom tệp tĩnh…"))
            call_command(
                "collectstatic", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr
            )
        self.stdout.write(self.style.MIGRATE_HEADING("Nạp dữ liệu mẫu…"))
        call_command("loaddemo", stdout=self.stdout, stderr=self.stderr)

        result = load_demo(out=lambda message: None)  # already there: only reads the sign-ins
        host, _, port = addrport.rpartition(":")
        if not host or host in {"0.0.0.0", "::", "[::]"}:
            host = "127.0.0.1"
        url = f"http://{host}:{port or '8000'}"
        rule = "=" * 78
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(rule))
        heading = f"  Đăng nhập bằng một trong các tài khoản sau, mật khẩu: {DEMO_PASSWORD}"
        self.stdout.write(self.style.SUCCESS(heading))
        self.stdout.write(self.style.SUCCESS(rule))
        self.stdout.write(login_table(result.logins))
        self.stdout.write("")
        if options["no_serve"]:
            self.stdout.write(f"Đã sẵn sàng. Chạy `vanphong demo` (không có --no-serve) rồi mở {url}")
            return
        self.stdout.write(self.style.SUCCESS(f"Mở {url} trong trình duyệt. Nhấn Ctrl+C để dừng."))
        self.stdout.write("")
        call_command("runserver", addrport, use_reloader=False)


def _static_files_changed() -> bool:
    """Whether collectstatic has work to do: it recompresses every file each time
    (seconds), which a second `make demo` should not wait for."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    # A file new to the finders (an app's own static files, just installed) keeps the
    # date it was packaged with: it is known by its absence from the manifest.
    known = json.loads(manifest.read_text()).get("paths", {})
    ignored = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    for finder in finders.get_finders():
        for path, storage in finder.list(ignored):
            if path.replace(os.sep, "/") not in known or Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False
