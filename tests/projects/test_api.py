import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from marathon.models import AuditEntry, Notification, Organisation, ScientificArea, User
from projects.models import Project, ProjectStatus, Team
from tests.factories import (
    EditionFactory,
    OrganisationFactory,
    ScientificAreaFactory,
    UniversityFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.projects.factories import student_in, submitted_project

pytestmark = pytest.mark.django_db
LIST = "/api/v1/projects/"


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return as_user


def url(project, action=""):
    return f"{LIST}{project.pk}/{action + '/' if action else ''}"


# --- list -----------------------------------------------------------------------------------
def test_list_requires_authentication(api):
    response = api().get(LIST)
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Authentication credentials were not provided.", "errors": {}}


def test_list_shows_published_and_own_drafts(api, draft, proposer, student):
    published = approved_project_with_team(title="Published")
    submitted_project(title="Someone else's submission")
    assert [p["title"] for p in api(student).get(LIST).json()["results"]] == [published.title]
    mine = {p["title"] for p in api(proposer).get(LIST).json()["results"]}
    assert mine == {published.title, draft.title}


def test_list_row_shape(api, student):
    project = approved_project_with_team(title="Shaped", team_size_max=4)
    student_in(project.team)
    row = api(student).get(LIST).json()["results"][0]
    assert row["status"] == "approved"
    assert row["team"] == project.team.pk
    assert row["composition"] == {"students": 1, "capacity": 4, "free_places": 3, "meets_rules": False,
                                  "missing": ["1 more student is needed.",
                                              "Students from 1 more university are needed."]}


def test_list_filters_and_search(api, student):
    edition, area, uni = EditionFactory(), ScientificAreaFactory(), UniversityFactory()
    hit = approved_project_with_team(title="Tidal turbines", edition=edition, area=area,
                                     proposer=UserFactory(status="professor", university=uni))
    approved_project_with_team(title="Tidal lagoons", edition=edition)
    full = approved_project_with_team(title="Tidal full", team_size_min=1, team_size_max=1)
    student_in(full.team)
    client = api(student)
    rows = client.get(LIST, {"edition": edition.pk, "area": area.pk, "university": uni.pk,
                             "status": "approved", "search": "turbine"}).json()["results"]
    assert [r["title"] for r in rows] == [hit.title]
    rows = client.get(LIST, {"search": "tidal", "has_free_places": "true"}).json()["results"]
    assert {r["title"] for r in rows} == {"Tidal turbines", "Tidal lagoons"}


@pytest.mark.parametrize("query, field", [({"edition": "x"}, "edition"), ({"status": "nope"}, "status"),
                                          ({"university": "99999"}, "university")])
def test_list_bad_filter_is_400_with_field(api, student, query, field):
    response = api(student).get(LIST, query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1.5", "99999999999999999999"])
def test_list_unknown_reference_id_is_the_model_fields_error(api, student, value):
    EditionFactory()
    message = "Select a valid choice. That choice is not one of the available choices."
    response = api(student).get(LIST, {"edition": value})
    assert (response.status_code, response.json()) == (
        400, {"detail": f"edition: {message}", "errors": {"edition": [message]}})


@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_is_constant(api, student, django_assert_num_queries, rows):
    for _ in range(rows):
        student_in(approved_project_with_team().team)
    client = api(student)
    client.get(LIST)  # fills the cache of the reference lists (area and customer names)
    with django_assert_num_queries(2):  # page + people and team members; the count is the page's
        response = client.get(LIST)
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_with_filters_is_constant(api, student, django_assert_num_queries, rows):
    """The chosen edition, area, university and customer are checked against the cached lists,
    not with a query each."""
    edition, area, customer = EditionFactory(), ScientificAreaFactory(), OrganisationFactory()
    proposer = UserFactory(status="professor")
    for _ in range(rows):
        approved_project_with_team(edition=edition, area=area, customer=customer, proposer=proposer)
    client = api(student)
    query = {"edition": edition.pk, "area": area.pk, "customer": customer.pk,
             "university": proposer.university_id}
    client.get(LIST, query)
    with django_assert_num_queries(2):
        response = client.get(LIST, query)
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_list_query_count_with_a_cold_cache(api, student, django_assert_num_queries, rows):
    for _ in range(rows):
        student_in(approved_project_with_team().team)
    with django_assert_num_queries(2 + 4):  # + the four reference lists, once per version and language
        response = api(student).get(LIST)
    assert response.json()["count"] == rows


def test_list_rows_are_the_serializers(api, office):
    """The list's written-out rows (`catalogue_representation`) equal `ProjectListSerializer`'s
    over model instances: with and without a customer, a team, a proposer's university, missing
    rules, in another language."""
    from projects.selectors import projects_visible_to, with_list_data
    from projects.serializers import ProjectListSerializer

    strict = EditionFactory(min_universities=3, require_degree_mix=True)
    homeless = UserFactory(status="professor")
    User.objects.filter(pk=homeless.pk).update(university=None)
    approved_project_with_team(edition=strict, customer=OrganisationFactory(), proposer=homeless)
    student_in(approved_project_with_team(team_size_min=1, team_size_max=2).team)
    submitted_project(title="No team yet")
    for language in ("en", "de"):
        with translation.override(language):
            expected = ProjectListSerializer(with_list_data(projects_visible_to(office)), many=True).data
            expected = json.loads(json.dumps(expected))
        assert api(office).get(LIST, {"lang": language}).json()["results"] == expected


def test_list_follows_a_renamed_area_and_changed_rules(api, student):
    project = approved_project_with_team(team_size_min=1)
    student_in(project.team)
    client = api(student)
    before = client.get(LIST).json()["results"][0]
    assert before["composition"]["missing"] == ["Students from 1 more university are needed."]
    project.area.name = "Renamed area"
    project.area.save()
    project.edition.min_universities = 1
    project.edition.save()
    after = client.get(LIST).json()["results"][0]
    assert (after["area_name"], after["composition"]["missing"]) == ("Renamed area", [])
    assert before["area_name"] != "Renamed area"


def test_list_names_reference_rows_added_without_a_signal(api, student):
    """A bulk load sends no signal: the cached lists lack the new rows until their TTL. The list
    reads them again instead of failing, and a filter accepts the new id (the database decides
    on an id the cached list lacks)."""
    approved_project_with_team()
    client = api(student)
    client.get(LIST, {"area": ScientificAreaFactory().pk})  # the lists are cached
    [area] = ScientificArea.objects.bulk_create([ScientificArea(name="Bulk area", slug="bulk-area")])
    [customer] = Organisation.objects.bulk_create([Organisation(name="Bulk customer")])
    approved_project_with_team(title="Bulk", area=area, customer=customer)
    rows = client.get(LIST, {"area": area.pk, "customer": customer.pk}).json()["results"]
    assert [(r["title"], r["area_name"], r["customer_name"]) for r in rows] == [
        ("Bulk", "Bulk area", "Bulk customer")]


@pytest.mark.parametrize(("rows", "page", "count", "results", "has_next", "has_previous", "queries"), [
    (1, 1, 1, 1, False, False, 2),  # the first page is not full: counted from its rows
    (2, 1, 2, 2, False, False, 3),  # a full first page: the COUNT query
    (3, 1, 3, 2, True, False, 3),
    (3, 2, 3, 1, False, True, 3),
    (0, 1, 0, 0, False, False, 1),
])
def test_list_pages_count_and_link_as_before(api, student, django_assert_num_queries,
                                             rows, page, count, results, has_next, has_previous, queries):
    for i in range(rows):
        approved_project_with_team(title=f"Project {i}")
    client = api(student)
    client.get(f"{LIST}?page_size=2&page=1")  # fills the cache of the reference lists
    with django_assert_num_queries(queries):
        body = client.get(f"{LIST}?page_size=2&page={page}").json()
    assert (body["count"], len(body["results"])) == (count, results)
    assert (body["next"] is not None, body["previous"] is not None) == (has_next, has_previous)


def test_list_pages_through_projects_of_the_same_title_without_repeats(api, student):
    """Equal titles in one edition are ordered by id, so no page repeats or skips one."""
    edition = EditionFactory()
    created = sorted(approved_project_with_team(title="Same title", edition=edition).pk for _ in range(5))
    client = api(student)
    with CaptureQueriesContext(connection) as queries:
        pages = [client.get(f"{LIST}?page_size=2&page={page}").json() for page in (1, 2, 3)]
    seen = [row["id"] for page in pages for row in page["results"]]
    assert seen == created
    page_sql = next(q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"])
    assert page_sql.rstrip().split("ORDER BY")[-1].split("LIMIT")[0].strip().endswith('"projects_project"."id" ASC')


def test_list_page_past_the_end_is_404(api, student):
    approved_project_with_team()
    assert api(student).get(f"{LIST}?page=2").status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_detail_query_count_is_constant(api, student, django_assert_num_queries, rows):
    project = approved_project_with_team()
    for _ in range(rows):
        student_in(project.team)
        project.co_supervisors.add(UserFactory(status="professor"))
    client = api(student)
    # project with its team + team memberships with users + co-supervisors + attachments
    with django_assert_num_queries(4):
        body = client.get(f"{LIST}{project.pk}/").json()
    assert len(body["co_supervisors"]) == rows


# --- create / read / update / delete --------------------------------------------------------
def test_create_draft(api, proposer, co_supervisor):
    edition, area = EditionFactory(team_size_min=2, team_size_max=6), ScientificAreaFactory()
    response = api(proposer).post(LIST, {
        "edition": edition.pk, "area": area.pk, "title": "Bio-inks", "summary": "Printing tissue.",
        "description": "# Aim\n<script>x()</script>*ok*", "co_supervisors": [co_supervisor.pk],
        "wanted_degree_levels": ["phd"]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["team_size_min"], body["team_size_max"]) == ("draft", 2, 6)
    assert [p["id"] for p in body["co_supervisors"]] == [co_supervisor.pk]
    assert body["proposer"]["id"] == proposer.pk
    assert "<script>" not in body["description_html"] and "<em>ok</em>" in body["description_html"]


def test_create_by_student_is_403(api, student):
    response = api(student).post(LIST, {"edition": EditionFactory().pk, "area": ScientificAreaFactory().pk,
                                        "title": "T", "summary": "S"}, format="json")
    assert response.status_code == 403
    assert Project.objects.count() == 0


def test_create_bad_input_is_400_and_writes_nothing(api, proposer, student):
    response = api(proposer).post(LIST, {"edition": EditionFactory().pk, "area": 999999, "title": "",
                                         "co_supervisors": [student.pk], "wanted_degree_levels": ["x"]},
                                  format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"area", "title", "summary", "co_supervisors",
                                              "wanted_degree_levels"}
    assert Project.objects.count() == 0


def test_create_bad_team_sizes_is_400(api, proposer):
    response = api(proposer).post(LIST, {"edition": EditionFactory().pk, "area": ScientificAreaFactory().pk,
                                         "title": "T", "summary": "S", "team_size_min": 6, "team_size_max": 2},
                                  format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["The minimum team size must be between 1 and the maximum."]}


def test_get_hidden_draft_is_404(api, draft, student):
    response = api(student).get(url(draft))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_patch_draft_by_proposer(api, draft, proposer):
    response = api(proposer).patch(url(draft), {"title": "New title"}, format="json")
    assert (response.status_code, response.json()["title"]) == (200, "New title")
    assert AuditEntry.objects.filter(action="project.updated").count() == 1


def test_patch_by_co_supervisor_is_403(api, draft, co_supervisor):
    response = api(co_supervisor).patch(url(draft), {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the proposer can edit this project."


def test_patch_submitted_is_409(api, proposer):
    project = submitted_project(proposer=proposer)
    response = api(proposer).patch(url(project), {"title": "Late change"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Only drafts can be edited. The project is submitted."


def test_delete_draft(api, draft, proposer, student):
    assert api(student).delete(url(draft)).status_code == 404
    assert api(proposer).delete(url(draft)).status_code == 204
    assert Project.objects.count() == 0


def test_delete_approved_is_409(api):
    project = approved_project_with_team()
    assert api(project.proposer).delete(url(project)).status_code == 409


# --- workflow actions -----------------------------------------------------------------------
def test_submit_approve_flow(api, draft, proposer, office):
    response = api(proposer).post(url(draft, "submit"), {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "submitted")
    response = api(office).post(url(draft, "approve"), {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "approved")
    assert response.json()["team"] == Team.objects.get(project=draft).pk
    assert Notification.objects.filter(recipient=proposer, kind="project_approved").count() == 1


def test_submit_by_non_proposer_is_403(api, draft, co_supervisor):
    assert api(co_supervisor).post(url(draft, "submit")).status_code == 403


def test_approve_by_professor_is_403(api, proposer):
    project = submitted_project(proposer=proposer)
    response = api(proposer).post(url(project, "approve"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the programme office approves projects."


def test_approve_draft_is_409(api, draft, office):
    response = api(office).post(url(draft, "approve"))
    assert response.status_code == 409
    assert response.json()["detail"] == "Only a submitted project can be approved. The project is draft."


def test_reject_needs_reason(api, office):
    project = submitted_project()
    response = api(office).post(url(project, "reject"), {"reason": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    response = api(office).post(url(project, "reject"), {}, format="json")
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_reject_with_reason(api, office):
    project = submitted_project()
    response = api(office).post(url(project, "reject"), {"reason": "Not feasible."}, format="json")
    assert (response.status_code, response.json()["rejection_reason"]) == (200, "Not feasible.")


def test_reject_by_student_on_hidden_project_is_404(api, student):
    project = submitted_project()
    assert api(student).post(url(project, "reject"), {"reason": "x"}, format="json").status_code == 404


def test_malformed_json_is_400(api, proposer):
    response = api(proposer).post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_schema_documents_project_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/projects/{id}/submit/", "/api/v1/projects/{id}/approve/",
                 "/api/v1/projects/{id}/reject/", "has_free_places"):
        assert path in schema
