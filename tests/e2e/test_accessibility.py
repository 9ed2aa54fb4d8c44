"""axe-core (bundled by axe-playwright-python, no network) over the key pages of every demo role,
on a desktop and a phone: no violation of ANY impact (issue 17, WCAG 2.1 AA; issue 12, item 16).

Reviewed exceptions (rule id → reason) are listed in EXCEPTIONS; keep it empty unless truly unavoidable."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from certificates.models import Certificate
from evaluation.models import ScoreSheet
from marathon.demo import DEMO_PASSWORD, evaluating_edition
from marathon.models import Edition, User
from projects.models import Project
from workspace.models import JournalEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

# (url prefix or "*", axe rule id) → reason. Reviewed; nothing else may be excluded.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def excepted(url: str, rule: str) -> bool:
    return any(rule == r and (prefix == "*" or url.startswith(prefix)) for prefix, r in EXCEPTIONS)


def key_pages() -> dict:
    """Role (demo account) → the pages that role uses most, with the demo's ids."""
    current = Edition.objects.current()
    evaluating = evaluating_edition()
    project = Project.objects.filter(edition=current, status="approved").order_by("pk").first()
    sheet = ScoreSheet.objects.filter(assignment__member__user__email="expert@marathon.example",
                                      assignment__project__edition=evaluating).order_by("pk").first()
    project_pages = [f"/projects/{project.pk}/", f"/teams/{project.team.pk}/"]
    certificate = Certificate.objects.order_by("pk").first()
    entry = JournalEntry.objects.select_related("team").order_by("pk").first()
    workspace_pages = [f"/workspace/teams/{entry.team.pk}/", f"/workspace/teams/{entry.team.pk}/journal/"]
    return {
        None: ["/accounts/login/", "/projects/", f"/verify/{certificate.code}/", "/verify/"],
        "student": ["/", "/projects/", *project_pages, "/teams/requests/", "/mobility/", "/mobility/apply/",
                    "/inbox/", "/workspace/", "/industry/internships/", "/certificates/",
                    "/teams/ranking/"],
        "professor": ["/", "/teams/requests/", "/projects/new/", *project_pages, "/workspace/supervision/",
                      "/certificates/", "/industry/tasks/"],
        "expert": ["/", "/evaluation/", f"/evaluation/sheets/{sheet.pk}/"],
        "chair": ["/", f"/evaluation/commission/{evaluating.year}/", "/evaluation/commission/2019/"],
        "coordinator": ["/", "/mobility/queue/", "/mobility/apply/"],
        "customer": ["/", "/industry/", "/industry/tasks/"],
        "office": ["/", "/reports/", "/projects/review/", "/inbox/", *workspace_pages, "/certificates/office/",
                   "/teams/allocation/", "/industry/tasks/review/"],
    }


def log_in(page: Page, base_url: str, role: str) -> None:
    user = User.objects.get(email=f"{role}@marathon.example")
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_count(1)


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def test_key_pages_of_every_role_have_no_accessibility_violations(browser, live_url):
    call_command("seed_demo", stdout=io.StringIO())  # once: it is the slow part
    axe = Axe()
    found = []
    for device, viewport in VIEWPORTS.items():
        for role, urls in key_pages().items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            if role:
                log_in(page, live_url, role)
            for url in urls:
                response = page.goto(f"{live_url}{url}")
                if response.status != 200:
                    found.append((device, role, url, "status", response.status))
                    continue
                for violation in axe.run(page).response["violations"]:
                    if not excepted(url, violation["id"]):
                        found.append((device, role, url, violation["impact"], violation["id"],
                                      [(node["target"], node["failureSummary"][:160])
                                       for node in violation["nodes"][:2]]))
            context.close()
    assert found == [], "\n".join(map(str, found))


def test_navbar_links_meet_wcag_aa_contrast(page: Page, live_url):
    page.goto(f"{live_url}/accounts/login/")
    result = Axe().run(page, context="nav", options={"runOnly": ["color-contrast"]})
    assert result.response["violations"] == []
