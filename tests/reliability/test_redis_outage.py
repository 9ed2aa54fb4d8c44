"""Issue 12.1: logging in and pages that do not need the broker work while Redis is stopped or frozen.

A real redis-server, private to the test, is stopped (connection refused) or frozen with SIGSTOP
(connections accepted, never answered — the case that used to hang every request for seconds).
"""

import os
import signal
import time

import pytest
import redis
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from marathon import resilience
from marathon.models import Notification
from marathon.settings import redis_cache
from teams.models import JoinRequest
from tests.factories import PASSWORD, UserFactory
from tests.reliability.redis_server import PrivateRedis, use_broker
from tests.teams.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BOUND_SECONDS = 3.0


@pytest.fixture
def private_redis(tmp_path, settings):
    server = PrivateRedis(tmp_path)
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": redis_cache(server.url)}
    use_broker(server.url)
    resilience.reset()
    yield server
    server.stop()
    use_broker(None)
    resilience.reset()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def verified_student():
    student = UserFactory(status="bachelor")
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    return student


@pytest.mark.parametrize("failure", ["stop", "freeze"])
def test_login_workflow_and_pages_work_while_redis_is_down(private_redis, failure):
    team = make_team()
    student = verified_student()
    browser = Client()
    assert browser.get("/healthz").status_code == 200
    getattr(private_redis, failure)()

    response, seconds = timed(lambda: browser.post("/accounts/login/",
                                                   {"login": student.email, "password": PASSWORD}))
    assert (response.status_code, response["Location"]) == (302, "/")
    assert seconds < BOUND_SECONDS

    response, seconds = timed(lambda: browser.get("/"))
    assert response.status_code == 200 and student.full_name in response.content.decode()
    assert seconds < BOUND_SECONDS

    response, seconds = timed(lambda: browser.post(reverse("teams:join", args=[team.pk]),
                                                   {"motivation": "Redis is down"}, follow=True))
    assert "Your request has been sent to the supervisors." in response.content.decode()
    assert seconds < BOUND_SECONDS
    assert JoinRequest.objects.get().student == student
    # The notification is stored; its e-mail waits for the redelivery job.
    notification = Notification.objects.get(recipient=team.supervisor)
    assert (notification.kind, notification.emailed_at) == ("teams/join_request_received", None)

    response, seconds = timed(lambda: Client().post(
        "/api/v1/auth/token/", {"email": student.email, "password": PASSWORD}, content_type="application/json"))
    assert response.status_code == 200 and len(response.json()["token"]) == 40
    assert seconds < BOUND_SECONDS

    response, seconds = timed(lambda: browser.get("/healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert seconds < BOUND_SECONDS


def test_each_request_is_bounded_when_redis_hangs_again(private_redis, settings):
    """Without a remembered outage (a fresh process, or the window over) a login — four cache
    calls for its rate limits — waits for one short socket timeout, not one per call. Compared
    with the same login while Redis answers, so a busy test machine does not matter."""
    student = verified_student()
    assert Client().get("/accounts/login/").status_code == 200  # URLs, templates loaded

    def login():
        return Client().post("/accounts/login/", {"login": student.email, "password": PASSWORD})

    healthy = min(timed(login)[1] for _ in range(2))
    private_redis.freeze()
    for _ in range(2):
        resilience.reset()
        response, seconds = timed(login)
        assert response.status_code == 302
        assert seconds < healthy + settings.REDIS_SOCKET_TIMEOUT + 1.5


def test_cache_uses_redis_again_after_the_outage(private_redis, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 0.3
    private_redis.freeze()
    cache.set("during-outage", 1)  # served by the process-local fallback
    assert cache.get("during-outage") == 1
    os.kill(private_redis.process.pid, signal.SIGCONT)
    private_redis.frozen = False
    time.sleep(0.4)
    cache.set("after-outage", 2)
    assert redis.Redis.from_url(private_redis.url).exists(":1:after-outage") == 1
    assert cache.get("after-outage") == 2


def test_password_changed_during_an_outage_still_logs_out_once_redis_is_back(private_redis, settings):
    """The session and the user are cached in Redis; a password change while Redis is frozen
    reaches only the process-local fallback. When Redis answers again, what it missed is dropped
    from it, so the stale row there cannot log the old session back in."""
    settings.REDIS_RETRY_AFTER_SECONDS = 0.3
    student = verified_student()
    other_device = Client()
    other_device.force_login(student)
    assert other_device.get("/api/v1/me/").status_code == 200
    assert other_device.get("/api/v1/me/").status_code == 200  # session and user now in Redis
    private_redis.freeze()
    cache.get("probe")  # times out: the process now knows (a command sent to the frozen Redis would run on resume)
    student.set_password("a-new-and-long-password")
    student.save()
    os.kill(private_redis.process.pid, signal.SIGCONT)
    private_redis.frozen = False
    time.sleep(0.4)
    assert other_device.get("/api/v1/me/").status_code == 403


def test_keys_written_during_the_outage_are_dropped_from_redis_when_it_is_back(private_redis, settings):
    settings.REDIS_RETRY_AFTER_SECONDS = 0.3
    cache.set("session-like", "before")
    private_redis.freeze()
    cache.get("probe")  # times out: the process now knows
    cache.delete("session-like")  # e.g. a logout: only the fallback sees it
    os.kill(private_redis.process.pid, signal.SIGCONT)
    private_redis.frozen = False
    time.sleep(0.4)
    assert cache.get("session-like") is None
    assert redis.Redis.from_url(private_redis.url).exists(":1:session-like") == 0
