"""A student switches the portal to German, Spanish or Russian: the home page and the catalogue
keep no English in the chrome (menus, buttons, headings, labels), the catalogue shows the
translated scientific area, and the choice is stored on the profile."""

import re

import pytest
from playwright.sync_api import Page, expect

from marathon.models import User
from tests.e2e.helpers import click_nav, login_in_browser
from tests.factories import EditionFactory, ScientificAreaFactory, UserFactory, approved_project_with_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

CHROME = "nav a, nav button, main button, main a.btn, main label, main legend, h1, h2, h3, th"
# Texts that are the same in every language: language codes, names, titles, numbers.
SAME_EVERYWHERE = re.compile(r"^(EN|DE|ES|RU|API|\d+[\d\s/–.:-]*|Sofia Student|Corpus linguistics.*)$")
AREA = {"de": "Linguistik", "es": "Lingüística", "ru": "Лингвистика"}
# Words a language shares with English ("Teams", "Status" are German too).
SHARED_WORDS = {"de": {"Teams", "Team", "Filter", "Status"}, "es": set(), "ru": set()}
EDITION = {"title": "Marathon 2031", "title_de": "Marathon-Ausgabe 2031", "title_es": "Edición 2031 del maratón",
           "title_ru": "Марафон 2031"}
HOME_HEADING = {"de": "Projektmarathon", "es": "Maratón de Proyectos", "ru": "Проектный марафон"}


def chrome_texts(page: Page) -> set[str]:
    texts = (" ".join(t.split()) for t in page.locator(CHROME).all_text_contents())
    return {t for t in texts if t and not SAME_EVERYWHERE.match(t)}


@pytest.mark.parametrize("language", ["de", "es", "ru"])
def test_student_switches_language_and_sees_no_english(page: Page, live_url, language):
    edition = EditionFactory(year=2031, **EDITION)
    area = ScientificAreaFactory(name="Linguistics", name_de="Linguistik", name_es="Lingüística",
                                 name_ru="Лингвистика")
    approved_project_with_team(title="Corpus linguistics for patents", area=area, edition=edition)
    student = UserFactory(full_name="Sofia Student")
    login_in_browser(page, live_url, student)
    english_home = chrome_texts(page)
    page.goto(f"{live_url}/projects/")
    english_catalogue = chrome_texts(page)
    expect(page.locator("main")).to_contain_text("Linguistics")

    page.goto(f"{live_url}/")
    click_nav(page, f"form.language-switcher button[value={language}]")  # the menu may be collapsed
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("body")).to_contain_text(HOME_HEADING[language])
    assert chrome_texts(page) & english_home - SHARED_WORDS[language] == set()
    expect(page.locator("main")).to_contain_text(EDITION[f"title_{language}"])

    page.goto(f"{live_url}/projects/")
    assert chrome_texts(page) & english_catalogue - SHARED_WORDS[language] == set()
    expect(page.locator("main")).to_contain_text(AREA[language])
    expect(page.locator("select[name=area] option", has_text=AREA[language])).to_have_count(1)
    assert User.objects.get(pk=student.pk).preferred_language == language
