"""The evaluation API: workflow endpoints, the house error shape, visibility, query counts."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.utils.dateparse import parse_datetime

from evaluation import selectors, services
from evaluation.models import Assignment, Criterion, ExpertGroup, ScoreSheet, SheetStatus
from marathon.models import AuditEntry
from projects.models import MembershipRole
from tests.conftest import api_client_for as api
from tests.factories import MembershipFactory, approved_project_with_team

from .conftest import seat
from .factories import CriterionFactory
from .helpers import close_evaluation, full_scores, open_evaluation, publish, submit_every_sheet

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


@pytest.fixture
def sheet(chair, expert_member, project):
    return services.assign_expert(member=expert_member, project=project, actor=chair).sheet


@pytest.mark.parametrize("body", [{"scores": [], "feedback": "Mine now"}, {"scores": "not a list"}])
def test_sheet_put_by_outsider_is_404_and_changes_nothing(sheet, outsider, team_member, chair, body):
    # The save's lock refuses anyone but the author before writing; the view then answers 404 to
    # those who may not see the sheet (whatever the body), 403 to the chair.
    for user in (outsider, team_member):
        assert api(user).put(f"{API}/sheets/{sheet.pk}/", body, format="json").status_code == 404
    assert api(outsider).put(f"{API}/sheets/999999/", body, format="json").status_code == 404
    expected = 403 if isinstance(body["scores"], list) else 400
    assert api(chair).put(f"{API}/sheets/{sheet.pk}/", body, format="json").status_code == expected
    sheet.refresh_from_db()
    assert (sheet.feedback, sheet.revisions.count()) == ("", 0)


def test_criteria_by_edition(criteria, edition, outsider):
    response = api(outsider).get(f"{API}/criteria/", {"edition": edition.pk})
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Science", "Value", "Presentation"]
    assert response.json()["results"][0]["level_labels"][4] == "Excellent"


def test_criteria_without_edition_is_400(outsider):
    response = api(outsider).get(f"{API}/criteria/")
    assert response.status_code == 400
    assert response.json() == {"detail": "edition: Give the edition id.",
                               "errors": {"edition": ["Give the edition id."]}}


def test_assignment_create_and_lists_per_role(chair, expert, project, outsider):
    response = api(chair).post(f"{API}/assignments/", {"project": project.pk, "expert": expert.pk}, format="json")
    assert response.status_code == 201
    created = response.json()
    assignment = Assignment.objects.select_related("sheet", "member").get()
    assert created == {"id": assignment.pk, "expert": expert.pk, "expert_name": expert.full_name,
                       "group": assignment.member.group, "project": project.pk, "project_title": project.title,
                       "automatic": False, "sheet": assignment.sheet.pk, "sheet_status": "draft",
                       "created_at": created["created_at"]}
    assert parse_datetime(created["created_at"]) == assignment.created_at
    listed = api(expert).get(f"{API}/assignments/").json()
    assert listed["count"] == 1 and listed["results"] == [created]
    assert api(chair).get(f"{API}/assignments/").json()["count"] == 1
    assert api(outsider).get(f"{API}/assignments/").json()["count"] == 0


def test_assignment_conflict_is_403_and_non_chair_403(chair, commission, expert, project):
    proposer_member = seat(commission, user=project.proposer)
    response = api(chair).post(f"{API}/assignments/", {"project": project.pk, "expert": proposer_member.user.pk},
                               format="json")
    assert response.status_code == 403
    assert "conflict of interest" in response.json()["detail"]
    response = api(expert).post(f"{API}/assignments/", {"project": project.pk, "expert": expert.pk}, format="json")
    assert response.status_code == 403


def test_assignment_of_non_member_is_400(chair, project, outsider):
    response = api(chair).post(f"{API}/assignments/", {"project": project.pk, "expert": outsider.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"expert": ["This person is not a member of the edition's commission."]}


def test_auto_assign_endpoint(chair, commission, edition):
    seat(commission, group=ExpertGroup.CUSTOMER)
    seat(commission, group=ExpertGroup.INVESTOR)
    approved_project_with_team(edition=edition)
    response = api(chair).post(f"{API}/auto-assign/", {"edition": edition.pk, "per_project": 2}, format="json")
    assert response.status_code == 201
    assert response.json()["created"] == 2


def test_auto_assign_infeasible_is_409_naming_projects(chair, commission, edition):
    approved_project_with_team(edition=edition, title="Solo")
    response = api(chair).post(f"{API}/auto-assign/", {"edition": edition.pk, "per_project": 2}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Solo: Only 1 experts without a conflict are available; 2 more are needed.",
        "errors": {"per_project": ["Solo: Only 1 experts without a conflict are available; 2 more are needed."]}}
    assert Assignment.objects.count() == 0


def test_sheet_put_and_submit(sheet, expert, criteria):
    client = api(expert)
    payload = {"scores": [{"criterion": criteria[0].pk, "value": 5, "comment": "strong"},
                          {"criterion": criteria[1].pk, "value": 3}],
               "feedback": "Well done", "confidential_note": "borderline"}
    response = client.put(f"{API}/sheets/{sheet.pk}/", payload, format="json")
    assert response.status_code == 200
    assert response.json()["scores"] == [{"criterion": criteria[0].pk, "value": 5, "comment": "strong"},
                                         {"criterion": criteria[1].pk, "value": 3, "comment": ""}]
    response = client.post(f"{API}/sheets/{sheet.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert client.post(f"{API}/sheets/{sheet.pk}/submit/").status_code == 409


def test_sheet_out_of_scale_is_400(sheet, expert, criteria):
    response = api(expert).put(f"{API}/sheets/{sheet.pk}/",
                               {"scores": [{"criterion": criteria[0].pk, "value": 0}]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"scores": ["Science: the value must be between 1 and 5."]}


def test_sheet_missing_required_on_submit_is_400(sheet, expert, criteria):
    client = api(expert)
    assert client.post(f"{API}/sheets/{sheet.pk}/submit/").json()["detail"] == \
        "scores: Score at least one criterion before submitting."
    client.put(f"{API}/sheets/{sheet.pk}/", {"scores": [{"criterion": criteria[2].pk, "value": 3}]}, format="json")
    response = client.post(f"{API}/sheets/{sheet.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["detail"] == "scores: Required criteria have no value: Science, Value."


def test_sheet_after_deadline_is_409(sheet, expert, criteria, edition):
    close_evaluation(edition)
    response = api(expert).put(f"{API}/sheets/{sheet.pk}/", {"scores": full_scores(criteria, [3, 3])}, format="json")
    assert response.status_code == 409
    assert "deadline" in response.json()["detail"]


def test_sheet_with_conflict_is_403(sheet, expert, criteria, project):
    response = api(expert).post(f"{API}/conflicts/", {"project": project.pk, "reason": "My cousin"}, format="json")
    assert response.status_code == 201 and response.json()["source"] == "declared"
    response = api(expert).put(f"{API}/sheets/{sheet.pk}/", {"scores": full_scores(criteria, [3, 3])}, format="json")
    assert response.status_code == 403
    assert "My cousin" in response.json()["detail"]


def test_conflict_by_non_member_is_403(outsider, project):
    response = api(outsider).post(f"{API}/conflicts/", {"project": project.pk, "reason": "x"}, format="json")
    assert response.status_code == 403


def test_individual_sheet_visible_to_author_and_chair_only(sheet, expert, chair, outsider, team_member):
    assert api(expert).get(f"{API}/sheets/{sheet.pk}/").status_code == 200
    assert api(chair).get(f"{API}/sheets/{sheet.pk}/").status_code == 200
    assert api(outsider).get(f"{API}/sheets/{sheet.pk}/").status_code == 404
    assert api(team_member).get(f"{API}/sheets/{sheet.pk}/").status_code == 404
    other_expert = seat(sheet.assignment.member.commission).user
    assert api(other_expert).get(f"{API}/sheets/{sheet.pk}/").status_code == 404
    assert api(expert).put(f"{API}/sheets/{sheet.pk}/", {"scores": []}, format="json").status_code == 200
    assert api(chair).put(f"{API}/sheets/{sheet.pk}/", {"scores": []}, format="json").status_code == 403


@pytest.fixture
def submitted(sheet, expert, criteria):
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [4, 2]), feedback="Keep going")
    return services.submit_score_sheet(sheet=sheet, actor=expert)


def test_results_before_publishing_chair_only(submitted, chair, expert, team_member, edition):
    response = api(chair).get(f"{API}/results/", {"edition": edition.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["published"] is None and body["live"]["projects"][0]["scores"]["mean"] == 62.5
    assert api(expert).get(f"{API}/results/", {"edition": edition.pk}).status_code == 404
    assert api(team_member).get(f"{API}/results/", {"edition": edition.pk}).status_code == 404


def test_publish_endpoint_then_team_sees_own_results(submitted, chair, expert, team_member, edition, project):
    open_evaluation(edition)
    body = {"edition": edition.pk, "confirm_missing": True, "reason": "No results handed in; publish anyway."}
    assert api(expert).post(f"{API}/results/publish/", body, format="json").status_code == 403
    response = api(chair).post(f"{API}/results/publish/", body, format="json")
    assert response.status_code == 201
    assert api(chair).post(f"{API}/results/publish/", body, format="json").status_code == 409
    body = api(team_member).get(f"{API}/results/", {"edition": edition.pk}).json()
    entry = body["published"]["ranking"][0]
    assert (entry["rank"], entry["title"], entry["score"]) == (1, project.title, 62.5)
    assert entry["own"]["feedback"] == ["Keep going"]
    assert str(expert.pk) not in str(entry) and expert.email not in str(body)
    assert AuditEntry.objects.filter(action="evaluation.results_published").count() == 1


# --- query counts --------------------------------------------------------------------------
def make(commission, chair, member, edition, n):
    for _ in range(n):
        services.assign_expert(member=member, project=approved_project_with_team(edition=edition), actor=chair)


@pytest.mark.parametrize("rows", [1, 5])
def test_assignments_list_query_count(commission, chair, expert_member, edition, rows, django_assert_num_queries):
    make(commission, chair, expert_member, edition, rows)
    client = api(chair)
    # Seat ids (own + chaired commissions), count, page (experts' names and sheets in it).
    with django_assert_num_queries(3):
        response = client.get(f"{API}/assignments/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_sheets_list_query_count(commission, chair, expert_member, edition, criteria, rows,
                                 django_assert_num_queries):
    make(commission, chair, expert_member, edition, rows)
    for sheet in ScoreSheet.objects.all():
        services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [3, 3]))
    client = api(expert_member.user)
    with django_assert_num_queries(4):  # seat ids, count, page, scores
        response = client.get(f"{API}/sheets/")
    assert response.json()["count"] == rows
    assert all(s["status"] == SheetStatus.DRAFT and len(s["scores"]) == 2 for s in response.json()["results"])


@pytest.mark.parametrize("rows", [1, 5])
def test_sheet_put_query_count(commission, chair, expert_member, project, edition, rows, django_assert_num_queries):
    criteria = [CriterionFactory(edition=edition, name=f"C{i}") for i in range(rows)]
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    client = api(expert_member.user)
    body = {"scores": [{"criterion": c.pk, "value": 2} for c in criteria], "feedback": "First"}
    assert client.put(f"{API}/sheets/{sheet.pk}/", body, format="json").status_code == 200
    body = {"scores": [{"criterion": c.pk, "value": 4} for c in criteria], "feedback": "Better"}
    # The save (5, see test_performance; its lock refuses anyone but the author, so the sheet's
    # visibility is asked only on a refusal); the service returns the sheet with its scores:
    # nothing is read again.
    with django_assert_num_queries(5):
        response = client.put(f"{API}/sheets/{sheet.pk}/", body, format="json")
    assert response.status_code == 200
    assert response.json() == client.get(f"{API}/sheets/{sheet.pk}/").json()
    assert [s["value"] for s in response.json()["scores"]] == [4] * rows and response.json()["feedback"] == "Better"


@pytest.mark.parametrize("rows", [1, 5])
def test_criteria_list_query_count(edition, outsider, rows, django_assert_num_queries):
    from .factories import CriterionFactory

    CriterionFactory.create_batch(rows, edition=edition)
    client = api(outsider)
    with django_assert_num_queries(3):
        response = client.get(f"{API}/criteria/", {"edition": edition.pk})
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_results_query_count(commission, chair, expert_member, edition, criteria, rows, django_assert_num_queries):
    make(commission, chair, expert_member, edition, rows)
    submit_every_sheet(expert_member, criteria)
    publish(commission, chair)
    student = MembershipFactory(team=ScoreSheet.objects.first().assignment.project.team,
                                role=MembershipRole.MEMBER).user
    client = api(student)
    with django_assert_num_queries(5):
        response = client.get(f"{API}/results/", {"edition": edition.pk})
    assert len(response.json()["published"]["ranking"]) == rows


# --- the chair's live results, rendered once per results version ----------------------------
def test_chair_results_served_from_the_rendered_body_until_a_number_changes(
        submitted, chair, expert, edition, criteria, sheet, django_assert_max_num_queries):
    client = api(chair)
    first = client.get(f"{API}/results/", {"edition": edition.pk})
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    with mock.patch.object(selectors, "compute_results", wraps=selectors.compute_results) as compute, \
            django_assert_max_num_queries(8):
        again = client.get(f"{API}/results/", {"edition": edition.pk})
        assert compute.call_count == 0
    assert again.content == first.content
    # A change of any number (here the submitted sheet's scores) is seen on the next request.
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [5, 5]))
    changed = client.get(f"{API}/results/", {"edition": edition.pk}).json()
    assert changed["live"]["projects"][0]["scores"]["mean"] == 100.0
    assert first.json()["live"]["projects"][0]["scores"]["mean"] == 62.5


def test_chair_results_store_the_rendered_body_not_the_document(submitted, chair, commission, edition):
    """Only the results export reads the full document back: the API keeps its body alone."""
    body = api(chair).get(f"{API}/results/", {"edition": edition.pk}, HTTP_ACCEPT_LANGUAGE="en").content
    key = selectors.results_cache_key(commission)
    assert cache.get(f"{key}:api:0:en") == body
    assert cache.get(f"{key}:full:en") is None


def test_chair_results_criteria_names_follow_the_requests_language(submitted, chair, edition, criteria):
    Criterion.objects.filter(pk=criteria[0].pk).update(name_en="Novelty", name_de="Neuheit")
    client = api(chair)
    english = client.get(f"{API}/results/", {"edition": edition.pk}, HTTP_ACCEPT_LANGUAGE="en").json()
    german = client.get(f"{API}/results/", {"edition": edition.pk}, HTTP_ACCEPT_LANGUAGE="de").json()
    assert "Novelty" in [c["name"] for c in english["live"]["criteria"]]
    assert "Neuheit" in [c["name"] for c in german["live"]["criteria"]]


# --- the save's plain body and answer are what the serializers give ------------------------------
PLAIN_BODIES = [
    {"scores": []},
    {"scores": [{"criterion": 1, "value": 3}], "feedback": "Good", "confidential_note": ""},
    {"scores": [{"criterion": 1, "value": -2, "comment": "ok", "extra": [1]}], "other": 1},
    {"scores": [{"criterion": 10**12, "value": 0, "comment": "é ü " + "x" * 4990}], "feedback": "f" * 10000},
]
OTHER_BODIES = [  # anything else: the serializer decides (values converted, or an error)
    [], {"scores": "x"}, {"feedback": "no scores"}, {"scores": None}, {"scores": [1]},
    {"scores": [{"criterion": "1", "value": 3}]}, {"scores": [{"criterion": 1, "value": 3.0}]},
    {"scores": [{"criterion": True, "value": 3}]}, {"scores": [{"criterion": 1, "value": False}]},
    {"scores": [{"criterion": 1}]}, {"scores": [{"criterion": 1, "value": 2, "comment": None}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": 5}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": " a "}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": "   "}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": "x" * 5001}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": "a\x00b"}]},
    {"scores": [{"criterion": 1, "value": 2, "comment": "a\ud800b"}]}, {"scores": [], "feedback": " padded"},
    {"scores": [], "feedback": "f" * 10001}, {"scores": [], "confidential_note": None}, {"scores": [], "feedback": 7},
    {"scores": [], "confidential_note": "\n"},
]


@pytest.mark.parametrize("body", PLAIN_BODIES + OTHER_BODIES)
def test_plain_sheet_update_is_the_serializers_validated_data(body):
    from evaluation.serializers import ScoreSheetUpdateSerializer, plain_sheet_update

    serializer = ScoreSheetUpdateSerializer(data=body)
    plain = plain_sheet_update(body)
    if body in PLAIN_BODIES:
        assert serializer.is_valid() and plain is not None
        assert plain == serializer.validated_data
    else:
        assert plain is None


def test_sheet_put_answer_is_the_serializers(sheet, expert, criteria, settings):
    from evaluation.serializers import ScoreSheetSerializer

    settings.TIME_ZONE = "Europe/Berlin"  # times shown in the site's zone, as the serializer does
    client = api(expert)
    body = {"scores": [{"criterion": criteria[1].pk, "value": 3}, {"criterion": criteria[0].pk, "value": 5,
                                                                   "comment": "strong"}], "feedback": "Well done"}
    for _round in range(2):  # a save, then the same body again (nothing written)
        response = client.put(f"{API}/sheets/{sheet.pk}/", body, format="json")
        stored = ScoreSheet.objects.select_related("assignment__member").prefetch_related("scores").get(pk=sheet.pk)
        assert response.json() == dict(ScoreSheetSerializer(stored).data)
    client.post(f"{API}/sheets/{sheet.pk}/submit/")
    response = client.put(f"{API}/sheets/{sheet.pk}/", {**body, "feedback": "Later"}, format="json")
    stored = ScoreSheet.objects.select_related("assignment__member").prefetch_related("scores").get(pk=sheet.pk)
    assert response.json()["submitted_at"] is not None
    assert response.json() == dict(ScoreSheetSerializer(stored).data)
    assert response.json()["scores"][0] == {"criterion": criteria[0].pk, "value": 5, "comment": "strong"}
