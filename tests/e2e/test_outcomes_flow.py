import pytest
from playwright.sync_api import Page, expect

from marathon.models import AuditEntry
from projects.outcomes.models import Publication
from tests.e2e.helpers import login_in_browser
from tests.factories import UniversityFactory, UserFactory, approved_project_with_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_supervisor_adds_a_joint_publication(page: Page, live_url):
    host = UniversityFactory(name="SPbPU", country="RU")
    partner = UniversityFactory(name="TU Graz", country="AT")
    project = approved_project_with_team(
        title="Hydrogen storage", proposer=UserFactory(status="professor", university=host,
                                                       full_name="Pavel Professor"))
    login_in_browser(page, live_url, project.proposer)
    page.goto(f"{live_url}/outcomes/projects/{project.pk}/")
    page.click("#add-publication")
    page.fill("input[name=title]", "Metal hydrides for storage")
    page.fill("input[name=venue]", "Energy Reports")
    page.select_option("select[name=type]", "journal")
    page.fill("input[name=year]", "2020")
    page.fill("input[name=doi]", "https://doi.org/10.1016/J.EGYR.2020.01.001")
    page.select_option("select[name=authors-0-user]", str(project.proposer.pk))
    page.fill("input[name=authors-1-name]", "Greta Graz")
    page.select_option("select[name=authors-1-university]", str(partner.pk))
    page.click("#publication-form button[type=submit]")

    expect(page.locator(".alert-success")).to_contain_text("The publication has been recorded.")
    row = page.locator("#publication-table tbody tr").first
    expect(row).to_contain_text("Metal hydrides for storage")
    expect(row).to_contain_text("joint")
    expect(row).to_contain_text("Pavel Professor")
    expect(row).to_contain_text("Greta Graz")
    expect(row.locator("a[href='https://doi.org/10.1016/j.egyr.2020.01.001']")).to_be_visible()
    assert Publication.objects.get().doi == "10.1016/j.egyr.2020.01.001"


def test_supervisor_corrects_a_publication_on_a_phone(page: Page, live_url):
    host = UniversityFactory(name="SPbPU", country="RU")
    project = approved_project_with_team(
        title="Hydrogen storage", proposer=UserFactory(status="professor", university=host,
                                                       full_name="Pavel Professor"))
    publication = Publication.objects.create(project=project, title="Metal hydrdes", venue="V",
                                             type="journal", year=2020, doi="10.1000/typo")
    publication.authors.create(position=1, user=project.proposer, name="Pavel Professor",
                               university=host, affiliation="SPbPU", country="RU")
    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser(page, live_url, project.proposer)
    page.goto(f"{live_url}/outcomes/projects/{project.pk}/")
    page.click(f"a[href='/outcomes/publications/{publication.pk}/edit/']")
    expect(page.locator("h1")).to_have_text("Edit a publication")
    expect(page.locator("select[name=authors-0-user]")).to_have_value(str(project.proposer.pk))
    page.fill("input[name=title]", "Metal hydrides")
    page.click("#publication-form button[type=submit]")

    expect(page.locator(".alert-success")).to_contain_text("The publication has been updated.")
    expect(page.locator("#publication-table tbody tr").first).to_contain_text("Metal hydrides")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert AuditEntry.objects.get(action="outcomes.publication_updated").changes == {
        "title": {"from": "Metal hydrdes", "to": "Metal hydrides"}}
