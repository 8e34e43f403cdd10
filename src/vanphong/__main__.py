"""The `vanphong` console command: every manage.py command, plus `demo`, `loaddemo`,
`worker` and `audit`."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanphong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
