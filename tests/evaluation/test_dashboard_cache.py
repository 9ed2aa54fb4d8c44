"""The chair's dashboard caches what is missing before publishing (`selectors.dashboard_gaps`)
and the pages of its progress tables under the results version: every change of a gap or a count
bumps it, so the cached gaps always equal `publication_gaps` computed afresh and the progress
tables show the counts of the moment — one test per path that changes them."""

from unittest import mock

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from evaluation import selectors, services
from evaluation.models import Assignment, Commission, ExpertGroup, ResultSubmission
from projects.models import MembershipRole
from tests.factories import MembershipFactory, approved_project_with_team

from .conftest import seat
from .helpers import full_scores

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def cached(commission):
    return selectors.dashboard_gaps(commission, selectors.results_cache_key(commission))


def assert_changed_and_fresh(commission, before):
    after = cached(commission)
    assert after == selectors.publication_gaps(commission)
    assert after != before
    return after


@pytest.fixture
def late(commission, chair, scored):
    """A third expert with a draft for Alpha (one unsubmitted sheet)."""
    member = seat(commission, group=ExpertGroup.EXTERNAL)
    return services.assign_expert(member=member, project=scored["a"], actor=chair)


def test_dashboard_gaps_second_read_is_the_cached_one(commission, scored, django_assert_num_queries):
    first = cached(commission)
    key = selectors.results_cache_key(commission)
    with django_assert_num_queries(0):
        assert selectors.dashboard_gaps(commission, key) == first


def test_dashboard_gaps_follow_a_new_assignment(commission, chair, scored):
    member = seat(commission, group=ExpertGroup.EXTERNAL)
    before = cached(commission)
    services.assign_expert(member=member, project=scored["b"], actor=chair)
    after = assert_changed_and_fresh(commission, before)
    assert [row["member"] for row in after["unsubmitted_sheets"]] == [member.pk]


def test_dashboard_gaps_follow_a_submitted_sheet(commission, criteria, late):
    before = cached(commission)
    services.save_score_sheet(sheet=late.sheet, actor=late.member.user, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=late.sheet, actor=late.member.user)
    assert assert_changed_and_fresh(commission, before)["unsubmitted_sheets"] == []


def test_dashboard_gaps_follow_a_removed_assignment(commission, chair, late):
    before = cached(commission)
    services.remove_assignment(assignment=late, actor=chair)
    assert assert_changed_and_fresh(commission, before)["unsubmitted_sheets"] == []


def test_dashboard_gaps_follow_an_assignment_deleted_in_the_admin(commission, office_user, late):
    before = cached(commission)
    request = RequestFactory().post("/")
    request.user = office_user
    admin.site._registry[Assignment].delete_model(request, late)
    assert assert_changed_and_fresh(commission, before)["unsubmitted_sheets"] == []


def test_dashboard_gaps_follow_a_declared_conflict(commission, scored):
    before = cached(commission)
    expert = scored["experts"][0]
    services.declare_conflict(member=expert, project=scored["a"], reason="Found out late.", actor=expert.user)
    after = assert_changed_and_fresh(commission, before)
    assert [row["title"] for row in after["projects_short_of_sheets"]] == ["Alpha"]


def test_dashboard_gaps_follow_a_removed_seat(commission, office_user, late):
    before = cached(commission)
    services.remove_commission_member(member=late.member, actor=office_user)
    assert assert_changed_and_fresh(commission, before)["unsubmitted_sheets"] == []


def test_dashboard_gaps_follow_results_handed_in(commission, scored):
    before = cached(commission)
    student = MembershipFactory(team=scored["a"].team, role=MembershipRole.MEMBER).user
    services.submit_results(team=scored["a"].team, actor=student, summary="A prototype.")
    after = assert_changed_and_fresh(commission, before)
    assert [row["project"] for row in after["teams_without_results"]] == ["Beta"]


def test_dashboard_gaps_follow_results_added_in_the_admin(commission, office_user, scored):
    before = cached(commission)
    request = RequestFactory().post("/")
    request.user = office_user
    submission = ResultSubmission(team=scored["b"].team, summary="Entered by the office.")
    admin.site._registry[ResultSubmission].save_model(request, submission, form=None, change=False)
    after = assert_changed_and_fresh(commission, before)
    assert [row["project"] for row in after["teams_without_results"]] == ["Alpha"]


def test_dashboard_gaps_follow_the_minimum_of_sheets(commission, scored):
    before = cached(commission)
    commission.min_sheets_per_project = 3
    commission.save(update_fields=["min_sheets_per_project"])
    after = assert_changed_and_fresh(commission, before)
    assert [row["needed"] for row in after["projects_short_of_sheets"]] == [3, 3]


def test_dashboard_shows_a_new_draft_after_a_cached_view(login, commission, chair, scored, edition):
    member = seat(commission, group=ExpertGroup.EXTERNAL)
    member.user.full_name = "Nora New"
    member.user.save()
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    assert "sheet not submitted" not in client.get(url).content.decode()
    services.assign_expert(member=member, project=approved_project_with_team(edition=edition), actor=chair)
    assert "Nora New: 1 sheet not submitted" in client.get(url).content.decode()


