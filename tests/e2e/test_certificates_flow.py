"""Certificates in a real browser: the office issues an edition's certificates, a student
downloads theirs, an anonymous visitor opens the verify URL and sees "valid"; revoking; the
public portfolio; checking an uploaded PDF."""

import io
import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from certificates import services
from certificates.models import Certificate
from tests.certificates.conftest import marathon as marathon  # noqa: F401 - the fixture
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office_user(db):
    return UserFactory(is_staff=True, full_name="Olga Officer", status="researcher")


def test_office_issues_student_downloads_visitor_verifies(page: Page, live_url, marathon, office_user, tmp_path):
    login_in_browser(page, live_url, office_user)
    click_nav(page, "#nav-certificates-office")
    page.click("#edition-2031")
    page.click("#start-run")
    expect(page.locator("#run-state")).to_have_text("Finished")
    expect(page.locator("#run-status .progress-bar")).to_have_attribute("data-progress", "100")
    page.click("#run-done")
    expect(page.locator("#issued-table tbody tr")).to_have_count(5)
    logout_in_browser(page)

    student = marathon["student"]
    login_in_browser(page, live_url, student)
    click_nav(page, "#nav-certificates")
    certificate = Certificate.objects.get(person=student)
    with page.expect_download() as download_info:
        page.click(f"#download-{certificate.pk}")
    assert download_info.value.suggested_filename == f"{certificate.number}.pdf"
    path = tmp_path / "certificate.pdf"
    download_info.value.save_as(path)
    from pypdf import PdfReader

    text = " ".join(PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text().split())
    assert "Anna Müller" in text and certificate.number in text
    verify_url = re.search(r"https?://\S+/verify/[\w-]+/", text).group(0)
    logout_in_browser(page)

    page.goto(live_url + urlparse(verify_url).path)  # what the QR code and short URL point to
    expect(page.locator("#verify-status")).to_have_attribute("data-status", "valid")
    expect(page.locator("#verify-status")).to_contain_text("Valid")
    expect(page.locator("#data-name")).to_contain_text("Anna Müller")
    expect(page.locator("body")).not_to_contain_text(student.email)

    page.goto(f"{live_url}/verify/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#check-submit")
    expect(page.locator("#check-status")).to_have_attribute("data-status", "valid")


def test_office_revokes_and_verify_shows_revoked(page: Page, live_url, marathon, office_user):
    certificate = services.issue_certificate(person=marathon["student"], edition=marathon["edition"],
                                             actor=office_user)
    login_in_browser(page, live_url, office_user)
    page.goto(f"{live_url}/certificates/{certificate.pk}/")
    page.fill("textarea[name=reason]", "Issued to the wrong person")
    page.click("#revoke-submit")
    expect(page.locator("#certificate-status")).to_have_text("Revoked")
    logout_in_browser(page)
    page.goto(f"{live_url}/verify/{certificate.code}/")
    expect(page.locator("#verify-status")).to_have_attribute("data-status", "revoked")
    expect(page.locator("#verify-status")).to_contain_text("Issued to the wrong person")
    page.goto(f"{live_url}/verify/no-such-certificate-code/")
    expect(page.locator("#verify-status")).to_have_attribute("data-status", "unknown")


def test_student_makes_portfolio_public_and_visitor_sees_it(page: Page, live_url, marathon, office_user):
    services.issue_certificate(person=marathon["student"], edition=marathon["edition"], actor=office_user)
    login_in_browser(page, live_url, marathon["student"])
    click_nav(page, "#nav-portfolio")
    expect(page.locator("#portfolio-projects")).to_contain_text("Hydrogen storage in porous metals")
    page.click("#make-public")
    public_url = page.locator("#public-url").get_attribute("href")
    logout_in_browser(page)
    page.goto(live_url + public_url)
    expect(page.locator("h1")).to_contain_text("Anna Müller")
    expect(page.locator("#portfolio-certificates")).to_contain_text("SPM-2031-00001")
