from typing import Any

from django.core.management.base import BaseCommand

from langso.places.loaders import load_administrative_units


class Command(BaseCommand):
    help = "Load or refresh the 34 provinces and 3,321 communes from the vietnam-provinces package."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_administrative_units()
        self.stdout.write(
            f"{result.provinces} provinces, {result.communes} communes (data of {result.data_version})."
        )
