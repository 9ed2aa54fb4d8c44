"""`seed_demo` matches each edition's phase and gives every demo account something to do
(issue 12, item 17)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Assignment, ScoreSheet, SheetStatus
from marathon.demo import evaluating_edition
from marathon.models import Edition, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module (it takes a while), removed afterwards."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def cards(client) -> dict:
    html = client.get("/").content.decode()
    found = {}
    for chunk in html.split('id="card-')[1:]:
        key = chunk.split('"', 1)[0]
        found[key] = chunk[:chunk.find("</div>\n      </div>")]
    return found


def test_current_edition_in_team_formation_has_no_scoring(demo):
    current = Edition.objects.current()
    assert current.phase == Edition.Phase.TEAM_FORMATION
    assert not Assignment.objects.filter(project__edition=current).exists()
    assert not ScoreSheet.objects.filter(assignment__project__edition=current).exists()


def test_last_years_edition_is_in_evaluation_and_half_scored(demo):
    edition = evaluating_edition()
    assert edition.phase == Edition.Phase.EVALUATION
    sheets = ScoreSheet.objects.filter(assignment__project__edition=edition)
    assert sheets.filter(status=SheetStatus.SUBMITTED).exists()
    mine = sheets.filter(assignment__member__user__email="expert@marathon.example")
    assert mine.exists() and not mine.filter(status=SheetStatus.SUBMITTED).exists()


def test_no_submitted_sheet_belongs_to_an_edition_before_its_evaluation(demo):
    for sheet in ScoreSheet.objects.filter(status=SheetStatus.SUBMITTED).select_related(
            "assignment__project__edition"):
        assert sheet.assignment.project.edition.phase in (Edition.Phase.EVALUATION, Edition.Phase.CLOSED)


@pytest.mark.parametrize(("email", "key", "text"), [
    ("office@marathon.example", "review", "1 proposal awaits your decision."),
    ("office@marathon.example", "review-allocation", "review it, then commit."),
    ("student@marathon.example", "rank-projects", "Rank the projects you want to work on"),
    ("chair@marathon.example", "commission", "Assignments, progress, results and publication for "),
    ("expert@marathon.example", "sheets", "score sheets to submit by"),
    ("professor@marathon.example", "join-requests", "1 student waits for your answer."),
    ("student@marathon.example", "invitations", "1 team has invited you."),
    ("student@marathon.example", "find-project", "have free places."),
    ("coordinator@marathon.example", "mobility-queue", "await"),
])
def test_every_demo_account_has_something_to_do(demo, login, email, key, text):
    found = cards(login(User.objects.get(email=email)))
    assert key in found, sorted(found)
    assert text in found[key]


def test_chair_card_opens_the_commission_in_evaluation(demo, login):
    found = cards(login(User.objects.get(email="chair@marathon.example")))
    edition = evaluating_edition()
    assert f'href="{reverse("evaluation:dashboard", args=[edition.year])}"' in found["commission"]
    assert edition.title in found["commission"]


def test_office_allocation_card_opens_a_solved_draft(demo, login):
    from teams.allocation.models import AllocationRun, RunStatus

    run = AllocationRun.objects.get(edition=Edition.objects.current())
    assert run.status == RunStatus.DONE and run.totals["students"] == 8 and run.totals["placed"] >= 3
    found = cards(login(User.objects.get(email="office@marathon.example")))
    assert f'href="{reverse("teams:allocation_review", args=[run.pk])}"' in found["review-allocation"]
    html = login(User.objects.get(email="office@marathon.example")).get(
        reverse("teams:allocation_review", args=[run.pk])).content.decode()
    assert "First come, first served" in html and 'id="result-teams"' in html
