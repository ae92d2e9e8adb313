"""Create the first administrator (roles, not is_superuser, grant rights in Làng Số)."""

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from langso.accounts.models import Role
from langso.accounts.services import user_create


class Command(BaseCommand):
    help = "Create an administrator for the whole country. The password is asked for, or read from --password-env."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", help="name of an environment variable holding the password")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            user = user_create(
                acting_user=None,
                username=options["username"],
                password=password,
                full_name=options["full_name"] or options["username"],
                role=Role.ADMINISTRATOR,
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Administrator {user.username} created. Two-factor sign-in is set up at the first sign-in."
        )
