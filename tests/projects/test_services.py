import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects import services
from projects.models import AttachmentKind, Membership, MembershipRole, Project, ProjectStatus, Team
from tests.factories import (
    EditionFactory,
    ProjectFactory,
    ScientificAreaFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.projects.factories import fake_pdf, pdf, submitted_project

pytestmark = pytest.mark.django_db


def audit_actions(project):
    return list(AuditEntry.objects.filter(object_id=str(project.pk)).order_by("id")
                .values_list("action", "changes"))


# --- create / update / delete ---------------------------------------------------------------
def test_create_project_makes_audited_draft_with_edition_team_sizes(proposer, co_supervisor):
    edition = EditionFactory(team_size_min=3, team_size_max=7)
    project = services.create_project(actor=proposer, data={
        "edition": edition, "area": ScientificAreaFactory(), "title": "Graphene sensors",
        "summary": "Sensors.", "co_supervisors": [co_supervisor]})
    assert (project.status, project.proposer, project.team_size_min, project.team_size_max) == (
        ProjectStatus.DRAFT, proposer, 3, 7)
    assert list(project.co_supervisors.all()) == [co_supervisor]
    assert audit_actions(project) == [("project.created", {"status": ["", "draft"]})]


@pytest.mark.parametrize("status", ["bachelor", "master", "phd", "industry"])
def test_create_project_refused_for_non_supervisors(status):
    with pytest.raises(PermissionDenied):
        services.create_project(actor=UserFactory(status=status), data={
            "edition": EditionFactory(), "area": ScientificAreaFactory(), "title": "T", "summary": "S"})
    assert Project.objects.count() == 0


def test_create_project_refuses_student_co_supervisor_and_bad_sizes(proposer, student):
    with pytest.raises(ValidationError) as exc:
        services.create_project(actor=proposer, data={
            "edition": EditionFactory(), "area": ScientificAreaFactory(), "title": "T",
            "summary": "S", "co_supervisors": [student], "team_size_min": 5, "team_size_max": 2,
            "wanted_degree_levels": ["wizard"]})
    assert set(exc.value.message_dict) == {"co_supervisors", "wanted_degree_levels", "__all__"}
    assert Project.objects.count() == 0


def test_update_draft_by_proposer_is_audited_with_before_after(draft, proposer):
    services.update_project(project=draft, actor=proposer, data={"title": "Welded joints 2"})
    draft.refresh_from_db()
    assert draft.title == "Welded joints 2"
    assert audit_actions(draft)[-1] == ("project.updated",
                                        {"title": ["Corrosion of welded joints", "Welded joints 2"]})


def test_update_refused_for_co_supervisor_and_outsider(draft, co_supervisor, outsider, office):
    for actor in (co_supervisor, outsider, office):
        with pytest.raises(PermissionDenied):
            services.update_project(project=draft, actor=actor, data={"title": "Hijacked"})
    draft.refresh_from_db()
    assert draft.title == "Corrosion of welded joints"


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "active", "completed"])
def test_update_refused_unless_draft(proposer, status):
    project = ProjectFactory(proposer=proposer, status=status, rejection_reason="x")
    with pytest.raises(RuleViolation):
        services.update_project(project=project, actor=proposer, data={"title": "Changed"})


def test_delete_draft_only_by_proposer(draft, proposer, co_supervisor):
    with pytest.raises(PermissionDenied):
        services.delete_project(project=draft, actor=co_supervisor)
    services.delete_project(project=draft, actor=proposer)
    assert Project.objects.count() == 0
    assert AuditEntry.objects.filter(action="project.deleted").count() == 1


# --- submit ---------------------------------------------------------------------------------
def test_submit_draft_by_proposer(draft, proposer):
    services.submit_project(project=draft, actor=proposer)
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED
    assert draft.submitted_at is not None
    assert audit_actions(draft)[-1] == ("project.submitted", {"status": ["draft", "submitted"]})


def test_submit_refused_for_others(draft, co_supervisor, student, office):
    for actor in (co_supervisor, student, office):
        with pytest.raises(PermissionDenied):
            services.submit_project(project=draft, actor=actor)
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_submit_twice_is_a_rule_violation(draft, proposer):
    services.submit_project(project=draft, actor=proposer)
    with pytest.raises(RuleViolation):
        services.submit_project(project=draft, actor=proposer)


