"""The industry workflow services and their rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from industry import selectors, services
from industry.models import (
    ApplicationStatus,
    Confidentiality,
    CustomerRepresentative,
    ImplementationStatus,
    InternshipApplication,
    RepresentativeStatus,
    ResearchTask,
    TaskAdoption,
    TaskStatus,
)
from industry.permissions import CUSTOMER_REPRESENTATIVES
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.models import ProjectStatus
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ScientificAreaFactory,
    UniversityFactory,
    UserFactory,
)

from .factories import ApplicationFactory, InternshipFactory, ResearchTaskFactory, pdf

pytestmark = pytest.mark.django_db


def task_data(**overrides):
    return {"title": "Bearing wear model", "problem_statement": "Bearings wear out.",
            "expected_results": "A model.", "area": ScientificAreaFactory(), "keywords": "bearings",
            "contact_name": "Carla", "contact_email": "carla@example.org", "max_adoptions": 1, **overrides}


# --- customer accounts ----------------------------------------------------------------------
def test_claim_is_not_trusted_until_the_office_approves(office, organisation):
    user = UserFactory(status="industry")
    link = services.claim_organisation(organisation=organisation, actor=user, note="Head of R&D")
    assert link.status == RepresentativeStatus.PENDING
    assert selectors.represented_organisation_ids(user) == set()
    with pytest.raises(PermissionDenied):
        services.submit_task(actor=user, organisation=organisation, data=task_data())
    services.approve_claim(link=link, actor=office)
    user = type(user).objects.get(pk=user.pk)
    assert selectors.is_customer_representative(user, organisation.pk) is True
    assert list(user.groups.values_list("name", flat=True)) == [CUSTOMER_REPRESENTATIVES]
    assert Notification.objects.filter(recipient=user, kind="industry/claim_decided").count() == 1
    assert AuditEntry.objects.filter(action="industry.claim_approved").count() == 1


def test_claim_decision_by_non_office_is_refused(customer, organisation):
    user = UserFactory(status="industry")
    link = services.claim_organisation(organisation=organisation, actor=user)
    with pytest.raises(PermissionDenied):
        services.approve_claim(link=link, actor=customer)


def test_invitation_accepted_with_the_invited_address_approves(office, organisation, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        link = services.invite_representative(organisation=organisation, email="New.Person@Example.org",
                                              actor=office)
    assert link.status == RepresentativeStatus.INVITED
    assert [m.to for m in mailoutbox] == [["new.person@example.org"]]
    assert link.token in mailoutbox[0].body
    stranger = UserFactory(email="someone@example.org")
    with pytest.raises(PermissionDenied):
        services.accept_invitation(token=link.token, actor=stranger)
    invited = UserFactory(email="new.person@example.org", status="industry")
    services.accept_invitation(token=link.token, actor=invited)
    link.refresh_from_db()
    assert (link.status, link.user_id) == (RepresentativeStatus.APPROVED, invited.pk)
    with pytest.raises(RuleViolation):
        services.accept_invitation(token=link.token, actor=invited)


def test_revoking_removes_the_role_group(office, customer, organisation):
    link = CustomerRepresentative.objects.get(user=customer)
    services.revoke_representative(link=link, actor=office)
    customer = type(customer).objects.get(pk=customer.pk)
    assert customer.groups.count() == 0
    assert selectors.represented_organisation_ids(customer) == set()


# --- research tasks -------------------------------------------------------------------------
def test_submit_task_by_representative_awaits_review(customer, organisation, office):
    task = services.submit_task(actor=customer, organisation=organisation, data=task_data())
    assert task.status == TaskStatus.SUBMITTED
    assert Notification.objects.filter(recipient=office, kind="industry/task_submitted").count() == 1


def test_submit_task_for_other_organisation_is_refused(other_customer, organisation):
    with pytest.raises(PermissionDenied):
        services.submit_task(actor=other_customer, organisation=organisation, data=task_data())
    assert ResearchTask.objects.count() == 0


def test_submit_task_with_bad_input_writes_nothing(customer, organisation):
    with pytest.raises(ValidationError) as exc:
        services.submit_task(actor=customer, organisation=organisation,
                             data=task_data(title="", contact_email="not-an-email", max_adoptions=0))
    assert set(exc.value.message_dict) == {"title", "contact_email", "max_adoptions"}
    assert ResearchTask.objects.count() == 0


def test_approve_and_reject_task_are_office_only_and_notified(customer, organisation, office):
    task = services.submit_task(actor=customer, organisation=organisation, data=task_data())
    with pytest.raises(PermissionDenied):
        services.approve_task(task=task, actor=customer)
    services.approve_task(task=task, actor=office)
    assert ResearchTask.objects.get(pk=task.pk).status == TaskStatus.APPROVED
    with pytest.raises(RuleViolation):
        services.reject_task(task=task, actor=office, reason="Late")
    other = services.submit_task(actor=customer, organisation=organisation, data=task_data())
    with pytest.raises(ValidationError):
        services.reject_task(task=other, actor=office, reason=" ")
    services.reject_task(task=other, actor=office, reason="Out of scope.")
    assert ResearchTask.objects.get(pk=other.pk).rejection_reason == "Out of scope."
    assert Notification.objects.filter(recipient=customer, kind="industry/task_decided").count() == 2
    assert AuditEntry.objects.filter(action__in=["industry.task_approved", "industry.task_rejected"]).count() == 2


def test_adopt_task_creates_linked_draft_and_notifies_customer(customer, organisation, professor):
    task = ResearchTaskFactory(organisation=organisation, max_adoptions=1)
    data = services.project_data_from_task(task)
    data["edition"] = EditionFactory()
    adoption = services.adopt_task(task=task, actor=professor, project_data=data)
    project = adoption.project
    assert (project.status, project.proposer, project.customer, project.title) == (
        ProjectStatus.DRAFT, professor, organisation, task.title)
    assert ResearchTask.objects.get(pk=task.pk).adoption_count == 1
    assert Notification.objects.filter(recipient=customer, kind="industry/task_adopted").count() == 1
    with pytest.raises(RuleViolation):
        services.adopt_task(task=task, actor=UserFactory(status="professor"), project_data=data)
    assert TaskAdoption.objects.count() == 1


def test_adopt_task_allows_as_many_projects_as_the_customer_allows(organisation):
    task = ResearchTaskFactory(organisation=organisation, max_adoptions=2)
    data = {**services.project_data_from_task(task), "edition": EditionFactory()}
    for _ in range(2):
        services.adopt_task(task=task, actor=UserFactory(status="professor"), project_data=data)
    with pytest.raises(RuleViolation):
        services.adopt_task(task=task, actor=UserFactory(status="professor"), project_data=data)
    assert TaskAdoption.objects.filter(task=task).count() == 2


def test_adopt_task_by_student_or_of_unapproved_task_is_refused(student, professor):
    task = ResearchTaskFactory(status=TaskStatus.SUBMITTED)
    data = {**services.project_data_from_task(task), "edition": EditionFactory()}
    with pytest.raises(PermissionDenied):
        services.adopt_task(task=task, actor=student, project_data=data)
    with pytest.raises(PermissionDenied):  # not in the catalogue, so not visible
        services.adopt_task(task=task, actor=professor, project_data=data)


def test_adopt_task_with_invalid_project_data_writes_nothing(professor):
    task = ResearchTaskFactory()
    data = {**services.project_data_from_task(task), "edition": EditionFactory(), "title": ""}
    with pytest.raises(ValidationError):
        services.adopt_task(task=task, actor=professor, project_data=data)
    assert (TaskAdoption.objects.count(), ResearchTask.objects.get(pk=task.pk).adoption_count) == (0, 0)


# --- confidentiality ------------------------------------------------------------------------
def test_confidential_task_visible_only_to_office_and_professors_of_the_editions_universities(office, customer,
                                                                                           organisation):
    edition = EditionFactory()
    partner, elsewhere = UniversityFactory(), UniversityFactory()
    ProjectFactory(edition=edition, proposer=UserFactory(status="professor", university=partner))
    inside = UserFactory(status="professor", university=partner)
    outside = UserFactory(status="professor", university=elsewhere)
    host_professor = UserFactory(status="researcher", university=UniversityFactory(is_host=True))
    task = ResearchTaskFactory(organisation=organisation, confidentiality=Confidentiality.CONFIDENTIAL,
                               desired_edition=edition)
    public = ResearchTaskFactory(organisation=organisation)

    def sees(user):
        return set(selectors.tasks_visible_to(user).values_list("pk", flat=True))

    assert sees(office) == {task.pk, public.pk}
    assert sees(customer) == {task.pk, public.pk}
    assert sees(inside) == {task.pk, public.pk}
    assert sees(host_professor) == {task.pk, public.pk}
    assert sees(outside) == {public.pk}
    assert sees(UserFactory(status="bachelor", university=partner)) == set()


# --- internships ----------------------------------------------------------------------------
def test_apply_for_internship_stores_cv_and_notifies_customer(customer, organisation, student):
    internship = InternshipFactory(organisation=organisation)
    application = services.apply_for_internship(internship=internship, actor=student, motivation="Keen.", cv=pdf())
    assert (application.status, application.cv_name) == (ApplicationStatus.SUBMITTED, "cv.pdf")
    assert Notification.objects.filter(recipient=customer, kind="industry/application_received").count() == 1
    with pytest.raises(RuleViolation):
        services.apply_for_internship(internship=internship, actor=student, motivation="Again.", cv=pdf())


@pytest.mark.parametrize(("upload", "message"), [
    (pdf("cv.pdf", b"PK\x03\x04 not a pdf at all"), "This type of file is not accepted"),
    (pdf("cv.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)), "The file is too large"),
    (pdf("cv.pdf", b""), "The file is empty."),
])
def test_apply_with_bad_cv_is_refused_and_writes_nothing(student, upload, message):
    internship = InternshipFactory()
    with pytest.raises(ValidationError) as exc:
        services.apply_for_internship(internship=internship, actor=student, motivation="Keen.", cv=upload)
    assert exc.value.message_dict["cv"][0].startswith(message)
    assert InternshipApplication.objects.count() == 0


def test_apply_by_professor_is_refused(professor):
    with pytest.raises(PermissionDenied):
        services.apply_for_internship(internship=InternshipFactory(), actor=professor, motivation="x", cv=pdf())


def test_accept_beyond_places_is_refused(customer, organisation):
    internship = InternshipFactory(organisation=organisation, places=1)
    first, second = ApplicationFactory(internship=internship), ApplicationFactory(internship=internship)
    services.shortlist_application(application=first, actor=customer)
    services.accept_application(application=first, actor=customer)
    with pytest.raises(RuleViolation):
        services.accept_application(application=second, actor=customer)
    internship.refresh_from_db()
    assert internship.accepted_count == 1
    assert Notification.objects.filter(recipient=first.student, kind="industry/application_decided").count() == 2


def test_decide_application_of_other_customer_is_refused(other_customer):
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.accept_application(application=application, actor=other_customer)
    with pytest.raises(PermissionDenied):
        services.decline_application(application=application, actor=application.student)


# --- feedback and implementations -----------------------------------------------------------
def adopted_project(organisation, professor):
    task = ResearchTaskFactory(organisation=organisation)
    data = {**services.project_data_from_task(task), "edition": EditionFactory()}
    return services.adopt_task(task=task, actor=professor, project_data=data).project


def test_feedback_by_customer_notifies_supervisors(customer, organisation, professor, other_customer):
    project = adopted_project(organisation, professor)
    services.give_feedback(project=project, actor=customer, text="Great progress.")
    assert Notification.objects.filter(recipient=professor, kind="industry/feedback_given").count() == 1
    with pytest.raises(PermissionDenied):
        services.give_feedback(project=project, actor=other_customer, text="Hm.")


def test_implementation_counts_only_when_the_other_side_confirms(customer, organisation, professor):
    project = adopted_project(organisation, professor)
    implementation = services.record_implementation(
        project=project, actor=professor,
        data={"what": "Wear model in the plant", "where": "Mill 2", "implemented_on": "2026-05-01",
              "evidence_link": "https://example.org/report", "effect": "Fewer stops", "effect_figure": "12.5",
              "effect_unit": "% downtime"})
    assert implementation.status == ImplementationStatus.PENDING
    assert selectors.confirmed_implementations(2026, 2026).count() == 0
    with pytest.raises(PermissionDenied):
        services.confirm_implementation(implementation=implementation, actor=professor)
    services.confirm_implementation(implementation=implementation, actor=customer)
    assert selectors.implementations_by_year(2026, 2026) == {2026: 1}
    assert Notification.objects.filter(recipient=professor, kind="industry/implementation_confirmed").count() == 1


def test_implementation_without_evidence_is_refused(customer, organisation, professor):
    project = adopted_project(organisation, professor)
    with pytest.raises(ValidationError) as exc:
        services.record_implementation(project=project, actor=customer,
                                       data={"what": "x", "where": "y", "implemented_on": "2026-05-01", "effect": "z"})
    assert "evidence_link" in exc.value.message_dict


def test_implementation_by_outsider_is_refused(organisation, professor, outsider):
    project = adopted_project(organisation, professor)
    with pytest.raises(PermissionDenied):
        services.record_implementation(project=project, actor=outsider, data={})


def test_link_internship_to_mobility_measures_grant_to_the_site(student):
    from mobility.models import Mobility
    from mobility.services import store_grant

    home = UniversityFactory(country="AT", latitude="47.058300", longitude="15.460000")
    host = UniversityFactory(country="DE", latitude="52.512500", longitude="13.326900")
    student.university = home
    student.save()
    application = ApplicationFactory(student=student, status=ApplicationStatus.ACCEPTED)
    mobility = Mobility.objects.create(participant=student, kind="student_research", home_university=home,
                                       host_university=host, planned_start=application.internship.start_date,
                                       planned_end=application.internship.end_date)
    store_grant(mobility)
    before = mobility.distance_km
    services.link_internship_to_mobility(application=application, mobility=mobility, actor=student)
    mobility = Mobility.objects.get(pk=mobility.pk)
    store_grant(mobility)
    assert mobility.host_site_name == f"{application.internship.host_organisation}, Test laboratory"
    assert (before, mobility.distance_km) == (625, 314)
