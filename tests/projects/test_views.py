import pytest
from django.urls import reverse

from marathon.models import AuditEntry, Notification
from projects.models import ProjectStatus, Team
from tests.factories import (
    EditionFactory,
    OrganisationFactory,
    ScientificAreaFactory,
    UniversityFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.projects.factories import fake_pdf, pdf, student_in, submitted_project
from tests.querycount import PAGE_BASE

pytestmark = pytest.mark.django_db


def titles(response):
    return [p.title for p in response.context["page"].object_list]


# --- catalogue ------------------------------------------------------------------------------
def test_catalogue_shows_published_projects_only_by_default(client, draft):
    approved = approved_project_with_team(title="Published one")
    submitted_project(title="Waiting one")
    response = client.get(reverse("projects:catalogue"))
    assert response.status_code == 200
    assert titles(response) == [approved.title]


def test_catalogue_filters(login, student):
    edition, area, uni, customer = (EditionFactory(), ScientificAreaFactory(), UniversityFactory(),
                                    OrganisationFactory())
    match = approved_project_with_team(title="Match", edition=edition, area=area, customer=customer,
                                       proposer=UserFactory(status="professor", university=uni))
    approved_project_with_team(title="Other area", edition=edition, customer=customer,
                               proposer=UserFactory(status="professor", university=uni))
    approved_project_with_team(title="Other university", edition=edition, area=area, customer=customer)
    response = login(student).get(reverse("projects:catalogue"), {
        "edition": edition.pk, "area": area.pk, "university": uni.pk, "customer": customer.pk,
        "status": "approved"})
    assert titles(response) == [match.title]


def test_catalogue_university_matches_co_supervisor(client):
    uni = UniversityFactory()
    project = approved_project_with_team(title="Co-supervised there")
    project.co_supervisors.add(UserFactory(status="researcher", university=uni))
    approved_project_with_team(title="Elsewhere")
    assert titles(client.get(reverse("projects:catalogue"), {"university": uni.pk})) == [project.title]


def test_catalogue_has_free_places(client):
    full = approved_project_with_team(title="Full", team_size_min=1, team_size_max=1)
    student_in(full.team)
    free = approved_project_with_team(title="Free", team_size_min=1, team_size_max=2)
    student_in(free.team)
    assert titles(client.get(reverse("projects:catalogue"), {"has_free_places": "true"})) == ["Free"]


def test_catalogue_search_ranks_title_match_first(client):
    approved_project_with_team(title="Welding robots", summary="Automation of steel welding.")
    approved_project_with_team(title="Language models", summary="Translation, not welding.")
    approved_project_with_team(title="Battery chemistry", summary="Electrolytes.")
    response = client.get(reverse("projects:catalogue"), {"search": "welding"})
    assert titles(response) == ["Welding robots", "Language models"]


def test_catalogue_search_uses_stemming_on_postgresql(client):
    approved_project_with_team(title="Corrosion of welded joints", summary="Joints.")
    assert titles(client.get(reverse("projects:catalogue"), {"search": "joint welding"})) == [
        "Corrosion of welded joints"]


@pytest.mark.parametrize("query", [{"edition": "abc"}, {"area": "999999"}, {"status": "bogus"},
                                   {"page": "zzz"}, {"search": "'&|!(("}])
def test_catalogue_bad_filters_never_500(client, query):
    approved_project_with_team()
    response = client.get(reverse("projects:catalogue"), query)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_catalogue_query_count_is_constant(login, student, django_assert_num_queries, rows):
    for _ in range(rows):
        project = approved_project_with_team()
        student_in(project.team)
    client = login(student)
    client.get(reverse("projects:catalogue"))  # fills the cache of the filter form's lists (and the user's)
    # count + page + team memberships with users (the filter form's 4 lists come from the cache)
    with django_assert_num_queries(PAGE_BASE - 1 + 3):
        response = client.get(reverse("projects:catalogue"))
    assert len(titles(response)) == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_catalogue_query_count_with_a_cold_cache(login, student, django_assert_num_queries, rows):
    for _ in range(rows):
        project = approved_project_with_team()
        student_in(project.team)
    client = login(student)
    # count + page + team memberships with users + the filter form's 4 lists, once
    with django_assert_num_queries(PAGE_BASE + 7):
        response = client.get(reverse("projects:catalogue"))
    assert len(titles(response)) == rows


def options_of(response, name):
    html = response.content.decode()
    select = html[html.index(f'<select name="{name}"'):]
    return select[:select.index("</select>")]


@pytest.mark.parametrize("factory, name", [
    (EditionFactory, "edition"), (ScientificAreaFactory, "area"), (UniversityFactory, "university"),
    (OrganisationFactory, "customer"),
])
def test_catalogue_filter_lists_follow_reference_data(client, factory, name):
    first = factory()
    url = reverse("projects:catalogue")
    assert f'value="{first.pk}"' in options_of(client.get(url), name)  # now cached
    added = factory()
    assert f'value="{added.pk}">{added}</option>' in options_of(client.get(url), name)
    label = str(added)
    first.delete()
    added.save()  # a rename is a save like any other
    options = options_of(client.get(url), name)
    assert f'value="{first.pk}"' not in options and label in options


def test_catalogue_filter_marks_the_chosen_values_per_request(client):
    areas = [ScientificAreaFactory(), ScientificAreaFactory()]
    url = reverse("projects:catalogue")
    for area in areas:
        options = options_of(client.get(url, {"area": area.pk}), "area")
        assert f'<option value="{area.pk}" selected>{area}</option>' in options
        assert options.count(" selected") == 1
    assert '<option value="" selected>' in options_of(client.get(url), "area")


@pytest.mark.parametrize("rows", [1, 5])
def test_my_projects_query_count_is_constant(login, proposer, django_assert_num_queries, rows):
    for _ in range(rows):
        approved_project_with_team(proposer=proposer)
    client = login(proposer)
    with django_assert_num_queries(PAGE_BASE + 3):
        response = client.get(reverse("projects:mine"))
    assert len(titles(response)) == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_review_queue_query_count_is_constant(login, office, django_assert_num_queries, rows):
    for _ in range(rows):
        submitted_project()
    client = login(office)
    with django_assert_num_queries(PAGE_BASE + 2):
        response = client.get(reverse("projects:review"))
    assert len(titles(response)) == rows


def test_review_queue_refused_for_non_office(login, professor):
    assert login(professor).get(reverse("projects:review")).status_code == 403


# --- project page ---------------------------------------------------------------------------
def test_detail_shows_sanitised_markdown_supervisors_customer_and_composition(client, co_supervisor):
    customer = OrganisationFactory(name="Steel Works Ltd")
    project = approved_project_with_team(
        title="Safe page", customer=customer,
        description="**bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>")
    project.co_supervisors.add(co_supervisor)
    student_in(project.team)
    response = client.get(project.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html
    assert "Steel Works Ltd" in html
    assert project.proposer.full_name in html and co_supervisor.full_name in html
    composition = response.context["project"].composition
    assert (composition.students, composition.free_places) == (1, project.team_size_max - 1)
    assert "Students from 1 more university are needed." in html


def test_detail_of_draft_hidden_from_others(client, login, draft, student, co_supervisor, office):
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert login(student).get(url).status_code == 404
    assert login(co_supervisor).get(url).status_code == 200
    assert login(office).get(url).status_code == 200


@pytest.mark.parametrize("students", [1, 5])
def test_detail_query_count_is_constant(login, student, django_assert_num_queries, students):
    project = approved_project_with_team(team_size_max=6)
    for _ in range(students):
        student_in(project.team)
    client = login(student)
    # project + memberships + co-supervisors + attachments
    with django_assert_num_queries(PAGE_BASE + 4):
        assert client.get(project.get_absolute_url()).status_code == 200


# --- propose / edit / workflow --------------------------------------------------------------
def test_propose_creates_draft(login, proposer, co_supervisor):
    edition, area = EditionFactory(), ScientificAreaFactory()
    response = login(proposer).post(reverse("projects:propose"), {
        "edition": edition.pk, "area": area.pk, "title": "Wind farm wakes", "summary": "Wakes.",
        "description": "", "co_supervisors": [co_supervisor.pk], "team_size_min": 2,
        "team_size_max": 4, "wanted_degree_levels": ["master", "phd"]})
    project = proposer.proposed_projects.get()
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert (project.title, project.status, project.wanted_degree_levels) == (
        "Wind farm wakes", ProjectStatus.DRAFT, ["master", "phd"])


def test_propose_invalid_sizes_show_form_errors(login, proposer):
    response = login(proposer).post(reverse("projects:propose"), {
        "edition": EditionFactory().pk, "area": ScientificAreaFactory().pk, "title": "T",
        "summary": "S", "team_size_min": 5, "team_size_max": 2})
    assert response.status_code == 200
    assert "The minimum team size must be between 1 and the maximum." in response.content.decode()


def test_propose_refused_for_student(login, student):
    assert login(student).get(reverse("projects:propose")).status_code == 403


def test_edit_draft_and_refused_after_submit(login, draft, proposer):
    client = login(proposer)
    data = {"edition": draft.edition_id, "area": draft.area_id, "title": "Renamed",
            "summary": draft.summary, "description": "", "team_size_min": 2, "team_size_max": 5}
    assert client.post(reverse("projects:edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    client.post(reverse("projects:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED
    response = client.post(reverse("projects:edit", args=[draft.pk]), {**data, "title": "Again"})
    draft.refresh_from_db()
    assert (response.status_code, draft.title) == (302, "Renamed")


def test_edit_refused_for_co_supervisor(login, draft, co_supervisor):
    assert login(co_supervisor).get(reverse("projects:edit", args=[draft.pk])).status_code == 403


def test_office_approves_from_review_queue(login, office):
    project = submitted_project()
    response = login(office).post(reverse("projects:approve", args=[project.pk]), {"next": "review"})
    assert response.status_code == 302 and response.url == reverse("projects:review")
    assert Team.objects.filter(project=project).exists()
    assert Notification.objects.filter(kind="project_approved").count() == 1


def test_reject_without_reason_changes_nothing(login, office):
    project = submitted_project()
    login(office).post(reverse("projects:reject", args=[project.pk]), {"reason": " "})
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert AuditEntry.objects.count() == 0


def test_reject_with_reason(login, office):
    project = submitted_project()
    login(office).post(reverse("projects:reject", args=[project.pk]), {"reason": "Too vague."})
    project.refresh_from_db()
    assert (project.status, project.rejection_reason) == (ProjectStatus.REJECTED, "Too vague.")


def test_professor_cannot_approve(login, professor):
    project = submitted_project(proposer=professor)
    login(professor).post(reverse("projects:approve", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_workflow_endpoints_need_post(login, office):
    project = submitted_project()
    assert login(office).get(reverse("projects:approve", args=[project.pk])).status_code == 405


# --- files ----------------------------------------------------------------------------------
def test_upload_and_download_proposal(login, draft, proposer, co_supervisor, student):
    client = login(proposer)
    client.post(reverse("projects:upload", args=[draft.pk]), {"kind": "proposal", "file": pdf()})
    attachment = draft.attachments.get()
    url = reverse("projects:download", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(co_supervisor).get(url).status_code == 200
    assert login(student).get(url).status_code == 404


def test_upload_of_wrong_type_is_refused(login, draft, proposer):
    response = login(proposer).post(reverse("projects:upload", args=[draft.pk]),
                                    {"kind": "proposal", "file": fake_pdf()}, follow=True)
    assert "This type of file is not accepted" in response.content.decode()
    assert draft.attachments.count() == 0


def test_upload_refused_for_student(login, student):
    project = approved_project_with_team()
    login(student).post(reverse("projects:upload", args=[project.pk]), {"kind": "other", "file": pdf()})
    assert project.attachments.count() == 0


def test_published_proposal_open_to_signed_in_users_final_report_to_team_only(login, student, office):
    from projects import services

    project = approved_project_with_team()
    services.activate_project(project=project, actor=office)
    member = student_in(project.team)
    report = services.upload_attachment(project=project, actor=project.proposer,
                                        kind="final_report", upload=pdf("report.pdf"))
    url = reverse("projects:download", args=[report.pk])
    assert login(member).get(url).status_code == 200
    assert login(student).get(url).status_code == 404


def test_download_needs_login(client, draft, proposer):
    from projects import services

    attachment = services.upload_attachment(project=draft, actor=proposer, kind="proposal", upload=pdf())
    response = client.get(reverse("projects:download", args=[attachment.pk]))
    assert response.status_code == 302


def test_delete_draft_by_proposer_only(login, draft, proposer, co_supervisor):
    from projects.models import Project

    login(co_supervisor).post(reverse("projects:delete", args=[draft.pk]))
    assert Project.objects.filter(pk=draft.pk).exists()
    response = login(proposer).post(reverse("projects:delete", args=[draft.pk]))
    assert response.status_code == 302 and response.url == reverse("projects:mine")
    assert not Project.objects.filter(pk=draft.pk).exists()


def test_markdown_headings_start_below_the_page_title():
    from projects.markup import render_markdown

    assert render_markdown("# Aim\n\n## Plan") == "<h3>Aim</h3>\n<h4>Plan</h4>"


def test_catalogue_htmx_request_returns_only_the_results(client):
    approved_project_with_team(title="Partial one")
    response = client.get(reverse("projects:catalogue"), {"search": "partial"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="col-lg-9" id="project-results">')
    assert "Partial one" in html and "<html" not in html


def test_project_pages_have_no_inline_script_or_style(client, login, proposer, draft):
    project = approved_project_with_team()
    for url in (reverse("projects:catalogue"), project.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>" not in html and 'style="' not in html
    for url in (reverse("projects:propose"), draft.get_absolute_url(), reverse("projects:mine")):
        html = login(proposer).get(url).content.decode()
        assert "<script>" not in html and 'style="' not in html


def test_admin_approve_action_runs_the_service(login):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser(email="root@example.org", password="x",
                                                          full_name="Root", status="researcher")
    project = submitted_project()
    response = login(superuser).post("/admin/projects/project/", {
        "action": "run_approve_project", "_selected_action": [project.pk]})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    assert Team.objects.filter(project=project).count() == 1
    assert Notification.objects.filter(kind="project_approved").count() == 1


def test_catalogue_filters_fold_on_phones_and_stay_open_when_used(client):
    folded = client.get(reverse("projects:catalogue")).content.decode()
    assert 'id="toggle-filters"' in folded
    assert 'class="collapse d-lg-block" id="catalogue-filter-panel"' in folded
    used = client.get(reverse("projects:catalogue") + "?search=steel").content.decode()
    assert 'class="collapse d-lg-block show" id="catalogue-filter-panel"' in used


def test_detail_links_to_the_outcomes_of_a_project_with_a_team(client, login, student, draft, co_supervisor):
    project = approved_project_with_team()
    outcomes_url = reverse("outcomes:project", kwargs={"project_id": project.pk})
    assert f'href="{outcomes_url}"' in login(student).get(project.get_absolute_url()).content.decode()
    assert f'href="{outcomes_url}"' not in client.get(project.get_absolute_url()).content.decode()
    draft_outcomes = reverse("outcomes:project", kwargs={"project_id": draft.pk})
    assert draft_outcomes not in login(co_supervisor).get(draft.get_absolute_url()).content.decode()


def test_catalogue_filter_lists_survive_an_unreachable_cache(client, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "get_many", "set", "set_many"):
        monkeypatch.setattr(cache, method, down)
    area = ScientificAreaFactory()  # the invalidation must not break the write either
    response = client.get(reverse("projects:catalogue"))
    assert f'value="{area.pk}">{area}</option>' in options_of(response, "area")


# --- co-supervisor picker -------------------------------------------------------------------
def test_propose_page_lists_no_accounts_until_searched(login, proposer, co_supervisor):
    html = login(proposer).get(reverse("projects:propose")).content.decode()
    assert 'id="co-supervisor-q"' in html and 'hx-get="/projects/co-supervisors/"' in html
    assert co_supervisor.full_name not in html
    assert "<select" not in html.split('id="co-supervisor-picker"')[1].split("</fieldset>")[0]


def test_co_supervisor_search_offers_professors_and_researchers_only(login, proposer):
    researcher = UserFactory(status="researcher", full_name="Rita Lab")
    professor = UserFactory(status="professor", full_name="Rolf Lab")
    UserFactory(status="master", full_name="Rob Lab")
    UserFactory(status="industry", full_name="Ron Lab")
    UserFactory(status="researcher", full_name="Rea Lab", is_staff=True)
    UserFactory(status="professor", full_name="Rud Lab", is_active=False)
    html = login(proposer).get(reverse("projects:co_supervisor_search"), {"q": "lab"}).content.decode()
    assert html.count('name="co_supervisors"') == 2
    assert f'value="{researcher.pk}" id="co-supervisor-{researcher.pk}">' in html
    assert f'value="{professor.pk}" id="co-supervisor-{professor.pk}">' in html
    for name in ("Rob Lab", "Ron Lab", "Rea Lab", "Rud Lab"):
        assert name not in html


def test_co_supervisor_search_keeps_ticked_people_first(login, proposer):
    chosen = UserFactory(status="professor", full_name="Chosen Lab")
    other = UserFactory(status="professor", full_name="Other Lab")
    html = login(proposer).get(reverse("projects:co_supervisor_search"),
                               {"q": "lab", "co_supervisors": [chosen.pk]}).content.decode()
    chosen_part, results_part = html.split('id="co-supervisor-results"')
    assert f'value="{chosen.pk}" id="co-supervisor-{chosen.pk}" checked>' in chosen_part
    assert other.full_name in results_part and chosen.full_name not in results_part


def test_co_supervisor_search_without_match_says_so(login, proposer):
    html = login(proposer).get(reverse("projects:co_supervisor_search"), {"q": "zzzz"}).content.decode()
    assert "No professor or researcher matches." in html


def test_co_supervisor_search_refused_for_students(login, student):
    assert login(student).get(reverse("projects:co_supervisor_search"), {"q": "lab"}).status_code == 403


@pytest.mark.parametrize("status", ["master", "industry"])
def test_propose_refuses_non_professor_co_supervisor(login, proposer, status):
    outsider = UserFactory(status=status)
    response = login(proposer).post(reverse("projects:propose"), {
        "edition": EditionFactory().pk, "area": ScientificAreaFactory().pk, "title": "T",
        "summary": "S", "team_size_min": 2, "team_size_max": 4, "co_supervisors": [outsider.pk]})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not proposer.proposed_projects.exists()


def test_service_refuses_office_account_as_co_supervisor(proposer):
    from django.core.exceptions import ValidationError

    from projects import services

    office = UserFactory(status="researcher", is_staff=True, full_name="Olga Office")
    with pytest.raises(ValidationError) as error:
        services.create_project(actor=proposer, data={
            "edition": EditionFactory(), "area": ScientificAreaFactory(), "title": "T", "summary": "S",
            "team_size_min": 2, "team_size_max": 4, "co_supervisors": [office]})
    assert error.value.message_dict["co_supervisors"] == ["Olga Office is not a professor or researcher."]


def test_edit_page_shows_current_co_supervisors_ticked(login, draft, proposer, co_supervisor):
    draft.co_supervisors.add(co_supervisor)
    html = login(proposer).get(reverse("projects:edit", args=[draft.pk])).content.decode()
    assert f'value="{co_supervisor.pk}" id="co-supervisor-{co_supervisor.pk}" checked>' in html


@pytest.mark.parametrize(("who", "offered"), [
    ("anonymous", ["approved", "active", "completed"]),
    ("student", ["approved", "active", "completed"]),
    ("professor", ["draft", "submitted", "approved", "rejected", "active", "completed"]),
    ("office", ["draft", "submitted", "approved", "rejected", "active", "completed"]),
])
def test_catalogue_status_filter_offers_only_visible_statuses(request, client, login, who, offered):
    import re

    browser = client if who == "anonymous" else login(request.getfixturevalue(who))
    html = browser.get(reverse("projects:catalogue")).content.decode()
    select = html.split('name="status"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w+)"', select) == offered


def test_markdown_headings_never_skip_a_level():
    from projects.markup import render_markdown

    assert render_markdown("## Aim\n\n### Plan") == "<h3>Aim</h3>\n<h4>Plan</h4>"
