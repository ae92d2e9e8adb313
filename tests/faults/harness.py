"""The moving parts of the fault-injection suite: a throwaway PostgreSQL cluster, the real app server
(gunicorn) and the real background worker (`manage.py db_worker`), each a process of its own that a
test can kill with SIGKILL (or, for PostgreSQL, an immediate stop: no checkpoint, no goodbye to the
clients; the next start replays the WAL, as after a crash).

Nothing here touches the machine's shared PostgreSQL: the cluster lives in a temporary directory, on
a free port, and is removed at the end. Run as root (CI), the cluster runs as the `postgres` OS user,
because initdb refuses to run as root.
"""

# ruff: noqa: S603, S310 - runs our own fixed command lines, and talks HTTP to 127.0.0.1 only
from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], Any], *, timeout: float, every: float = 0.02, what: str = "") -> Any:
    """Poll `condition` until it returns something true; its value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what or condition}")
        time.sleep(every)


def postgres_bin_dir() -> Path:
    """The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = sorted(
        (Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("no PostgreSQL server binaries (initdb) found: apt-get install postgresql")


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port, trust auth on loopback."""

    def __init__(self) -> None:
        self.bin = postgres_bin_dir()
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="langso-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        if self.as_root:  # initdb refuses root: the cluster belongs to the postgres OS user
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "run as root, the suite needs the postgres OS user (apt-get install postgresql)"
                ) from None
            os.chown(self.base, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.base}'",
            "max_connections": "50",
            "shared_buffers": "64MB",
            # The suite checks what survives a crash of the server process; the machine stays up, so
            # the kernel keeps what was written. Durability against power loss is not what is tested.
            "fsync": "off",
            "full_page_writes": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# langso fault-injection suite\n")
            for key, value in options.items():
                conf.write(f"{key} = {value}\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def crash(self) -> None:
        """Immediate stop: every server process quits at once, nothing is flushed or checkpointed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.crash()  # thrown away: no need for a clean shutdown
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def query(self, database: str, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        with self.connect(database) as conn:
            return conn.execute(sql, params).fetchall()

    def scalar(self, database: str, sql: str, params: Any = None) -> Any:
        return self.query(database, sql, params)[0][0]

    def recovered_from_crash(self) -> bool:
        return "database system was not properly shut down; automatic recovery in progress" in (
            self.log.read_text(errors="replace")
        )


class Service:
    """A long-running process of the app (gunicorn or the worker), in a process group of its own so a
    kill reaches every process of it, as the kernel's OOM killer or `systemctl kill -s KILL` would."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.logfile = logdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        log = self.logfile.open("ab")
        log.write(f"\n--- start {time.strftime('%H:%M:%S')}: {' '.join(self.command)}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL to the whole group: no handler runs, no transaction is finished, no row is updated."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def restart_if_dead(self) -> None:
        """What systemd's Restart=always does for the worker (docs/deploy.md)."""
        if not self.alive():
            self.restarts += 1
            self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def starts_logged(self) -> int:
        """How many times the process said it was ready (the worker logs "Starting worker")."""
        text = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
        return text.count("Starting worker")

    def log_tail(self, lines: int = 40) -> str:
        text = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def app_env(cluster: ThrowawayPostgres, database: str, workdir: Path) -> dict[str, str]:
    """The environment an installation gives the app server and the worker (docs/deploy.md), pointed at
    the throwaway cluster. Development settings with DEBUG off: production would also demand HTTPS."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LANGSO_", "DATABASE_", "PYTEST", "DB_"))
    }
    env.update(
        DATABASE_URL=cluster.url(database),
        DJANGO_SETTINGS_MODULE="langso.settings",
        LANGSO_ENV="development",
        DJANGO_DEBUG="0",
        LANGSO_VAR_DIR=str(workdir / "var"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
        LANGSO_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        PYTHONUNBUFFERED="1",
    )
    (workdir / "var").mkdir(parents=True, exist_ok=True)
    (workdir / "media").mkdir(parents=True, exist_ok=True)
    return env


def gunicorn(env: dict[str, str], workdir: Path, port: int) -> Service:
    return Service(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "langso.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        env,
        workdir,
    )


def worker(env: dict[str, str], workdir: Path) -> Service:
    return Service(
        "worker",
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-reload",
            "--no-startup-delay",
        ],
        env,
        workdir,
    )


def _run(argv: list[str], what: str, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a management command as cron would, and return what it printed."""
    return _run([sys.executable, "manage.py", *args], f"manage.py {' '.join(args)}", env, timeout)


def driver(env: dict[str, str], *args: str, timeout: float = 180) -> dict[str, Any]:
    """Run a step of tests/faults/driver.py (sets data up through the app's own services)."""
    argv = [sys.executable, str(ROOT / "tests" / "faults" / "driver.py"), *args]
    out = _run(argv, f"driver {' '.join(args)}", env, timeout)
    return json.loads(out.strip().splitlines()[-1])


def http_json(
    method: str, url: str, body: Any = None, *, token: str = "", timeout: float = 60
) -> tuple[int, Any]:
    """One HTTP request as the phone makes it. Raises OSError when the server is not there."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:500]
