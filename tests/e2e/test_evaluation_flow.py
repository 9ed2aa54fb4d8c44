"""Browser flows of the commission: an expert scores on a phone; the chair publishes and a
student sees the team's results."""

import pytest
from playwright.sync_api import Page, expect

from evaluation import services
from evaluation.models import ExpertGroup, ScoreSheet, SheetStatus
from marathon.models import User
from projects.models import MembershipRole
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.evaluation.conftest import seat
from tests.evaluation.factories import CommissionFactory, CriterionFactory
from tests.evaluation.helpers import full_scores, open_evaluation
from tests.factories import EditionFactory, MembershipFactory, UserFactory, approved_project_with_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture
def setup(db):
    edition = EditionFactory()
    commission = CommissionFactory(edition=edition)
    criteria = [CriterionFactory(edition=edition, name=name, weight=w)
                for name, w in (("Scientific quality", 3), ("Practical value", 2), ("Presentation", 1))]
    chair = seat(commission, group=ExpertGroup.HOST_PROFESSOR, is_chair=True).user
    expert = seat(commission, group=ExpertGroup.CUSTOMER).user
    project = approved_project_with_team(edition=edition, title="Smart Grid Twin")
    sheet = services.assign_expert(member=commission.members.get(user=expert), project=project, actor=chair).sheet
    return {"edition": edition, "criteria": criteria, "chair": chair, "expert": expert, "project": project,
            "sheet": sheet}


def test_expert_scores_on_a_phone_draft_survives_reload_then_submits(browser, live_url, setup):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login_in_browser(page, live_url, setup["expert"])
    sheet, criteria = setup["sheet"], setup["criteria"]
    page.goto(f"{live_url}/evaluation/")
    page.click("text=Smart Grid Twin")
    for criterion, value in zip(criteria, (5, 4, 3), strict=True):
        with page.expect_response(lambda r: r.url.endswith("/autosave/")):
            page.click(f"label[for=id_c{criterion.pk}_{value - 1}]")
        expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    page.fill("#id_feedback", "Impressive digital twin; document the data pipeline.")
    with page.expect_response(lambda r: r.url.endswith("/autosave/")):
        page.locator("#id_feedback").blur()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.reload()
    expect(page.locator(f"#id_c{criteria[0].pk}_4")).to_be_checked()
    expect(page.locator(f"#id_c{criteria[2].pk}_2")).to_be_checked()
    expect(page.locator("#id_feedback")).to_have_value("Impressive digital twin; document the data pipeline.")

    page.click("#submit-sheet")
    expect(page.locator(".alert-success")).to_contain_text("Your score sheet is submitted.")
    expect(page.locator("#sheet-status")).to_have_text("Submitted")
    assert ScoreSheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED
    context.close()


def test_chair_publishes_and_student_sees_team_results(page: Page, live_url, setup):
    student = MembershipFactory(team=setup["project"].team, role=MembershipRole.MEMBER,
                                user=UserFactory(status=User.Status.MASTER, full_name="Mira Student")).user
    services.save_score_sheet(sheet=setup["sheet"], actor=setup["expert"],
                              scores=full_scores(setup["criteria"], [5, 4, 3]),
                              feedback="Clear, useful results.", confidential_note="Chair only")
    services.submit_score_sheet(sheet=setup["sheet"], actor=setup["expert"])
    page.on("dialog", lambda dialog: dialog.accept())

    login_in_browser(page, live_url, setup["chair"])
    page.goto(f"{live_url}/evaluation/commission/{setup['edition'].year}/")
    expect(page.locator("#results-table")).to_contain_text("Smart Grid Twin")
    expect(page.locator("#publish-not-yet")).to_contain_text("Publishing opens when the evaluation phase starts")
    open_evaluation(setup["edition"])
    click_nav(page, "#nav-commission-dashboard")  # the chair's menu leads to the dashboard
    # One expert of one project: the team handed in no results and the project has 1 of 2 sheets.
    expect(page.locator("#gaps-teams")).to_contain_text("Smart Grid Twin")
    expect(page.locator("#gaps-projects")).to_contain_text("Smart Grid Twin: 1 of 2 submitted sheets")
    page.select_option("#id_method", "median")
    page.click("#save-ranking-method")
    expect(page.locator(".alert-success")).to_contain_text("The official ranking method is now: Median.")
    expect(page.locator("#official-method")).to_contain_text("Official ranking: Median.")
    page.click("#publish")
    expect(page.locator(".alert-danger").first).to_contain_text("confirm with a reason")
    page.check("#id_confirm_missing")
    page.fill("#id_reason", "The team's report arrives by post.")
    page.click("#publish")
    expect(page.locator("#published")).to_contain_text("Published on")
    # Notices (the student and the team lead) run in Celery, eager here; the bar gets its width
    # from data-progress via site.js.
    expect(page.locator("#publish-progress")).to_contain_text("Team members notified: 2 of 2")
    expect(page.locator("#publish-progress .progress-bar")).to_have_attribute("style", "width: 100%;")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-results")
    page.click(f"text={setup['edition']}")
    expect(page.locator("#ranking")).to_contain_text("Smart Grid Twin")
    expect(page.locator(".team-results")).to_contain_text("Clear, useful results.")
    expect(page.locator("main")).not_to_contain_text(setup["expert"].full_name)
    expect(page.locator("main")).not_to_contain_text("Chair only")


def test_office_runs_commission_without_seeing_scores(page: Page, live_url, setup):
    services.save_score_sheet(sheet=setup["sheet"], actor=setup["expert"],
                              scores=full_scores(setup["criteria"], [5, 4, 3]), confidential_note="Chair only")
    services.submit_score_sheet(sheet=setup["sheet"], actor=setup["expert"])
    office = UserFactory(status=User.Status.RESEARCHER, is_staff=True)
    login_in_browser(page, live_url, office)
    click_nav(page, "#nav-evaluation")
    page.click(f"#chaired >> text={setup['edition'].year}")
    expect(page.locator("#progress-projects")).to_contain_text("1 / 1")
    expect(page.locator("#results-office")).to_contain_text("chairs only")
    expect(page.locator("#results")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Chair only")
