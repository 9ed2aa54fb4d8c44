import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from marathon.settings import parse_database_url


def run_settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import marathon.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env={**clean, **env}, capture_output=True, text=True, timeout=60,
    )


def test_database_url_postgres_parsed():
    config = parse_database_url("postgres://user:pw@db.example:5433/marathon")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql", "db.example", 5433, "marathon")


@pytest.mark.parametrize("url, message", [
    ("mysql://root@localhost/marathon", "unsupported database"),
    ("not a url at all", "not a valid database URL"),
    ("postgres://user@localhost:5432", "names no database"),
])
def test_bad_database_url_gives_clear_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_database_url(url)


def test_bad_database_url_fails_at_startup_with_message():
    result = run_settings({"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/x"})
    assert result.returncode != 0
    assert "DATABASE_URL uses an unsupported database" in result.stderr


def test_secret_key_required_when_debug_off():
    result = run_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_default_database_is_sqlite_under_var_when_unset():
    result = run_settings({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_bad_boolean_is_reported():
    result = run_settings({"DEBUG": "maybe"})
    assert "DEBUG must be a boolean" in result.stderr


def test_tasks_run_eagerly_without_redis(settings):
    from marathon.celery import app

    assert settings.REDIS_URL == ""
    assert app.conf.task_always_eager is True
