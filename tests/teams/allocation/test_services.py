from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry, Notification
from projects.composition import STUDENT_ROLES
from projects.models import Membership, ProjectStatus
from teams.allocation import services
from teams.allocation.models import (
    AllocationPlacement,
    AllocationRun,
    AllocationSettings,
    Preference,
    RunStatus,
    SupervisorChoice,
)
from teams.models import RequestStatus
from tests.factories import UserFactory
from tests.teams.factories import JoinRequestFactory, make_team

pytestmark = pytest.mark.django_db


def rank(world, student, *teams):
    return services.save_preferences(student=student, edition=world.edition, actor=student,
                                     choices=[{"team": t.pk, "motivation": ""} for t in teams])


def test_save_preferences_stores_ranking_in_order(world):
    a, b, _c = world.teams
    student = world.students[0]

    rank(world, student, b, a)

    assert list(Preference.objects.filter(ranking__student=student).values_list("team_id", "rank")) == [
        (b.pk, 1), (a.pk, 2)]
    assert AuditEntry.objects.filter(action="allocation.preferences_saved").count() == 1


def test_save_preferences_refuses_repeat(world):
    a = world.teams[0]
    with pytest.raises(ValidationError) as exc:
        rank(world, world.students[0], a, a)
    assert exc.value.message_dict == {"choices": ["A project can be ranked only once."]}


def test_save_preferences_refuses_more_than_k(world):
    AllocationSettings.objects.create(edition=world.edition, max_choices=2)
    with pytest.raises(ValidationError) as exc:
        rank(world, world.students[0], *world.teams)
    assert exc.value.message_dict == {"choices": ["You can rank at most 2 projects."]}


def test_save_preferences_refuses_unapproved_project(world):
    draft = make_team(edition=world.edition)
    draft.project.status = ProjectStatus.SUBMITTED
    draft.project.save()
    with pytest.raises(ValidationError) as exc:
        rank(world, world.students[0], world.teams[0], draft)
    assert exc.value.message_dict == {
        "choices": [f"Only approved projects of this edition can be ranked (not: {draft.pk})."]}
    assert not Preference.objects.exists()


def test_save_preferences_refuses_after_deadline(world):
    AllocationSettings.objects.create(edition=world.edition, preferences_deadline=timezone.now() - timedelta(hours=1))
    with pytest.raises(RuleViolation) as exc:
        rank(world, world.students[0], world.teams[0])
    assert "they cannot be changed now" in exc.value.messages[0]


def test_save_preferences_refuses_other_student(world):
    with pytest.raises(PermissionDenied):
        services.save_preferences(student=world.students[0], edition=world.edition, actor=world.students[1],
                                  choices=[{"team": world.teams[0].pk}])


def test_exclusion_needs_reason(world):
    team = world.teams[0]
    with pytest.raises(ValidationError) as exc:
        services.decide_student(team=team, student=world.students[0], kind=SupervisorChoice.EXCLUDE, reason="",
                                actor=team.supervisor)
    assert exc.value.message_dict == {"reason": ["Say why the student is excluded."]}


def test_decide_student_refuses_other_professor(world):
    with pytest.raises(PermissionDenied):
        services.decide_student(team=world.teams[0], student=world.students[0], kind=SupervisorChoice.REQUIRE,
                                reason="", actor=UserFactory(status="professor"))


@pytest.fixture
def run_for(django_capture_on_commit_callbacks):
    """Start a run and execute its Celery task (eager) as the transaction commits."""
    def start(world, parent=None, **options):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.start_run(edition=world.edition, actor=world.office, options=options, parent=parent)
        run.refresh_from_db()
        return run
    return start


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def call(run, actor):
        with django_capture_on_commit_callbacks(execute=True):
            return services.commit_run(run=run, actor=actor)
    return call


def test_run_places_students_in_mixed_teams_and_reports_totals(world, run_for):
    a, b, c = world.teams
    for student in world.students:
        rank(world, student, a, b, c)

    run = run_for(world)

    assert run.status == RunStatus.DONE
    assert run.solver_status == "optimal"
    assert run.totals["placed"] == 6
    assert run.totals["teams_meeting_rule"] == run.totals["teams_opened"]
    assert len(run.inputs_hash) == 64
    assert AllocationPlacement.objects.filter(run=run, team__isnull=False).count() == 6
    assert list(AuditEntry.objects.filter(object_id=str(run.pk), action__startswith="allocation.run")
                .values_list("action", flat=True).order_by("pk")) == [
        "allocation.run_started", "allocation.run_finished"]


