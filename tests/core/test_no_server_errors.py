"""Bad input never gets a 500: every route, as several roles, with odd query strings, unknown
ids and malformed bodies. Runs on the demo data so most pages have something to render."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from marathon.models import User

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("admin/", "accounts/", "i18n/", "static/", "media/", "__debug__/")
ODD_QUERY = "?page=abc&page_size=-1&edition=x&year=abc&from=2030&to=1990&search=%00%27&format=zip" \
            "&status=nonsense&has_free_places=maybe&start=2020-02-30&end=yesterday&home=x&host=999999"
BODIES = [("{not json", "application/json"), ('{"reason": 42, "motivation": [], "scores": "x"}',
                                                "application/json"), ("", "application/json")]


def routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern


def concrete(pattern: str, value: str) -> str | None:
    if pattern.startswith("^") or "(?P" in pattern:
        return None  # regex routes (DRF format suffixes) repeat the plain ones
    return "/" + re.sub(r"<(?:\w+:)?\w+>", value, pattern)


@pytest.fixture
def demo_clients():
    call_command("seed_demo", stdout=io.StringIO())
    clients = {"anonymous": Client()}
    for email in ("office", "chair", "expert", "professor", "student", "coordinator"):
        client = Client()
        client.force_login(User.objects.get(email=f"{email}@marathon.example"))
        clients[email] = client
    return clients


def test_no_route_answers_500(demo_clients):
    failures = []
    paths = sorted({path for pattern in routes() if not pattern.startswith(SKIP_PREFIXES)
                    for value in ("1", "999999", "2019")
                    if (path := concrete(pattern, value))})
    assert len(paths) > 60  # the whole portal, not a handful of routes
    for role, client in demo_clients.items():
        for path in paths:
            for url in (path, path + ODD_QUERY):
                response = client.get(url)
                if response.status_code >= 500:
                    failures.append(f"GET {url} as {role}: {response.status_code}")
            if not path.startswith("/api/") and role in ("office", "professor", "student"):
                # A form posted empty or with junk: a form error, a redirect or a 4xx — never a 500.
                for data in ({}, {"reason": "", "motivation": "x" * 20000, "user": "abc", "file": "x"}):
                    response = client.post(path, data)
                    if response.status_code >= 500:
                        failures.append(f"POST {path} {sorted(data)} as {role}: {response.status_code}")
            if path.startswith("/api/"):
                for body, content_type in BODIES:
                    for method in (client.post, client.put, client.patch):
                        response = method(path, body, content_type=content_type)
                        if response.status_code >= 500:
                            failures.append(f"{method.__name__.upper()} {path} {body!r} as {role}: "
                                            f"{response.status_code}")
    assert failures == []
