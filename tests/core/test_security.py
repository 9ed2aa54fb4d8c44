import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory

from marathon.middleware import CSPMiddleware

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_csp_header_forbids_inline_code(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/api/docs/"])
def test_pages_load_nothing_from_outside_the_site(client, url):
    html = client.get(url).content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert [u for u in external if not u.startswith("http://testserver")] == []
    assert "<script>" not in html and 'style="' not in html


def test_check_deploy_has_no_warnings():
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**base, "DEBUG": "0", "SECRET_KEY": "k" * 64 + "-production-like-secret-value",
           "ALLOWED_HOSTS": "marathon.example", "SITE_URL": "https://marathon.example",
           "SECURE_SSL_REDIRECT": "1", "SECURE_COOKIES": "1", "SECURE_HSTS_SECONDS": "31536000"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_home_shows_current_edition_timeline(client, edition):
    html = client.get("/").content.decode()
    assert edition.title in html
    assert "Team formation" in html
    assert '<strong id="current-phase">Team formation</strong>' in html


def test_language_switch_to_russian(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


def test_csp_header_is_the_one_django_csp_builds_and_follows_a_settings_change(client, settings):
    assert client.get("/").headers["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in client.get("/").headers
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/").headers["Content-Security-Policy"] == "default-src 'none'"


def test_csp_per_view_policy_still_applies():
    view = csp_update({"img-src": ["https://tiles.example"]})(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    response = middleware.process_response(request, view(request))
    assert "img-src 'self' data: https://tiles.example" in response.headers["Content-Security-Policy"]
