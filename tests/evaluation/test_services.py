"""Every rule of the commission, through the services (the one path for each state change)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from evaluation import aggregation, selectors, services
from evaluation.models import (
    Assignment,
    ConflictOfInterest,
    ExpertGroup,
    ResultSubmission,
    Score,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)
from evaluation.services.aggregates import specs_of
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from marathon.roles import COMMISSION_CHAIRS, COMMISSION_MEMBERS
from projects.models import MembershipRole
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, approved_project_with_team

from .conftest import seat
from .factories import score
from .helpers import close_evaluation, full_scores

pytestmark = pytest.mark.django_db


def groups_of(user):
    return set(user.groups.values_list("name", flat=True))


def audit_actions():
    return list(AuditEntry.objects.filter(action__startswith="evaluation.").order_by("id")
                .values_list("action", flat=True))


# --- members and groups --------------------------------------------------------------------
def test_add_member_syncs_role_groups(commission, office_user):
    user = UserFactory()
    services.add_commission_member(commission=commission, user=user, group=ExpertGroup.INVESTOR, actor=office_user)
    assert groups_of(user) == {COMMISSION_MEMBERS}
    services.add_commission_member(commission=commission, user=user, group=ExpertGroup.INVESTOR, is_chair=True,
                                   actor=office_user)
    assert groups_of(user) == {COMMISSION_MEMBERS, COMMISSION_CHAIRS}
    assert audit_actions() == ["evaluation.member_added", "evaluation.member_changed"]


def test_remove_member_drops_role_groups(commission, office_user):
    member = seat(commission, is_chair=True)
    services.remove_commission_member(member=member, actor=office_user)
    assert groups_of(member.user) == set()
    assert "evaluation.member_removed" in audit_actions()


def test_add_member_by_outsider_is_denied(commission, outsider):
    with pytest.raises(PermissionDenied):
        services.add_commission_member(commission=commission, user=UserFactory(), group=ExpertGroup.EXTERNAL,
                                       actor=outsider)


# --- conflicts -----------------------------------------------------------------------------
def test_detected_conflicts_for_supervisor_team_member_and_customer(commission, project):
    organisation = OrganisationFactory()
    project.customer = organisation
    project.save()
    co_supervisor = UserFactory()
    project.co_supervisors.add(co_supervisor)
    student = MembershipFactory(team=project.team, role=MembershipRole.MEMBER).user
    proposer_seat = seat(commission, user=project.proposer)
    co_seat = seat(commission, user=co_supervisor)
    student_seat = seat(commission, user=student)
    customer_seat = seat(commission, group=ExpertGroup.CUSTOMER, organisation=organisation)
    profile_org_seat = seat(commission, user=UserFactory(organisation=organisation), group=ExpertGroup.CUSTOMER)
    free_seat = seat(commission)
    members = list(commission.members.select_related("user"))
    found = selectors.detected_conflicts(members, [project])
    assert found == {
        (proposer_seat.pk, project.pk): "Proposed the project",
        (co_seat.pk, project.pk): "Co-supervises the project",
        (student_seat.pk, project.pk): "Is a member of the project's team",
        (customer_seat.pk, project.pk): "Works for the project's customer",
        (profile_org_seat.pk, project.pk): "Works for the project's customer",
    }
    assert selectors.conflict_reason(free_seat, project) == ""
    for member in members:  # the single-pair check agrees with the bulk one
        assert selectors.conflict_reason(member, project) == found.get((member.pk, project.pk), "")


def test_conflicted_expert_cannot_be_assigned(commission, chair, project):
    member = seat(commission, user=project.proposer)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        services.assign_expert(member=member, project=project, actor=chair)
    assert Assignment.objects.count() == 0


def test_declared_conflict_blocks_assignment(commission, chair, expert_member, project):
    services.declare_conflict(member=expert_member, project=project, reason="My former PhD student leads it.",
                              actor=expert_member.user)
    with pytest.raises(PermissionDenied, match="former PhD student"):
        services.assign_expert(member=expert_member, project=project, actor=chair)


def test_declared_conflict_blocks_scoring_an_existing_sheet(commission, chair, expert_member, project, criteria):
    assignment = services.assign_expert(member=expert_member, project=project, actor=chair)
    services.declare_conflict(member=expert_member, project=project, reason="Family ties.", actor=expert_member.user)
    with pytest.raises(PermissionDenied):
        services.save_score_sheet(sheet=assignment.sheet, actor=expert_member.user,
                                  scores=full_scores(criteria, [3, 3, 3]))
    assert Score.objects.count() == 0


@pytest.mark.parametrize("link", ["co_supervisor", "team_member", "proposer", "customer"])
def test_conflict_arising_after_assignment_blocks_saving_and_submitting(commission, chair, expert_member, project,
                                                                       criteria, link):
    # Each fact the save's lock statement reads (co-supervision and team membership as subqueries,
    # proposer and customer from the joined rows) refuses the save and the submit, with the reason.
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [3, 3, 3]))
    user = expert_member.user
    if link == "co_supervisor":
        project.co_supervisors.add(user)
    elif link == "team_member":
        MembershipFactory(team=project.team, user=user, role=MembershipRole.MEMBER)
    elif link == "proposer":
        type(project).objects.filter(pk=project.pk).update(proposer=user)
    else:
        user.organisation = OrganisationFactory()
        user.save(update_fields=["organisation"])
        type(project).objects.filter(pk=project.pk).update(customer=user.organisation)
    reason = selectors.conflict_reason(expert_member, type(project).objects.get(pk=project.pk))
    assert reason
    with pytest.raises(PermissionDenied, match=reason):
        services.save_score_sheet(sheet=sheet, actor=user, scores=full_scores(criteria, [5, 5, 5]))
    with pytest.raises(PermissionDenied, match=reason):
        services.submit_score_sheet(sheet=sheet, actor=user)
    assert sorted(Score.objects.values_list("value", flat=True)) == [3, 3, 3]
    assert ScoreSheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT


def test_team_membership_gained_after_assignment_blocks_scoring(commission, chair, expert_member, project, criteria):
    assignment = services.assign_expert(member=expert_member, project=project, actor=chair)
    MembershipFactory(team=project.team, user=expert_member.user, role=MembershipRole.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        services.save_score_sheet(sheet=assignment.sheet, actor=expert_member.user,
                                  scores=full_scores(criteria, [3, 3, 3]))


def test_declare_conflict_needs_reason_and_notifies_chair(commission, chair, expert_member, project):
    with pytest.raises(ValidationError):
        services.declare_conflict(member=expert_member, project=project, reason="  ", actor=expert_member.user)
    services.declare_conflict(member=expert_member, project=project, reason="Co-author.", actor=expert_member.user)
    assert ConflictOfInterest.objects.get().source == "declared"
    assert Notification.objects.filter(recipient=chair, kind="evaluation_conflict_declared").count() == 1
    assert audit_actions()[-1] == "evaluation.conflict_declared"


def test_declare_conflict_twice_is_a_conflict(expert_member, project):
    services.declare_conflict(member=expert_member, project=project, reason="A", actor=expert_member.user)
    with pytest.raises(RuleViolation):
        services.declare_conflict(member=expert_member, project=project, reason="B", actor=expert_member.user)


# --- assignment ----------------------------------------------------------------------------
def test_assign_creates_sheet_notifies_and_audits(chair, expert_member, project):
    assignment = services.assign_expert(member=expert_member, project=project, actor=chair)
    assert assignment.sheet.status == SheetStatus.DRAFT
    assert Notification.objects.filter(recipient=expert_member.user, kind="evaluation_assigned").count() == 1
    assert audit_actions()[-1] == "evaluation.assigned"


def test_assign_twice_and_by_non_chair(chair, expert_member, project):
    services.assign_expert(member=expert_member, project=project, actor=chair)
    with pytest.raises(RuleViolation):
        services.assign_expert(member=expert_member, project=project, actor=chair)
    with pytest.raises(PermissionDenied):
        services.assign_expert(member=expert_member, project=project, actor=expert_member.user)


def test_assign_refuses_unapproved_project(chair, expert_member, edition):
    from tests.factories import ProjectFactory

    with pytest.raises(ValidationError):
        services.assign_expert(member=expert_member, project=ProjectFactory(edition=edition), actor=chair)


def test_auto_assign_meets_constraints_and_notifies_once(commission, chair, edition):
    members = [seat(commission, group=g) for g in (ExpertGroup.HOST_PROFESSOR, ExpertGroup.CUSTOMER,
                                                   ExpertGroup.INVESTOR, ExpertGroup.EXTERNAL)]
    projects = [approved_project_with_team(edition=edition) for _ in range(5)]
    created = services.auto_assign(commission=commission, per_project=2, actor=chair)
    assert len(created) == 10
    loads = [Assignment.objects.filter(member=m).count() for m in [*members, commission.members.get(is_chair=True)]]
    assert max(loads) - min(loads) <= 1
    for project in projects:
        groups = set(Assignment.objects.filter(project=project).values_list("member__group", flat=True))
        assert len(groups) >= 2
    assert ScoreSheet.objects.count() == 10
    assert Notification.objects.filter(kind="evaluation_assigned").count() == len(
        {a.member_id for a in created})
    assert audit_actions()[-1] == "evaluation.auto_assigned"
    assert services.auto_assign(commission=commission, per_project=2, actor=chair) == []


def test_auto_assign_infeasible_names_project_and_writes_nothing(commission, chair, edition):
    other = seat(commission, group=ExpertGroup.CUSTOMER)
    blocked = approved_project_with_team(edition=edition, title="Blocked one")
    approved_project_with_team(edition=edition, title="Fine one")
    services.declare_conflict(member=other, project=blocked, reason="Mine.", actor=other.user)
    with pytest.raises(RuleViolation) as excinfo:
        services.auto_assign(commission=commission, per_project=2, actor=chair)
    assert excinfo.value.message_dict == {"per_project": [
        "Blocked one: Only 1 experts without a conflict are available; 2 more are needed."]}
    assert Assignment.objects.count() == 0


# --- scoring -------------------------------------------------------------------------------
@pytest.fixture
def sheet(chair, expert_member, project):
    return services.assign_expert(member=expert_member, project=project, actor=chair).sheet


def test_save_draft_keeps_values_and_history(sheet, expert, criteria):
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [4]), feedback="Good")
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [5, 2]), feedback="Good")
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [5, 2]), feedback="Good")
    assert dict(Score.objects.values_list("criterion__name", "value")) == {"Science": 5, "Value": 2}
    revisions = list(ScoreSheetRevision.objects.filter(sheet=sheet).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]  # the unchanged third save adds nothing
    assert revisions[0].data["scores"] == {str(criteria[0].pk): {"value": 4, "comment": ""}}


def test_save_writes_scores_sheet_and_revision_together(sheet, expert, criteria):
    # The save's writes are one statement: each of its parts is checked here.
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [4, 2, 3]), feedback="A")
    saved = services.save_score_sheet(
        sheet=sheet, actor=expert, feedback=" Better ", confidential_note="Note",
        scores=[{"criterion": criteria[0].pk, "value": 5, "comment": "Strong"}, {"criterion": criteria[1].pk,
                                                                                 "value": 2}])
    assert sorted(Score.objects.filter(sheet=sheet).values_list("criterion_id", "value", "comment", "scale_min",
                                                                 "scale_max")) == [
        (criteria[0].pk, 5, "Strong", 1, 5), (criteria[1].pk, 2, "", 1, 5)]  # the third one removed
    row = ScoreSheet.objects.get(pk=sheet.pk)
    assert (row.feedback, row.confidential_note, row.updated_at) == ("Better", "Note", saved.updated_at)
    assert row.weighted_score == saved.weighted_score == aggregation.sheet_score(
        {criteria[0].pk: 5, criteria[1].pk: 2}, specs_of(criteria))
    revision = ScoreSheetRevision.objects.get(sheet=sheet, number=2)
    assert (revision.action, revision.actor_id, revision.created_at) == ("saved", expert.pk, saved.updated_at)
    assert revision.data == {"status": "draft", "feedback": "Better", "confidential_note": "Note", "scores": {
        str(criteria[0].pk): {"value": 5, "comment": "Strong"}, str(criteria[1].pk): {"value": 2, "comment": ""}}}


def test_out_of_scale_value_is_refused(sheet, expert, criteria):
    with pytest.raises(ValidationError) as excinfo:
        services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [6]))
    assert excinfo.value.message_dict == {"scores": ["Science: the value must be between 1 and 5."]}


def test_database_checks_value_within_scale(sheet, criteria):
    with pytest.raises(IntegrityError):
        score(sheet, criteria[0], 9)


def test_only_the_author_can_score(sheet, chair, criteria):
    with pytest.raises(PermissionDenied):
        services.save_score_sheet(sheet=sheet, actor=chair, scores=full_scores(criteria, [3]))


def test_scoring_after_deadline_is_refused(sheet, expert, criteria, edition):
    close_evaluation(edition)
    with pytest.raises(RuleViolation, match="deadline"):
        services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [3]))
    with pytest.raises(RuleViolation):
        services.submit_score_sheet(sheet=sheet, actor=expert)


def test_submit_requires_required_criteria(sheet, expert, criteria):
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [3]))
    with pytest.raises(ValidationError, match="Value"):
        services.submit_score_sheet(sheet=sheet, actor=expert)
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [3, 4]))
    submitted = services.submit_score_sheet(sheet=sheet, actor=expert)
    assert submitted.status == SheetStatus.SUBMITTED and submitted.submitted_at is not None
    assert audit_actions()[-1] == "evaluation.sheet_submitted"
    with pytest.raises(RuleViolation):
        services.submit_score_sheet(sheet=sheet, actor=expert)


def test_submitted_sheet_stays_editable_until_deadline_but_complete(sheet, expert, criteria):
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [3, 4]))
    services.submit_score_sheet(sheet=sheet, actor=expert)
    services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [5, 4, 1]))
    assert ScoreSheet.objects.get().status == SheetStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.save_score_sheet(sheet=sheet, actor=expert, scores=full_scores(criteria, [5]))
    assert ScoreSheetRevision.objects.filter(sheet=sheet).count() == 3


# --- results submission --------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_team_member_submits_results_with_checked_files(project, team_member):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    submission = services.submit_results(team=project.team, actor=team_member, summary="We built it.",
                                         final_report=upload)
    assert (submission.final_report_type, submission.final_report_name) == ("application/pdf", "report.pdf")
    assert audit_actions()[-1] == "evaluation.results_submitted"


def test_results_submission_rejects_wrong_type_and_outsiders(project, team_member, outsider):
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        services.submit_results(team=project.team, actor=team_member, summary="x", final_report=fake)
    assert list(excinfo.value.message_dict) == ["final_report"]
    with pytest.raises(PermissionDenied):
        services.submit_results(team=project.team, actor=outsider, summary="x")
    assert ResultSubmission.objects.count() == 0


def test_results_submission_closes_when_evaluation_starts(project, team_member, edition):
    close_evaluation(edition)
    with pytest.raises(RuleViolation):
        services.submit_results(team=project.team, actor=team_member, summary="late")


def test_auto_assign_replaces_an_expert_who_declared_a_conflict(commission, chair, edition):
    seat(commission, group=ExpertGroup.CUSTOMER)
    seat(commission, group=ExpertGroup.INVESTOR)
    seat(commission, group=ExpertGroup.EXTERNAL)
    project = approved_project_with_team(edition=edition)
    services.auto_assign(commission=commission, per_project=2, actor=chair)
    conflicted = Assignment.objects.filter(project=project).first().member
    services.declare_conflict(member=conflicted, project=project, reason="Late discovery.", actor=conflicted.user)
    created = services.auto_assign(commission=commission, per_project=2, actor=chair)
    assert len(created) == 1 and created[0].member != conflicted
