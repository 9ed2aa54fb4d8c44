"""Industry pages: who sees what (404 for outsiders), forms and their errors, query counts."""

import pytest
from django.urls import reverse

from industry.models import (
    ApplicationStatus,
    Confidentiality,
    Internship,
    InternshipApplication,
    ResearchTask,
    TaskAdoption,
    TaskStatus,
)
from projects.models import Project
from tests.conftest import client_for
from tests.factories import EditionFactory, ScientificAreaFactory, UniversityFactory, UserFactory
from tests.querycount import PAGE_BASE

from .factories import ApplicationFactory, InternshipFactory, ResearchTaskFactory, pdf

pytestmark = pytest.mark.django_db


def test_task_submitted_through_the_form_awaits_review(customer, organisation):
    area = ScientificAreaFactory()
    response = client_for(customer).post(reverse("industry:task_new"), {
        "organisation": organisation.pk, "title": "Bearing wear", "problem_statement": "Bearings wear.",
        "expected_results": "A model.", "area": area.pk, "confidentiality": "public",
        "contact_name": "Carla", "contact_email": "carla@example.org", "max_adoptions": 2}, follow=True)
    task = ResearchTask.objects.get()
    assert (task.status, task.max_adoptions, task.organisation) == (TaskStatus.SUBMITTED, 2, organisation)
    assert "sent to the programme office for review" in response.content.decode()


def test_task_form_with_bad_input_shows_errors(customer, organisation):
    response = client_for(customer).post(reverse("industry:task_new"), {"organisation": organisation.pk})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ResearchTask.objects.count() == 0


def test_task_new_for_non_representative_is_forbidden(professor):
    assert client_for(professor).get(reverse("industry:task_new")).status_code == 403


def test_office_approves_task_from_review_queue(office):
    task = ResearchTaskFactory(status=TaskStatus.SUBMITTED, title="Slag recycling")
    client = client_for(office)
    assert "Slag recycling" in client.get(reverse("industry:task_review")).content.decode()
    response = client.post(reverse("industry:task_approve", args=[task.pk]), {"next": "review"}, follow=True)
    assert "approved and is now in the catalogue" in response.content.decode()
    assert ResearchTask.objects.get(pk=task.pk).status == TaskStatus.APPROVED


def test_task_review_for_customer_is_forbidden(customer):
    assert client_for(customer).get(reverse("industry:task_review")).status_code == 403


def test_catalogue_hides_confidential_task_from_professor_of_other_university(professor):
    ResearchTaskFactory(title="Open task")
    ResearchTaskFactory(title="Secret alloy", confidentiality=Confidentiality.CONFIDENTIAL,
                        desired_edition=EditionFactory())
    body = client_for(professor).get(reverse("industry:task_catalogue")).content.decode()
    assert "Open task" in body
    assert "Secret alloy" not in body


def test_confidential_task_detail_for_outside_professor_is_404(professor):
    task = ResearchTaskFactory(confidentiality=Confidentiality.CONFIDENTIAL, desired_edition=EditionFactory())
    assert client_for(professor).get(reverse("industry:task_detail", args=[task.pk])).status_code == 404


def test_catalogue_search_finds_by_words(professor):
    ResearchTaskFactory(title="Corrosion of pipelines", keywords="steel")
    ResearchTaskFactory(title="Speech recognition for call centres", keywords="audio",
                        problem_statement="Recognise speech.")
    body = client_for(professor).get(reverse("industry:task_catalogue"), {"q": "pipelines"}).content.decode()
    assert "Corrosion of pipelines" in body
    assert "Speech recognition" not in body


def test_catalogue_filter_offers_areas_and_editions_and_keeps_the_choice(professor):
    area = ScientificAreaFactory(name="Tribology")
    edition = EditionFactory()
    task = ResearchTaskFactory(title="Bearing wear", area=area, desired_edition=edition)
    ResearchTaskFactory(title="Speech recognition")
    client = client_for(professor)
    client.get(reverse("industry:task_catalogue"))  # the lists are cached now...
    late = ScientificAreaFactory(name="Acoustics")  # ... and an area added later is offered at once
    body = client.get(reverse("industry:task_catalogue"), {"area": area.pk, "edition": edition.pk}).content.decode()
    assert f'<option value="{area.pk}" selected>Tribology</option>' in body
    assert f'<option value="{late.pk}">Acoustics</option>' in body
    assert f'<option value="{edition.pk}" selected>{edition}</option>' in body
    assert f'<option value="{task.organisation_id}">{task.organisation.name}</option>' in body
    assert "Bearing wear" in body and "Speech recognition" not in body
    invalid = client.get(reverse("industry:task_catalogue"), {"area": "999999"})
    assert invalid.status_code == 200 and "Select a valid choice" in invalid.content.decode()


def test_task_catalogue_for_student_is_forbidden(student):
    assert client_for(student).get(reverse("industry:task_catalogue")).status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_task_catalogue_query_count_is_constant(professor, django_assert_num_queries, count):
    for _ in range(count):
        ResearchTaskFactory()
    client = client_for(professor)
    client.get(reverse("industry:task_catalogue"))  # caches the user and the areas' and editions' lists
    # page base (the user cached) + host check + editions of the university + current edition +
    # count + page + the filter form's customers + represented organisations (areas and editions
    # from the cache)
    with django_assert_num_queries(PAGE_BASE - 1 + 9):
        response = client.get(reverse("industry:task_catalogue"))
    assert response.content.decode().count('class="card mb-2 task-card"') == count


