"""Browser flows of industry customers: a customer offers a research task, the office approves
it, a professor adopts it into a proposal, the customer sees the project; a customer offers an
internship, two students apply with a CV, one is accepted and it shows on their profile."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from industry.models import ApplicationStatus, InternshipApplication, ResearchTask, TaskStatus
from industry.services import sync_role_group
from projects.models import Project
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import EditionFactory, OrganisationFactory, ScientificAreaFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customer():
    from industry.models import CustomerRepresentative

    organisation = OrganisationFactory(name="Nordic Bearings GmbH")
    user = UserFactory(status="industry", full_name="Carla Customer", organisation=organisation)
    CustomerRepresentative.objects.create(user=user, organisation=organisation, email=user.email,
                                          status="approved")
    sync_role_group(user)
    return user


def test_customer_task_is_approved_adopted_and_followed(page: Page, live_url, customer, office, professor):
    edition, area = EditionFactory(), ScientificAreaFactory(name="Materials science")
    login_in_browser(page, live_url, customer)
    click_nav(page, "#nav-customer-dashboard")
    page.click("#new-task-link")
    page.fill("input[name=title]", "Wear of rolling mill bearings")
    page.fill("textarea[name=problem_statement]", "Bearings fail early under heavy load.")
    page.fill("textarea[name=expected_results]", "A wear model validated on plant data.")
    page.select_option("select[name=area]", str(area.pk))
    page.fill("input[name=contact_name]", "Carla Customer")
    page.fill("input[name=contact_email]", "carla@example.org")
    page.select_option("select[name=desired_edition]", str(edition.pk))
    page.click("#task-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("sent to the programme office for review")
    expect(page.locator("#task-status")).to_have_text("Awaiting review")
    logout_in_browser(page)

    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-task-review")
    task = ResearchTask.objects.get(title="Wear of rolling mill bearings")
    page.locator(f"#task-review-{task.pk} .approve-task").click()
    expect(page.locator(".alert-success")).to_contain_text("approved and is now in the catalogue")
    expect(page.locator("#task-queue-empty")).to_be_visible()
    logout_in_browser(page)

    login_in_browser(page, live_url, professor)
    click_nav(page, "#nav-task-catalogue")
    page.fill("#task-filters input[name=q]", "bearings")
    page.click("#apply-task-filters")
    page.click("text=Wear of rolling mill bearings")
    page.click("#adopt-link")
    expect(page.locator("input[name=title]")).to_have_value("Wear of rolling mill bearings")
    page.fill("input[name=title]", "Bearing wear digital twin")
    page.click("#adopt-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("linked to the task")
    expect(page.locator("#project-status")).to_have_text("Draft")
    logout_in_browser(page)

    login_in_browser(page, live_url, customer)
    click_nav(page, "#nav-customer-dashboard")
    expect(page.locator("#dashboard-projects")).to_contain_text("Bearing wear digital twin")
    page.click("#dashboard-projects >> text=Bearing wear digital twin")
    expect(page.locator("h1")).to_have_text("Bearing wear digital twin")
    page.fill("#feedback-form textarea[name=text]", "Please include our plant data from 2025.")
    page.click("#feedback-form button[type=submit]")
    expect(page.locator("#follow-feedback")).to_contain_text("Please include our plant data from 2025.")
    project = Project.objects.get(title="Bearing wear digital twin")
    assert (project.proposer, project.customer.name) == (professor, "Nordic Bearings GmbH")
    assert ResearchTask.objects.get(pk=task.pk).status == TaskStatus.APPROVED


def test_customer_offers_internship_two_students_apply_one_is_accepted(page: Page, live_url, customer, tmp_path):
    anna = UserFactory(status="master", full_name="Anna Applicant")
    boris = UserFactory(status="bachelor", full_name="Boris Applicant")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    deadline = timezone.localdate() + timedelta(days=20)
    login_in_browser(page, live_url, customer)
    click_nav(page, "#nav-customer-dashboard")
    page.click("#new-internship-link")
    page.fill("input[name=title]", "Bearing test lab internship")
    page.fill("textarea[name=description]", "Run endurance tests on bearings.")
    page.fill("input[name=site_name]", "Test laboratory")
    page.fill("input[name=city]", "Munich")
    page.fill("input[name=country]", "de")
    page.fill("input[name=latitude]", "48.1372")
    page.fill("input[name=longitude]", "11.5755")
    page.fill("input[name=start_date]", str(deadline + timedelta(days=30)))
    page.fill("input[name=end_date]", str(deadline + timedelta(days=90)))
    page.fill("input[name=places]", "1")
    page.fill("input[name=deadline]", str(deadline))
    page.click("#internship-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Your internship offer is published.")
    internship_url = page.url
    logout_in_browser(page)

    for student in (anna, boris):
        login_in_browser(page, live_url, student)
        click_nav(page, "#nav-internships")
        page.click("text=Bearing test lab internship")
        page.fill("#apply-form textarea[name=motivation]", f"{student.full_name} loves bearings.")
        page.set_input_files("#apply-form input[name=cv]", str(cv))
        page.click("#apply-form button[type=submit]")
        expect(page.locator(".alert-success")).to_have_text("Your application has been sent.")
        expect(page.locator("#own-application")).to_contain_text("Submitted")
        logout_in_browser(page)

    login_in_browser(page, live_url, customer)
    page.goto(internship_url)
    application = InternshipApplication.objects.get(student=anna)
    row = page.locator(f"#application-{application.pk}")
    row.locator(".accept-button").click()
    expect(page.locator(".alert-success")).to_have_text("The applicant has been accepted.")
    expect(page.locator(f"#application-{application.pk} .application-status")).to_have_text("Accepted")
    expect(page.locator("#internship-places")).to_contain_text("0 of 1 left")
    other = InternshipApplication.objects.get(student=boris)
    page.locator(f"#application-{other.pk} .accept-button").click()
    expect(page.locator(".alert-danger")).to_contain_text("All places of this internship are taken.")
    logout_in_browser(page)

    login_in_browser(page, live_url, anna)
    click_nav(page, "#nav-profile")
    expect(page.locator("#profile-internships")).to_contain_text("Bearing test lab internship")
    assert InternshipApplication.objects.get(pk=other.pk).status == ApplicationStatus.SUBMITTED


def test_claim_is_approved_then_implementation_is_recorded_and_confirmed(page: Page, live_url, office, professor):
    from industry import services
    from industry.models import Implementation, ImplementationStatus
    from tests.industry.factories import ResearchTaskFactory

    organisation = OrganisationFactory(name="Baltic Optics AB")
    claimant = UserFactory(status="industry", full_name="Clara Claimant", university=None, country="SE")
    task = ResearchTaskFactory(organisation=organisation, desired_edition=EditionFactory())
    project = services.adopt_task(task=task, actor=professor,
                                  project_data=services.project_data_from_task(task)).project

    login_in_browser(page, live_url, claimant)
    click_nav(page, "#nav-claim")
    page.select_option("#claim-form select[name=organisation]", str(organisation.pk))
    page.fill("#claim-form input[name=note]", "Head of R&D")
    page.click("#claim-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("sent to the programme office")
    logout_in_browser(page)

    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-representatives")
    page.locator(".approve-claim").click()
    expect(page.locator("#no-claims")).to_be_visible()
    logout_in_browser(page)

    login_in_browser(page, live_url, claimant)
    page.goto(f"{live_url}/industry/projects/{project.pk}/")
    page.click("details summary")
    page.fill("#implementation-form input[name=what]", "Lens coating process")
    page.fill("#implementation-form input[name=where]", "Plant Riga")
    page.fill("#implementation-form input[name=implemented_on]", "2026-03-01")
    page.fill("#implementation-form input[name=evidence_link]", "https://example.org/report")
    page.fill("#implementation-form textarea[name=effect]", "Fewer rejects.")
    page.click("#implementation-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("the other side will confirm it")
    expect(page.locator("#follow-implementations")).to_contain_text("Awaiting confirmation")
    logout_in_browser(page)

    login_in_browser(page, live_url, professor)
    page.goto(f"{live_url}/industry/projects/{project.pk}/")
    page.locator(".confirm-implementation").click()
    expect(page.locator(".alert-success")).to_contain_text("counts in the statistics")
    assert Implementation.objects.get().status == ImplementationStatus.CONFIRMED
