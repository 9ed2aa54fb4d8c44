"""Browser flows of mobility: a student applies with the live estimate and submits; the
coordinator approves; the student starts, uploads the certificate and completes."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from marathon.demo import UNIVERSITIES
from marathon.roles import MOBILITY_COORDINATORS
from mobility import services
from mobility.demo import seed_rate_table
from mobility.models import Mobility
from tests.e2e.helpers import click_nav, login_in_browser, logout_in_browser
from tests.factories import UniversityFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def real_university(short_name):
    name, short, country, city, lat, lon, host, _web = next(u for u in UNIVERSITIES if u[1] == short_name)
    return UniversityFactory(name=name, short_name=short, country=country, city=city,
                             latitude=lat, longitude=lon, is_host=host)


@pytest.fixture
def setting():
    seed_rate_table()
    spbpu, graz = real_university("SPbPU"), real_university("TU Graz")
    student = UserFactory(status="master", university=spbpu, full_name="Stepan Student")
    coordinator = UserFactory(status="researcher", university=spbpu, full_name="Carmen Coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name=MOBILITY_COORDINATORS)[0])
    return {"spbpu": spbpu, "graz": graz, "student": student, "coordinator": coordinator}


def test_student_applies_with_live_estimate_and_submits(page: Page, live_url, setting):
    login_in_browser(page, live_url, setting["student"])
    click_nav(page, "#nav-mobility")
    page.click("#apply-mobility")
    page.fill("input[name=planned_start]", "2027-04-01")
    page.fill("input[name=planned_end]", "2027-04-30")
    page.select_option("select[name=funding_source]", "erasmus")
    page.select_option("select[name=kind]", "student_research")
    page.select_option("select[name=host_university]", str(setting["graz"].pk))
    # 1736 km -> 275 EUR travel; 32 days x 70 EUR (example rate) = 2240 EUR
    expect(page.locator("#estimate [data-field=band]")).to_have_text("500–1999 km")
    expect(page.locator("#estimate-total")).to_have_text("€2,515.00")
    page.check("input[name=green_travel]")
    expect(page.locator("#estimate-total")).to_have_text("€2,840.00")
    page.click("#submit-mobility")
    expect(page.locator(".alert-success")).to_contain_text("submitted to the coordinator")
    expect(page.locator("[data-status]")).to_have_text("Submitted")
    assert Mobility.objects.get().status == "submitted"


def test_coordinator_approves_then_student_completes_with_certificate(page: Page, live_url,
                                                                      setting, tmp_path):
    student = setting["student"]
    mobility = services.create_mobility(actor=student, data={
        "kind": "student_research", "home_university": setting["spbpu"],
        "host_university": setting["graz"], "funding_source": "erasmus",
        "planned_start": date(2027, 4, 1),
        "planned_end": date(2027, 4, 30)})
    services.submit_mobility(mobility=mobility, actor=student)

    login_in_browser(page, live_url, setting["coordinator"])
    click_nav(page, "#nav-mobility-queue")
    row = page.locator(f"tr[data-mobility='{mobility.pk}']")
    expect(row).to_contain_text("SPbPU → TU Graz")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(".alert-success")).to_contain_text("approved")
    logout_in_browser(page)

    login_in_browser(page, live_url, student)
    page.goto(f"{live_url}/mobility/{mobility.pk}/")
    expect(page.locator("[data-status]")).to_have_text("Approved")
    page.click("#start-mobility")
    expect(page.locator("[data-status]")).to_have_text("In progress")
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    page.select_option("#upload-form select[name=kind]", "certificate")
    page.set_input_files("#upload-form input[name=file]", str(certificate))
    page.click("#upload-document")
    expect(page.locator("#documents")).to_contain_text("certificate.pdf")
    page.click("#complete-mobility")
    expect(page.locator("[data-status]")).to_have_text("Completed")
