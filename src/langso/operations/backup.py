"""Backups that restore: one file of the whole database plus a small JSON manifest beside it.

SQLite (a commune laptop): a consistent copy made with SQLite's online backup API (it works while the
app runs and includes what still sits in the WAL file), checked with `PRAGMA integrity_check`, then
gzipped. PostgreSQL (a province): `pg_dump --format=custom` of the configured database. The row counts in
the manifest are taken from exactly the data in the file: from the copy on SQLite, and on PostgreSQL
inside the transaction whose snapshot pg_dump is given (`--snapshot`), so they match to the row.

The manifest says which database made the file, the migration state (latest applied migration per app),
the row count of every table, when, and the file's SHA-256. A restore checks it first: the same kind of
database, a file that is not damaged, and no migration the running code does not know (a backup made by
a newer version). After restoring it compares the row counts with the manifest.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore are run with argument lists, never a shell
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST_FORMAT = "langso-backup"
MANIFEST_VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"
CHUNK = 1024 * 1024
# Options of a PostgreSQL connection that libpq reads from the environment (never the command line).
PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    # A multi-host DATABASE_URL (Patroni): pg_dump and pg_restore go to the primary, as the app does.
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """Something the operator must fix; the message says what, in plain words."""


@dataclass
class RestoreReport:
    vendor: str
    manifest: dict[str, Any]
    # (table, count in the manifest, count now) for every table whose count differs.
    mismatches: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    previous_copy: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- what the database holds -------------------------------------------------------------------------


def model_tables() -> list[str]:
    """Every table the code manages (models and many-to-many tables), and Django's migration table."""
    tables = {"django_migrations"}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.add(meta.db_table)
    return sorted(tables)


def _state(
    cursor: Any, quote: Callable[[str], str], existing: Iterable[str]
) -> tuple[dict[str, str], dict[str, int]]:
    present = set(existing)
    counts: dict[str, int] = {}
    for table in model_tables():
        if table in present:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from our own models
            counts[table] = int(cursor.fetchone()[0])
    latest: dict[str, str] = {}
    if "django_migrations" in present:
        # In the order they were applied: the last one per app is the state of that app.
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            latest[app] = name
    return latest, counts


def live_state(using: str = DEFAULT_DB_ALIAS) -> tuple[dict[str, str], dict[str, int]]:
    """Migration state and row counts of the configured database as it is now."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return _state(cursor, connection.ops.quote_name, connection.introspection.table_names(cursor))


def unknown_migrations(migrations: dict[str, str]) -> list[str]:
    """Applied migrations the running code does not have: the backup comes from a newer version."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, name in migrations.items()
        if app in loader.migrated_apps and (app, name) not in known
    )


# --- writing the files -------------------------------------------------------------------------------


def _private_temp(directory: Path, name: str) -> Path:
    """A new empty file only the owner can read (backups hold personal data)."""
    path = directory / f".{name}.{uuid.uuid4().hex}.tmp"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _publish(temp: Path, final: Path) -> None:
    """Give the finished file its name without ever replacing an existing file (link fails if taken)."""
    try:
        os.link(temp, final)
    except FileExistsError as exc:
        raise BackupError(_("Tệp %(path)s đã có; không ghi đè. Chọn tên khác.") % {"path": final}) from exc
    finally:
        temp.unlink(missing_ok=True)


def _write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    target = manifest_path_for(path)
    temp = _private_temp(path.parent, target.name)
    temp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    _publish(temp, target)
    return target


def _check_output(output: Path) -> Path:
    output = output.expanduser().absolute()
    if not output.parent.is_dir():
        raise BackupError(_("Thư mục %(path)s không tồn tại.") % {"path": output.parent})
    for path in (output, manifest_path_for(output)):
        if path.exists():
            raise BackupError(_("Tệp %(path)s đã có; không ghi đè. Chọn tên khác.") % {"path": path})
    return output


