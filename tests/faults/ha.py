"""A high-availability database on loopback for the failover drill: one etcd and two PostgreSQL nodes
under Patroni, as docs/deploy.md §13 sets up on three machines, each part a process of its own in a
temporary directory, on free ports, removed at the end.

The "machine" of a node is its Patroni and its PostgreSQL: `PatroniNode.kill()` ends both with
SIGKILL at once (the postmaster is frozen first so it forks no new backend while its children are
being killed), so nothing is flushed, no leader key is released and no client is told goodbye.

Run as root (CI), Patroni and PostgreSQL run as the `postgres` OS user: PostgreSQL refuses root.
"""

# ruff: noqa: S603, S310 - runs our own fixed command lines, and talks HTTP to 127.0.0.1 only
from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg

from tests.faults.harness import free_port, postgres_bin_dir, wait_until

SCOPE = "langso-drill"
SUPERUSER_PASSWORD = "drill-superuser"  # noqa: S105 - a throwaway cluster on loopback, removed at the end
# user:password as a URL's user part (the password is the throwaway one above).
SUPERUSER = f"postgres:{SUPERUSER_PASSWORD}"
REPLICATION_PASSWORD = "drill-replication"  # noqa: S105

# Patroni's timing. A node that dies without a word keeps its leader key until the key's lease ends
# (`ttl`); the replica then takes over on its next loop. Patroni's own defaults are 30 / 10 / 10; a
# drill on one machine may be quicker, and the docs give the production values.
TTL = 10
LOOP_WAIT = 1
RETRY_TIMEOUT = 3


