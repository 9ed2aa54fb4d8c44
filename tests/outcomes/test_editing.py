"""Editing recorded outcomes: services, pages and the API PATCH."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from marathon.models import AuditEntry
from projects.outcomes.models import ConferenceParticipation, GrantApplication, Publication
from projects.outcomes.services import (
    AuthorInput,
    update_conference_participation,
    update_grant_application,
    update_publication,
)
from tests.factories import UniversityFactory, UserFactory, approved_project_with_team
from tests.outcomes.factories import ConferenceFactory, GrantApplicationFactory, publication_by

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def publication_values(publication, **overrides):
    return {"title": publication.title, "venue": publication.venue, "type": publication.type,
            "year": publication.year, "doi": publication.doi, **overrides}


def grant_values(grant, **overrides):
    return {"programme": grant.programme, "funder": grant.funder, "title": grant.title,
            "applicants": list(grant.applicants.all()), "submitted_on": grant.submitted_on,
            "amount": grant.amount, "currency": grant.currency, "status": grant.status, **overrides}


def conference_values(item, **overrides):
    return {"conference": item.conference, "city": item.city, "country": item.country.code,
            "start_date": item.start_date, "end_date": item.end_date,
            "contribution_title": item.contribution_title, "is_international": item.is_international,
            "presenters": [], "other_presenters": "Guest Speaker", **overrides}


def last_audit(action):
    return AuditEntry.objects.filter(action=action).latest("id")


# --- services ----------------------------------------------------------------------------------
def test_update_publication_audits_changed_fields_from_to():
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project, year=2019, doi="10.1000/old")
    update_publication(publication=publication, actor=project.proposer,
                       **publication_values(publication, year=2020, doi="https://doi.org/10.1000/NEW"))
    publication.refresh_from_db()
    assert (publication.year, publication.doi) == (2020, "10.1000/new")
    assert last_audit("outcomes.publication_updated").changes == {
        "year": {"from": 2019, "to": 2020}, "doi": {"from": "10.1000/old", "to": "10.1000/new"}}


def test_update_publication_replaces_authors_in_order_and_changes_joint():
    project = approved_project_with_team()
    home = UniversityFactory(country="RU")
    publication = publication_by(home, project=project)
    partner = UniversityFactory(country="AT")
    update_publication(publication=publication, actor=project.proposer,
                       **publication_values(publication),
                       authors=[AuthorInput(name="Ana", university=home),
                                AuthorInput(name="Bo", university=partner)])
    assert [a.name for a in publication.authors.order_by("position")] == ["Ana", "Bo"]
    assert Publication.objects.joint().filter(pk=publication.pk).exists()
    assert "authors" in last_audit("outcomes.publication_updated").changes


def test_update_publication_to_an_existing_doi_is_refused_with_a_message():
    project = approved_project_with_team()
    publication_by(UniversityFactory(), doi="10.1000/taken")
    publication = publication_by(UniversityFactory(), project=project, doi="10.1000/mine")
    with pytest.raises(ValidationError) as error:
        update_publication(publication=publication, actor=project.proposer,
                           **publication_values(publication, doi="doi:10.1000/TAKEN"))
    assert error.value.message_dict == {"doi": ["A publication with this DOI is already recorded."]}
    assert Publication.objects.get(pk=publication.pk).doi == "10.1000/mine"


def test_update_publication_keeping_its_own_doi_is_allowed_and_not_audited_when_unchanged():
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project, doi="10.1000/mine")
    update_publication(publication=publication, actor=project.proposer,
                       **publication_values(publication, doi="10.1000/MINE"))
    assert not AuditEntry.objects.filter(action="outcomes.publication_updated").exists()


def test_update_publication_by_outsider_is_denied():
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project)
    with pytest.raises(PermissionDenied):
        update_publication(publication=publication, actor=UserFactory(),
                           **publication_values(publication, title="Hijacked"))
    assert Publication.objects.get(pk=publication.pk).title != "Hijacked"


def test_update_grant_application_audits_status_amount_and_applicants():
    project = approved_project_with_team()
    first, second = UniversityFactory(country="RU"), UniversityFactory(country="AT")
    grant = GrantApplicationFactory(project=project, applicants=[first], amount="1000.00")
    update_grant_application(grant=grant, actor=project.proposer,
                             **grant_values(grant, status="awarded", amount=Decimal("1000"),
                                            applicants=[first, second]))
    assert last_audit("outcomes.grant_application_updated").changes == {
        "status": {"from": "submitted", "to": "awarded"},
        "applicants": {"from": [first.pk], "to": sorted([first.pk, second.pk])}}
    assert GrantApplication.objects.international().filter(pk=grant.pk).exists()


def test_update_grant_application_by_outsider_is_denied():
    grant = GrantApplicationFactory(project=approved_project_with_team(),
                                    applicants=[UniversityFactory()])
    with pytest.raises(PermissionDenied):
        update_grant_application(grant=grant, actor=UserFactory(), **grant_values(grant))


def test_update_conference_audits_dates_and_rejects_reversed_dates():
    project = approved_project_with_team()
    item = ConferenceFactory(project=project, other_presenters="Guest Speaker")
    update_conference_participation(participation=item, actor=project.proposer,
                                    **conference_values(item, end_date=date(2019, 10, 5)))
    assert last_audit("outcomes.conference_updated").changes == {
        "end_date": {"from": "2019-10-03", "to": "2019-10-05"}}
    with pytest.raises(ValidationError):
        update_conference_participation(participation=item, actor=project.proposer,
                                        **conference_values(item, end_date=date(2019, 9, 1)))


# --- pages -------------------------------------------------------------------------------------
def test_supervisor_edits_publication_through_the_form(login):
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project, title="Draft title")
    client = login(project.proposer)
    page = client.get(f"/outcomes/publications/{publication.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Draft title"' in page.content.decode()
    author = publication.authors.get()
    response = client.post(f"/outcomes/publications/{publication.pk}/edit/", {
        "title": "Final title", "venue": publication.venue, "type": "journal", "year": "2019",
        "doi": publication.doi, "authors-TOTAL_FORMS": "2", "authors-INITIAL_FORMS": "1",
        "authors-MIN_NUM_FORMS": "0", "authors-MAX_NUM_FORMS": "30",
        "authors-0-name": author.name, "authors-0-university": str(author.university_id),
    })
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/projects/{project.pk}/"
    assert Publication.objects.get(pk=publication.pk).title == "Final title"
    assert "Final title" in client.get(response["Location"]).content.decode()


def test_edit_form_shows_duplicate_doi_error(login):
    project = approved_project_with_team()
    publication_by(UniversityFactory(), doi="10.1000/taken")
    publication = publication_by(UniversityFactory(), project=project)
    author = publication.authors.get()
    response = login(project.proposer).post(f"/outcomes/publications/{publication.pk}/edit/", {
        "title": "T", "venue": "V", "type": "journal", "year": "2019", "doi": "10.1000/TAKEN",
        "authors-TOTAL_FORMS": "1", "authors-INITIAL_FORMS": "1", "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "30", "authors-0-name": author.name,
        "authors-0-university": str(author.university_id),
    })
    assert response.status_code == 200
    assert "A publication with this DOI is already recorded." in response.content.decode()


def test_outsider_cannot_open_edit_pages(login):
    project = approved_project_with_team()
    client = login(UserFactory())
    publication = publication_by(UniversityFactory(), project=project)
    grant = GrantApplicationFactory(project=project, applicants=[UniversityFactory()])
    item = ConferenceFactory(project=project)
    assert client.get(f"/outcomes/publications/{publication.pk}/edit/").status_code == 403
    assert client.get(f"/outcomes/grant-applications/{grant.pk}/edit/").status_code == 403
    assert client.get(f"/outcomes/conferences/{item.pk}/edit/").status_code == 403


def test_member_edits_grant_and_conference_through_the_forms(login):
    project = approved_project_with_team()
    university = UniversityFactory()
    grant = GrantApplicationFactory(project=project, applicants=[university])
    item = ConferenceFactory(project=project, other_presenters="Guest")
    client = login(project.proposer)
    response = client.post(f"/outcomes/grant-applications/{grant.pk}/edit/", {
        "programme": "erasmus", "funder": "", "title": grant.title, "applicants": [str(university.pk)],
        "submitted_on": "2019-05-01", "amount": "5000", "currency": "eur", "status": "awarded"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.programme, grant.status, grant.amount) == ("erasmus", "awarded", Decimal("5000.00"))
    response = client.post(f"/outcomes/conferences/{item.pk}/edit/", {
        "conference": "Renamed", "city": "Graz", "country": "AT", "start_date": "2019-10-01",
        "end_date": "2019-10-02", "contribution_title": "C", "other_presenters": "Guest",
        "is_international": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.conference, item.is_international) == ("Renamed", False)


def test_project_outcomes_page_links_to_edit_forms(login):
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project)
    page = login(project.proposer).get(f"/outcomes/projects/{project.pk}/").content.decode()
    assert f"/outcomes/publications/{publication.pk}/edit/" in page


# --- API ---------------------------------------------------------------------------------------
def test_patch_publication_changes_only_the_sent_fields():
    project = approved_project_with_team()
    publication = publication_by(UniversityFactory(), project=project, title="Old", year=2019)
    response = api_for(project.proposer).patch(f"/api/v1/publications/{publication.pk}/",
                                               {"title": "New"}, format="json")
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["year"]) == ("New", 2019)
    assert len(response.json()["authors"]) == 1
    assert last_audit("outcomes.publication_updated").changes == {
        "title": {"from": "Old", "to": "New"}}


def test_patch_publication_duplicate_doi_is_400_with_message():
    project = approved_project_with_team()
    publication_by(UniversityFactory(), doi="10.1000/taken")
    publication = publication_by(UniversityFactory(), project=project)
    response = api_for(project.proposer).patch(f"/api/v1/publications/{publication.pk}/",
                                               {"doi": "https://doi.org/10.1000/TAKEN"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"doi": ["A publication with this DOI is already recorded."]}


def test_patch_publication_by_outsider_is_403():
    publication = publication_by(UniversityFactory(), project=approved_project_with_team())
    response = api_for(UserFactory()).patch(f"/api/v1/publications/{publication.pk}/",
                                            {"title": "X"}, format="json")
    assert response.status_code == 403


def test_patch_grant_application_status():
    project = approved_project_with_team()
    grant = GrantApplicationFactory(project=project, applicants=[UniversityFactory()])
    response = api_for(project.proposer).patch(f"/api/v1/grant-applications/{grant.pk}/",
                                               {"status": "rejected"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert GrantApplication.objects.get(pk=grant.pk).status == "rejected"


def test_patch_conference_end_before_start_is_400():
    project = approved_project_with_team()
    item = ConferenceFactory(project=project, other_presenters="Guest")
    response = api_for(project.proposer).patch(f"/api/v1/conferences/{item.pk}/",
                                               {"end_date": "2019-09-01"}, format="json")
    assert response.status_code == 400
    assert ConferenceParticipation.objects.get(pk=item.pk).end_date == date(2019, 10, 3)