# --- approve --------------------------------------------------------------------------------
def test_approve_creates_team_with_supervisors_and_notifies(office, proposer, co_supervisor):
    project = submitted_project(proposer=proposer, title="Ship hull coatings")
    project.co_supervisors.add(co_supervisor)
    services.approve_project(project=project, actor=office)
    project.refresh_from_db()
    assert (project.status, project.decided_by) == (ProjectStatus.APPROVED, office)
    team = Team.objects.get(project=project)
    assert (team.name, team.capacity, team.edition_id) == (
        "Ship hull coatings", project.team_size_max, project.edition_id)
    assert set(Membership.objects.filter(team=team).values_list("user_id", "role")) == {
        (proposer.pk, MembershipRole.SUPERVISOR), (co_supervisor.pk, MembershipRole.SUPERVISOR)}
    notification = Notification.objects.get(recipient=proposer)
    assert notification.kind == "project_approved"
    assert notification.subject == 'Your project “Ship hull coatings” has been approved'
    assert notification.url == f"/projects/{project.pk}/"
    assert audit_actions(project) == [("project.approved", {"status": ["submitted", "approved"]})]


def test_approve_refused_for_non_office(proposer, co_supervisor, student):
    project = submitted_project(proposer=proposer)
    for actor in (proposer, co_supervisor, student, UserFactory(status="professor")):
        with pytest.raises(PermissionDenied):
            services.approve_project(project=project, actor=actor)
    assert Team.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("status", ["draft", "approved", "rejected", "active", "completed"])
def test_approve_only_submitted(office, status):
    project = ProjectFactory(status=status, rejection_reason="x")
    with pytest.raises(RuleViolation):
        services.approve_project(project=project, actor=office)
    assert Team.objects.count() == 0


# --- reject ---------------------------------------------------------------------------------
def test_reject_with_reason_notifies_proposer(office, proposer):
    project = submitted_project(proposer=proposer)
    services.reject_project(project=project, actor=office, reason="  Out of scope.  ")
    project.refresh_from_db()
    assert (project.status, project.rejection_reason) == (ProjectStatus.REJECTED, "Out of scope.")
    notification = Notification.objects.get(recipient=proposer, kind="project_rejected")
    assert "Out of scope." in notification.body
    assert audit_actions(project)[-1] == (
        "project.rejected", {"status": ["submitted", "rejected"], "reason": "Out of scope."})
    assert Team.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_needs_a_reason(office, reason):
    project = submitted_project()
    with pytest.raises(ValidationError) as exc:
        services.reject_project(project=project, actor=office, reason=reason)
    assert list(exc.value.message_dict) == ["reason"]
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_reject_refused_for_non_office(proposer):
    project = submitted_project(proposer=proposer)
    with pytest.raises(PermissionDenied):
        services.reject_project(project=project, actor=proposer, reason="No.")


# --- activate / complete --------------------------------------------------------------------
def test_activate_then_complete_by_supervisor(office):
    project = approved_project_with_team()
    services.activate_project(project=project, actor=project.proposer)
    services.complete_project(project=project, actor=office)
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    assert [a for a, _ in audit_actions(project)] == ["project.activated", "project.completed"]


def test_activate_refused_for_student_and_wrong_state(student, office):
    project = approved_project_with_team()
    with pytest.raises(PermissionDenied):
        services.activate_project(project=project, actor=student)
    with pytest.raises(RuleViolation):
        services.complete_project(project=project, actor=office)


# --- attachments ----------------------------------------------------------------------------
def test_upload_proposal_pdf(draft, proposer):
    attachment = services.upload_attachment(project=draft, actor=proposer,
                                            kind=AttachmentKind.PROPOSAL, upload=pdf())
    assert (attachment.original_name, attachment.content_type, attachment.kind) == (
        "proposal.pdf", "application/pdf", "proposal")
    assert AuditEntry.objects.filter(action="project.attachment_added").count() == 1


def test_upload_refuses_wrong_type_and_too_large(draft, proposer, settings):
    with pytest.raises(ValidationError) as exc:
        services.upload_attachment(project=draft, actor=proposer, kind="proposal", upload=fake_pdf())
    assert "This type of file is not accepted (image/png)" in exc.value.message_dict["file"][0]
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        services.upload_attachment(project=draft, actor=proposer, kind="proposal", upload=pdf())
    assert "too large" in exc.value.message_dict["file"][0]
    assert draft.attachments.count() == 0


def test_upload_refused_for_student_and_wrong_state(draft, proposer, student):
    with pytest.raises(PermissionDenied):
        services.upload_attachment(project=draft, actor=student, kind="proposal", upload=pdf())
    with pytest.raises(RuleViolation):
        services.upload_attachment(project=draft, actor=proposer, kind="final_report", upload=pdf())
