"""Issue 3's whole journey in one browser: a professor proposes and submits a project, the office
approves it, a student finds it with a filter and asks to join, the supervisor accepts, and the
student sees the team page with their name."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import EditionFactory, ScientificAreaFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_propose_approve_find_join_accept_see_team(page: Page, live_url, professor, office):
    edition, area = EditionFactory(title="Marathon Journey"), ScientificAreaFactory(name="Energy")
    ScientificAreaFactory(name="Linguistics")
    student = UserFactory(full_name="Jana Journey", status="master")

    login_in_browser(page, live_url, professor)
    click_nav(page, "#nav-my-projects")
    page.click("text=Propose a project")
    page.select_option("select[name=edition]", str(edition.pk))
    page.select_option("select[name=area]", str(area.pk))
    page.fill("input[name=title]", "Tidal turbines for islands")
    page.fill("textarea[name=summary]", "Small tidal turbines for remote islands.")
    page.click("#project-form button[type=submit]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-button")
    expect(page.locator("#project-status")).to_have_text("Submitted")
    logout_in_browser(page)

    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-review")
    page.locator(".review-item", has_text="Tidal turbines for islands").locator(".approve-button").click()
    expect(page.locator(".alert-success")).to_have_text("The project has been approved and its team created.")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-projects")
    page.select_option("#catalogue-filters select[name=area]", str(area.pk))
    page.check("#id_has_free_places")
    page.click("#apply-filters")
    expect(page.locator(".project-card")).to_have_count(1)
    page.click("text=Tidal turbines for islands")
    page.click("#team-link")
    page.fill("textarea[name=motivation]", "I build marine sensors and would love to join.")
    page.click("#send-request")
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("Your request has been sent")
    logout_in_browser(page)

    login_in_browser(page, live_url, professor)
    click_nav(page, "#nav-requests")
    page.get_by_role("button", name="Accept").first.click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("The student has joined the team.")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-my-team")
    page.locator("#my-teams").get_by_role("link", name="Tidal turbines for islands").click()
    expect(page.locator("#members")).to_contain_text("Jana Journey")
    expect(page.locator("#my-membership")).to_contain_text("You are a member of this team.")