def test_run_with_impossible_preassignment_explains_the_team(world, run_for):
    a, b, _c = world.teams
    same_uni = [s for s in world.students if s.university == world.unis[0]]
    for student in same_uni:
        rank(world, student, a)
    for student in same_uni[:2]:
        services.decide_student(team=a, student=student, kind=SupervisorChoice.REQUIRE, reason="", actor=a.supervisor)

    run = run_for(world)

    assert run.status == RunStatus.FAILED
    assert run.solver_status == "infeasible"
    assert run.explanation["slacks"] == [[a.pk, "universities", 1.0]]
    assert run.explanation["impossible"] == {str(a.pk): ["universities"]}
    assert run.explanation["stranded"] == sorted(s.pk for s in same_uni)


def test_commit_creates_memberships_and_closes_pending_requests(world, run_for, commit):
    a, b, c = world.teams
    for student in world.students:
        rank(world, student, a, b, c)
    request = JoinRequestFactory(team=c, student=world.students[0])
    run = run_for(world)

    commit(run, world.office)

    run.refresh_from_db()
    assert run.status == RunStatus.COMMITTED and run.committed_by == world.office
    assert Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES).count() == 6
    request.refresh_from_db()
    placed_team = AllocationPlacement.objects.get(run=run, student=world.students[0]).team_id
    assert request.status == (RequestStatus.ACCEPTED if placed_team == c.pk else RequestStatus.WITHDRAWN)
    # Notifications went out in the (eager) Celery task, with the progress on the run.
    assert run.notified == run.notify_total == 6
    assert Notification.objects.filter(kind="teams/allocation_placed").count() == 6
    assert AuditEntry.objects.filter(action="allocation.run_committed").count() == 1


def test_commit_refuses_when_a_ranking_changed_since_the_run(world, run_for, commit):
    a, b, c = world.teams
    for student in world.students:
        rank(world, student, a, b, c)
    run = run_for(world)
    rank(world, world.students[1], c)

    with pytest.raises(RuleViolation) as exc:
        commit(run, world.office)

    assert exc.value.messages == [
        "The inputs changed since this run (rankings changed: Student 1); run the allocation again."]
    assert not Membership.objects.filter(edition=world.edition, role__in=STUDENT_ROLES).exists()


def test_commit_twice_refused(world, run_for, commit):
    a, b, c = world.teams
    for student in world.students:
        rank(world, student, a, b, c)
    run = run_for(world)
    commit(run, world.office)

    with pytest.raises(RuleViolation) as exc:
        commit(run, world.office)
    assert exc.value.messages == ["This run was already committed."]


def test_rerun_keeps_locked_placement(world, run_for):
    a, b, c = world.teams
    for student in world.students:
        rank(world, student, a, b, c)
    run = run_for(world)
    placement = AllocationPlacement.objects.filter(run=run, team=a).first()
    services.lock_placement(placement=placement, locked=True, actor=world.office)

    again = run_for(world, parent=run, **run.settings["options"])

    again = AllocationRun.objects.get(pk=again.pk)
    kept = AllocationPlacement.objects.get(run=again, student=placement.student)
    assert (kept.team_id, kept.locked) == (a.pk, True)
    assert again.settings["locked"] == [[placement.student_id, a.pk]]


def test_start_run_refuses_student(world):
    with pytest.raises(PermissionDenied):
        services.start_run(edition=world.edition, actor=world.students[0])


def test_start_run_refuses_bad_weights(world):
    with pytest.raises(ValidationError) as exc:
        services.start_run(edition=world.edition, actor=world.office, options={"weights": [100]})
    assert exc.value.message_dict == {"weights": ["Give one whole weight between 0 and 10000 per rank (5)."]}
    assert not AllocationRun.objects.exists()


def test_existing_membership_stays_fixed_and_counts(world, run_for):
    a, b, c = world.teams
    Membership.objects.create(team=a, user=world.students[0], edition=world.edition)
    for student in world.students[1:]:
        rank(world, student, a, b, c)

    run = run_for(world)

    assert run.status == RunStatus.DONE
    assert not AllocationPlacement.objects.filter(run=run, student=world.students[0]).exists()
    assert AllocationPlacement.objects.filter(run=run, team=a).count() <= 2
