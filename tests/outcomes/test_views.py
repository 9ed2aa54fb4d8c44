import pytest

from projects.outcomes.models import ConferenceParticipation, GrantApplication, Publication
from tests.factories import MembershipFactory, UniversityFactory, UserFactory, approved_project_with_team
from tests.outcomes.factories import ConferenceFactory, GrantApplicationFactory, publication_by
from tests.querycount import PAGE_BASE

pytestmark = pytest.mark.django_db


def author_rows(*rows, total=6):
    data = {"authors-TOTAL_FORMS": str(total), "authors-INITIAL_FORMS": "0",
            "authors-MIN_NUM_FORMS": "0", "authors-MAX_NUM_FORMS": "30"}
    for index, row in enumerate(rows):
        data.update({f"authors-{index}-{key}": value for key, value in row.items()})
    return data


def test_supervisor_adds_publication_through_the_form(login):
    project = approved_project_with_team()
    partner = UniversityFactory(country="AT")
    response = login(project.proposer).post(f"/outcomes/projects/{project.pk}/publications/add/", {
        "title": "Joint paper", "venue": "Energy Reports", "type": "journal", "year": "2019",
        "doi": "https://doi.org/10.1000/JOINT",
        **author_rows({"user": str(project.proposer.pk)},
                      {"name": "Eva External", "university": str(partner.pk)}),
    })
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/projects/{project.pk}/"
    publication = Publication.objects.get()
    assert publication.doi == "10.1000/joint"
    assert [a.name for a in publication.authors.all()] == [project.proposer.full_name, "Eva External"]
    page = login(project.proposer).get(response["Location"])
    assert "Joint paper" in page.content.decode()


def test_publication_form_shows_duplicate_doi_error(login):
    project = approved_project_with_team()
    publication_by(UniversityFactory(), doi="10.1000/dup", project=project)
    response = login(project.proposer).post(f"/outcomes/projects/{project.pk}/publications/add/", {
        "title": "Again", "venue": "V", "type": "journal", "year": "2019", "doi": "10.1000/DUP",
        **author_rows({"user": str(project.proposer.pk)}),
    })
    assert response.status_code == 200
    assert "A publication with this DOI is already recorded." in response.content.decode()
    assert Publication.objects.count() == 1


def test_publication_form_requires_an_author(login):
    project = approved_project_with_team()
    response = login(project.proposer).post(f"/outcomes/projects/{project.pk}/publications/add/", {
        "title": "Nobody wrote it", "venue": "V", "type": "journal", "year": "2019", **author_rows()})
    assert response.status_code == 200
    assert "A publication needs at least one author." in response.content.decode()


def test_team_member_adds_grant_and_conference(login):
    project = approved_project_with_team()
    member = MembershipFactory(team=project.team).user
    ru, at = UniversityFactory(country="RU"), UniversityFactory(country="AT")
    client = login(member)
    response = client.post(f"/outcomes/projects/{project.pk}/grant-applications/add/", {
        "programme": "horizon_europe", "title": "MSCA", "applicants": [ru.pk, at.pk],
        "submitted_on": "2019-09-15", "amount": "250000", "currency": "eur", "status": "submitted"})
    assert response.status_code == 302
    assert GrantApplication.objects.get().currency == "EUR"
    response = client.post(f"/outcomes/projects/{project.pk}/conferences/add/", {
        "conference": "ICIE", "city": "Sochi", "country": "RU", "start_date": "2019-05-01",
        "end_date": "2019-05-03", "contribution_title": "Talk", "presenters": [member.pk],
        "is_international": "on"})
    assert response.status_code == 302
    assert ConferenceParticipation.objects.get().is_international is True


@pytest.mark.parametrize("path", ["publications", "grant-applications", "conferences"])
def test_outsider_cannot_open_add_forms(login, path):
    project = approved_project_with_team()
    response = login(UserFactory()).get(f"/outcomes/projects/{project.pk}/{path}/add/")
    assert response.status_code == 403


def test_project_outcomes_page_shows_add_buttons_only_to_recorders(login):
    project = approved_project_with_team()
    assert 'id="add-publication"' in login(project.proposer).get(f"/outcomes/projects/{project.pk}/").content.decode()
    page = login(UserFactory()).get(f"/outcomes/projects/{project.pk}/")
    assert page.status_code == 200
    assert 'id="add-publication"' not in page.content.decode()


def test_lists_require_login(client):
    response = client.get("/outcomes/publications/")
    assert response.status_code == 302


def test_publication_list_filters_joint_and_year(login):
    uni_a, uni_b = UniversityFactory(), UniversityFactory()
    publication_by(uni_a, uni_b, title="Joint 2019", year=2019)
    publication_by(uni_a, title="Single 2019", year=2019)
    publication_by(uni_a, uni_b, title="Joint 2020", year=2020)
    client = login(UserFactory())
    body = client.get("/outcomes/publications/?joint=yes&year=2019").content.decode()
    assert "Joint 2019" in body and "Single 2019" not in body and "Joint 2020" not in body
    body = client.get("/outcomes/publications/?joint=no").content.decode()
    assert "Single 2019" in body and "Joint 2019" not in body


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
@pytest.mark.parametrize("kind, queries", [("publications", 3), ("grant-applications", 3),
                                           ("conferences", 3)])
def test_list_pages_query_count_constant(login, django_assert_num_queries, rows, kind, queries):
    _many(kind, rows)
    client = login(UserFactory())
    with django_assert_num_queries(PAGE_BASE + queries):  # count, page, prefetch
        response = client.get(f"/outcomes/{kind}/")
    assert response.status_code == 200


def test_draft_project_offers_no_add_buttons_and_refuses_the_form(login):
    from tests.factories import ProjectFactory

    project = ProjectFactory(status="draft")
    client = login(project.proposer)
    assert 'id="add-publication"' not in client.get(f"/outcomes/projects/{project.pk}/").content.decode()
    response = client.post(f"/outcomes/projects/{project.pk}/publications/add/", {
        "title": "Too early", "venue": "V", "type": "journal", "year": "2019",
        **author_rows({"user": str(project.proposer.pk)})})
    assert "Outcomes can be recorded only for approved projects." in response.content.decode()
    assert Publication.objects.count() == 0


def test_supervisor_removes_an_outcome_and_outsider_cannot(login):
    from marathon.models import AuditEntry

    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project)
    assert login(UserFactory()).post(f"/outcomes/publication/{publication.pk}/delete/").status_code == 403
    page = login(project.proposer).get(f"/outcomes/projects/{project.pk}/").content.decode()
    assert f'action="/outcomes/publication/{publication.pk}/delete/"' in page
    response = login(project.proposer).post(f"/outcomes/publication/{publication.pk}/delete/")
    assert response.status_code == 302
    assert Publication.objects.count() == 0
    assert AuditEntry.objects.filter(action="outcomes.publication_deleted").count() == 1
    assert login(project.proposer).post("/outcomes/nothing/1/delete/").status_code == 404
