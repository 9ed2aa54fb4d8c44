"""Issue 17 (access): the three key flows completed with the keyboard only (Tab, Enter, Space and
the arrow keys of radio groups and selects; typing text; no clicks), visible focus, skip link,
landmarks, `lang`, live regions, and reflow at 320 px and at 200 % zoom."""

import pytest
from playwright.sync_api import Page, expect

from evaluation.models import ScoreSheet, SheetStatus
from mobility.models import Mobility
from teams.models import JoinRequest
from tests.e2e.helpers import verified
from tests.e2e.test_evaluation_flow import setup  # noqa: F401  (fixture)
from tests.e2e.test_mobility_flow import setting  # noqa: F401  (fixture)
from tests.factories import PASSWORD, UserFactory, approved_project_with_team
from tests.teams.factories import make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

ACTIVE_MATCHES = "sel => document.activeElement && document.activeElement.matches(sel)"


def tab_to(page: Page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus; its focus must be visible."""
    for _ in range(limit):
        if page.evaluate(ACTIVE_MATCHES, selector):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError(f"Tab never reached {selector}")
    assert_focus_visible(page)


def assert_focus_visible(page: Page) -> None:
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }""")
    assert (style[0] != "none" and style[1] != "0px") or style[2] != "none", style


def choose(page: Page, value: str, limit: int = 60) -> None:
    """Pick an option of the focused <select> with the arrow keys."""
    page.keyboard.press("Home")
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {value} not reachable")


def keyboard_login(page: Page, base_url: str, user) -> None:
    verified(user)
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "input[name=login]")
    page.keyboard.type(user.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#nav-user")).to_have_count(1)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, live_url):
    page.goto(f"{live_url}/projects/")
    page.keyboard.press("Tab")
    skip = page.locator("#skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to main content")
    expect(skip).to_be_visible()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Landmarks and the page language.
    expect(page.locator("header nav.navbar")).to_have_count(1)
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.locator("body > footer")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_page_lang_follows_the_active_language(page: Page, live_url):
    page.goto(f"{live_url}/projects/")
    if page.locator(".navbar-toggler").is_visible():  # the collapsed menu opens with the keyboard too
        tab_to(page, ".navbar-toggler")
        page.keyboard.press("Enter")
    tab_to(page, "button[name=language][value=de]")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_keyboard_only_student_asks_to_join_a_team(page: Page, live_url):
    team = make_team()
    student = UserFactory(full_name="Kira Keyboard", status="bachelor")
    keyboard_login(page, live_url, student)
    page.goto(f"{live_url}{team.get_absolute_url()}")
    tab_to(page, "textarea[name=motivation]")
    page.keyboard.type("I navigate with the keyboard and know Python.")
    tab_to(page, "#send-request")
    page.keyboard.press("Enter")
    expect(page.locator("main > .alert-success[role=alert]")).to_contain_text("Your request has been sent")
    assert JoinRequest.objects.filter(student=student, team=team).exists()


def test_keyboard_only_expert_fills_and_submits_a_score_sheet(page: Page, live_url, setup):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())
    keyboard_login(page, live_url, setup["expert"])
    page.goto(f"{live_url}/evaluation/")
    tab_to(page, f"main a[href$='/evaluation/sheets/{setup['sheet'].pk}/']")
    page.keyboard.press("Enter")
    expect(page.locator("#autosave-status")).to_have_attribute("role", "status")
    expect(page.locator("#autosave-status")).to_have_attribute("aria-live", "polite")
    for criterion, value in zip(setup["criteria"], (5, 4, 3), strict=True):
        tab_to(page, f"input[name=c{criterion.pk}]")
        page.keyboard.press("Space")  # the first level
        with page.expect_response(lambda r: r.url.endswith("/autosave/")):
            for _ in range(value - 1):
                page.keyboard.press("ArrowRight")
        expect(page.locator(f"#id_c{criterion.pk}_{value - 1}")).to_be_checked()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    tab_to(page, "#id_feedback")
    page.keyboard.type("Clear method; keyboard-only review.")
    tab_to(page, "#submit-sheet")
    page.keyboard.press("Enter")
    expect(page.locator("#sheet-status")).to_have_text("Submitted")
    assert ScoreSheet.objects.get(pk=setup["sheet"].pk).status == SheetStatus.SUBMITTED


def test_keyboard_only_student_applies_for_a_mobility(browser, live_url, setting):  # noqa: F811
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    keyboard_login(page, live_url, setting["student"])
    page.goto(f"{live_url}/mobility/")
    tab_to(page, "#apply-mobility")
    page.keyboard.press("Enter")
    estimate = page.locator("#estimate")
    expect(estimate).to_have_attribute("role", "status")
    expect(estimate).to_have_attribute("aria-live", "polite")
    tab_to(page, "select[name=kind]")
    choose(page, "student_research")
    tab_to(page, "select[name=host_university]")
    choose(page, str(setting["graz"].pk))
    tab_to(page, "input[name=planned_start]")
    page.keyboard.type("04012027")
    tab_to(page, "input[name=planned_end]")
    page.keyboard.type("04302027")
    tab_to(page, "select[name=funding_source]")
    choose(page, "erasmus")
    tab_to(page, "input[name=green_travel]")
    page.keyboard.press("Space")
    expect(page.locator("#estimate-total")).to_have_text("€2,840.00")
    tab_to(page, "#submit-mobility")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("submitted to the coordinator")
    assert Mobility.objects.get().status == "submitted"
    context.close()


def no_horizontal_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 640, "height": 450}],
                         ids=["320px", "200pct-zoom"])
def test_catalogue_and_score_sheet_reflow_without_horizontal_scroll(browser, live_url, setup, viewport):  # noqa: F811
    # 200 % zoom of a 1280×900 window lays the page out in 640×450 CSS pixels.
    approved_project_with_team(title="A project with a deliberately long title for reflow")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    keyboard_login(page, live_url, setup["expert"])
    page.goto(f"{live_url}/projects/")
    no_horizontal_scroll(page, viewport["width"])
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main h2 a").first).to_be_visible()  # the projects
    expect(page.locator("main aside button, main form input").first).to_be_visible()  # the filters
    page.goto(f"{live_url}/evaluation/sheets/{setup['sheet'].pk}/")
    no_horizontal_scroll(page, viewport["width"])
    first = setup["criteria"][0]
    expect(page.locator(f"label[for=id_c{first.pk}_4]")).to_be_visible()
    expect(page.locator("#id_feedback")).to_be_visible()
    page.locator("#submit-sheet").scroll_into_view_if_needed()
    expect(page.locator("#submit-sheet")).to_be_visible()
    context.close()
