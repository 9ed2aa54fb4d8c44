"""The chair's dashboard tables at size: sorting, filtering and pagination from the query string."""

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors, services, tables
from evaluation.models import Assignment, Commission, ExpertGroup, ScoreSheet, SheetStatus
from projects.models import Project
from tests.factories import EditionFactory, approved_project_with_team

from .conftest import seat
from .helpers import full_scores, submit_every_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty_projects(commission, chair, expert_member, edition, criteria):
    """30 projects assigned to the expert; the first three ("P00".."P02") submitted."""
    for number in range(30):
        project = approved_project_with_team(edition=edition, title=f"P{number:02d}")
        sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
        if number < 3:
            services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [4, 4]))
            services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    return edition


def dashboard(client, edition, **params):
    response = client.get(reverse("evaluation:dashboard", args=[edition.year]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_project_progress_paginated(login, chair, thirty_projects):
    client = login(chair)
    first = dashboard(client, thirty_projects).split('id="conflicts"')[0]
    assert first.count('class="project-progress"') == tables.PER_PAGE
    assert "P00" in first and "P29" not in first and "Page 1 of 2 (30 rows)" in first
    second = dashboard(client, thirty_projects, p_page=2)
    assert second.count('class="project-progress"') == 5 and "P29" in second


def test_dashboard_project_progress_stale_page_shows_last_page(login, chair, thirty_projects):
    client = login(chair)
    for stale in (99, 0, -1):
        html = dashboard(client, thirty_projects, p_page=stale)
        assert html.count('class="project-progress"') == 5 and "P29" in html and "Page 2 of 2 (30 rows)" in html
    assert "Page 1 of 2 (30 rows)" in dashboard(client, thirty_projects, p_page="junk")


def test_dashboard_project_progress_sorted_and_filtered_fewer_than(login, chair, thirty_projects):
    client = login(chair)
    by_submitted = dashboard(client, thirty_projects, p_sort="submitted").split('id="conflicts"')[0]
    assert "P03" in by_submitted and "P00" not in by_submitted  # 0 submitted first: P00 is on page 2
    short = dashboard(client, thirty_projects, p_lt=1)
    assert short.count('class="project-progress"') == 25 and "P00" not in short.split('id="conflicts"')[0]
    assert "Page 1 of 2 (27 rows)" in short
    assert "(30 rows)" in dashboard(client, thirty_projects, p_lt="junk")  # ignored, never a 500


def test_dashboard_experts_unfinished_filter(login, chair, thirty_projects):
    html = dashboard(login(chair), thirty_projects, e_filter="unfinished")
    progress = html.split('id="progress-projects"')[0]
    assert "3 / 30" in progress and chair.full_name not in progress.split("<tbody>")[1]


def test_dashboard_results_filtered_and_full_ranking_one_click_away(login, chair, thirty_projects, commission):
    client = login(chair)
    html = dashboard(client, thirty_projects)
    assert 'id="r-filter-disagreement"' in html
    none = dashboard(client, thirty_projects, r_filter="disagreement")
    assert "P00" not in none.split('id="results-table"')[1].split("</table>")[0]
    by_title = dashboard(client, thirty_projects, r_sort="title", r_page="all")
    table = by_title.split('id="results-table"')[1]
    assert table.index("P00") < table.index("P01") < table.index("P02")
    assert dashboard(client, thirty_projects, r_sort="nonsense", r_page="x").count("<html") == 1


def test_dashboard_results_pages_and_show_all(login, chair, expert_member, commission, edition, criteria):
    for number in range(tables.PER_PAGE + 2):
        project = approved_project_with_team(edition=edition, title=f"R{number:02d}")
        services.assign_expert(member=expert_member, project=project, actor=chair)
    submit_every_sheet(expert_member, criteria)
    client = login(chair)

    def results_rows(html):
        return html.split('id="results-table"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr>")

    first = dashboard(client, edition)
    assert results_rows(first) == tables.PER_PAGE and 'id="r-all"' in first
    assert results_rows(dashboard(client, edition, r_page=2)) == 2
    assert results_rows(dashboard(client, edition, r_page="all")) == tables.PER_PAGE + 2


def test_progress_counts_equal_whichever_sort_computes_them(commission, chair, expert_member, thirty_projects):
    """Sorted by name or title the counts are per-row subqueries; sorted by a count, one grouped
    query: the same numbers either way (3 of 30 submitted by the expert, none by the chair)."""
    def experts(sort):
        return {m.pk: (m.assigned, m.submitted) for m in selectors.progress_by_expert(commission, sort=sort)}

    def projects(sort):
        return {p.title: (p.assigned, p.submitted) for p in selectors.progress_by_project(commission, sort=sort)}

    assert experts("name") == experts("submitted") == experts("open")
    assert experts("name")[expert_member.pk] == (30, 3) and sorted(experts("name").values())[0] == (0, 0)
    assert projects("title") == projects("submitted") == projects("assigned")
    assert projects("title")["P00"] == (1, 1) and projects("title")["P29"] == (1, 0)


def test_progress_of_projects_counts_this_commissions_seats_only(commission, chair, expert_member, thirty_projects):
    """The per-row counts keep the assignments to this commission's seats (`member_id = ANY(...)`
    of the seats): an assignment to another commission's seat, with a submitted sheet, is not
    counted, whichever sort computes the counts."""
    other = seat(Commission.objects.create(edition=EditionFactory(year=1999)), group=ExpertGroup.EXTERNAL)
    project = Project.objects.get(edition=thirty_projects, title="P05")
    assignment = Assignment.objects.create(member=other, project=project)
    ScoreSheet.objects.create(assignment=assignment, status=SheetStatus.SUBMITTED, submitted_at=timezone.now())
    for sort in ("title", "submitted", "assigned"):
        counts = {p.title: (p.assigned, p.submitted) for p in selectors.progress_by_project(commission, sort=sort)}
        assert counts["P05"] == (1, 0) and counts["P00"] == (1, 1)