def backup(output: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Back up the configured database to `output` and write its manifest; return the manifest."""
    output = _check_output(output)
    connection = connections[using]
    if connection.vendor == "sqlite":
        migrations, counts = _sqlite_backup(connection, output)
    elif connection.vendor == "postgresql":
        migrations, counts = _postgres_backup(connection, output)
    else:
        raise BackupError(
            _("Chưa hỗ trợ sao lưu loại cơ sở dữ liệu này: %(vendor)s.") % {"vendor": connection.vendor}
        )
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "vendor": connection.vendor,
        "created_at": timezone.now().isoformat(),
        "file": output.name,
        "size": output.stat().st_size,
        "sha256": sha256_of(output),
        "migrations": migrations,
        "row_counts": counts,
    }
    _write_manifest(output, manifest)
    return manifest


def _sqlite_open(path: Path) -> sqlite3.Connection:
    """A plain connection to a copy, with the SQL functions Django's connections have: the CHECK
    constraints (e.g. REGEXP on IMEI numbers) call them during integrity_check."""
    from django.db.backends.sqlite3._functions import register  # type: ignore[import-untyped]  # private, not in the stubs

    from langso.core.text import fold

    opened = sqlite3.connect(path)
    register(opened)
    opened.create_function("vn_fold", 1, fold, deterministic=True)
    return opened


def _sqlite_integrity(path: Path) -> None:
    check = _sqlite_open(path)
    try:
        result = [row[0] for row in check.execute("PRAGMA integrity_check").fetchall()]
    finally:
        check.close()
    if result != ["ok"]:
        raise BackupError(
            _("Bản sao không nguyên vẹn (integrity_check): %(result)s") % {"result": "; ".join(result)[:300]}
        )


def _sqlite_state(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    copy = _sqlite_open(path)
    try:
        cursor = copy.cursor()
        tables = [row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return _state(cursor, lambda name: '"' + name.replace('"', '""') + '"', tables)
    finally:
        copy.close()


def _sqlite_backup(connection: BaseDatabaseWrapper, output: Path) -> tuple[dict[str, str], dict[str, int]]:
    copy = _private_temp(output.parent, output.name + ".sqlite3")
    packed = _private_temp(output.parent, output.name)
    try:
        # From the live connection: works for a file (with its WAL) and for an in-memory database alike,
        # and copies everything in one step, so the copy is one consistent state.
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        _sqlite_integrity(copy)
        state = _sqlite_state(copy)
        with copy.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as sink:
            shutil.copyfileobj(source, sink, CHUNK)
        _publish(packed, output)
    finally:
        copy.unlink(missing_ok=True)
        packed.unlink(missing_ok=True)
    return state


def _pg_command(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BackupError(
            _("Không tìm thấy lệnh %(tool)s. Cài gói postgresql-client (apt-get install postgresql-client).")
            % {"tool": tool}
        )
    return found


def pg_connection_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Arguments and environment for pg_dump/pg_restore. The password goes in PGPASSWORD, never on the
    command line, where any user of the machine could read it in the process list."""
    args = ["--no-password"]
    if settings_dict.get("HOST"):
        args.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        args.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        args.append(f"--username={settings_dict['USER']}")
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in PG_OPTION_ENV.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value not in (None, ""):
            env[variable] = str(value)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(what)s thất bại (mã %(code)s): %(error)s")
            % {"what": what, "code": result.returncode, "error": result.stderr.strip()[-1500:]}
        )
    return result.stdout


def _postgres_backup(connection: BaseDatabaseWrapper, output: Path) -> tuple[dict[str, str], dict[str, int]]:
    pg_dump = _pg_command("pg_dump")
    args, env = pg_connection_args(connection.settings_dict)
    temp = _private_temp(output.parent, output.name)
    try:
        # One snapshot for the file and the counts: pg_dump adopts the snapshot this transaction exports,
        # so the manifest counts are exactly the rows in the file even while people keep working.
        connection.ensure_connection()
        connection.set_autocommit(False)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                _run(
                    [
                        pg_dump,
                        *args,
                        "--format=custom",
                        "--compress=6",
                        f"--snapshot={snapshot}",
                        f"--file={temp}",
                        f"--dbname={connection.settings_dict['NAME']}",
                    ],
                    env,
                    "pg_dump",
                )
                state = _state(
                    cursor, connection.ops.quote_name, connection.introspection.table_names(cursor)
                )
        finally:
            connection.rollback()
            connection.set_autocommit(True)
        os.chmod(temp, 0o600)
        _publish(temp, output)
    finally:
        temp.unlink(missing_ok=True)
    return state


