"""The navbar partials and the fragments of base.html are rendered once per process per kind of
reader (issue 18): every reader still sees exactly their own menu, in their language."""

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
    assert len([key for key in portal_nav._rendered if key[0] != "fragment"]) == 3


def test_portal_nav_cached_per_language(login):
    portal_nav._rendered.clear()
    student = UserFactory()
    english = nav_of(login, student)
    german = nav_of(login, student, lang="de")
    assert english != german and "Published results" in english and "Published results" not in german


def user_menu_of(login, user, **params) -> str:
    html = login(user).get(reverse("inbox"), params).content.decode()
    return html.split('aria-labelledby="nav-user"')[1].split("</ul>")[0]


def test_fragments_cached_per_language_and_staff(login):
    portal_nav._rendered.clear()
    staff, student = UserFactory(is_staff=True), UserFactory()
    assert 'id="nav-admin"' in user_menu_of(login, staff)
    assert 'id="nav-admin"' not in user_menu_of(login, student)  # not the staff member's cached menu
    assert "My profile" in user_menu_of(login, student)
    german = login(student).get(reverse("inbox"), {"lang": "de"}).content.decode()
    assert "My profile" not in german and 'aria-pressed="true">DE</button>' in german
    english = login(student).get(reverse("inbox")).content.decode()
    assert 'aria-pressed="true">EN</button>' in english and "My profile" in english


def test_fragments_follow_a_settings_change(login, settings):
    student = UserFactory()
    assert 'href="/static/' in login(student).get(reverse("inbox")).content.decode()
    settings.STATIC_URL = "/assets/"
    html = login(student).get(reverse("inbox")).content.decode()
    assert 'href="/assets/' in html and 'href="/static/' not in html
