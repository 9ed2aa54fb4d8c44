"""Issue 18: the session and the logged-in user come from the cache, and a cached user never
outlives a change to the user (password, deactivation, staff flag), even a change committed while
a request was reading the old row (`marathon.auth_backends`, `marathon.sessions`)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.cache import cache
from django.test import Client

from marathon.auth_backends import CachedModelBackend, _keys, _row_fields, forget_user
from marathon.serializers import MeSerializer
from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def me(client):
    return client.get("/api/v1/me/")


def test_logged_in_request_reads_session_and_user_from_the_cache(student, django_assert_num_queries):
    client = client_for(student)
    with django_assert_num_queries(1):  # logging in saved last_login, which drops the cached row
        assert me(client).json()["email"] == student.email
    with django_assert_num_queries(0):
        assert me(client).json()["email"] == student.email


def test_password_change_logs_out_other_sessions_at_once(student):
    other_device = client_for(student)
    assert me(other_device).status_code == 200  # user cached
    student.set_password("a-new-and-long-password")
    student.save()
    assert me(other_device).status_code == 403
    assert me(other_device).status_code == 403  # the session was flushed, not only refused once


def test_deactivated_user_is_logged_out_at_once(student):
    client = client_for(student)
    assert me(client).status_code == 200
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert me(client).status_code == 403


def test_staff_flag_change_is_seen_at_once(student):
    client = client_for(student)
    assert me(client).json()["is_staff"] is False
    student.is_staff = True
    student.save()
    assert me(client).json()["is_staff"] is True


def test_deleted_user_is_logged_out(student):
    client = client_for(student)
    assert me(client).status_code == 200
    student.delete()
    assert me(client).status_code == 403


def test_row_read_before_a_commit_is_refused_after_it(student):
    """A request reads the old row, the writer commits (new generation), then the slow request
    stores the old row: the next request must not use it."""
    backend = CachedModelBackend()
    row_key, generation_key = _keys(student.pk)
    backend.get_user(student.pk)
    old_generation, old_values = cache.get(row_key)
    get_user_model().objects.filter(pk=student.pk).update(full_name="Renamed", is_active=False)
    forget_user(student.pk)  # what the commit does
    cache.set(row_key, (old_generation, old_values), 300)
    assert backend.get_user(student.pk) is None  # read from the database: inactive


def test_cached_user_is_a_full_row(student):
    backend = CachedModelBackend()
    backend.get_user(student.pk)
    user = backend.get_user(student.pk)  # from the cache
    assert [getattr(user, name) for name in _row_fields()] == [getattr(student, name) for name in _row_fields()]
    assert user.country == student.country and user._state.adding is False
    assert user.check_password(PASSWORD)


def test_session_signed_in_before_the_cached_backends_stays_valid(student):
    client = Client()
    client.force_login(student, backend="django.contrib.auth.backends.ModelBackend")
    assert me(client).json()["email"] == student.email
    assert client.session[BACKEND_SESSION_KEY] == "marathon.auth_backends.CachedModelBackend"


def test_logout_ends_the_cached_session(student):
    client = client_for(student)
    assert me(client).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert me(replay).status_code == 403


def test_me_serializer_fields_are_built_once_and_bound_per_instance(student):
    first, second = MeSerializer(student), MeSerializer(student)
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].parent is first and second.fields["status"].parent is second
    invalid = MeSerializer(student, data={"status": "wizard"}, partial=True)
    assert invalid.is_valid() is False
    assert list(invalid.errors) == ["status"]
    assert MeSerializer(student, data={"status": "master"}, partial=True).is_valid() is True
