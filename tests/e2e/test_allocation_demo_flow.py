"""The office opens the demo's allocation draft from its home card (issue 14's demo data)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from marathon.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_office_opens_the_demo_allocation_from_its_card_sorts_and_locks(page: Page, live_url):
    call_command("seed_demo", stdout=io.StringIO())
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=login]", "office@marathon.example")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_count(1)

    card = page.locator("#card-review-allocation")
    expect(card).to_contain_text("review it, then commit.")
    card.get_by_role("link", name="Review the draft").click()

    expect(page.locator("#run-state")).to_have_text("Draft ready")
    expect(page.locator("#totals")).to_contain_text("First come, first served")
    expect(page.locator("#result-teams tbody tr").first).to_contain_text("choice 1")
    page.locator("#table-options").get_by_role("link", name="size", exact=True).click()
    expect(page.locator("#table-options strong", has_text="size")).to_be_visible()

    page.click("#tab-students")
    page.locator("#table-options").get_by_role("link", name="choice obtained", exact=True).click()
    first = page.locator("#result-students tbody tr").first
    name = first.locator("td").first.inner_text()
    first.get_by_role("button", name="Lock").click()
    expect(page).to_have_url(re.compile(r"tab=students.*sort=rank|sort=rank.*tab=students"))
    expect(page.locator("#result-students tr", has_text=name).get_by_role("button", name="Unlock")).to_be_visible()
    page.locator("#table-options").get_by_role("link", name="locked", exact=True).click()
    expect(page.locator("#result-students tbody tr")).to_have_count(1)
