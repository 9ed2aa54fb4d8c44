"""The rules hold when many steps happen at the same moment: real threads, each with its own
PostgreSQL connection, released together by a barrier."""


import pytest
from django.db import connection

from marathon.exceptions import RuleViolation
from marathon.models import Notification
from projects.composition import STUDENT_ROLES
from projects.models import Membership
from teams import services
from teams.models import JoinRequest, RequestStatus
from tests.concurrency import race
from tests.factories import UserFactory
from tests.teams.factories import JoinRequestFactory, add_students, make_team

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run_together(calls):
    """Run each call in its own thread, all released at once; returns ("ok"|message) per call."""
    results = []
    for result in race(*calls):
        if isinstance(result, RuleViolation):
            results.append(" ".join(result.messages))
        elif isinstance(result, Exception):  # anything else is a bug the assertion shows
            results.append(f"ERROR {result.__class__.__name__}: {result}")
        else:
            results.append("ok")
    return results


def test_twenty_accepts_for_three_free_places_make_exactly_three_members():
    assert connection.vendor == "postgresql"
    team = make_team(team_size_min=2, team_size_max=5)
    add_students(team, 2)  # 3 free places
    requests = [JoinRequestFactory(team=team, student=UserFactory(status="bachelor")) for _ in range(20)]

    results = run_together([
        lambda r=r: services.accept_join_request(join_request=r, actor=team.supervisor)
        for r in requests])

    assert results.count("ok") == 3
    # The accept that filled the team declined the others in its transaction.
    assert [r for r in results if r != "ok"] == ["This request is no longer pending (it is declined)."] * 17
    assert Membership.objects.filter(team=team, role__in=STUDENT_ROLES).count() == 5
    assert JoinRequest.objects.filter(team=team, status=RequestStatus.ACCEPTED).count() == 3
    declined = JoinRequest.objects.filter(team=team, status=RequestStatus.DECLINED)
    assert sorted(declined.values_list("decision_reason", flat=True)) == [
        "The team became full (5 students)."] * 17
    assert Notification.objects.filter(kind="teams/join_request_closed").count() == 17


def test_accepts_racing_withdrawals_and_other_teams_fill_to_capacity_without_errors():
    """Accepts into a team that becomes full, while its students withdraw requests and are
    accepted into a second team of the edition: no deadlock, exactly capacity members."""
    assert connection.vendor == "postgresql"
    team = make_team(team_size_min=2, team_size_max=4)
    other = make_team(edition=team.edition, team_size_min=2, team_size_max=10)
    add_students(team, 1)  # 3 free places
    students = [UserFactory(status="bachelor") for _ in range(12)]
    here = [JoinRequestFactory(team=team, student=s) for s in students]
    there = [JoinRequestFactory(team=other, student=s) for s in students[6:]]
    calls = [lambda r=r: services.accept_join_request(join_request=r, actor=team.supervisor)
             for r in here[:6]]
    calls += [lambda r=r: services.withdraw_join_request(join_request=r, actor=r.student) for r in here[6:9]]
    calls += [lambda r=r: services.accept_join_request(join_request=r, actor=other.supervisor)
              for r in there]

    results = run_together(calls)

    assert [r for r in results if r.startswith("ERROR")] == []
    assert Membership.objects.filter(team=team, role__in=STUDENT_ROLES).count() == 4
    assert JoinRequest.objects.filter(team=team, status=RequestStatus.PENDING).count() == 0
    for student in students:
        assert Membership.objects.filter(user=student, edition=team.edition).count() <= 1


def test_one_student_accepted_into_two_teams_at_once_gets_one_membership():
    assert connection.vendor == "postgresql"
    first = make_team()
    second = make_team(edition=first.edition)
    student = UserFactory(status="master")
    requests = [JoinRequestFactory(team=first, student=student),
                JoinRequestFactory(team=second, student=student)]

    results = run_together([
        lambda r=r: services.accept_join_request(join_request=r, actor=r.team.project.proposer)
        for r in requests])

    assert sorted(results, key=lambda r: r != "ok")[0] == "ok"
    assert results.count("ok") == 1
    refusal = next(r for r in results if r != "ok")
    assert refusal in ("This request is no longer pending (it is withdrawn).",
                       f"{student.full_name} is already in a team of this edition; a student can be "
                       "in only one team per edition.")
    assert Membership.objects.filter(user=student, edition=first.edition).count() == 1
    assert JoinRequest.objects.filter(student=student, status=RequestStatus.ACCEPTED).count() == 1


def test_same_join_request_sent_twice_at_once_stores_one():
    team = make_team()
    student = UserFactory(status="bachelor")

    results = run_together([
        lambda: services.send_join_request(team=team, student=student, motivation="Hi", actor=student)
        for _ in range(2)])

    assert sorted(results) == ["You already have a pending request for this team.", "ok"]
    assert JoinRequest.objects.filter(team=team, student=student).count() == 1
