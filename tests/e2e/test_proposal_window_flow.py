"""Browser flow of the proposal window (issue 12 item 8): a late proposal is refused with the
date; the office reopens the window on the editions page; then the proposal goes in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from marathon.models import Edition
from projects.models import Project, ProjectStatus
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import EditionFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_late_proposal_refused_then_office_reopens_window(page: Page, live_url):
    today = timezone.localdate()
    edition = EditionFactory(proposals_end=today - timedelta(days=2))
    professor = UserFactory(status="professor", full_name="Paula Professor")
    office = UserFactory(status="researcher", is_staff=True, full_name="Olga Office")
    project = ProjectFactory(edition=edition, proposer=professor, title="Late tidal turbines")
    page.on("dialog", lambda dialog: dialog.accept())

    login_in_browser(page, live_url, professor)
    page.goto(f"{live_url}/projects/{project.pk}/")
    page.click("#submit-button")
    expect(page.locator(".alert-danger")).to_contain_text(f"Proposals for {edition.title} closed on")
    expect(page.locator("#project-status")).to_have_text("Draft")
    logout_in_browser(page)

    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-editions")
    page.click(f"#edit-dates-{edition.year}")
    page.fill("#id_proposals_end", (edition.team_formation_end + timedelta(days=1)).isoformat())
    page.click("#save-dates")
    expect(page.locator("#edition-dates-form")).to_contain_text("Must be on or after")
    page.fill("#id_proposals_end", (today + timedelta(days=3)).isoformat())
    page.click("#save-dates")
    expect(page.locator(".alert-success")).to_contain_text(f"The dates of {edition.title} are saved.")
    assert Edition.objects.get(pk=edition.pk).proposals_end == today + timedelta(days=3)
    logout_in_browser(page)

    login_in_browser(page, live_url, professor)
    page.goto(f"{live_url}/projects/{project.pk}/")
    page.click("#submit-button")
    expect(page.locator("#project-status")).to_have_text("Submitted")
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED
