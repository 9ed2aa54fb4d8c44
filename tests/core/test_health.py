import pytest

pytestmark = pytest.mark.django_db


def test_healthz_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True}}}


def test_healthz_reports_redis_when_configured(client, settings):
    import os

    settings.REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"ok": True}


def test_healthz_503_when_redis_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"] == {"ok": True}


def test_healthz_503_when_database_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise __import__("django.db").db.OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_healthz_costs_one_query_and_builds_no_migration_plan(client, django_assert_num_queries, monkeypatch):
    from django.db.migrations import executor

    monkeypatch.setattr(executor.MigrationExecutor, "migration_plan",
                        lambda *args, **kwargs: pytest.fail("liveness must not build the migration plan"))
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_readyz_checks_storage_and_migrations_once(client, django_assert_num_queries, monkeypatch):
    from marathon import health

    monkeypatch.setitem(health._migrations, "applied", False)
    monkeypatch.setitem(health._migrations, "checked_at", -1e9)
    first = client.get("/readyz")
    assert first.status_code == 200
    assert first.json() == {"status": "ok", "checks": {"database": {"ok": True}, "storage": {"ok": True},
                                                       "migrations": {"ok": True, "pending": 0}}}
    with django_assert_num_queries(1):  # the plan is remembered: only SELECT 1 now
        assert client.get("/readyz").status_code == 200


def test_readyz_503_when_storage_unreachable(client, monkeypatch):
    from django.core.files.storage import default_storage

    def unreachable(name):
        raise ConnectionError("object store down")

    monkeypatch.setattr(default_storage, "exists", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "ConnectionError"}
