import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import UserFactory
from tests.teams.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_student_asks_to_join_supervisor_accepts_student_sees_team(page: Page, live_url):
    team = make_team()
    student = UserFactory(full_name="Sofia Browser", status="bachelor")

    login_in_browser(page, live_url, student)
    page.goto(f"{live_url}{team.get_absolute_url()}")
    page.fill("textarea[name=motivation]", "I know Python and want to work with a partner lab.")
    page.click("#send-request")
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("Your request has been sent")
    logout_in_browser(page)

    login_in_browser(page, live_url, team.supervisor)
    page.goto(f"{live_url}{team.get_absolute_url()}")
    expect(page.locator("#pending-requests")).to_contain_text("Sofia Browser")
    page.locator("#pending-requests").get_by_role("button", name="Accept").click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("The student has joined the team.")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-my-team")
    page.locator("#my-teams").get_by_role("link", name=team.name).click()
    expect(page.locator("#members")).to_contain_text("Sofia Browser")
    expect(page.locator("#my-membership")).to_contain_text("You are a member of this team.")


def test_supervisor_invites_student_who_accepts(page: Page, live_url):
    team = make_team()
    student = UserFactory(full_name="Mila Invitee", status="master")

    login_in_browser(page, live_url, team.supervisor)
    page.goto(f"{live_url}{team.get_absolute_url()}")
    page.fill("#q", "Mila Inv")  # htmx searches as the supervisor types
    results = page.locator("#student-results")
    expect(results).to_contain_text("Mila Invitee")
    results.get_by_role("button", name="Invite").click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("The invitation has been sent.")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-requests")
    page.locator("#my-invitations").get_by_role("button", name="Accept").click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("Welcome to the team!")
    expect(page.locator("#members")).to_contain_text("Mila Invitee")