def missing_tools() -> list[str]:
    """What the drill needs and this machine lacks (Debian: patroni, etcd-server, postgresql)."""
    missing = [tool for tool in ("patroni", "etcd") if shutil.which(tool) is None]
    try:
        postgres_bin_dir()
    except RuntimeError:
        missing.append("postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("the postgres OS user")
    return missing


def _owner() -> pwd.struct_passwd | None:
    return pwd.getpwnam("postgres") if os.geteuid() == 0 else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if _owner() else command


def _give(path: Path) -> None:
    owner = _owner()
    if owner:
        os.chown(path, owner.pw_uid, owner.pw_gid)


class _Process:
    """A process in a session of its own (so one signal reaches everything it started), logged to a file."""

    def __init__(self, name: str, command: list[str], base: Path) -> None:
        self.name = name
        self.command = command
        self.log = base / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str] | None = None) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
                cwd=self.log.parent,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.process = None

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Etcd:
    """A one-member etcd cluster on loopback (production runs three, one per database machine)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.client_port = free_port()
        self.peer_port = free_port()
        client = f"http://127.0.0.1:{self.client_port}"
        peer = f"http://127.0.0.1:{self.peer_port}"
        self.process = _Process(
            "etcd",
            [
                shutil.which("etcd") or "etcd",
                "--name=drill",
                f"--data-dir={base / 'etcd'}",
                f"--listen-client-urls={client}",
                f"--advertise-client-urls={client}",
                f"--listen-peer-urls={peer}",
                f"--initial-advertise-peer-urls={peer}",
                f"--initial-cluster=drill={peer}",
                "--initial-cluster-state=new",
                f"--initial-cluster-token={SCOPE}-{self.client_port}",
                "--unsafe-no-fsync",  # a test's own etcd on a shared disk; the machine does not crash
            ],
            base,
        )

    def start(self) -> None:
        self.process.start()

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.client_port}/health", timeout=2) as r:
                    return json.loads(r.read()).get("health") == "true"
            except OSError:
                return False

        wait_until(healthy, timeout=30, every=0.1, what=f"etcd to answer\n{self.process.tail()}")

    def kill(self) -> None:
        self.process.kill()


class PatroniNode:
    """One database "machine": Patroni managing a PostgreSQL of its own (data, socket and log in `base`)."""

    def __init__(self, name: str, base: Path, etcd: Etcd) -> None:
        self.name = name
        self.base = base / name
        self.base.mkdir()
        _give(self.base)
        self.port = free_port()
        self.api_port = free_port()
        self.data = self.base / "data"
        self.config = self.base / "patroni.yml"
        self.config.write_text(json.dumps(self._config(etcd), indent=2))  # JSON is YAML
        _give(self.config)
        self.process = _Process(
            "patroni", _as_owner([shutil.which("patroni") or "patroni", str(self.config)]), self.base
        )

    def _config(self, etcd: Etcd) -> dict[str, Any]:
        loopback = "127.0.0.1"
        return {
            "scope": SCOPE,
            "name": self.name,
            "log": {"level": "INFO"},
            "restapi": {
                "listen": f"{loopback}:{self.api_port}",
                "connect_address": f"{loopback}:{self.api_port}",
            },
            "etcd3": {"hosts": f"{loopback}:{etcd.client_port}"},
            "bootstrap": {
                "dcs": {
                    "ttl": TTL,
                    "loop_wait": LOOP_WAIT,
                    "retry_timeout": RETRY_TIMEOUT,
                    "maximum_lag_on_failover": 1048576,
                    # A commit waits until the replica has it: what the app acknowledged survives the
                    # loss of the primary. Without it a failover may drop the last commits.
                    "synchronous_mode": True,
                    "postgresql": {
                        "use_pg_rewind": False,
                        "parameters": {
                            "wal_level": "replica",
                            "hot_standby": "on",
                            "max_wal_senders": 5,
                            "max_replication_slots": 5,
                            "max_connections": 60,
                            "wal_keep_size": "128MB",
                        },
                    },
                },
                "initdb": [{"encoding": "UTF8"}, "no-locale", "no-sync"],
            },
            "postgresql": {
                "listen": f"{loopback}:{self.port}",
                "connect_address": f"{loopback}:{self.port}",
                "data_dir": str(self.data),
                "bin_dir": str(postgres_bin_dir()),
                "pgpass": str(self.base / "pgpass"),
                # A new replica's pg_basebackup asks for a checkpoint: at once, not spread over minutes.
                "basebackup": [{"checkpoint": "fast"}],
                "authentication": {
                    "superuser": {"username": "postgres", "password": SUPERUSER_PASSWORD},
                    "replication": {"username": "replicator", "password": REPLICATION_PASSWORD},
                },
                "pg_hba": [
                    "local all all trust",
                    f"host replication replicator {loopback}/32 scram-sha-256",
                    f"host all all {loopback}/32 scram-sha-256",
                ],
                "parameters": {
                    "unix_socket_directories": str(self.base),
                    "shared_buffers": "64MB",
                    # The drill kills processes, not the machine: the kernel keeps what was written,
                    # so skipping fsync loses nothing here and spares a shared disk.
                    "fsync": "off",
                    "full_page_writes": "off",
                    "logging_collector": "on",  # data/log/, shown when the drill fails
                    "log_directory": "log",
                    "log_min_messages": "info",
                },
            },
        }

    def start(self) -> None:
        self.process.start()

    def state(self) -> dict[str, Any]:
        """Patroni's view of this node (GET /patroni): role, state; {} when its API does not answer."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/patroni", timeout=2) as response:
                return json.loads(response.read())
        except OSError as error:
            body = getattr(error, "read", None)  # 503 from a replica still carries the JSON
            if body is not None:
                with contextlib.suppress(ValueError):
                    return json.loads(body())
            return {}

    def cluster(self) -> dict[str, Any]:
        """The cluster as this node's Patroni sees it (GET /cluster): members, roles, lag."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.api_port}/cluster", timeout=2) as response:
            return json.loads(response.read())

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=3)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self) -> None:
        """The machine dies: Patroni and every PostgreSQL process of this node get SIGKILL."""
        self.process.kill()
        postmaster = self.postmaster_pid()
        if postmaster is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGSTOP)  # no new backend is forked from here on
        for child in _children(postmaster):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(postmaster, signal.SIGKILL)
        wait_until(lambda: not _alive(postmaster), timeout=10, what="the postmaster to die")

    def tail(self) -> str:
        """Patroni's log, and PostgreSQL's (also from a data directory Patroni set aside after a failure)."""
        logs = [f"--- {self.name} patroni\n{self.process.tail(150)}"]
        for path in sorted(self.base.glob("data*/log/*.log")):
            text = path.read_text(errors="replace").splitlines()[-40:]
            logs.append(f"--- {self.name} {path.relative_to(self.base)}\n" + "\n".join(text))
        return "\n".join(logs)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name is in parentheses and may hold spaces: the parent pid follows the last ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class HaCluster:
    """etcd + two Patroni nodes: db1 leads, db2 is its synchronous, streaming replica."""

    def __init__(self, base: Path) -> None:
        self.base = base
        _give(base)
        self.etcd = Etcd(base)
        self.nodes = [PatroniNode(f"db{n}", base, self.etcd) for n in (1, 2)]

    def start_leader(self, timeout: float = 90) -> None:
        """etcd, and db1 bootstrapping the cluster: it leads, alone (commits do not wait for a replica
        until one is in sync, as `synchronous_mode` without `synchronous_mode_strict` does)."""
        self.etcd.start()
        first = self.nodes[0]
        for attempt in (1, 2):
            first.start()
            wait_until(
                lambda: self.leader() is first or not first.process.alive(),
                timeout=timeout,
                what="db1 to lead",
            )
            if first.process.alive():
                return
            # Seen once in many runs on a loaded machine: Patroni gave up its bootstrap and exited (it
            # sets the data directory aside and clears its claim in etcd). That is the test rig's
            # set-up, not the failover under test: say so, and bootstrap once more.
            print(f"[faults] Patroni's bootstrap of db1 failed (attempt {attempt}):\n{first.tail()}")
        raise RuntimeError("Patroni could not bootstrap db1 twice in a row")

    def start_replica(self, timeout: float = 90) -> None:
        """db2 clones the leader (pg_basebackup, by Patroni), streams, and becomes the synchronous standby."""
        self.nodes[1].start()
        wait_until(self.replica_in_sync, timeout=timeout, what="a synchronous replica")

    def leader(self) -> PatroniNode | None:
        for node in self.nodes:
            state = node.state()
            if state.get("role") in ("master", "primary") and state.get("state") == "running":
                return node
        return None

    def replica_in_sync(self) -> bool:
        """The replica streams and Patroni has made it the synchronous standby (promotable)."""
        leader = self.leader()
        if leader is None:
            return False
        try:
            members = leader.cluster()["members"]
        except (OSError, KeyError, ValueError):
            return False
        if not any(m.get("role") == "sync_standby" and m.get("state") == "running" for m in members):
            return False
        try:
            with leader.connect() as conn:
                return bool(
                    conn.execute(
                        "SELECT 1 FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'"
                    ).fetchall()
                )
        except psycopg.OperationalError:
            return False

    def multi_host_url(self, database: str) -> str:
        """The app's DATABASE_URL (docs/deploy.md §13): every node, and libpq keeps the one that writes."""
        hosts = ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)
        return (
            f"postgres://{SUPERUSER}@{hosts}/{database}"
            "?target_session_attrs=read-write&connect_timeout=3"
            "&keepalives_idle=10&keepalives_interval=3&keepalives_count=3&tcp_user_timeout=20000"
        )

    def logs(self) -> str:
        return "\n".join([f"--- etcd\n{self.etcd.process.tail(10)}", *(node.tail() for node in self.nodes)])

    def destroy(self) -> None:
        for node in self.nodes:
            with contextlib.suppress(Exception):
                node.kill()
        self.etcd.kill()
        _sweep(self.base)
        shutil.rmtree(self.base, ignore_errors=True)


def _sweep(base: Path) -> None:
    """Any process still running from the drill's directory (a PostgreSQL Patroni detached) is killed."""
    marker = str(base)
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError, ValueError):
            if marker in cmdline.read_bytes().decode(errors="replace"):
                os.kill(int(cmdline.parent.name), signal.SIGKILL)
    time.sleep(0.2)
