"""Pages: access per role, the htmx autosave, chair actions, published results, query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override as translation_override

from evaluation import services
from evaluation.models import ExpertGroup, ResultSubmission, Score, ScoreSheet, SheetStatus
from projects.models import MembershipRole
from tests.factories import MembershipFactory, approved_project_with_team
from tests.querycount import PAGE_BASE

from .conftest import seat
from .factories import CriterionFactory
from .helpers import close_evaluation, full_scores, open_evaluation, publish, submit_every_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(chair, expert_member, project):
    return services.assign_expert(member=expert_member, project=project, actor=chair).sheet


def form_data(criteria, values, feedback="", note=""):
    data = {"feedback": feedback, "confidential_note": note}
    for criterion, value in zip(criteria, values, strict=False):
        data[f"c{criterion.pk}"] = str(value)
        data[f"c{criterion.pk}_comment"] = ""
    return data


# --- expert pages --------------------------------------------------------------------------
def test_sheet_page_shows_radio_levels_to_author(login, sheet, expert, criteria):
    response = login(expert).get(reverse("evaluation:sheet", args=[sheet.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="c{criteria[0].pk}" id="id_c{criteria[0].pk}_0" value="1"' in html
    assert "Very good" in html
    assert 'hx-post="/evaluation/sheets/' in html
    assert "<script>" not in html and "style=" not in html


def test_sheet_page_hidden_from_other_experts_and_students(login, sheet, outsider, team_member):
    assert login(outsider).get(reverse("evaluation:sheet", args=[sheet.pk])).status_code == 404
    assert login(team_member).get(reverse("evaluation:sheet", args=[sheet.pk])).status_code == 404


def test_chair_sees_sheet_read_only(login, sheet, chair):
    response = login(chair).get(reverse("evaluation:sheet", args=[sheet.pk]))
    assert response.status_code == 200
    assert b"(read only)" in response.content and b"sheet-form" not in response.content


def test_autosave_stores_draft_and_answers_status(login, sheet, expert, criteria):
    response = login(expert).post(reverse("evaluation:sheet_autosave", args=[sheet.pk]),
                                  form_data(criteria, [4, 2], feedback="Nice"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"Saved at" in response.content
    assert dict(Score.objects.values_list("criterion__name", "value")) == {"Science": 4, "Value": 2}
    assert ScoreSheet.objects.get().feedback == "Nice"


def test_autosave_reports_errors_without_saving(login, sheet, expert, criteria):
    response = login(expert).post(reverse("evaluation:sheet_autosave", args=[sheet.pk]), form_data(criteria, [9]))
    assert b"text-danger" in response.content
    assert Score.objects.count() == 0


def test_submit_from_page(login, sheet, expert, criteria):
    client = login(expert)
    response = client.post(reverse("evaluation:sheet_submit", args=[sheet.pk]), form_data(criteria, [5, 4]))
    assert response.status_code == 302
    assert ScoreSheet.objects.get().status == SheetStatus.SUBMITTED


def test_submit_incomplete_shows_error(login, sheet, expert, criteria):
    client = login(expert)
    response = client.post(reverse("evaluation:sheet_submit", args=[sheet.pk]), form_data(criteria, [5]),
                           follow=True)
    assert "Required criteria have no value: Value." in response.content.decode()
    assert ScoreSheet.objects.get().status == SheetStatus.DRAFT


def test_sheet_read_only_after_deadline(login, sheet, expert, edition, criteria):
    close_evaluation(edition)
    client = login(expert)
    response = client.get(reverse("evaluation:sheet", args=[sheet.pk]))
    assert b"deadline has passed" in response.content
    client.post(reverse("evaluation:sheet", args=[sheet.pk]), form_data(criteria, [5, 5]))
    assert Score.objects.count() == 0


def test_declare_conflict_page(login, expert, project):
    client = login(expert)
    assert client.get(reverse("evaluation:declare_conflict")).status_code == 200
    response = client.post(reverse("evaluation:declare_conflict"), {"project": project.pk, "reason": "Co-author"})
    assert response.status_code == 302
    assert project.expert_conflicts.get().reason == "Co-author"


def test_declare_conflict_page_not_for_non_members(login, outsider):
    assert login(outsider).get(reverse("evaluation:declare_conflict")).status_code == 404


# --- results submission --------------------------------------------------------------------
def test_team_member_uploads_results(login, project, team_member):
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    response = login(team_member).post(reverse("evaluation:submit_results", args=[project.team.pk]),
                                       {"summary": "Done.", "final_report": upload})
    assert response.status_code == 302
    assert ResultSubmission.objects.get().final_report_name == "report.pdf"


def test_expert_downloads_submitted_report_outsider_cannot(login, project, team_member, sheet, expert, outsider):
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    submission = services.submit_results(team=project.team, actor=team_member, summary="s", final_report=upload)
    url = reverse("evaluation:submission_file", args=[submission.pk, "final_report"])
    response = login(expert).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(reverse("evaluation:submit_results", args=[project.team.pk])).status_code == 404


# --- chair ---------------------------------------------------------------------------------
def test_dashboard_only_for_chair(login, commission, chair, expert, edition):
    url = reverse("evaluation:dashboard", args=[edition.year])
    assert login(chair).get(url).status_code == 200
    assert login(expert).get(url).status_code == 404


def test_chair_assigns_auto_assigns_reminds_and_publishes(login, commission, chair, expert_member, edition, criteria):
    seat(commission, group=ExpertGroup.CUSTOMER)
    project = approved_project_with_team(edition=edition)
    client = login(chair)
    client.post(reverse("evaluation:assign", args=[edition.year]), {"member": expert_member.pk, "project": project.pk})
    assert expert_member.assignments.count() == 1
    response = client.post(reverse("evaluation:auto_assign", args=[edition.year]), {"per_project": 3}, follow=True)
    assert "2 assignments created." in response.content.decode()
    response = client.post(reverse("evaluation:remind", args=[edition.year]), follow=True)
    assert "3 experts reminded." in response.content.decode()
    sheet = expert_member.assignments.get().sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [4, 4]))
    services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    open_evaluation(edition)
    response = client.post(reverse("evaluation:publish", args=[edition.year]),
                           {"confirm_missing": "on", "reason": "Two experts never scored."}, follow=True)
    assert "The results are published." in response.content.decode()


def test_assign_form_loads_on_demand(login, commission, chair, expert_member, project, edition, office_user):
    html = login(chair).get(reverse("evaluation:dashboard", args=[edition.year])).content.decode()
    url = reverse("evaluation:assign_form", args=[edition.year])
    assert f'hx-get="{url}"' in html and 'name="member"' not in html and "<script>" not in html
    fragment = login(chair).get(url, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert f'value="{expert_member.pk}"' in html and f'value="{project.pk}"' in html and 'id="assign-form"' in html
    assert "<html" in login(chair).get(url).content.decode()  # without htmx: a page with the form
    assert login(office_user).get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_assign_form_not_for_experts_nor_after_publishing(login, commission, chair, expert_member, project,
                                                         edition, criteria):
    url = reverse("evaluation:assign_form", args=[edition.year])
    assert login(expert_member.user).get(url, HTTP_HX_REQUEST="true").status_code == 404
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [4, 4]))
    services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    publish(commission, chair)
    assert login(chair).get(url, HTTP_HX_REQUEST="true").status_code == 404


@pytest.mark.parametrize("value,places", [(None, 1), (12.25, 1), (12.35, 1), (0.05, 1), (99.99, 1), (100.0, 0),
                                          (49.5, 0), (-0.123, 2), (0.8765, 2), (7, 1)])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_results_numbers_match_floatformat(value, places, language):
    from django.template.defaultfilters import floatformat
    from django.utils import formats, translation

    from evaluation.views import _number

    with translation.override(language):
        assert _number(value, places, formats.get_format("DECIMAL_SEPARATOR")) == floatformat(value, places)


def test_results_table_cached_until_a_sheet_changes(login, commission, chair, expert_member, project, edition,
                                                   criteria):
    from django.core.cache import cache

    cache.clear()
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [4, 4]))
    services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    first = client.get(url).content.decode()
    assert "75.0" in first and project.title in first
    with translation_override("ru"):
        from evaluation.views import _results_table
        assert "75,0" in _results_table(commission)[0]
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [5, 5]))
    assert "100.0" in client.get(url).content.decode()


def test_auto_assign_infeasible_message_on_dashboard(login, commission, chair, edition):
    approved_project_with_team(edition=edition, title="Lonely")
    response = login(chair).post(reverse("evaluation:auto_assign", args=[edition.year]), {"per_project": 2},
                                 follow=True)
    assert "Lonely: Only 1 experts without a conflict are available; 2 more are needed." in response.content.decode()


def test_exports_for_chair_only(login, commission, chair, expert, edition):
    client = login(chair)
    csv_response = client.get(reverse("evaluation:export", args=[edition.year, "csv"]))
    assert csv_response.status_code == 200 and csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response.content.decode().startswith("Rank,Project,Team,Sheets,Mean")
    xlsx = client.get(reverse("evaluation:export", args=[edition.year, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert login(expert).get(reverse("evaluation:export", args=[edition.year, "csv"])).status_code == 404
    assert client.get(reverse("evaluation:export", args=[edition.year, "pdf"])).status_code == 404


# --- published results ---------------------------------------------------------------------
@pytest.fixture
def published(commission, chair, sheet, expert, criteria, project):
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [4, 4]),
                              feedback="Great teamwork", confidential_note="hidden remark")
    services.submit_score_sheet(sheet=sheet, actor=expert)
    return publish(commission, chair)


def test_results_hidden_before_publishing(login, commission, chair, sheet, team_member, edition):
    assert login(team_member).get(reverse("evaluation:results", args=[edition.year])).status_code == 404


def test_team_member_sees_feedback_not_scorer(login, published, team_member, expert, edition):
    html = login(team_member).get(reverse("evaluation:results", args=[edition.year])).content.decode()
    assert "Great teamwork" in html and "Your project" in html
    assert expert.full_name not in html and "hidden remark" not in html


def test_outsider_sees_ranking_without_feedback(login, published, outsider, project, edition):
    html = login(outsider).get(reverse("evaluation:results", args=[edition.year])).content.decode()
    assert project.title in html and "Great teamwork" not in html


# --- query counts --------------------------------------------------------------------------
def make_sheets(commission, chair, member, edition, n):
    for _ in range(n):
        services.assign_expert(member=member, project=approved_project_with_team(edition=edition), actor=chair)


@pytest.mark.parametrize("rows", [1, 5])
def test_my_sheets_query_count(login, commission, chair, expert_member, edition, rows, django_assert_num_queries):
    make_sheets(commission, chair, expert_member, edition, rows)
    client = login(expert_member.user)
    with django_assert_num_queries(PAGE_BASE + 4):  # seats, count, sheets, chaired
        response = client.get(reverse("evaluation:my_sheets"))
    assert response.content.decode().count('class="list-group-item list-group-item-action') == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_sheet_page_query_count(login, chair, expert_member, project, edition, rows, django_assert_num_queries):
    open_evaluation(edition)
    criteria = [CriterionFactory(edition=edition, name=f"C{i}") for i in range(rows)]
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    for value in (2, 4):  # two revisions in the history
        services.save_score_sheet(sheet=sheet, actor=expert_member.user, feedback=f"Round {value}",
                                  scores=[{"criterion": c.pk, "value": value} for c in criteria])
    client = login(expert_member.user)
    # The sheet with its expert, edition, team, results submission and conflict facts; the criteria
    # with the sheet's values; the history; the workspace summary (milestones, latest approved
    # report, key results, journal counts).
    with django_assert_num_queries(PAGE_BASE + 7):
        response = client.get(reverse("evaluation:sheet", args=[sheet.pk]))
    html = response.content.decode()
    assert html.count('class="card mb-3 criterion"') == rows and html.count('class="btn-check"') == rows * 5
    assert html.count(' checked>') == rows and "Round 4" in html


@pytest.mark.parametrize("rows", [1, 5])
def test_dashboard_query_count(login, commission, chair, expert_member, edition, criteria, rows,
                               django_assert_num_queries):
    make_sheets(commission, chair, expert_member, edition, rows)
    submit_every_sheet(expert_member, criteria, feedback="ok")
    client = login(chair)
    # + the results' cache key (the results version); the results table (criteria, the counted
    # sheets' stored scores, projects); what is missing before publishing (drafts, teams without
    # results; the projects short of sheets counted from the results table's rows); the assignment
    # form's experts and projects load on demand; the two paginated progress tables read their
    # rows in all with the page (no COUNT).
    with django_assert_num_queries(PAGE_BASE + 12):
        response = client.get(reverse("evaluation:dashboard", args=[edition.year]))
    assert response.content.decode().count('class="project-progress"') == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_dashboard_repeated_view_query_count(login, commission, chair, expert_member, edition, criteria, rows,
                                             django_assert_num_queries):
    make_sheets(commission, chair, expert_member, edition, rows)
    submit_every_sheet(expert_member, criteria, feedback="ok")
    client = login(chair)
    url = reverse("evaluation:dashboard", args=[edition.year])
    client.get(url)
    # A repeated view (the user from the cache: PAGE_BASE - 1) reads the commission, the chair
    # seat, the snapshot, the results key (the results version) and the conflicts; the gaps, both
    # progress tables' pages and the results table come from the cache under that key.
    with django_assert_num_queries(PAGE_BASE - 1 + 5):
        response = client.get(url)
    assert response.content.decode().count('class="project-progress"') == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_results_page_query_count(login, commission, chair, expert_member, edition, criteria, rows,
                                  django_assert_num_queries):
    make_sheets(commission, chair, expert_member, edition, rows)
    submit_every_sheet(expert_member, criteria)
    publish(commission, chair)
    student = MembershipFactory(team=ScoreSheet.objects.first().assignment.project.team,
                                role=MembershipRole.MEMBER).user
    client = login(student)
    with django_assert_num_queries(PAGE_BASE + 3):
        response = client.get(reverse("evaluation:results", args=[edition.year]))
    assert response.content.decode().count('class="rank') == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_results_index_query_count(login, team_member, rows, django_assert_num_queries):
    client = login(team_member)
    for _ in range(rows - 1):
        MembershipFactory(user=team_member, role=MembershipRole.SUPERVISOR)
    with django_assert_num_queries(PAGE_BASE + 2):
        client.get(reverse("evaluation:results_index"))


def test_anonymous_sees_published_ranking_only(client, published, project, edition):
    html = client.get(reverse("evaluation:results", args=[edition.year])).content.decode()
    assert project.title in html and "Great teamwork" not in html
    assert client.get(reverse("evaluation:results_index")).status_code == 200


def test_anonymous_sees_nothing_before_publishing(client, commission, edition):
    assert client.get(reverse("evaluation:results", args=[edition.year])).status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_project_sheets_query_count(login, commission, chair, project, edition, criteria, rows,
                                    django_assert_num_queries):
    for group in [ExpertGroup.CUSTOMER] * rows:
        member = seat(commission, group=group)
        sheet = services.assign_expert(member=member, project=project, actor=chair).sheet
        services.save_score_sheet(sheet=sheet, actor=member.user, scores=full_scores(criteria, [5, 1]),
                                  confidential_note="between us")
    client = login(chair)
    url = reverse("evaluation:project_sheets", args=[edition.year, project.pk])
    with django_assert_num_queries(PAGE_BASE + 6):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="sheet-row"') == rows and "75.0" in html and "between us" in html


def test_project_sheets_not_for_experts(login, commission, expert, project, edition):
    url = reverse("evaluation:project_sheets", args=[edition.year, project.pk])
    assert login(expert).get(url).status_code == 404


def test_my_sheets_paginated(login, commission, chair, expert_member, edition, monkeypatch):
    from evaluation import views

    monkeypatch.setattr(views, "SHEETS_PER_PAGE", 2)
    make_sheets(commission, chair, expert_member, edition, 3)
    client = login(expert_member.user)
    first = client.get(reverse("evaluation:my_sheets")).content.decode()
    second = client.get(reverse("evaluation:my_sheets"), {"page": 2}).content.decode()
    assert first.count('class="list-group-item list-group-item-action') == 2
    assert second.count('class="list-group-item list-group-item-action') == 1
    assert "Page 1 of 2" in first
