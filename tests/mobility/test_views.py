import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from marathon.models import Notification
from mobility import services
from mobility.models import Mobility, MobilityStatus
from tests.factories import EditionFactory, UserFactory
from tests.querycount import PAGE_BASE

from .factories import MobilityFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form_data(applicant, host, **overrides):
    start = timezone.localdate() + timedelta(days=40)
    return {"kind": "student_research", "home_university": applicant.university_id,
            "host_university": host.pk, "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(days=29)).isoformat(), "funding_source": "erasmus",
            "purpose": "Experiments", **overrides}


def submitted(**fields):
    mobility = MobilityFactory(**fields)
    return services.submit_mobility(mobility=mobility, actor=mobility.participant)


# --- participant pages ------------------------------------------------------------------------
def test_anonymous_redirected_to_login(client):
    assert client.get("/mobility/").status_code == 302


def test_apply_page_shows_form_and_empty_estimate(login, applicant):
    html = login(applicant).get("/mobility/apply/").content.decode()
    assert 'hx-get="/mobility/estimate/"' in html
    assert 'id="estimate-empty"' in html


def test_apply_page_hides_teaching_hours_from_students(login, applicant):
    html = login(applicant).get("/mobility/apply/").content.decode()
    assert 'name="teaching_hours"' not in html


def test_apply_page_shows_teaching_hours_to_staff(login, coordinator):
    html = login(coordinator).get("/mobility/apply/").content.decode()
    assert 'name="teaching_hours"' in html


def test_student_posting_teaching_hours_stores_none(login, applicant, spbpu):
    login(applicant).post("/mobility/apply/", form_data(applicant, spbpu, teaching_hours="12"))
    assert Mobility.objects.get().teaching_hours is None


def test_apply_page_preselects_applicants_latest_team(login, applicant):
    from tests.factories import MembershipFactory, approved_project_with_team

    old = approved_project_with_team(edition=EditionFactory(year=2031)).team
    latest = approved_project_with_team(edition=EditionFactory(year=2032)).team
    MembershipFactory(team=old, user=applicant)
    MembershipFactory(team=latest, user=applicant)
    html = login(applicant).get("/mobility/apply/").content.decode()
    assert f'<option value="{latest.pk}" selected>' in html
    assert f'<option value="{old.pk}">' in html


def test_apply_page_without_team_selects_none(login, applicant):
    html = login(applicant).get("/mobility/apply/").content.decode()
    assert '<option value="" selected>' in html


def test_live_estimate_partial(login, applicant, spbpu, ka1):
    response = login(applicant).get("/mobility/estimate/", form_data(applicant, spbpu))
    html = response.content.decode()
    assert 'data-field="band">500–1999 km' in html
    assert "The per-day rates are examples" in html


def test_live_estimate_partial_tolerates_partial_input(login, applicant):
    response = login(applicant).get("/mobility/estimate/", {"planned_start": "nonsense"})
    assert response.status_code == 200
    assert 'id="estimate-empty"' in response.content.decode()


def test_apply_and_submit(login, applicant, spbpu, coordinator, ka1):
    response = login(applicant).post("/mobility/apply/", {**form_data(applicant, spbpu),
                                                          "submit": "1"})
    mobility = Mobility.objects.get()
    assert response.url == f"/mobility/{mobility.pk}/"
    assert mobility.status == "submitted"
    assert Notification.objects.filter(recipient=coordinator).count() == 1


def test_apply_save_draft(login, applicant, spbpu):
    login(applicant).post("/mobility/apply/", form_data(applicant, spbpu))
    assert Mobility.objects.get().status == "draft"


def test_apply_same_university_shows_form_error(login, applicant):
    response = login(applicant).post("/mobility/apply/",
                                     form_data(applicant, applicant.university))
    assert response.status_code == 200
    assert "must differ from the home university" in response.content.decode()
    assert not Mobility.objects.exists()


def test_edit_draft(login, applicant, spbpu):
    mobility = MobilityFactory(participant=applicant, host_university=spbpu)
    client = login(applicant)
    assert client.get(f"/mobility/{mobility.pk}/edit/").status_code == 200
    client.post(f"/mobility/{mobility.pk}/edit/", form_data(applicant, spbpu, purpose="Changed"))
    mobility.refresh_from_db()
    assert mobility.purpose == "Changed"


def test_edit_by_outsider_is_404(login, outsider):
    assert login(outsider).get(f"/mobility/{MobilityFactory().pk}/edit/").status_code == 404


def test_edit_by_coordinator_is_403(login, coordinator):
    assert login(coordinator).get(f"/mobility/{MobilityFactory().pk}/edit/").status_code == 403


def test_detail_shows_stored_grant(login, ka1, spbpu, graz):
    mobility = submitted(participant=UserFactory(status="master", university=spbpu),
                         host_university=graz, planned_start=date(2027, 4, 1),
                         planned_end=date(2027, 4, 30), erasmus_call_year=2022)
    html = login(mobility.participant).get(mobility.get_absolute_url()).content.decode()
    assert 'id="estimate-total"><strong>€2,515.00' in html


