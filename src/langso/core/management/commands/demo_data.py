from typing import Any

from django.core.management.base import BaseCommand

from langso.core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data


class Command(BaseCommand):
    help = "Load the demo: real units, four communes of the reports with villages, households and adults, demo users."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_data()
        self.stdout.write(
            f"Demo data ready: {created['villages']} villages, {created['households']} households, "
            f"{created['residents']} residents created (0 means they were already there)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {role:<16} {full_name}")
        self.stdout.write("")
        self.stdout.write(
            "Open http://127.0.0.1:8000/ and sign in. Two-factor sign-in is relaxed for demo users."
        )
