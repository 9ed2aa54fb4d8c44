import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests import factories

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_DATABASES = 16


def redis_url_for_worker(url: str, worker: str | None) -> str:
    """One Redis database per pytest-xdist worker (gw0, gw1, ...), counting down from the given
    one (15, 14, ... by default; db 0 is left to development), as pytest-django gives each worker
    its own PostgreSQL database (test_<name>_gw0, ...). Tests flush their database."""
    if not worker or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = (base - int(worker[2:])) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{database}"))


# Module level, so it is in place before any test module reads TEST_REDIS_URL at import.
os.environ["TEST_REDIS_URL"] = redis_url_for_worker(
    os.environ.get("TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; tests must not leak attempts into each other.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use Debian's chromium; Playwright never downloads a browser here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its reader's language in the thread and leaves it (LocaleMiddleware,
    UserLanguageMiddleware): start every test in English again."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def live_url(live_server, monkeypatch):
    """The live server's URL. Static files are served by WhiteNoise from STATIC_ROOT (collected,
    hashed names — as in production) instead of the test server's finder-based handler, which
    does not know the manifest's hashed names."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    monkeypatch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)
    return live_server.url


# --- personas -------------------------------------------------------------------------------
@pytest.fixture
def university(db):
    return factories.UniversityFactory()


@pytest.fixture
def partner_university(db):
    return factories.UniversityFactory()


@pytest.fixture
def edition(db):
    return factories.EditionFactory()


@pytest.fixture
def student(db):
    return factories.UserFactory(status="bachelor")


@pytest.fixture
def professor(db):
    return factories.UserFactory(status="professor")


@pytest.fixture
def office(db):
    return factories.UserFactory(status="researcher", is_staff=True)


@pytest.fixture
def outsider(db):
    return factories.UserFactory(status="master")


def api_client_for(user) -> APIClient:
    """A DRF test client authenticated as `user` (no token or session round trip)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login():
    """`login(user)` returns a test client logged in as that user."""
    return client_for