def test_professor_adopts_task_with_prefilled_form(professor, customer, organisation):
    edition = EditionFactory()
    task = ResearchTaskFactory(organisation=organisation, title="Bearing wear", desired_edition=edition)
    client = client_for(professor)
    page = client.get(reverse("industry:task_adopt", args=[task.pk])).content.decode()
    assert 'value="Bearing wear"' in page
    response = client.post(reverse("industry:task_adopt", args=[task.pk]), {
        "edition": edition.pk, "area": task.area_id, "title": "Bearing wear", "summary": "Predict wear.",
        "description": "", "keywords": "", "team_size_min": 2, "team_size_max": 4, "wanted_skills": ""},
        follow=True)
    project = Project.objects.get()
    assert (project.customer, project.proposer) == (organisation, professor)
    assert TaskAdoption.objects.get().task == task
    assert "linked to the task" in response.content.decode()
    follow = client_for(customer).get(reverse("industry:project_follow", args=[project.pk]))
    assert follow.status_code == 200
    assert "Bearing wear" in follow.content.decode()


def test_followed_project_for_other_customer_is_404(professor, other_customer, organisation):
    from industry import services

    task = ResearchTaskFactory(organisation=organisation)
    project = services.adopt_task(task=task, actor=professor, project_data={
        **services.project_data_from_task(task), "edition": EditionFactory()}).project
    assert client_for(other_customer).get(reverse("industry:project_follow", args=[project.pk])).status_code == 404


def test_student_applies_with_cv_through_the_form(student, customer, organisation):
    internship = InternshipFactory(organisation=organisation)
    response = client_for(student).post(reverse("industry:internship_detail", args=[internship.pk]),
                                        {"motivation": "I love labs.", "cv": pdf()}, follow=True)
    assert "Your application has been sent." in response.content.decode()
    assert InternshipApplication.objects.get().student == student


def test_apply_with_non_pdf_cv_shows_form_error(student):
    internship = InternshipFactory()
    response = client_for(student).post(reverse("industry:internship_detail", args=[internship.pk]),
                                        {"motivation": "I love labs.", "cv": pdf("cv.pdf", b"GIF89a......")})
    assert response.status_code == 200
    assert "This type of file is not accepted" in response.content.decode()
    assert InternshipApplication.objects.count() == 0


@pytest.mark.parametrize("who", ["student", "customer", "office"])
def test_application_and_cv_visible_to_student_customer_office(who, student, customer, organisation, office):
    application = ApplicationFactory(internship=InternshipFactory(organisation=organisation), student=student)
    user = {"student": student, "customer": customer, "office": office}[who]
    assert client_for(user).get(reverse("industry:application_detail", args=[application.pk])).status_code == 200
    response = client_for(user).get(reverse("industry:application_cv", args=[application.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", ["other_student", "other_customer", "professor"])
def test_application_and_cv_for_outsiders_are_404(who, other_customer, professor, organisation):
    application = ApplicationFactory(internship=InternshipFactory(organisation=organisation))
    user = {"other_student": UserFactory(status="master"), "other_customer": other_customer,
            "professor": professor}[who]
    assert client_for(user).get(reverse("industry:application_detail", args=[application.pk])).status_code == 404
    assert client_for(user).get(reverse("industry:application_cv", args=[application.pk])).status_code == 404


def test_customer_accepts_applicant_and_profile_shows_internship(customer, organisation, student):
    internship = InternshipFactory(organisation=organisation, title="Lab internship in Munich")
    application = ApplicationFactory(internship=internship, student=student)
    response = client_for(customer).post(reverse("industry:application_decide", args=[application.pk, "accept"]),
                                         follow=True)
    assert "The applicant has been accepted." in response.content.decode()
    assert Internship.objects.get(pk=internship.pk).accepted_count == 1
    profile = client_for(student).get(reverse("profile")).content.decode()
    assert 'id="profile-internships"' in profile
    assert "Lab internship in Munich" in profile


def test_student_cannot_accept_own_application(student):
    application = ApplicationFactory(student=student)
    response = client_for(student).post(reverse("industry:application_decide", args=[application.pk, "accept"]),
                                        follow=True)
    assert "Only the customer" in response.content.decode()
    assert InternshipApplication.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("count", [1, 5])
def test_internship_list_query_count_is_constant(student, django_assert_num_queries, count):
    for _ in range(count):
        ApplicationFactory(internship=InternshipFactory())
    client = client_for(student)
    # page base + represented organisations + count + page
    with django_assert_num_queries(PAGE_BASE + 3):
        response = client.get(reverse("industry:internship_list"))
    assert response.content.decode().count('<tr id="internship-') == count


def test_customer_dashboard_lists_tasks_and_internships(customer, organisation):
    ResearchTaskFactory(organisation=organisation, title="Bearing wear")
    ApplicationFactory(internship=InternshipFactory(organisation=organisation, title="Summer lab"))
    body = client_for(customer).get(reverse("industry:dashboard")).content.decode()
    assert "Bearing wear" in body and "Summer lab" in body
    assert 'id="dashboard-internships"' in body


def test_claim_page_creates_pending_claim_and_office_approves(office, organisation):
    user = UserFactory(status="industry", university=UniversityFactory())
    client_for(user).post(reverse("industry:claim"), {"organisation": organisation.pk, "note": "CTO"})
    link = user.customer_links.get()
    response = client_for(office).post(reverse("industry:representative_decide", args=[link.pk, "approve"]),
                                       follow=True)
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.status == "approved"
