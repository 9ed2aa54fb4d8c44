"""Issue 12.5: a refused page is one log line, not a traceback."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_forbidden_page_logs_one_line_without_traceback(login, student, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = login(student).get("/reports/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /reports/")]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_server_error_keeps_its_traceback(monkeypatch, caplog):
    from marathon import views

    def crash(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "cards_for", lambda *args: crash(None))
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text
