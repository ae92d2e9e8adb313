"""DATABASE_URL as a province under Patroni writes it: several hosts, and libpq picks the primary."""

from __future__ import annotations

import psycopg.conninfo
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper

from langso.core.database_url import parse_database_url

PATRONI_URL = (
    "postgres://langso:p%40s@10.0.0.11:5432,10.0.0.12:5433,[fd00::13]/langso"
    "?target_session_attrs=read-write&sslmode=require&connect_timeout=3"
)


def _psycopg_params(config: dict) -> dict:
    """What Django hands psycopg for this entry (the connection is not opened)."""
    full = connections.configure_settings({"default": config})["default"]
    return DatabaseWrapper(full, "default").get_connection_params()


def test_every_host_and_its_port_reach_psycopg_with_target_session_attrs():
    config = parse_database_url(PATRONI_URL, conn_max_age=60)
    assert config["HOST"] == "10.0.0.11,10.0.0.12,fd00::13"
    assert config["PORT"] == "5432,5433,5432"  # libpq wants one port per host once any is given
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == (
        "langso",
        "langso",
        "p@s",
    )  # short: not mistaken for a secret
    assert config["CONN_MAX_AGE"] == 60

    # libpq's own reading of the parameters (Django's Python-side ones, such as the cursor class, aside).
    params = {k: v for k, v in _psycopg_params(config).items() if isinstance(v, str | int)}
    conninfo = psycopg.conninfo.conninfo_to_dict(psycopg.conninfo.make_conninfo(**params))
    assert conninfo["host"] == "10.0.0.11,10.0.0.12,fd00::13"
    assert conninfo["port"] == "5432,5433,5432"
    assert conninfo["target_session_attrs"] == "read-write"
    assert conninfo["sslmode"] == "require"
    assert conninfo["dbname"] == "langso"


def test_hosts_without_ports_leave_the_port_to_libpq():
    config = parse_database_url("postgres://langso@db1,db2,db3/langso?target_session_attrs=read-write")
    assert config["HOST"] == "db1,db2,db3"
    assert config["PORT"] == ""
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}


def test_a_single_host_url_is_read_as_before():
    config = parse_database_url("postgres://langso:pw@127.0.0.1:5432/langso")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "langso")
    sqlite = parse_database_url("sqlite:////srv/langso/var/langso.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == "/srv/langso/var/langso.sqlite3"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://langso@db1:5432,,db3:5432/langso",  # an empty host
        "postgres://langso@db1:54x2,db2/langso",  # a port that is not a number
        "mysql://langso@db1,db2/langso",  # only PostgreSQL's libpq understands a host list
    ],
)
def test_a_broken_host_list_is_refused_with_a_reason(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)
