"""Issue 17 (access and look), server side: landmarks, skip link, `lang`, wordmark, live regions and
empty states that say what to do next. The browser checks are in tests/e2e/test_accessibility.py
and tests/e2e/test_keyboard_and_reflow.py."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_base_layout_has_skip_link_landmarks_wordmark_and_lang(client):
    html = body(client.get(reverse("projects:catalogue")))
    assert '<a class="visually-hidden-focusable skip-link" href="#main" id="skip-link">Skip to main content</a>' in html
    assert html.index("skip-link") < html.index("<header")
    assert '<header class="site-header' in html and '<main id="main"' in html and "<footer" in html
    assert 'aria-label="Main menu"' in html
    assert "img/wordmark" in html and '<html lang="en">' in html


def test_html_lang_follows_the_active_language(client):
    client.cookies.load({"django_language": "es"})
    with translation.override("es"):
        html = body(client.get(reverse("projects:catalogue"), HTTP_ACCEPT_LANGUAGE="es"))
    assert '<html lang="es">' in html


def test_catalogue_empty_result_offers_to_reset_the_filters(client):
    html = body(client.get(reverse("projects:catalogue"), {"search": "no such project anywhere"}))
    assert 'id="no-results"' in html and "No project matches these filters." in html
    assert "Reset the filters" in html


def test_inbox_empty_state_says_what_to_do_next(login, student):
    html = body(login(student).get(reverse("inbox")))
    assert 'id="inbox-empty"' in html and "No notifications yet." in html and "Go to the home page" in html


def test_my_teams_empty_state_leads_to_the_teams(login, student):
    html = body(login(student).get(reverse("teams:mine")))
    assert 'id="my-teams-empty"' in html and "You are not in a team yet." in html
    assert reverse("teams:list") in html


def test_mobility_list_empty_state_offers_to_apply(login, student):
    html = body(login(student).get(reverse("mobility:list")))
    assert 'id="mobilities-empty"' in html and reverse("mobility:apply") in html


def test_statistics_charts_have_a_data_table_alternative(login, office, edition):
    from tests.factories import approved_project_with_team

    approved_project_with_team(edition=edition)
    html = body(login(office).get(reverse("reports:statistics")))
    assert 'role="img"' in html
    chart_id = html.split('aria-describedby="', 1)[1].split('"', 1)[0]
    assert f'<table class="table table-sm mb-0" id="{chart_id}"' in html
    assert "<summary>Data table</summary>" in html
