"""`vanphong audit verify`: walk the audit chain and report every break.

Exits 0 when the chain is intact and 1 when it is not, so that a cron job or a
monitoring check can alert on it. The messages are Vietnamese, for the office's own
administrator; the problems themselves are technical and stay in English.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanphong.core import audit
from vanphong.core.tasks import verify_audit_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký (audit trail): verify that no event was edited or removed."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="verify")
        verify = subcommands.add_parser(
            "verify", help="Walk the hash chain from the first event and report every break."
        )
        verify.add_argument(
            "--background",
            action="store_true",
            help="Queue the check for `vanphong worker` instead (a long chain, a nightly cron).",
        )

    def handle(self, *args: Any, subcommand: str, background: bool = False, **options: Any) -> None:
        if subcommand == "verify" and background:
            result = verify_audit_chain.enqueue()
            self.stdout.write(f"Đã xếp hàng kiểm tra chuỗi nhật ký (việc nền {result.id}).")
        elif subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        count, problems = audit.verify_all()
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"Chuỗi nhật ký toàn vẹn: {count} sự kiện."))
            return
        for problem in problems:
            where = f"Sự kiện #{problem.event_id}" if problem.event_id is not None else "Đầu chuỗi"
            self.stderr.write(f"{where}: {problem.message}")
        raise CommandError(
            f"Chuỗi nhật ký bị phá vỡ: {len(problems)} lỗi trên {count} sự kiện.", returncode=1
        )
