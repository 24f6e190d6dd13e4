"""``pontio user add USERNAME --org CODE --role ROLE --email EMAIL [--password P]``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pontio.directory.models import Organisation
from pontio.directory.roles import Role
from pontio.directory.services import users


class Command(BaseCommand):
    help = "Manage user accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser(
            "add",
            help="Add a user. Without --password the user is e-mailed their "
            "username and, separately, a link to set a password.",
        )
        add.add_argument("username")
        add.add_argument(
            "--org",
            required=True,
            help="a school's 7-digit number, an LA's 3-digit number, or central",
        )
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--email", required=True)
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument(
            "--password",
            help="set this password (checked against the password rules); the "
            "user still enrols an authenticator at first sign-in",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"no organisation with the code {options['org']}")
        try:
            user = users.create_user(
                actor=None,
                organisation=organisation,
                username=options["username"],
                email=options["email"],
                role=options["role"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                password=options["password"],
                source="cli",
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        how = "password set" if options["password"] else "invitation e-mailed"
        self.stdout.write(
            f"added {user.username} ({user.role}) to {organisation}: {how}"
        )
