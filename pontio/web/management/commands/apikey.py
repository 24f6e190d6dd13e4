"""``pontio apikey create USERNAME [--name LABEL]``: print a new API key once."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pontio.directory.models import User
from pontio.directory.services import apikeys

DEFAULT_KEY_NAME = "command line"


class Command(BaseCommand):
    help = "Create an API key for a user; the key is printed once, on the last line."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="create a key for a user")
        create.add_argument("username")
        create.add_argument(
            "--name", default=DEFAULT_KEY_NAME, help="a label for the key"
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as error:
            raise CommandError(f"no user named {options['username']!r}") from error
        try:
            key, raw_key = apikeys.create_api_key(
                user, actor=None, name=options["name"]
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(
            f"API key {key.prefix}… ({key.name}) for {user.username}; shown once:"
        )
        self.stdout.write(raw_key)
