"""`vanphong apitoken issue <username> <name>` prints a new API token once;
`vanphong apitoken revoke <prefix>` refuses it from now on; `list <username>` shows a
person's tokens (by prefix: the tokens themselves are not kept)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vanphong.api import services
from vanphong.api.models import ApiToken
from vanphong.core.models import Person


class Command(BaseCommand):
    help = "Cấp, liệt kê, thu hồi mã truy cập API: issue, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="issue|list|revoke")
        issue = subcommands.add_parser("issue", help="Issue a token for a person and print it once.")
        issue.add_argument("username")
        issue.add_argument("name", help="Where the token is used, e.g. 'scanner station'.")
        listing = subcommands.add_parser("list", help="A person's tokens.")
        listing.add_argument("username")
        revoke = subcommands.add_parser("revoke", help="Revoke a token, named by its prefix (vp_…).")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            if subcommand == "issue":
                self.issue(self._person(options["username"]), options["name"])
            elif subcommand == "list":
                self.list(self._person(options["username"]))
            elif subcommand == "revoke":
                self.revoke(options["prefix"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def _person(self, username: str) -> Person:
        person = Person.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"No person with the username {username!r}.")
        return person

    def issue(self, person: Person, name: str) -> None:
        token, plaintext = services.token_issue(actor=None, person=person, name=name)
        self.stderr.write(f"Token {token.prefix}… for {person.username}; it is shown this once:")
        self.stdout.write(plaintext)

    def list(self, person: Person) -> None:
        for token in ApiToken.objects.filter(person=person):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
            self.stdout.write(f"{token.prefix}…  {token.name}  ({state}, {used})")

    def revoke(self, prefix: str) -> None:
        matches = list(ApiToken.objects.live().filter(prefix=prefix.rstrip("…")))
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} live tokens have the prefix {prefix!r}: name exactly one.")
        services.token_revoke(actor=None, token=matches[0])
        self.stdout.write(f"Revoked {matches[0].prefix}….")
