"""Demo join requests and an invitation for the current edition (idempotent).

Runs after the projects demo, which creates the approved projects and their teams. The demo
student stays in no team: they only get pending requests and one invitation to answer. Then the
allocation's demo: other students' rankings and a solved draft for the office to review."""

from django.core.exceptions import ValidationError

from marathon.models import Edition, User
from projects.composition import team_composition

from . import services
from .allocation import demo as allocation_demo
from .models import Invitation, JoinRequest
from .selectors import OPEN_PROJECT_STATUSES, team_supervisor_ids, team_supervisors, teams_with_composition

DEMO_STUDENT = "student@marathon.example"
DEMO_PROFESSOR = "professor@marathon.example"
MOTIVATION = ("I am a bachelor student at TU Graz with Python and data analysis skills, and I would "
              "like to work in an international team on this topic.")


def seed(stdout) -> None:
    _seed_requests(stdout)
    allocation_demo.seed(stdout)


def _seed_requests(stdout) -> None:
    edition = Edition.objects.current()
    student = User.objects.filter(email=DEMO_STUDENT).first()
    if edition is None or student is None:
        stdout.write("  teams: no current edition or demo student; nothing added")
        return
    professor = User.objects.filter(email=DEMO_PROFESSOR).first()
    teams = [team for team in teams_with_composition().filter(
        edition=edition, project__status__in=OPEN_PROJECT_STATUSES) if not team_composition(team).is_full]
    # The demo professor's teams first, so logging in as them shows a request to decide.
    teams.sort(key=lambda team: professor is None or professor.pk not in team_supervisor_ids(team))
    if not teams:
        stdout.write("  teams: the current edition has no team with free places; nothing added")
        return
    # Requests and the invitation go to different teams, so each has something to decide.
    asked = teams[:2] if len(teams) >= 3 else teams[:1]
    requests = sum(_request(team, student) for team in asked)
    invitations = sum(_invite(team, student) for team in teams[len(asked):len(asked) + 1])
    stdout.write(f"  teams: pending for {DEMO_STUDENT}: {requests} join request(s), {invitations} invitation(s)")


def _request(team, student) -> int:
    if JoinRequest.objects.filter(team=team, student=student).exists():
        return 0
    try:
        services.send_join_request(team=team, student=student, motivation=MOTIVATION, actor=student)
    except ValidationError:
        return 0
    return 1


def _invite(team, student) -> int:
    supervisor = team_supervisors(team).first()
    if supervisor is None or Invitation.objects.filter(team=team, student=student).exists():
        return 0
    try:
        services.invite_student(team=team, student=student, actor=supervisor,
                                message="Your profile fits our project; we would be glad to have you.")
    except ValidationError:
        return 0
    return 1
