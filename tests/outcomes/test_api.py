import pytest
from rest_framework.test import APIClient

from projects.outcomes.models import Publication
from tests.factories import UniversityFactory, UserFactory, approved_project_with_team
from tests.outcomes.factories import ConferenceFactory, GrantApplicationFactory, publication_by

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_post_publication_returns_201_with_authors_and_joint_flag():
    project = approved_project_with_team()
    partner = UniversityFactory(country="AT")
    response = api_for(project.proposer).post("/api/v1/publications/", {
        "project": project.pk, "title": "T", "venue": "V", "type": "journal", "year": 2020,
        "doi": "doi:10.1000/API", "authors": [
            {"user": project.proposer.pk},
            {"name": "Ext Author", "university": partner.pk}]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["doi"] == "10.1000/api"
    assert body["is_joint"] is (project.proposer.university.pk != partner.pk)
    assert [a["name"] for a in body["authors"]] == [project.proposer.full_name, "Ext Author"]
    assert [a["position"] for a in body["authors"]] == [1, 2]


def test_post_publication_duplicate_doi_is_400_in_house_format():
    project = approved_project_with_team()
    publication_by(UniversityFactory(), doi="10.1000/dup")
    response = api_for(project.proposer).post("/api/v1/publications/", {
        "project": project.pk, "title": "T", "venue": "V", "type": "journal", "year": 2020,
        "doi": "https://doi.org/10.1000/DUP", "authors": [{"user": project.proposer.pk}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "doi: A publication with this DOI is already recorded.",
                               "errors": {"doi": ["A publication with this DOI is already recorded."]}}


def test_post_publication_invalid_doi_is_400():
    project = approved_project_with_team()
    response = api_for(project.proposer).post("/api/v1/publications/", {
        "project": project.pk, "title": "T", "venue": "V", "type": "journal", "year": 2020,
        "doi": "not-a-doi", "authors": [{"user": project.proposer.pk}]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["doi"]


def test_post_publication_by_outsider_is_403():
    project = approved_project_with_team()
    outsider = UserFactory()
    response = api_for(outsider).post("/api/v1/publications/", {
        "project": project.pk, "title": "T", "venue": "V", "type": "journal", "year": 2020,
        "authors": [{"user": outsider.pk}]}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    assert Publication.objects.count() == 0


def test_post_grant_application_and_conference():
    project = approved_project_with_team()
    ru, at = UniversityFactory(country="RU"), UniversityFactory(country="AT")
    client = api_for(project.proposer)
    response = client.post("/api/v1/grant-applications/", {
        "project": project.pk, "programme": "erasmus", "title": "KA2", "applicants": [ru.pk, at.pk],
        "submitted_on": "2020-03-01", "amount": "5000.00", "currency": "EUR"}, format="json")
    assert response.status_code == 201
    assert response.json()["is_international"] is True
    assert response.json()["status"] == "submitted"
    response = client.post("/api/v1/conferences/", {
        "project": project.pk, "conference": "ICIE", "city": "Sochi", "country": "RU",
        "start_date": "2020-05-02", "end_date": "2020-05-01", "contribution_title": "Talk",
        "presenters": [project.proposer.pk]}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["end_date"]


def test_list_filters_by_project_and_year_and_detail():
    uni = UniversityFactory()
    keep = publication_by(uni, year=2019)
    publication_by(uni, year=2020, project=keep.project)
    publication_by(uni, year=2019)
    client = api_for(UserFactory())
    body = client.get(f"/api/v1/publications/?project={keep.project_id}&year=2019").json()
    assert [row["id"] for row in body["results"]] == [keep.pk]
    assert client.get(f"/api/v1/publications/{keep.pk}/").json()["title"] == keep.title


@pytest.mark.parametrize("query", ["year=abc", "project=x", "year=1800"])
def test_list_bad_filter_is_400(query):
    response = api_for(UserFactory()).get(f"/api/v1/conferences/?{query}")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_lists_require_authentication():
    assert APIClient().get("/api/v1/publications/").status_code in (401, 403)


def _many(kind, rows):
    uni_a, uni_b = UniversityFactory(), UniversityFactory()
    for _ in range(rows):
        if kind == "publications":
            publication_by(uni_a, uni_b)
        elif kind == "grant-applications":
            GrantApplicationFactory(applicants=[uni_a, uni_b])
        else:
            ConferenceFactory().presenters.add(UserFactory())


@pytest.mark.parametrize("rows", [1, 5])
@pytest.mark.parametrize("kind", ["publications", "grant-applications", "conferences"])
def test_list_endpoints_query_count_constant(django_assert_num_queries, rows, kind):
    _many(kind, rows)
    client = api_for(UserFactory())
    with django_assert_num_queries(3):  # count, page, prefetch
        response = client.get(f"/api/v1/{kind}/")
    assert response.json()["count"] == rows


def test_delete_conference_by_supervisor_only():
    project = approved_project_with_team()
    talk = ConferenceFactory(project=project)
    assert api_for(UserFactory()).delete(f"/api/v1/conferences/{talk.pk}/").status_code == 403
    assert api_for(project.proposer).delete(f"/api/v1/conferences/{talk.pk}/").status_code == 204
    assert api_for(project.proposer).delete(f"/api/v1/conferences/{talk.pk}/").status_code == 404
