import pytest
from playwright.sync_api import Page, expect

from projects.models import Project, ProjectStatus, Team
from tests.e2e.helpers import click_nav, login_in_browser
from tests.factories import (
    EditionFactory,
    OrganisationFactory,
    ScientificAreaFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.projects.factories import student_in, submitted_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_professor_proposes_and_submits(page: Page, live_url, professor):
    edition, area = EditionFactory(), ScientificAreaFactory(name="Energy")
    UserFactory(status="researcher", full_name="Rita Researcher")
    login_in_browser(page, live_url, professor)
    click_nav(page, "#nav-my-projects")
    page.click("text=Propose a project")
    page.select_option("select[name=edition]", str(edition.pk))
    page.select_option("select[name=area]", str(area.pk))
    page.fill("input[name=title]", "Tidal energy for islands")
    page.fill("textarea[name=summary]", "Small tidal turbines for remote islands.")
    page.fill("textarea[name=description]", "## Plan\n\n*Measure* the currents.")
    page.locator("#co-supervisor-q").press_sequentially("Rita", delay=50)
    page.locator("#co-supervisor-results").get_by_label("Rita Researcher", exact=False).check()
    expect(page.locator("#co-supervisors-chosen")).to_contain_text("Rita Researcher")
    page.check("input[name=wanted_degree_levels][value=master]")
    page.click("#project-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("saved as a draft")
    expect(page.locator("#project-status")).to_have_text("Draft")
    expect(page.locator("#project-description em")).to_have_text("Measure")
    expect(page.locator("#supervisors")).to_contain_text("Rita Researcher")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-button")
    expect(page.locator("#project-status")).to_have_text("Submitted")
    expect(page.locator("#edit-link")).to_have_count(0)
    assert Project.objects.get(title="Tidal energy for islands").status == ProjectStatus.SUBMITTED


def test_office_approves_from_review_queue(page: Page, live_url, office):
    project = submitted_project(title="Solar ice makers")
    rejected = submitted_project(title="Perpetual motion")
    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-review")
    item = page.locator(f"#review-{rejected.pk}")
    item.locator("textarea[name=reason]").fill("Violates thermodynamics.")
    item.locator(".reject-button").click()
    expect(page.locator(".alert-success")).to_have_text("The project has been rejected.")
    page.locator(f"#review-{project.pk} .approve-button").click()
    expect(page.locator(".alert-success")).to_have_text("The project has been approved and its team created.")
    expect(page.locator("#queue-empty")).to_be_visible()
    assert Team.objects.filter(project=project).count() == 1
    rejected.refresh_from_db()
    assert rejected.rejection_reason == "Violates thermodynamics."


def test_student_filters_catalogue_and_opens_project(page: Page, live_url, student):
    edition = EditionFactory(title="Marathon Now")
    energy, linguistics = ScientificAreaFactory(name="Energy"), ScientificAreaFactory(name="Linguistics")
    wanted = approved_project_with_team(title="Wave power buoys", area=energy, edition=edition,
                                        customer=OrganisationFactory(name="Sea Power AG"))
    student_in(wanted.team)
    approved_project_with_team(title="Dialect atlas", area=linguistics, edition=edition)
    full = approved_project_with_team(title="Full energy team", area=energy, edition=edition,
                                      team_size_min=1, team_size_max=1)
    student_in(full.team)
    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-projects")
    expect(page.locator(".project-card")).to_have_count(3)
    page.select_option("#catalogue-filters select[name=area]", str(energy.pk))
    page.check("#id_has_free_places")
    page.click("#apply-filters")
    expect(page.locator(".project-card")).to_have_count(1)
    expect(page.locator("#result-count")).to_have_text("1 project")
    page.fill("#catalogue-filters input[name=search]", "buoys")
    page.click("#apply-filters")
    page.click("text=Wave power buoys")
    expect(page.locator("#project-title")).to_have_text("Wave power buoys")
    expect(page.locator("#customer")).to_contain_text("Sea Power AG")
    expect(page.locator("#team-composition .free-places")).to_have_text(
        f"{wanted.team_size_max - 1} free places")
    expect(page.locator("#team-composition .missing")).to_contain_text("more university")
