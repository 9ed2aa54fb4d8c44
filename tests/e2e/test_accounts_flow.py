import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.helpers import click_nav

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_signup_verify_login_edit_profile_see_name(page: Page, live_url, university):
    page.goto(f"{live_url}/accounts/signup/")
    page.fill("input[name=email]", "mila@example.org")
    page.fill("input[name=full_name]", "Mila Browser")
    page.select_option("select[name=university]", str(university.pk))
    page.select_option("select[name=status]", "phd")
    page.fill("input[name=password1]", "a-Long-unusual-pass-42")
    page.fill("input[name=password2]", "a-Long-unusual-pass-42")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Verify Your Email Address")

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.click("main form button[type=submit]")

    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=login]", "mila@example.org")
    page.fill("input[name=password]", "a-Long-unusual-pass-42")
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_text("Mila Browser")

    click_nav(page, "#nav-profile")
    page.fill("input[name=full_name]", "Mila Renamed")
    page.fill("input[name=skills]", "Spectroscopy")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Your profile has been saved.")

    page.goto(f"{live_url}/")
    expect(page.locator("#welcome")).to_have_text("Welcome, Mila Renamed.")
