import pytest

from reports.models import ExportJob
from reports.tasks import generate_export
from tests.factories import UserFactory
from tests.outcomes.factories import publication_by
from tests.querycount import PAGE_BASE
from tests.reports.conftest import add_project

pytestmark = pytest.mark.django_db


def test_statistics_page_is_office_only(world, login, client):
    assert client.get("/reports/").status_code == 302
    assert login(UserFactory()).get("/reports/").status_code == 403
    assert login(UserFactory(is_staff=True)).get("/reports/").status_code == 200


def test_statistics_page_shows_figures_definitions_and_svg_charts(world, login):
    add_project(world, students=[world.graz], area=world.energy)
    publication_by(world.host, world.graz, year=2019)
    body = login(UserFactory(is_staff=True)).get("/reports/?from=2018&to=2020").content.decode()
    assert "Results for 2018 – 2020" in body
    assert '<strong class="figure-value">2</strong> participants' in body
    assert '<strong class="figure-value">1</strong> joint scientific publications' in body
    assert "whose authors come from at least two different universities" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body
    assert "<script" not in body.split("</head>")[1]
    assert " style=" not in body


def test_statistics_page_rejects_reversed_range(world, login):
    body = login(UserFactory(is_staff=True)).get("/reports/?from=2020&to=2018").content.decode()
    assert "The first year must not be after the last year." in body


def test_public_summary_has_no_personal_data(world, client):
    project = add_project(world, students=[world.graz])
    body = client.get("/reports/summary/?from=2018&to=2020").content.decode()
    assert "TU Graz" in body
    assert project.proposer.full_name not in body
    assert project.proposer.email not in body
    assert "export-form" not in body


def test_export_flow_start_progress_download(world, login, django_capture_on_commit_callbacks):
    office = UserFactory(is_staff=True)
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/exports/", {"from": "2018", "to": "2020", "format": "csv"})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/reports/exports/{job.pk}/"
    status = client.get(f"/reports/exports/{job.pk}/status/").content.decode()
    assert 'data-progress="100"' in status and 'id="export-download"' in status
    assert "hx-trigger" not in status
    download = client.get(f"/reports/exports/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="marathon-statistics-2018-2020.csv"'
    assert b"".join(download.streaming_content).startswith(b"section,key,figure,value")


def test_pending_export_status_polls(world, login):
    office = UserFactory(is_staff=True)
    job = ExportJob.objects.create(owner=office, year_from=2018, year_to=2020, format="xlsx")
    status = login(office).get(f"/reports/exports/{job.pk}/status/").content.decode()
    assert f'hx-get="/reports/exports/{job.pk}/status/"' in status
    assert 'hx-trigger="every 1s"' in status
    assert login(office).get(f"/reports/exports/{job.pk}/download/").status_code == 404


def test_download_is_office_only(world, login):
    office = UserFactory(is_staff=True)
    job = ExportJob.objects.create(owner=office, year_from=2018, year_to=2020, format="csv")
    generate_export(job.pk)
    supervisor = UserFactory(status="professor")
    assert login(supervisor).get(f"/reports/exports/{job.pk}/download/").status_code == 403
    assert login(supervisor).get(f"/reports/exports/{job.pk}/status/").status_code == 403


def test_bad_export_form_shows_error(world, login):
    client = login(UserFactory(is_staff=True))
    response = client.post("/reports/exports/", {"from": "2020", "to": "2018", "format": "csv"}, follow=True)
    assert "The first year must not be after the last year." in response.content.decode()
    assert ExportJob.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 5])
def test_statistics_page_query_count_constant(world, login, django_assert_num_queries, rows):
    for _ in range(rows):
        add_project(world, students=[world.graz])
    client = login(UserFactory(is_staff=True))
    # editions span, 12 statistics queries (a cache miss), the user's recent exports
    with django_assert_num_queries(PAGE_BASE + 15):
        client.get("/reports/")


def test_statistics_page_default_range_spans_editions_within_bounds(world, login):
    from tests.factories import EditionFactory

    EditionFactory(year=2350)  # out of the supported range: the default is clamped, no error
    body = login(UserFactory(is_staff=True)).get("/reports/").content.decode()
    assert "Results for 2017 – 2100" in body


@pytest.mark.parametrize("rows", [1, 5])
def test_public_summary_query_count_constant(world, client, django_assert_num_queries, rows):
    for _ in range(rows):
        add_project(world, students=[world.graz])
    with django_assert_num_queries(1 + 13):  # editions span + the statistics (a cache miss)
        assert client.get("/reports/summary/").status_code == 200


def test_statistics_page_lists_only_countries_with_participants(world, login):
    from tests.outcomes.factories import ConferenceFactory

    project = add_project(world, students=[world.graz])
    ConferenceFactory(project=project, country="ES")  # Spain: a conference, no participant
    body = login(UserFactory(is_staff=True)).get("/reports/?from=2018&to=2020").content.decode()
    table = body.split('id="by-country"')[1].split("</table>")[0]
    assert '<th scope="row">Austria</th>' in table and '<th scope="row">Russia</th>' in table
    assert "Spain" not in table
    chart = body.split('id="chart-countries"')[1].split("</svg>")[0]
    assert "Austria" in chart and "Spain" not in chart
