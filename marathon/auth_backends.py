"""Authentication backends that load the logged-in person from the cache (issue 18).

Every authenticated request loads its user by id (`ModelBackend.get_user`): one query per request,
about a third of the CPU of the cheapest request. These backends keep the user's row in the
default cache (Redis in production) for at most USER_CACHE_SECONDS. Django still verifies the
session against the user loaded here (`session_auth_hash`, built from the password hash) and the
backend still refuses inactive users, so the row must never be stale:

* every save or delete of a user replaces its *generation* (a random token, at once and again
  when the transaction commits) and drops the cached row; a row is used only together with the
  generation it was read under, both fetched in one round trip. A request that read the row just
  before a commit stores it under the old generation, which no later request accepts;
* groups and permissions are not part of the row (they are queried per request, as before);
* writes that bypass `save()` (a `QuerySet.update` of users: none in the portal) and keys Redis
  missed in an outage (see `marathon.cache`) are bounded by USER_CACHE_SECONDS.
"""

import functools
import uuid
import zlib

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


@functools.cache
def _row_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in get_user_model()._meta.concrete_fields)


@functools.cache
def _schema() -> str:
    """Part of every row key: after a deploy that changes the user's fields no row cached
    before it is read."""
    return format(zlib.crc32(",".join(_row_fields()).encode()), "x")


def _keys(user_id) -> tuple[str, str]:
    return f"auth:user:{_schema()}:{user_id}", f"auth:user-generation:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        row_key, generation_key = _keys(user_id)
        found = cache.get_many([row_key, generation_key])
        generation = found.get(generation_key)
        cached = found.get(row_key)
        if cached is not None and cached[0] == generation:
            user = get_user_model().from_db("default", _row_fields(), cached[1])
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            values = tuple(user.__dict__[name] for name in _row_fields())  # as loaded, e.g. a country's code
            cache.set(row_key, (generation, values), settings.USER_CACHE_SECONDS)
        return user


class CachedModelBackend(CachedUserMixin, ModelBackend):
    pass


class CachedAuthenticationBackend(CachedUserMixin, AllauthBackend):
    pass


def forget_user(user_id) -> None:
    row_key, generation_key = _keys(user_id)
    # Outlives every row cached under the previous generation (a missing one counts as another).
    cache.set(generation_key, uuid.uuid4().hex, settings.USER_CACHE_SECONDS * 10)
    cache.delete(row_key)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="marathon.forget_cached_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="marathon.forget_cached_user_deleted")
def forget_cached_user(sender, instance, **kwargs):
    # At once, for what this transaction does next (and tests), and at commit, for a request
    # that read the old row while the transaction was still open.
    user_id = instance.pk  # a deleted instance loses its pk before the commit
    forget_user(user_id)
    transaction.on_commit(lambda: forget_user(user_id))
