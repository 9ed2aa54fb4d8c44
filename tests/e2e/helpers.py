"""Helpers for real-browser tests (Playwright, Debian chromium; see tests/conftest.py)."""

from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def verified(user):
    """Mark the user's e-mail as verified (login requires it when DEBUG is off)."""
    EmailAddress.objects.update_or_create(user=user, email=user.email,
                                          defaults={"verified": True, "primary": True})
    return user


def login_in_browser(page: Page, base_url: str, user, password: str = PASSWORD) -> None:
    verified(user)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    expect(page.locator("#nav-user")).to_have_text(user.full_name)


def logout_in_browser(page: Page) -> None:
    click_nav(page, "nav form[action$='/accounts/logout/'] button")


def click_nav(page: Page, link: str) -> None:
    """Click a navbar link that may sit in a dropdown menu (or the collapsed mobile menu)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Bootstrap animates the collapse: wait until the menu is open before reaching into it.
        page.locator(".navbar-collapse.show").wait_for(state="visible")
    target = page.locator(link)
    if not target.is_visible():
        menu = "xpath=ancestor::li[contains(@class, 'dropdown')]/a[contains(@class, 'dropdown-toggle')]"
        target.locator(menu).click()
        target.wait_for(state="visible")
    target.click()
