"""The navbar partials are rendered once per process per kind of reader (issue 18): every reader
still sees exactly their own menu, in their language."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from marathon.templatetags import portal_nav
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def nav_of(login, user, **params) -> str:
    html = login(user).get(reverse("inbox"), params).content.decode()
    return html.split('id="mainnav"')[1].split("</nav>")[0]


def test_portal_nav_cached_per_kind_of_reader(login):
    portal_nav._rendered.clear()
    chair = UserFactory(status="professor")
    chair.groups.add(Group.objects.get_or_create(name="Commission chairs")[0])
    student, staff = UserFactory(), UserFactory(is_staff=True)
    assert 'id="nav-commission-dashboard"' in nav_of(login, chair)
    assert 'id="nav-commission-dashboard"' not in nav_of(login, student)  # not the chair's cached menu
    assert 'id="nav-commission-dashboard"' in nav_of(login, staff)
    assert 'id="nav-commission-dashboard"' not in nav_of(login, UserFactory())  # cache hit, same menu
    assert len(portal_nav._rendered) == 3


def test_portal_nav_cached_per_language(login):
    portal_nav._rendered.clear()
    student = UserFactory()
    english = nav_of(login, student)
    german = nav_of(login, student, lang="de")
    assert english != german and "Published results" in english and "Published results" not in german
