"""Publishing rules (issue 12 items 6, 7, 10): what is missing is shown and needs a confirmed reason,
nothing is published before the evaluation phase, the chair chooses the official ranking method."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from evaluation import selectors, services
from evaluation.models import Commission, ExpertGroup, RankingMethod, ResultSnapshot, ResultSubmission
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.models import ProjectStatus
from tests.conftest import api_client_for as api
from tests.factories import EditionFactory, ProjectFactory, approved_project_with_team

from .conftest import seat
from .helpers import full_scores, open_evaluation, publish

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


@pytest.fixture
def gaps(commission, chair, scored, criteria, edition):
    """On top of `scored` (Alpha and Beta, two submitted sheets each, no results handed in): a third
    expert with a draft for Alpha, and Gamma with a single submitted sheet; Alpha handed in results."""
    late = seat(commission, group=ExpertGroup.EXTERNAL)
    late.user.full_name = "Lara Late"
    late.user.save()
    services.assign_expert(member=late, project=scored["a"], actor=chair)
    gamma = approved_project_with_team(edition=edition, title="Gamma")
    sheet = services.assign_expert(member=scored["experts"][0], project=gamma, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=scored["experts"][0].user, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=sheet, actor=scored["experts"][0].user)
    ResultSubmission.objects.create(team=scored["a"].team, summary="A prototype.")
    open_evaluation(edition)
    return {"late": late, "gamma": gamma, **scored}


def complete(scored):
    for project in (scored["a"], scored["b"]):
        ResultSubmission.objects.create(team=project.team, summary="Done.")


# --- what is missing -----------------------------------------------------------------------
def test_publication_gaps_lists_experts_projects_and_teams(commission, gaps):
    found = selectors.publication_gaps(commission)
    assert found["unsubmitted_sheets"] == [{"member": gaps["late"].pk, "expert": "Lara Late", "count": 1}]
    assert found["projects_short_of_sheets"] == [
        {"project": gaps["gamma"].pk, "title": "Gamma", "submitted": 1, "needed": 2}]
    assert [row["project"] for row in found["teams_without_results"]] == ["Beta", "Gamma"]


def test_publication_gaps_skip_conflicted_sheets_and_list_unassigned_projects(commission, gaps, edition):
    """A submitted sheet of an expert with a recorded conflict does not count; a project nobody
    was assigned is short with 0."""
    expert = gaps["experts"][0]
    services.declare_conflict(member=expert, project=gaps["a"], reason="Found out late.", actor=expert.user)
    delta = approved_project_with_team(edition=edition, title="Delta")
    found = selectors.publication_gaps(commission)
    assert found["projects_short_of_sheets"] == [
        {"project": gaps["a"].pk, "title": "Alpha", "submitted": 1, "needed": 2},
        {"project": delta.pk, "title": "Delta", "submitted": 0, "needed": 2},
        {"project": gaps["gamma"].pk, "title": "Gamma", "submitted": 1, "needed": 2}]


def test_publication_gaps_follow_the_threshold_and_the_commission(commission, gaps):
    """The statements are built once per process: each call puts in its own threshold and
    commission (another commission, of another edition, has no gaps)."""
    commission.min_sheets_per_project = 3
    found = selectors.publication_gaps(commission)
    assert [(row["title"], row["submitted"], row["needed"]) for row in found["projects_short_of_sheets"]] == [
        ("Alpha", 2, 3), ("Beta", 2, 3), ("Gamma", 1, 3)]
    commission.min_sheets_per_project = 1
    assert selectors.publication_gaps(commission)["projects_short_of_sheets"] == []
    other = Commission.objects.create(edition=EditionFactory(year=1999))
    assert selectors.publication_gaps(other) == {
        "unsubmitted_sheets": [], "projects_short_of_sheets": [], "teams_without_results": []}


@pytest.fixture
def repeated_titles(commission, chair, gaps, edition, criteria):
    """On top of `gaps`: a declared conflict on one of Alpha's sheets, two more projects called
    "Gamma" (one nobody was assigned, one with a submitted sheet) and a project of another status
    and one of another edition, neither evaluated."""
    expert = gaps["experts"][0]
    services.declare_conflict(member=expert, project=gaps["a"], reason="Found out late.", actor=expert.user)
    unassigned = approved_project_with_team(edition=edition, title="Gamma")
    second = approved_project_with_team(edition=edition, title="Gamma")
    sheet = services.assign_expert(member=gaps["experts"][1], project=second, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=gaps["experts"][1].user, scores=full_scores(criteria, [4, 4]))
    services.submit_score_sheet(sheet=sheet, actor=gaps["experts"][1].user)
    ProjectFactory(edition=edition, title="Aardvark", status=ProjectStatus.SUBMITTED)
    approved_project_with_team(edition=EditionFactory(year=1999), title="Aardvark")
    return {"unassigned": unassigned, "second": second, **gaps}


@pytest.mark.parametrize("needed", [1, 2, 3])
def test_publication_gaps_counted_from_the_results_rows_equal_the_statement(commission, repeated_titles, needed,
                                                                          django_assert_num_queries):
    """The chair's cold dashboard computes the live results first and counts the projects short
    of sheets from the same rows (`CountedReads`): the same gaps as the grouped statement, in the
    same order (title, then id), with one query fewer."""
    commission.min_sheets_per_project = needed
    reads = selectors.CountedReads(commission)
    assert not reads.loaded
    results = selectors.compute_results(commission, details=False, reads=reads)
    assert reads.loaded
    assert results == {**selectors.compute_results(commission, details=False), "computed_at": results["computed_at"]}
    with django_assert_num_queries(2):  # drafts and teams without results only
        derived = selectors.publication_gaps(commission, reads)
    with django_assert_num_queries(3):
        assert selectors.publication_gaps(commission) == derived
    assert selectors.publication_gaps(commission, selectors.CountedReads(commission)) == derived  # not loaded


def test_projects_short_of_sheets_by_title_then_id(commission, repeated_titles):
    gamma, unassigned, second = repeated_titles["gamma"], repeated_titles["unassigned"], repeated_titles["second"]
    reads = selectors.CountedReads(commission)
    selectors.compute_results(commission, details=False, reads=reads)
    expected = [("Alpha", repeated_titles["a"].pk, 1), ("Gamma", gamma.pk, 1), ("Gamma", unassigned.pk, 0),
                ("Gamma", second.pk, 1)]
    for found in (selectors.publication_gaps(commission), selectors.publication_gaps(commission, reads)):
        assert [(row["title"], row["project"], row["submitted"]) for row in found["projects_short_of_sheets"]] == (
            expected)


def test_publish_with_missing_sheets_refused_without_confirmation(commission, chair, gaps):
    with pytest.raises(RuleViolation) as refused:
        services.publish_results(commission=commission, actor=chair)
    assert refused.value.message_dict == {
        "__all__": ["Sheets or team results are missing: confirm with a reason to publish anyway."],
        "unsubmitted_sheets": ["Lara Late: 1 sheet not submitted"],
        "projects_short_of_sheets": ["Gamma: 1 of 2 submitted sheets"],
        "teams_without_results": [f"{gaps['b'].team.name} (Beta): no results handed in",
                                  f"{gaps['gamma'].team.name} (Gamma): no results handed in"],
    }
    assert ResultSnapshot.objects.count() == 0
    assert not AuditEntry.objects.filter(action="evaluation.results_published").exists()


def test_publish_with_missing_sheets_confirmed_without_reason_refused(commission, chair, gaps):
    with pytest.raises(ValidationError) as refused:
        services.publish_results(commission=commission, actor=chair, confirm_missing=True, reason="  ")
    assert refused.value.message_dict == {
        "reason": ["Give the reason for publishing with missing sheets or results."]}
    assert ResultSnapshot.objects.count() == 0


def test_publish_with_missing_sheets_confirmed_records_reason_in_audit(commission, chair, gaps):
    services.publish_results(commission=commission, actor=chair, confirm_missing=True,
                             reason="Lara is ill; Beta and Gamma report late.")
    entry = AuditEntry.objects.get(action="evaluation.results_published")
    assert entry.actor == chair
    assert entry.changes["reason"] == "Lara is ill; Beta and Gamma report late."
    assert entry.changes["missing"] == {"unsubmitted_sheets": 1, "projects_short_of_sheets": 1,
                                        "teams_without_results": 2}
    assert ResultSnapshot.objects.filter(commission=commission).count() == 1


def test_publish_complete_needs_no_confirmation(commission, chair, scored, edition):
    complete(scored)
    open_evaluation(edition)
    services.publish_results(commission=commission, actor=chair)
    entry = AuditEntry.objects.get(action="evaluation.results_published")
    assert "missing" not in entry.changes and "reason" not in entry.changes


def test_publish_before_evaluation_phase_refused(commission, chair, scored, edition,
                                                 django_capture_on_commit_callbacks):
    complete(scored)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation) as refused:
        services.publish_results(commission=commission, actor=chair, confirm_missing=True, reason="Early")
    assert refused.value.messages == [
        f"The results can be published once the evaluation phase has started "
        f"(on {date_format(edition.evaluation_start, 'DATE_FORMAT')})."]
    assert ResultSnapshot.objects.count() == 0
    assert not Notification.objects.filter(kind="evaluation_published").exists()


# --- API -----------------------------------------------------------------------------------
def test_publish_api_missing_sheets_409_with_list(commission, chair, gaps, edition):
    response = api(chair).post(f"{API}/results/publish/", {"edition": edition.pk}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "Sheets or team results are missing: confirm with a reason to publish anyway."
    assert body["errors"]["unsubmitted_sheets"] == ["Lara Late: 1 sheet not submitted"]
    assert body["errors"]["projects_short_of_sheets"] == ["Gamma: 1 of 2 submitted sheets"]
    assert len(body["errors"]["teams_without_results"]) == 2
    assert ResultSnapshot.objects.count() == 0


def test_publish_api_confirmed_with_reason_201(commission, chair, gaps, edition):
    response = api(chair).post(f"{API}/results/publish/", {"edition": edition.pk, "confirm_missing": True,
                                                          "reason": "Deadline passed."}, format="json")
    assert response.status_code == 201
    assert AuditEntry.objects.get(action="evaluation.results_published").changes["reason"] == "Deadline passed."


def test_publish_api_before_evaluation_phase_409(commission, chair, scored, edition):
    response = api(chair).post(f"{API}/results/publish/", {"edition": edition.pk, "confirm_missing": True,
                                                          "reason": "Early"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("The results can be published once the evaluation phase has started")


# --- pages ---------------------------------------------------------------------------------
def test_dashboard_lists_what_is_missing_and_publish_needs_reason(login, commission, chair, gaps, edition):
    client = login(chair)
    html = client.get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    assert "Lara Late: 1 sheet not submitted" in html and "Gamma: 1 of 2 submitted sheets" in html
    assert "(Beta): no results handed in" in html and 'name="confirm_missing"' in html
    response = client.post(reverse("evaluation:publish", args=[edition.year]), follow=True)
    assert "confirm with a reason to publish anyway" in response.content.decode()
    assert ResultSnapshot.objects.count() == 0
    response = client.post(reverse("evaluation:publish", args=[edition.year]),
                           {"confirm_missing": "on", "reason": "Agreed by the commission."}, follow=True)
    assert "The results are published." in response.content.decode()
    entry = AuditEntry.objects.get(action="evaluation.results_published")
    assert entry.changes["reason"] == "Agreed by the commission."


def test_dashboard_before_evaluation_phase_has_no_publish_button(login, commission, chair, scored, edition):
    html = login(chair).get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    assert 'id="publish"' not in html and "Publishing opens when the evaluation phase starts" in html


# --- the official ranking method -----------------------------------------------------------
def test_set_ranking_method_by_chair_audited_and_used(commission, chair, scored):
    services.set_ranking_method(commission=commission, method=RankingMethod.MEDIAN, actor=chair)
    commission.refresh_from_db()
    assert commission.ranking_method == "median"
    entry = AuditEntry.objects.get(action="evaluation.ranking_method_changed")
    assert (entry.actor, entry.changes) == (chair, {"ranking_method": ["mean", "median"]})
    assert selectors.live_results(commission)["ranking_method"] == "median"
    snapshot = publish(commission, chair)
    assert snapshot.data["ranking_method"] == "median"
    assert selectors.public_results(snapshot, chair)["ranking_method"] == "median"


def test_set_ranking_method_by_expert_or_office_denied(commission, scored, office_user):
    for actor in (scored["experts"][0].user, office_user):
        with pytest.raises(PermissionDenied):
            services.set_ranking_method(commission=commission, method=RankingMethod.MEDIAN, actor=actor)
    commission.refresh_from_db()
    assert commission.ranking_method == "mean"


def test_set_ranking_method_after_publication_refused(commission, chair, scored):
    publish(commission, chair)
    with pytest.raises(RuleViolation):
        services.set_ranking_method(commission=commission, method=RankingMethod.NORMALISED, actor=chair)
    commission.refresh_from_db()
    assert commission.ranking_method == "mean"


def test_ranking_method_api(commission, chair, scored, edition, office_user):
    url = f"{API}/ranking-method/"
    response = api(chair).post(url, {"edition": edition.pk, "method": "group_balanced"}, format="json")
    assert (response.status_code, response.json()) == (200, {"edition": edition.year,
                                                             "ranking_method": "group_balanced"})
    bad = api(chair).post(url, {"edition": edition.pk, "method": "best"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["method"]
    assert api(office_user).post(url, {"edition": edition.pk, "method": "mean"}, format="json").status_code == 403
    publish(commission, chair)
    assert api(chair).post(url, {"edition": edition.pk, "method": "mean"}, format="json").status_code == 409
    commission.refresh_from_db()
    assert commission.ranking_method == "group_balanced"


def test_ranking_method_page_shows_choice(login, commission, chair, scored, edition):
    client = login(chair)
    response = client.post(reverse("evaluation:ranking_method", args=[edition.year]), {"method": "normalised"},
                           follow=True)
    html = response.content.decode()
    assert "The official ranking method is now: Juror-bias normalised." in html
    assert "Official ranking: Juror-bias normalised." in html
    assert '<option value="normalised" selected>' in html


# --- the chair's menu ----------------------------------------------------------------------
def test_chair_menu_links_commission_dashboard(login, commission, chair, edition):
    client = login(chair)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("evaluation:commission_home")}" id="nav-commission-dashboard"' in html
    response = client.get(reverse("evaluation:commission_home"))
    assert (response.status_code, response.url) == (302, reverse("evaluation:dashboard", args=[edition.year]))


def test_expert_menu_has_no_commission_dashboard(login, commission, expert, edition):
    client = login(expert)
    assert 'id="nav-commission-dashboard"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("evaluation:commission_home")).status_code == 404
