"""Database URLs, including PostgreSQL's multi-host form, turned into Django's DATABASES entries.

A province under Patroni (docs/deploy.md) lists every database machine in one URL and lets libpq
find the one that takes writes:

    postgres://langso:pw@10.0.0.11:5432,10.0.0.12:5432,10.0.0.13:5432/langso?target_session_attrs=read-write

After a failover the next connection lands on the new primary by itself. dj-database-url reads one
host only (the comma list makes its port parsing fail), so this module splits the host list, lets
dj-database-url read the rest, and hands libpq the hosts and ports as its comma-separated `host` and
`port` parameters; query options such as `target_session_attrs` go to OPTIONS, which Django passes to
psycopg as they are.

Imported by settings: nothing here may touch Django's settings or models.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRES_ENGINE = "django.db.backends.postgresql"


def _host_and_port(item: str) -> tuple[str, str]:
    """'db1:5432' → ('db1', '5432'); '[fd00::1]:5433' → ('fd00::1', '5433'); 'db2' → ('db2', '')."""
    item = item.strip()
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = item.partition(":")
    if port and not port.isdigit():
        raise ImproperlyConfigured(f"The port of {item!r} in DATABASE_URL is not a number.")
    return unquote(host), port


def parse_database_url(url: str, **kwargs: Any) -> dj_database_url.DBConfig:
    """Django's DATABASES entry for `url`. Keyword arguments are dj-database-url's (conn_max_age…)."""
    parts = urlsplit(url)
    userinfo, at, hostlist = parts.netloc.rpartition("@")
    if "," not in hostlist:
        return dj_database_url.parse(url, **kwargs)
    pairs = [_host_and_port(item) for item in hostlist.split(",")]
    if not all(host for host, _port in pairs):
        raise ImproperlyConfigured("DATABASE_URL lists an empty host between its commas.")
    # dj-database-url reads the URL with its first host alone; the list is put back afterwards.
    first = hostlist.split(",")[0].strip()
    config = dj_database_url.parse(urlunsplit(parts._replace(netloc=f"{userinfo}{at}{first}")), **kwargs)
    if config["ENGINE"] != POSTGRES_ENGINE:
        raise ImproperlyConfigured("Only a PostgreSQL DATABASE_URL may list several hosts.")
    config["HOST"] = ",".join(host for host, _port in pairs)
    ports = [port for _host, port in pairs]
    # libpq takes one port for every host, or exactly one port per host.
    config["PORT"] = ",".join(port or "5432" for port in ports) if any(ports) else ""
    return config


def register_database(alias: str, url: str) -> None:
    """Make `url` usable as `connections[alias]` in this thread (a restore drill's scratch database,
    the replica tests' throwaway clusters), without adding it to the configured databases: it is never
    migrated, flushed or closed with them. `forget_database(alias)` closes and removes it."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.utils import load_backend

    base = dict(connections.settings[DEFAULT_DB_ALIAS])
    config = connections.configure_settings({DEFAULT_DB_ALIAS: base, alias: parse_database_url(url)})[alias]
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)


def forget_database(alias: str) -> None:
    from django.db import connections

    wrapper = getattr(connections._connections, alias, None)  # type: ignore[attr-defined]  # private, not in the stubs
    if wrapper is not None:
        wrapper.close()
        delattr(connections._connections, alias)  # type: ignore[attr-defined]  # private, not in the stubs