# --- restoring ---------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = manifest_path_for(path)
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp sao lưu %(path)s.") % {"path": path})
    if not manifest_path.is_file():
        raise BackupError(
            _(
                "Không tìm thấy tệp mô tả %(path)s bên cạnh bản sao lưu; không khôi phục khi không kiểm tra được."
            )
            % {"path": manifest_path}
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(_("Tệp mô tả %(path)s bị hỏng.") % {"path": manifest_path}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(
            _("Tệp %(path)s không phải tệp mô tả bản sao lưu Làng Số.") % {"path": manifest_path}
        )
    if manifest.get("version") != MANIFEST_VERSION:
        raise BackupError(_("Phiên bản tệp mô tả không được hỗ trợ: %(v)s.") % {"v": manifest.get("version")})
    return manifest


def check_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Everything a restore checks before it touches the database; returns the manifest."""
    manifest = read_manifest(path)
    vendor = connections[using].vendor
    if manifest.get("vendor") != vendor:
        raise BackupError(
            _("Bản sao lưu của cơ sở dữ liệu %(theirs)s, nhưng cơ sở dữ liệu đang cấu hình là %(ours)s.")
            % {"theirs": manifest.get("vendor"), "ours": vendor}
        )
    if sha256_of(path) != manifest.get("sha256"):
        raise BackupError(_("Tệp sao lưu không khớp mã SHA-256 trong tệp mô tả: tệp bị hỏng hoặc bị thay."))
    newer = unknown_migrations(manifest.get("migrations") or {})
    if newer:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản mới hơn phần mềm đang chạy (có các bước cập nhật "
                "cơ sở dữ liệu mà phần mềm này chưa có: %(names)s). Cài phiên bản mới rồi khôi phục."
            )
            % {"names": ", ".join(newer[:10])}
        )
    return manifest


def restore(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> RestoreReport:
    """Replace the configured database with the backup in `path`, then compare the row counts."""
    path = path.expanduser().absolute()
    manifest = check_backup(path, using=using)
    connection = connections[using]
    previous = None
    if connection.vendor == "sqlite":
        previous = _sqlite_restore(connection, path)
    else:
        _postgres_restore(connection, path)
    _, counts = live_state(using)
    expected: dict[str, int] = manifest.get("row_counts") or {}
    mismatches = [
        (table, expected.get(table), counts.get(table))
        for table in sorted(set(expected) | set(counts))
        if expected.get(table) != counts.get(table)
    ]
    return RestoreReport(
        vendor=connection.vendor, manifest=manifest, mismatches=mismatches, previous_copy=previous
    )


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> Path | None:
    in_memory = connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's wrapper: the SQLite path
    database = None if in_memory else Path(connection.settings_dict["NAME"]).absolute()
    # Unpacked next to the database, so the final rename stays on one file system (atomic).
    directory = Path(tempfile.gettempdir()) if database is None else database.parent
    temp = _private_temp(directory, "restore.sqlite3")
    try:
        try:
            with gzip.open(path, "rb") as source, temp.open("wb") as sink:
                shutil.copyfileobj(source, sink, CHUNK)
        except (OSError, EOFError) as exc:
            raise BackupError(_("Không giải nén được tệp sao lưu: %(error)s") % {"error": exc}) from exc
        try:
            _sqlite_integrity(temp)
        except sqlite3.DatabaseError as exc:
            raise BackupError(_("Tệp sao lưu không phải cơ sở dữ liệu SQLite hợp lệ.")) from exc
        if database is None:
            # An in-memory database (the test suite) lives only in this process: copy the pages into
            # the live connection with the same backup API, in one step.
            connection.ensure_connection()
            source = sqlite3.connect(temp)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return None
        return _sqlite_swap(connection, database, temp)
    finally:
        temp.unlink(missing_ok=True)


def _sqlite_swap(connection: BaseDatabaseWrapper, database: Path, temp: Path) -> Path | None:
    """Put the restored file in place of the database. The application must be stopped."""
    connection.close()
    previous = None
    if database.exists():
        # Keep what is being replaced (with what sits in its WAL file), in case the wrong file was chosen.
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        previous = database.with_name(f"{database.name}.before-restore-{stamp}")
        current = sqlite3.connect(database)
        kept = sqlite3.connect(previous)
        try:
            current.backup(kept)
        finally:
            kept.close()
            current.close()
        os.chmod(previous, 0o600)
    # The old WAL and shared-memory files belong to the old database: left beside the new file, SQLite
    # would replay them into it. They are in the copy kept above.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(temp, database)
    return previous


def _postgres_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    pg_restore = _pg_command("pg_restore")
    args, env = pg_connection_args(connection.settings_dict)
    listing = _run([pg_restore, "--list", str(path)], env, "pg_restore --list")
    # Extensions (unaccent, pg_trgm) are created once by the superuser (docs/deploy.md section 5) and
    # belong to them: the application's role may not drop or create them, so they are left as they are.
    kept = [line for line in listing.splitlines() if not _is_extension_entry(line)]
    list_file = _private_temp(Path(tempfile.gettempdir()), "pg_restore.list")
    try:
        list_file.write_text("\n".join(kept) + "\n", encoding="utf-8")
        connection.close()
        _run(
            [
                pg_restore,
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={list_file}",
                f"--dbname={connection.settings_dict['NAME']}",
                str(path),
            ],
            env,
            "pg_restore",
        )
    finally:
        list_file.unlink(missing_ok=True)


def _is_extension_entry(line: str) -> bool:
    # "12; 3079 16390 EXTENSION - unaccent" and "4390; 0 0 COMMENT - EXTENSION unaccent"
    if line.startswith(";") or ";" not in line:
        return False
    words = line.split(";", 1)[1].split()
    return len(words) >= 4 and (
        words[2] == "EXTENSION" or (words[2] == "COMMENT" and words[4:5] == ["EXTENSION"])
    )


def default_backup_name(now: datetime.datetime | None = None, *, vendor: str) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d-%H%M")
    return f"langso-{stamp}." + ("sqlite3.gz" if vendor == "sqlite" else "dump")