def test_detail_hidden_from_outsider(login, outsider):
    assert login(outsider).get(MobilityFactory().get_absolute_url()).status_code == 404


def test_upload_and_download_certificate(login, coordinator):
    mobility = services.approve_mobility(mobility=submitted(), actor=coordinator)
    client = login(mobility.participant)
    client.post(f"/mobility/{mobility.pk}/documents/", {
        "kind": "certificate", "file": SimpleUploadedFile("cert.pdf", PDF, "application/pdf")})
    document = mobility.documents.get()
    response = client.get(f"/mobility/{mobility.pk}/documents/{document.pk}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)


def test_upload_rejects_non_pdf(login):
    mobility = MobilityFactory()
    response = login(mobility.participant).post(f"/mobility/{mobility.pk}/documents/", {
        "kind": "certificate", "file": SimpleUploadedFile("cert.pdf", b"plain text", "text/plain")},
        follow=True)
    assert "not accepted" in response.content.decode()
    assert not mobility.documents.exists()


# --- coordinator pages -------------------------------------------------------------------------
def test_queue_forbidden_for_students(login, applicant):
    assert login(applicant).get("/mobility/queue/").status_code == 403


@pytest.mark.parametrize("url", ["/mobility/universities/", "/mobility/calendar/",
                                 "/mobility/grants/", "/mobility/grants/export.csv"])
def test_coordinator_pages_forbidden_for_students(login, applicant, url):
    assert login(applicant).get(url).status_code == 403


def test_coordinator_approves_from_queue(login, coordinator):
    mobility = submitted()
    client = login(coordinator)
    assert f'data-mobility="{mobility.pk}"' in client.get("/mobility/queue/").content.decode()
    client.post(f"/mobility/{mobility.pk}/approve/")
    mobility.refresh_from_db()
    assert mobility.status == "approved"


def test_reject_from_detail_page(login, coordinator):
    mobility = submitted()
    login(coordinator).post(f"/mobility/{mobility.pk}/reject/", {"reason": "No slot."})
    mobility.refresh_from_db()
    assert (mobility.status, mobility.rejection_reason) == ("rejected", "No slot.")


def test_participant_cannot_approve_via_page(login):
    mobility = submitted()
    assert login(mobility.participant).post(f"/mobility/{mobility.pk}/approve/").status_code == 403


def test_flows_lists_incoming_and_outgoing(login, coordinator, spbpu, graz):
    incoming = submitted(host_university=spbpu)
    outgoing = submitted(participant=UserFactory(university=spbpu), host_university=graz)
    html = login(coordinator).get("/mobility/universities/", {"university": spbpu.pk}).content.decode()
    assert html.index(f'data-mobility="{incoming.pk}"') < html.index('id="outgoing"')
    assert html.index(f'data-mobility="{outgoing.pk}"') > html.index('id="outgoing"')


def test_calendar_shows_who_is_away(login, coordinator):
    away = MobilityFactory(status=MobilityStatus.APPROVED)
    MobilityFactory(status=MobilityStatus.SUBMITTED)
    html = login(coordinator).get("/mobility/calendar/", {
        "start": away.planned_start.isoformat(),
        "end": (away.planned_start + timedelta(days=14)).isoformat()}).content.decode()
    assert html.count("data-mobility=") == 1
    assert f'data-mobility="{away.pk}"' in html


def test_calendar_shows_one_page_of_stays_at_a_time(login, coordinator, monkeypatch):
    from mobility import views

    monkeypatch.setattr(views, "CALENDAR_PAGE_SIZE", 2)
    start = date(2027, 3, 1)
    stays = [MobilityFactory(status=MobilityStatus.APPROVED, planned_start=start + timedelta(days=i),
                             planned_end=start + timedelta(days=20 + i)) for i in range(3)]
    client = login(coordinator)
    period = {"start": "2027-03-01", "end": "2027-05-01"}
    first = client.get("/mobility/calendar/", period).content.decode()
    second = client.get("/mobility/calendar/", {**period, "page": 2}).content.decode()
    assert first.count("data-mobility=") == 2
    assert second.count("data-mobility=") == 1
    assert f'data-mobility="{stays[2].pk}"' in second
    assert "page=2" in first and "start=2027-03-01" in first


def test_calendar_wider_than_a_year_has_no_week_cells(login, coordinator):
    away = MobilityFactory(status=MobilityStatus.APPROVED, planned_start=date(2027, 3, 1),
                           planned_end=date(2027, 3, 20))
    html = login(coordinator).get("/mobility/calendar/", {
        "start": "2027-01-01", "end": "2028-06-30"}).content.decode()
    assert f'data-mobility="{away.pk}"' in html
    assert "Week of" not in html and '<td class="bg-primary">' not in html


def test_calendar_bad_period_shows_error(login, coordinator):
    response = login(coordinator).get("/mobility/calendar/", {"start": "2024-05-01",
                                                              "end": "2024-04-01"})
    assert response.status_code == 200
    assert "must not be before" in response.content.decode()


def grants_fixture(spbpu, graz, cadiz):
    edition = EditionFactory(year=2019)
    for host, total in ((graz, "1000.00"), (graz, "500.50"), (cadiz, "2000.00")):
        MobilityFactory(home_university=spbpu, host_university=host, edition=edition,
                        status=MobilityStatus.COMPLETED, grant_total=total,
                        participant=UserFactory(university=spbpu))
    MobilityFactory(home_university=spbpu, host_university=graz, edition=edition,
                    status=MobilityStatus.REJECTED, grant_total="999.00")
    MobilityFactory(home_university=spbpu, host_university=graz, edition=edition,
                    status=MobilityStatus.COMPLETED, funding_source="university")
    return edition


def test_grant_summary_counts_erasmus_grants_only(login, coordinator, spbpu, graz, cadiz):
    edition = grants_fixture(spbpu, graz, cadiz)
    html = login(coordinator).get("/mobility/grants/", {"edition": edition.pk}).content.decode()
    assert '<div class="fs-3" id="grant-count">3</div>' in html
    assert '<div class="fs-3" id="grant-total">€3,500.50</div>' in html


def test_grant_export_csv(login, coordinator, spbpu, graz, cadiz):
    edition = grants_fixture(spbpu, graz, cadiz)
    response = login(coordinator).get("/mobility/grants/export.csv", {"edition": edition.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="erasmus-grants-2019.csv"'
    assert rows == [
        ["Home university", "Host university", "ERASMUS+ grants", "Total amount", "Currency"],
        ["SPbPU", "TU Graz", "2", "1500.50", "EUR"],
        ["SPbPU", "UCA", "1", "2000.00", "EUR"],
        ["Total", "", "3", "3500.50", ""],
    ]


def test_grant_export_xlsx(login, coordinator, spbpu, graz, cadiz):
    edition = grants_fixture(spbpu, graz, cadiz)
    response = login(coordinator).get("/mobility/grants/export.xlsx", {"edition": edition.pk})
    workbook = load_workbook(io.BytesIO(response.content))
    summary = [list(row) for row in workbook["Summary"].iter_rows(values_only=True)]
    assert summary[-1] == ["Total", None, 3, 3500.5, None]
    grants = list(workbook["Grants"].iter_rows(values_only=True))
    assert len(grants) == 4
    assert sorted(row[14] for row in grants[1:]) == [500.5, 1000.0, 2000.0]


def test_grant_export_unknown_format_is_404(login, coordinator):
    assert login(coordinator).get("/mobility/grants/export.pdf").status_code == 404


# --- query counts: same literal count with 1 and 5 rows -----------------------------------------------
@pytest.mark.parametrize("rows", [1, 5])
def test_my_mobilities_query_count(login, applicant, django_assert_num_queries, rows):
    MobilityFactory.create_batch(rows, participant=applicant, planned_start=date(2027, 1, 1),
                                 planned_end=date(2027, 1, 2))
    client = login(applicant)
    with django_assert_num_queries(PAGE_BASE + 2):  # count + page
        assert client.get("/mobility/").status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_queue_query_count(login, coordinator, django_assert_num_queries, rows):
    for _ in range(rows):
        submitted()
    client = login(coordinator)
    with django_assert_num_queries(PAGE_BASE + 3):  # coordinator check, count, page
        assert client.get("/mobility/queue/").status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_flows_query_count(login, coordinator, spbpu, django_assert_num_queries, rows):
    for _ in range(rows):
        submitted(host_university=spbpu)
        submitted(participant=UserFactory(university=spbpu))
    client = login(coordinator)
    with django_assert_num_queries(PAGE_BASE + 4):  # coordinator, universities, in, out
        assert client.get("/mobility/universities/", {"university": spbpu.pk}).status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_calendar_query_count(login, coordinator, django_assert_num_queries, rows):
    start = date(2027, 3, 1)
    MobilityFactory.create_batch(rows, status=MobilityStatus.APPROVED, planned_start=start,
                                 planned_end=start + timedelta(days=20))
    client = login(coordinator)
    with django_assert_num_queries(PAGE_BASE + 3):  # coordinator, count, one page of mobilities
        client.get("/mobility/calendar/", {"start": "2027-03-01", "end": "2027-05-01"})


@pytest.mark.parametrize("rows", [1, 5])
def test_grant_summary_query_count(login, coordinator, spbpu, graz, django_assert_num_queries, rows):
    edition = EditionFactory(year=2019)
    MobilityFactory.create_batch(rows, home_university=spbpu, host_university=graz,
                                 edition=edition, status=MobilityStatus.COMPLETED)
    client = login(coordinator)
    # coordinator, editions, per edition, totals, pairs
    with django_assert_num_queries(PAGE_BASE + 5):
        assert client.get("/mobility/grants/", {"edition": edition.pk}).status_code == 200
