from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from langso.guides.audio import build_all


class Command(BaseCommand):
    help = (
        "Make the audio reading (MP3, eSpeak NG) of every guide step that has none or whose text changed; "
        "--force remakes all of them. Pages also make a missing reading on first request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Remake every reading, even current ones.")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = build_all(force=options["force"])
        average_kb = stats.total_bytes / 1024 / max(stats.generated + stats.kept, 1)
        self.stdout.write(
            f"{stats.steps} step(s): {stats.generated} reading(s) made, {stats.kept} already current, "
            f"{len(stats.failed)} without readable text, "
            f"{stats.recorded} read by an approved recording (left alone), in {stats.elapsed_seconds:.1f} s. "
            f"Stored audio: {stats.total_bytes / 1024 / 1024:.2f} MB, {stats.total_seconds:.0f} s of speech, "
            f"{average_kb:.1f} KB per step on average."
        )
        if stats.failed:
            self.stderr.write("Steps without readable text (ids): " + ", ".join(map(str, stats.failed)))