@pytest.mark.parametrize("cache_on", [True, False])
def test_dashboard_counts_the_projects_short_of_sheets_from_the_results_rows(login, commission, chair, scored,
                                                                          edition, cache_on):
    """The first view (and every view with `EVALUATION_RESULTS_CACHE` off) computes the results
    table, then counts the projects short of sheets from its rows (no statement of their own)."""
    Commission.objects.filter(pk=commission.pk).update(min_sheets_per_project=3)
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    count = selectors.CountedReads.short_of_sheets
    with override_settings(EVALUATION_RESULTS_CACHE=cache_on), \
            mock.patch.object(selectors.CountedReads, "short_of_sheets", autospec=True, side_effect=count) as derived:
        html = client.get(url).content.decode()
    assert derived.call_count == 1
    assert "Alpha: 2 of 3 submitted sheets" in html and "Beta: 2 of 3 submitted sheets" in html
    assert html.index("Alpha: 2 of 3") < html.index("Beta: 2 of 3")


def test_dashboard_gaps_computed_alone_when_the_results_table_is_cached(login, commission, chair, scored, edition):
    """The results table from the cache and the gaps not (another minimum of sheets): the gaps
    run their own statements."""
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    assert "submitted sheets</li>" not in client.get(url).content.decode()
    Commission.objects.filter(pk=commission.pk).update(min_sheets_per_project=3)
    with mock.patch.object(selectors, "compute_results") as compute:
        html = client.get(url).content.decode()
    assert compute.call_count == 0
    assert "Alpha: 2 of 3 submitted sheets" in html and "Beta: 2 of 3 submitted sheets" in html


# --- the progress tables -------------------------------------------------------------------
def progress(client, edition) -> tuple[str, str]:
    """(the experts' table, the projects' table) of the dashboard."""
    html = client.get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    experts, projects = html.split('id="progress-experts"')[1].split('id="progress-projects"')
    return experts, projects.split('id="conflicts"')[0]


def row_of(table: str, name: str) -> str:
    return table.split(name)[1].split("</tr>")[0]


@pytest.fixture
def newcomer(commission):
    member = seat(commission, group=ExpertGroup.EXTERNAL)
    member.user.full_name = "Nora New"
    member.user.save()
    return member


def test_progress_tables_follow_a_new_assignment(login, commission, chair, scored, edition, newcomer):
    client = login(chair)
    experts, projects = progress(client, edition)
    assert "0 / 0" in row_of(experts, "Nora New") and "2 / 2" in row_of(projects, "Beta")
    services.assign_expert(member=newcomer, project=scored["b"], actor=chair)
    experts, projects = progress(client, edition)
    assert "0 / 1" in row_of(experts, "Nora New") and "2 / 3" in row_of(projects, "Beta")


def test_progress_tables_follow_a_submitted_sheet(login, commission, chair, criteria, scored, edition, newcomer):
    assignment = services.assign_expert(member=newcomer, project=scored["b"], actor=chair)
    client = login(chair)
    assert "2 / 3" in row_of(progress(client, edition)[1], "Beta")
    services.save_score_sheet(sheet=assignment.sheet, actor=newcomer.user, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=assignment.sheet, actor=newcomer.user)
    experts, projects = progress(client, edition)
    assert "1 / 1" in row_of(experts, "Nora New") and "3 / 3" in row_of(projects, "Beta")


def test_progress_tables_follow_a_removed_assignment(login, commission, chair, scored, edition, newcomer):
    assignment = services.assign_expert(member=newcomer, project=scored["b"], actor=chair)
    client = login(chair)
    assert "2 / 3" in row_of(progress(client, edition)[1], "Beta")
    services.remove_assignment(assignment=assignment, actor=chair)
    experts, projects = progress(client, edition)
    assert "0 / 0" in row_of(experts, "Nora New") and "2 / 2" in row_of(projects, "Beta")


def test_progress_tables_follow_seats(login, commission, chair, office_user, scored, edition, newcomer):
    client = login(chair)
    assert "Nora New" in progress(client, edition)[0]
    services.remove_commission_member(member=newcomer, actor=office_user)
    assert "Nora New" not in progress(client, edition)[0]
    services.add_commission_member(commission=commission, user=newcomer.user, group=ExpertGroup.EXTERNAL,
                                   actor=office_user)
    assert "Nora New" in progress(client, edition)[0]


def test_progress_tables_cached_per_sort_filter_and_page(login, commission, chair, scored, edition):
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    by_title = client.get(url, {"p_sort": "title"}).content.decode().split('id="progress-projects"')[1]
    assert by_title.index("Alpha") < by_title.index("Beta")
    short = client.get(url, {"p_lt": 1}).content.decode().split('id="progress-projects"')[1]
    assert "No project matches the filter." in short.split('id="conflicts"')[0]
