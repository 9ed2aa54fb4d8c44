"""The demo data: idempotent, commission and criteria always, assignments only with projects."""

import io

import pytest

from evaluation import demo
from evaluation.models import Assignment, Commission, CommissionMember, Criterion, ResultSnapshot, ScoreSheet
from marathon import demo as core_demo
from marathon.models import Edition
from marathon.roles import COMMISSION_CHAIRS
from tests.factories import approved_project_with_team

pytestmark = pytest.mark.django_db


def seed_core_only():
    """The core demo (people, editions) without the projects demo, so the tests control projects."""
    core_demo.seed(io.StringIO())


def test_seed_demo_without_projects_creates_no_project_data():
    seed_core_only()
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    current = Edition.objects.current()
    commission = Commission.objects.get(edition=current)
    assert commission.members.count() == 6
    chair = CommissionMember.objects.get(commission=commission, is_chair=True)
    assert chair.user.email == "chair@marathon.example"
    assert chair.user.groups.filter(name=COMMISSION_CHAIRS).exists()
    assert len({m.group for m in commission.members.all()}) == 5
    assert list(Criterion.objects.filter(edition=current).values_list("name", flat=True)) == [
        "Scientific quality", "Practical value for the customer", "International teamwork",
        "Results and outputs", "Presentation"]
    assert Assignment.objects.count() == 0


def test_demo_follows_each_editions_phase():
    """Team formation: nothing to score; last year's edition in evaluation: assigned, partly scored,
    the demo expert's sheets open; 2019: scored and published."""
    from marathon.demo import evaluating_edition

    seed_core_only()
    current = Edition.objects.current()
    evaluating = evaluating_edition()
    past = Edition.objects.get(year=2019)
    for _ in range(4):
        approved_project_with_team(edition=current)
        approved_project_with_team(edition=evaluating)
        approved_project_with_team(edition=past)
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert not Assignment.objects.filter(project__edition=current).exists()
    assert Assignment.objects.filter(project__edition=evaluating).count() == 12
    sheets = ScoreSheet.objects.filter(assignment__project__edition=evaluating)
    assert sheets.filter(status="submitted").exists() and sheets.filter(status="draft").exists()
    expert_sheets = sheets.filter(assignment__member__user__email="expert@marathon.example")
    assert expert_sheets.exists() and not expert_sheets.filter(status="submitted").exists()
    snapshot = ResultSnapshot.objects.get(commission__edition=past)
    assert len(snapshot.data["projects"]) == 4
    assert not ResultSnapshot.objects.filter(commission__edition__in=[current, evaluating]).exists()
