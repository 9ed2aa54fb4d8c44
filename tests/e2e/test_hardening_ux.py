"""Browser flows of issue 12's user-experience items (9, 11, 12, 13, 15) as users see them."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from marathon.roles import MOBILITY_COORDINATORS
from mobility.models import Mobility
from tests.e2e.helpers import login_in_browser
from tests.factories import (
    EditionFactory,
    MembershipFactory,
    ScientificAreaFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.teams.factories import JoinRequestFactory, add_students, make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_supervisor_decides_with_student_details_and_mix_effect(page: Page, live_url):
    team = make_team()
    [member] = add_students(team, 1)
    student = UserFactory(full_name="Mila Candidate", status="master", skills="Python, spectroscopy")
    JoinRequestFactory(team=team, student=student, motivation="I built a spectrometer.")

    login_in_browser(page, live_url, team.supervisor)
    page.goto(f"{live_url}/teams/requests/")
    row = page.locator(".team-request", has_text="Mila Candidate")
    expect(row.locator(".request-student")).to_contain_text(f"{student.university.short_name} · Master student")
    expect(row.locator(".request-skills")).to_have_text("Python, spectroscopy")
    expect(row.locator(".request-motivation")).to_have_text("I built a spectrometer.")
    expect(row.locator(".request-effect")).to_have_text("Accepting makes 2 universities (2 needed): rule met.")
    row.get_by_role("button", name="Accept").click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("The student has joined the team.")
    expect(page.locator(".team-request")).to_have_count(0)


def test_student_mobility_form_preselects_team_hides_teaching_hours_and_history_reads(page: Page, live_url):
    from tests.mobility.conftest import _real

    graz, spbpu = _real("TU Graz"), _real("SPbPU")
    project = approved_project_with_team(title="Rolling mill twin")
    student = UserFactory(full_name="Anna Applicant", status="master", university=graz)
    MembershipFactory(team=project.team, user=student)

    login_in_browser(page, live_url, student)
    page.goto(f"{live_url}/mobility/apply/")
    expect(page.locator("#id_team option:checked")).to_have_text(str(project.team))
    expect(page.locator("[name=teaching_hours]")).to_have_count(0)
    page.select_option("#id_kind", "student_research")
    page.select_option("#id_host_university", str(spbpu.pk))
    page.fill("#id_planned_start", "2027-06-01")
    page.fill("#id_planned_end", "2027-06-30")
    page.select_option("#id_funding_source", "university")
    page.fill("#id_purpose", "Experiments in the partner lab")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("main")).to_contain_text("1 June 2027 – 30 June 2027")
    expect(page.locator("#history")).to_contain_text("Mobility application created")
    expect(page.locator("#history")).not_to_contain_text("mobility.created")
    assert Mobility.objects.get().team_id == project.team.pk


def test_staff_mobility_form_offers_teaching_hours(page: Page, live_url):
    coordinator = UserFactory(full_name="Carmen Coordinator", status="researcher")
    coordinator.groups.add(Group.objects.get_or_create(name=MOBILITY_COORDINATORS)[0])
    login_in_browser(page, live_url, coordinator)
    page.goto(f"{live_url}/mobility/apply/")
    expect(page.locator("[name=teaching_hours]")).to_be_visible()


def test_professor_picks_a_co_supervisor_by_search(page: Page, live_url):
    EditionFactory()
    ScientificAreaFactory(name="Energy")
    professor = UserFactory(full_name="Pavel Professor", status="professor")
    researcher = UserFactory(full_name="Lucia Navarro", status="researcher")
    UserFactory(full_name="Lucas Student", status="master")
    UserFactory(full_name="Luz Office", status="researcher", is_staff=True)

    login_in_browser(page, live_url, professor)
    page.goto(f"{live_url}/projects/new/")
    expect(page.locator("#co-supervisor-picker select")).to_have_count(0)
    page.locator("#co-supervisor-q").press_sequentially("Lu", delay=50)
    results = page.locator("#co-supervisor-results")
    expect(results).to_contain_text("Lucia Navarro · Researcher")
    expect(results).not_to_contain_text("Lucas Student")
    expect(results).not_to_contain_text("Luz Office")
    results.get_by_label("Lucia Navarro", exact=False).check()
    chosen = page.locator("#co-supervisors-chosen")
    expect(chosen).to_contain_text("Lucia Navarro")  # ticking moves the person up (htmx)
    page.locator("#co-supervisor-q").press("Enter")  # Enter searches; it never submits the form
    expect(page.locator("h1")).to_have_text("Propose a project")

    page.select_option("#id_area", label="Energy")
    page.fill("#id_title", "Wind farm wakes")
    page.fill("#id_summary", "Wakes behind turbines.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("saved as a draft")
    expect(page.locator("main")).to_contain_text("Lucia Navarro")
    assert list(professor.proposed_projects.get().co_supervisors.all()) == [researcher]


def test_phone_catalogue_opens_with_filters_folded_and_student_statuses(page: Page, live_url):
    student = UserFactory(full_name="Sofia Student", status="bachelor")
    approved_project_with_team(title="Digital twin of a rolling mill")
    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser_on_phone(page, live_url, student)
    page.goto(f"{live_url}/projects/")
    expect(page.locator("#catalogue-filter-panel")).to_be_hidden()
    expect(page.locator("#project-results")).to_contain_text("Digital twin of a rolling mill")
    page.get_by_role("button", name="Filters").click()
    expect(page.locator("#catalogue-filter-panel")).to_be_visible()
    options = page.locator("#catalogue-filters select[name=status] option").all_inner_texts()
    assert options == ["Published", "Approved", "Active", "Completed"]


def login_in_browser_on_phone(page: Page, base_url: str, user) -> None:
    """The navbar is collapsed on a phone: check the login by the page, not the menu."""
    from tests.e2e.helpers import verified
    from tests.factories import PASSWORD

    verified(user)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_count(1)
