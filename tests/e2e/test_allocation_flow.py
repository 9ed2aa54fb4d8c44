import pytest
from playwright.sync_api import Page, expect

from teams.allocation import services
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import EditionFactory, UniversityFactory, UserFactory
from tests.teams.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_students_rank_office_runs_locks_reruns_commits_student_sees_team(page: Page, live_url):
    edition = EditionFactory(year=2099, team_size_min=2, team_size_max=3, min_universities=2)
    graz, madrid = UniversityFactory(short_name="TUG"), UniversityFactory(short_name="UPM")
    optics = make_team(edition=edition, title="Optics lab")
    robots = make_team(edition=edition, title="Robot swarm")
    sofia = UserFactory(full_name="Sofia Ranker", status="bachelor", university=graz)
    pablo = UserFactory(full_name="Pablo Ranker", status="master", university=madrid)
    others = [UserFactory(full_name=f"Other {i}", status="bachelor", university=[graz, madrid][i % 2])
              for i in range(4)]
    office = UserFactory(full_name="Olga Office", status="researcher", is_staff=True)

    for student in (sofia, pablo):
        login_in_browser(page, live_url, student)
        click_nav(page, "#nav-ranking")
        page.goto(f"{page.url.split('?')[0]}?edition={edition.pk}")
        page.select_option("#id_team_1", label="Robot swarm")
        page.select_option("#id_team_2", label="Optics lab")
        page.fill("#id_motivation_1", "I build robots.")
        page.click("#save-ranking")
        expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("Your ranking has been saved.")
        expect(page.locator("#my-ranking li")).to_have_text(["Robot swarm", "Optics lab"])
        logout_in_browser(page)
    for student in others:
        services.save_preferences(student=student, edition=edition, actor=student,
                                  choices=[{"team": robots.pk}, {"team": optics.pk}])

    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-allocation")
    page.goto(f"{page.url.split('?')[0]}?edition={edition.pk}")
    expect(page.locator("#rankings-count")).to_have_text("6 students have ranked projects.")
    page.click("#start-run")
    expect(page.locator("#run-state")).to_have_text("Draft ready")
    expect(page.locator("#run-solver")).to_have_text("optimal")
    expect(page.locator("#totals")).to_contain_text("First come, first served")
    expect(page.locator("#result-teams")).to_contain_text("Robot swarm")

    page.click("#tab-students")
    row = page.locator("#result-students tr", has_text="Sofia Ranker")
    team_of_sofia = row.locator("td").nth(2).inner_text()
    row.get_by_role("button", name="Lock").click()
    expect(page.locator("#result-students tr", has_text="Sofia Ranker").get_by_role("button", name="Unlock")) \
        .to_be_visible()

    page.click("#rerun")
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("running again")
    expect(page.locator("main")).to_contain_text("with its locked placements")
    expect(page.locator("#run-state")).to_have_text("Draft ready")
    page.click("#tab-students")
    expect(page.locator("#result-students tr", has_text="Sofia Ranker")).to_contain_text(team_of_sofia)
    page.click("#commit")
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("The allocation is committed")
    expect(page.locator("#run-state")).to_have_text("Committed")
    expect(page.locator("#run-notified")).to_have_text("Notified 6 of 6 students.")
    logout_in_browser(page)

    login_in_browser(page, live_url, sofia)
    click_nav(page, "#nav-my-team")
    page.locator("#my-teams").get_by_role("link", name=team_of_sofia).click()
    expect(page.locator("#members")).to_contain_text("Sofia Ranker")
    expect(page.locator("#my-membership")).to_contain_text("You are a member of this team.")
