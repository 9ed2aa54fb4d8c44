import io

import pytest

from marathon import demo as core_demo
from marathon.models import Edition, User
from teams import demo
from teams.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from tests.teams.factories import make_team

pytestmark = pytest.mark.django_db


def test_demo_adds_requests_and_invitation_idempotently():
    core_demo.seed(io.StringIO())
    edition = Edition.objects.current()
    for _ in range(3):
        make_team(edition=edition)
    professor = User.objects.get(email=demo.DEMO_PROFESSOR)
    theirs = make_team(edition=edition, proposer=professor)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    student = User.objects.get(email=demo.DEMO_STUDENT)
    assert JoinRequest.objects.filter(student=student, status=RequestStatus.PENDING).count() == 2
    assert Invitation.objects.filter(student=student, status=InvitationStatus.PENDING).count() == 1
    assert not student.memberships.exists()
    assert JoinRequest.objects.filter(student=student, team=theirs).exists()


def test_demo_without_teams_adds_nothing():
    core_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert "nothing added" in out.getvalue()
    assert JoinRequest.objects.count() == 0


def test_demo_with_two_teams_asks_one_and_is_invited_by_the_other():
    core_demo.seed(io.StringIO())
    edition = Edition.objects.current()
    first, second = make_team(edition=edition), make_team(edition=edition)
    demo.seed(io.StringIO())
    student = User.objects.get(email=demo.DEMO_STUDENT)
    asked = set(JoinRequest.objects.filter(student=student).values_list("team", flat=True))
    invited = set(Invitation.objects.filter(student=student).values_list("team", flat=True))
    assert (len(asked), len(invited), asked | invited) == (1, 1, {first.pk, second.pk})


def test_allocation_demo_ranks_and_solves_a_draft_once(django_capture_on_commit_callbacks):
    from projects import demo as projects_demo
    from teams.allocation.models import AllocationRun, PreferenceList, RunStatus

    core_demo.seed(io.StringIO())
    projects_demo.seed(io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
        demo.seed(io.StringIO())

    edition = Edition.objects.current()
    run = AllocationRun.objects.get(edition=edition)
    assert run.status == RunStatus.DONE
    assert PreferenceList.objects.filter(edition=edition).count() == 8
    assert not PreferenceList.objects.filter(student__email=demo.DEMO_STUDENT).exists()
    assert run.totals["placed"] == run.placements.filter(team__isnull=False).count() >= 3
