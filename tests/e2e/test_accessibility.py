"""axe-core (bundled by axe-playwright-python, no network) over the key pages of every demo role,
on a desktop and a phone: no critical or serious violation (issue 12, item 16)."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from evaluation.models import ScoreSheet
from marathon.demo import DEMO_PASSWORD, evaluating_edition
from marathon.models import Edition, User
from projects.models import Project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

BLOCKING = ("critical", "serious")


def key_pages() -> dict:
    """Role (demo account) → the pages that role uses most, with the demo's ids."""
    current = Edition.objects.current()
    evaluating = evaluating_edition()
    project = Project.objects.filter(edition=current, status="approved").order_by("pk").first()
    sheet = ScoreSheet.objects.filter(assignment__member__user__email="expert@marathon.example",
                                      assignment__project__edition=evaluating).order_by("pk").first()
    project_pages = [f"/projects/{project.pk}/", f"/teams/{project.team.pk}/"]
    return {
        None: ["/accounts/login/", "/projects/"],
        "student": ["/", "/projects/", *project_pages, "/teams/requests/", "/mobility/apply/", "/inbox/"],
        "professor": ["/", "/teams/requests/", "/projects/new/", *project_pages],
        "expert": ["/", "/evaluation/", f"/evaluation/sheets/{sheet.pk}/"],
        "chair": ["/", f"/evaluation/commission/{evaluating.year}/", "/evaluation/commission/2019/"],
        "coordinator": ["/", "/mobility/queue/", "/mobility/apply/"],
        "office": ["/", "/reports/", "/projects/review/", "/inbox/"],
    }


def log_in(page: Page, base_url: str, role: str) -> None:
    user = User.objects.get(email=f"{role}@marathon.example")
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_count(1)


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def test_key_pages_of_every_role_have_no_serious_accessibility_violations(browser, live_url):
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
                assert response.status == 200, (device, role, url, response.status)
                for violation in axe.run(page).response["violations"]:
                    if violation["impact"] in BLOCKING:
                        found.append((device, role, url, violation["impact"], violation["id"],
                                      [node["target"] for node in violation["nodes"][:3]]))
            context.close()
    assert found == []


def test_navbar_links_meet_wcag_aa_contrast(page: Page, live_url):
    page.goto(f"{live_url}/accounts/login/")
    result = Axe().run(page, context="nav", options={"runOnly": ["color-contrast"]})
    assert result.response["violations"] == []
