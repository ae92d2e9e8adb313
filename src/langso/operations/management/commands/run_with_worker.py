"""`make run`: the web server and the background worker side by side, stopped together on Ctrl-C.

A commune laptop has no systemd to run the worker (docs/deploy.md has the two services for a server):
without it a big import would wait in the queue for ever. This command starts `runserver` and
`db_worker` as child processes, restarts the worker if it dies, runs the recoveries cron would run
(`import_recover`, `recover_tasks`) every minute so a job whose worker died is picked up again, and
stops both children when it is interrupted or when the server stops.

It assumes its worker is the installation's only one (what `make run` is for): at start, and when its
worker dies, whatever was left running is taken for dead at once. A server runs the worker as its own
service instead (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

RESTARTS_PER_HOUR = 20


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    manage = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0].endswith("manage.py") else None
    command = [sys.executable, str(manage), *args] if manage else [sys.executable, "-m", "django", *args]
    # Each child leads its own process group, so stopping it also stops what it started (the
    # autoreloader's child of runserver), and Ctrl-C reaches this supervisor, which stops them in order.
    return subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own interpreter and manage.py


def _stop(process: subprocess.Popen[bytes], *, grace: float = 10) -> None:
    if process.poll() is not None:
        return
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


class Command(BaseCommand):
    help = (
        "Serve the app (runserver) and run the background worker (db_worker) beside it; Ctrl-C stops "
        "both. The worker is restarted if it dies, and stalled imports and tasks are recovered every minute."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="runserver without its autoreloader")
        parser.add_argument("--recover-every", type=int, default=60, help="seconds between recoveries")

    def handle(self, *args: Any, **options: Any) -> None:
        server_args = ["runserver", options["addrport"], *(["--noreload"] if options["noreload"] else [])]
        worker_args = ["db_worker", "--queue-name", "*", "--interval", "1", "--no-startup-delay"]
        stopping = False

        def request_stop(_signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write("Làng Số: web server and background worker starting (Ctrl-C stops both).")
        # Its worker is the only one (a single-machine install): whatever a worker was running when the
        # last run stopped is dead, and is recovered now rather than after the usual staleness.
        self._recover(worker_died=True)
        server = _start(server_args)
        worker = _start(worker_args)
        restarts: list[float] = []
        last_recovery = 0.0
        try:
            while not stopping:
                time.sleep(0.5)
                if server.poll() is not None:
                    self.stderr.write(
                        f"The web server stopped (exit {server.returncode}); stopping the worker."
                    )
                    break
                if worker.poll() is not None:
                    now = time.monotonic()
                    restarts = [t for t in restarts if now - t < 3600] + [now]
                    if len(restarts) > RESTARTS_PER_HOUR:
                        self.stderr.write("The background worker keeps stopping; see its messages above.")
                        break
                    self.stderr.write(
                        f"The background worker stopped (exit {worker.returncode}); restarting it."
                    )
                    # It was the only worker: what it was running is dead. Recovered before the new
                    # worker starts, so nothing the new one takes is mistaken for dead.
                    self._recover(worker_died=True)
                    worker = _start(worker_args)
                    last_recovery = time.monotonic()
                if time.monotonic() - last_recovery >= options["recover_every"]:
                    last_recovery = time.monotonic()
                    self._recover()
        finally:
            _stop(worker)
            _stop(server)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Làng Số stopped.")

    def _recover(self, *, worker_died: bool = False) -> None:
        """What cron runs on a server: tasks whose worker died, then import jobs without a heartbeat.
        Right after its worker died, at once (no waiting for the usual staleness)."""
        now = ["--minutes", "0"]
        for command, args in (
            ("recover_tasks", [*now, "--max-minutes", "0"] if worker_died else []),
            ("import_recover", now if worker_died else []),
        ):
            try:
                call_command(command, *args, stdout=StringIO(), stderr=StringIO())
            except Exception as exc:  # a recovery that fails now is tried again in a minute
                self.stderr.write(f"{command}: {exc}")
