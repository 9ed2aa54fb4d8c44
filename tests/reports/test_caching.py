"""The statistics cache: served while nothing counted changed, recomputed as soon as it does."""

import os

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from marathon.settings import redis_cache
from mobility.models import MobilityStatus
from reports import caching
from reports.caching import VERSION_KEY, cached_statistics, data_version
from tests.factories import MembershipFactory, UserFactory
from tests.outcomes.factories import GrantApplicationFactory, PublicationFactory, publication_by
from tests.reports.conftest import add_mobility, add_project

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The statistics cache is used only with a cache all processes share: Redis."""
    settings.CACHES = {"default": {**redis_cache(REDIS_URL), "KEY_PREFIX": "test-statistics"}}
    cache.clear()
    yield
    cache.clear()


def cached(year_from=2018, year_to=2020):
    return cached_statistics(year_from=year_from, year_to=year_to)


def test_second_read_is_served_from_the_cache(world, django_assert_num_queries):
    add_project(world, students=[world.graz])
    first = cached()
    with django_assert_num_queries(0):
        second = cached()
    assert second == first


def test_a_new_joint_publication_is_counted_at_once(world):
    publication_by(world.host, world.graz, year=2019)
    assert cached().joint_publications == 1
    publication_by(world.host, world.madrid, year=2019)
    assert cached().joint_publications == 2


def test_editing_a_publication_year_is_counted_at_once(world):
    publication = publication_by(world.host, world.graz, year=2019)
    assert cached().joint_publications == 1
    publication.year = 2021
    publication.save()
    assert cached().joint_publications == 0


def test_deleting_an_author_is_counted_at_once(world):
    publication = publication_by(world.host, world.graz, year=2019)
    assert cached().joint_publications == 1
    publication.authors.order_by("position").last().delete()
    assert cached().joint_publications == 0


def test_new_member_and_changed_university_are_counted_at_once(world):
    project = add_project(world, students=[world.graz])
    before = cached()
    student = MembershipFactory(team=project.team, user=UserFactory(university=world.madrid)).user
    assert cached().participants == before.participants + 1
    assert "Technical University of Madrid" in cached().partner_universities
    student.university = world.graz
    student.save()
    assert "Technical University of Madrid" not in cached().partner_universities


def test_applicants_change_is_counted_at_once(world):
    grant = GrantApplicationFactory(applicants=[world.host])
    assert cached().grant_applications == 0
    grant.applicants.add(world.graz)
    assert cached().grant_applications == 1
    grant.applicants.clear()
    assert cached().grant_applications == 0


def test_mobility_status_change_is_counted_at_once(world):
    mobility = add_mobility(world, status=MobilityStatus.SUBMITTED)
    assert cached().erasmus_mobility_grants == 0
    mobility.status = MobilityStatus.APPROVED
    mobility.save()
    assert cached().erasmus_mobility_grants == 1


def test_a_login_does_not_invalidate(world):
    user = UserFactory()
    version = data_version()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert data_version() == version


def test_a_write_changes_the_version_now_and_again_after_commit(world,
                                                                django_capture_on_commit_callbacks):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory()
        assert data_version() > version
        during = data_version()
    assert data_version() > during


def test_an_evicted_version_never_brings_old_entries_back(world):
    old = data_version()
    cache.delete(VERSION_KEY)
    assert data_version() != old


def test_each_language_has_its_own_entry(world):
    add_project(world, students=[world.graz])
    with translation.override("en"):
        english = cached().by_degree_level
    with translation.override("ru"):
        russian = cached().by_degree_level
    assert [row["participants"] for row in english] == [row["participants"] for row in russian]
    assert english[0]["label"] != russian[0]["label"]


def test_entries_expire_after_the_configured_time(world, settings, monkeypatch):
    settings.STATISTICS_CACHE_SECONDS = 30
    timeouts = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, timeout):
            timeouts.append(timeout)

    monkeypatch.setattr(caching, "cache", Recording())
    cached()
    assert timeouts == [30]


def test_unreachable_cache_still_gives_figures(world, monkeypatch):
    publication_by(world.host, world.graz, year=2019)

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis down")
            return fail

    monkeypatch.setattr(caching, "cache", Down())
    assert cached().joint_publications == 1


def test_a_process_local_cache_is_not_used(world, settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cached()
    with django_assert_num_queries(13):
        cached()
