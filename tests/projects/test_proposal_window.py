"""Proposals outside the proposal window are refused (issue 12 item 8); the office reopens it by
moving the edition's dates, on a page and through the API (validated, audited)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Edition
from projects import services
from projects.models import Project, ProjectStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def close_proposals(edition, days_ago=3):
    """The proposal window closed `days_ago` days ago; team formation still runs."""
    edition.proposals_end = timezone.localdate() - timedelta(days=days_ago)
    Edition.objects.filter(pk=edition.pk).update(proposals_end=edition.proposals_end)
    return edition


def closed_message(edition) -> str:
    return (f"Proposals for {edition.title} closed on {date_format(edition.proposals_end, 'DATE_FORMAT')}; "
            f"the programme office can reopen the proposal window.")


@pytest.fixture
def office(db):
    return UserFactory(status="researcher", is_staff=True)


# --- the rule ------------------------------------------------------------------------------
def test_submit_after_proposals_end_refused_with_the_date(draft, proposer):
    edition = close_proposals(draft.edition)
    with pytest.raises(RuleViolation) as refused:
        services.submit_project(project=draft, actor=proposer)
    assert refused.value.messages == [closed_message(edition)]
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT and draft.submitted_at is None
    assert not AuditEntry.objects.filter(action="project.submitted").exists()


def test_submit_on_the_last_day_accepted(draft, proposer):
    close_proposals(draft.edition, days_ago=0)
    assert services.submit_project(project=draft, actor=proposer).status == ProjectStatus.SUBMITTED


def test_submit_before_proposals_start_refused(draft, proposer):
    start = timezone.localdate() + timedelta(days=2)
    Edition.objects.filter(pk=draft.edition_id).update(proposals_start=start)
    with pytest.raises(RuleViolation) as refused:
        services.submit_project(project=draft, actor=proposer)
    opens = date_format(start, "DATE_FORMAT")
    assert refused.value.messages == [f"Proposals for {draft.edition.title} open on {opens}."]


def test_submit_page_after_proposals_end_shows_message(login, draft, proposer):
    edition = close_proposals(draft.edition)
    response = login(proposer).post(reverse("projects:submit", args=[draft.pk]), follow=True)
    assert closed_message(edition) in response.content.decode()
    assert Project.objects.get(pk=draft.pk).status == ProjectStatus.DRAFT


def test_submit_api_after_proposals_end_409(draft, proposer):
    edition = close_proposals(draft.edition)
    response = api(proposer).post(f"/api/v1/projects/{draft.pk}/submit/")
    assert (response.status_code, response.json()) == (409, {"detail": closed_message(edition), "errors": {
        "non_field_errors": [closed_message(edition)]}})


# --- the office reopens the window ---------------------------------------------------------
def test_office_reopens_window_through_the_api_then_submit_works(draft, proposer, office):
    edition = close_proposals(draft.edition)
    new_end = timezone.localdate() + timedelta(days=7)
    response = api(office).patch(f"/api/v1/editions/{edition.pk}/", {"proposals_end": new_end.isoformat()},
                                 format="json")
    assert response.status_code == 200 and response.json()["proposals_end"] == new_end.isoformat()
    entry = AuditEntry.objects.get(action="edition.dates_changed")
    assert (entry.actor, entry.changes) == (office, {"proposals_end": [edition.proposals_end.isoformat(),
                                                                       new_end.isoformat()]})
    assert services.submit_project(project=draft, actor=proposer).status == ProjectStatus.SUBMITTED


def test_edition_patch_dates_out_of_order_400_changes_nothing(edition, office):
    before = Edition.objects.get(pk=edition.pk).proposals_end
    late = edition.team_formation_end + timedelta(days=1)
    response = api(office).patch(f"/api/v1/editions/{edition.pk}/", {"proposals_end": late.isoformat()},
                                 format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["team_formation_end"]
    assert Edition.objects.get(pk=edition.pk).proposals_end == before
    assert not AuditEntry.objects.filter(action="edition.dates_changed").exists()


def test_edition_patch_bad_date_400(edition, office):
    response = api(office).patch(f"/api/v1/editions/{edition.pk}/", {"proposals_end": "31.02.2027"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["proposals_end"]


def test_edition_patch_not_office_denied(edition, proposer):
    body = {"proposals_end": (timezone.localdate() + timedelta(days=5)).isoformat()}
    assert api(proposer).patch(f"/api/v1/editions/{edition.pk}/", body, format="json").status_code == 403
    assert api().patch(f"/api/v1/editions/{edition.pk}/", body, format="json").status_code in (401, 403)
    assert api().get(f"/api/v1/editions/{edition.pk}/").status_code == 200  # still public to read


def test_office_reopens_window_on_the_page(login, draft, office):
    edition = close_proposals(draft.edition)
    client = login(office)
    assert f'href="{reverse("edition_list")}"' in client.get(reverse("home")).content.decode()
    url = reverse("edition_dates", args=[edition.pk])
    form = {name: getattr(edition, name).isoformat() for name in (
        "proposals_start", "proposals_end", "team_formation_start", "team_formation_end", "research_start",
        "research_end", "evaluation_start", "evaluation_end")}
    form["proposals_end"] = (edition.team_formation_end + timedelta(days=1)).isoformat()
    html = client.post(url, form).content.decode()
    assert "Must be on or after" in html
    form["proposals_end"] = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(url, form, follow=True)
    assert f"The dates of {edition.title} are saved." in response.content.decode()
    assert Edition.objects.get(pk=edition.pk).proposals_end == timezone.localdate() + timedelta(days=5)
    assert AuditEntry.objects.filter(action="edition.dates_changed", actor=office).count() == 1


def test_edition_pages_office_only(login, edition, proposer):
    client = login(proposer)
    assert client.get(reverse("edition_list")).status_code == 403
    assert client.get(reverse("edition_dates", args=[edition.pk])).status_code == 403
