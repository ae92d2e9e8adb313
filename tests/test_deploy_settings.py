"""Production settings: `check --deploy` is clean, and the settings refuse an unsafe start.

Each check runs `manage.py` in a fresh process, because settings are read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MANAGE = str(ROOT / "manage.py")

# Variables of the developer's or CI's shell that would change what we check.
_CLEARED = ("LANGSO_ENV", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "LANGSO_DEMO_MODE",
            "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE", "LANGSO_CACHE_URL")  # fmt: skip


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    env.update(
        LANGSO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="langso.example.vn",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://langso.example.vn",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, MANAGE, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check", env=_production_env(DJANGO_SECRET_KEY=None))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_an_empty_secret_key() -> None:
    result = _manage("check", env=_production_env(DJANGO_SECRET_KEY=""))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"DJANGO_SECRET_KEY": "short"}, "security.W009"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "security.W020"),
        ({"DJANGO_DEBUG": "1"}, "security.W018"),
        ({"LANGSO_CACHE_URL": "locmem"}, "langso.W001"),
        ({"LANGSO_DEMO_MODE": "1"}, "langso.W002"),
    ],
    ids=["a weak secret key", "no allowed hosts", "debug switched on", "a per-process cache", "demo mode"],
)
def test_check_deploy_fails_when_a_production_setting_is_unsafe(
    overrides: dict[str, str | None], warning: str
) -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(**overrides))

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_defaults_are_the_secure_ones() -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'DEBUG': s.DEBUG, 'SESSION_COOKIE_SECURE': s.SESSION_COOKIE_SECURE, "
        "'CSRF_COOKIE_SECURE': s.CSRF_COOKIE_SECURE, 'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, "
        "'SECURE_HSTS_SECONDS': s.SECURE_HSTS_SECONDS, 'DEMO_MODE': s.DEMO_MODE, "
        "'X_FRAME_OPTIONS': s.X_FRAME_OPTIONS, 'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER, "
        "'first_hasher': s.PASSWORD_HASHERS[0], 'cache': s.CACHES['default']['BACKEND']}))"
    )
    result = _manage("shell", "-c", code, env=_production_env())

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "DEMO_MODE": False,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "first_hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
        "cache": "django.core.cache.backends.db.DatabaseCache",
    }


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("db", "django.core.cache.backends.db.DatabaseCache"),
        ("locmem", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_cache_is_chosen_by_url(url: str, backend: str) -> None:
    from langso.settings import cache_from_url

    assert cache_from_url(url)["BACKEND"] == backend


def test_an_unknown_cache_url_stops_the_start() -> None:
    result = _manage("check", env=_production_env(LANGSO_CACHE_URL="memcached://x"))

    assert result.returncode != 0
    assert "LANGSO_CACHE_URL" in result.stderr


def test_development_is_the_default_and_never_leaks_into_production() -> None:
    env = _production_env(LANGSO_ENV=None, DJANGO_SECRET_KEY=None, DJANGO_ALLOWED_HOSTS=None)
    result = _manage(
        "shell", "-c", "from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)", env=env
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True ['127.0.0.1', 'localhost', 'testserver']"


@pytest.mark.slow
def test_migrate_makes_the_shared_cache_table_and_the_cache_works(tmp_path: Path) -> None:
    env = _production_env(
        LANGSO_CACHE_URL="db",
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    assert _manage("migrate", "--noinput", env=env).returncode == 0
    result = _manage(
        "shell",
        "-c",
        "from django.core.cache import cache; cache.set('k', 41); cache.incr('k'); print(cache.get('k'))",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "42"
