"""Concurrent requests against PostgreSQL with real threads."""


import pytest

from evaluation import services
from evaluation.models import Assignment, ExpertGroup
from tests.concurrency import errors_of, race
from tests.factories import approved_project_with_team

from .conftest import seat

pytestmark = pytest.mark.django_db(transaction=True)


def race_errors(*targets):
    return errors_of(race(*targets))


def test_two_auto_assignments_at_once_assign_each_pair_once(commission, chair, edition):
    for group in (ExpertGroup.CUSTOMER, ExpertGroup.INVESTOR, ExpertGroup.EXTERNAL):
        seat(commission, group=group)
    for _ in range(6):
        approved_project_with_team(edition=edition)
    errors = race_errors(*[lambda: services.auto_assign(commission=commission, per_project=2, actor=chair)] * 2)
    assert errors == []
    assert Assignment.objects.count() == 12


def test_conflict_declared_while_assigning_never_leaves_both(commission, chair, expert_member, project):
    for _ in range(5):
        Assignment.objects.all().delete()
        expert_member.conflicts.all().delete()
        race_errors(
            lambda: services.declare_conflict(member=expert_member, project=project, reason="Ties",
                                              actor=expert_member.user),
            lambda: services.assign_expert(member=expert_member, project=project, actor=chair))
        has_conflict = expert_member.conflicts.exists()
        assigned = Assignment.objects.filter(member=expert_member, project=project).first()
        assert has_conflict
        if assigned is not None:
            # The assignment won the lock: it was made before the conflict existed.
            assert assigned.created_at <= expert_member.conflicts.get().created_at


# --- issue 18: the stored sheet scores and the results version under concurrency ---------------
def _scored_draft(expert, project, chair, criteria, values):
    from .helpers import full_scores

    sheet = services.assign_expert(member=expert, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert.user, scores=full_scores(criteria, values))
    return sheet


def test_two_experts_submit_sheets_of_one_project_at_once(commission, chair, criteria, project):
    """Both submissions count, each sheet keeps its own stored score, and the cached results
    equal a fresh computation (the version was bumped by both, serialised on its row)."""
    from evaluation import selectors
    from evaluation.models import ResultsVersion, ScoreSheet

    from . import reference

    experts = [seat(commission, group=ExpertGroup.CUSTOMER), seat(commission, group=ExpertGroup.INVESTOR)]
    sheets = [_scored_draft(experts[0], project, chair, criteria, [5, 4, 3]),
              _scored_draft(experts[1], project, chair, criteria, [2, 1])]
    selectors.live_results(commission)  # cached before: both submissions must replace it
    for _ in range(3):
        assert race_errors(*[lambda e=e, s=s: services.submit_score_sheet(sheet=s, actor=e.user)
                             for e, s in zip(experts, sheets, strict=True)]) == []
        assert ScoreSheet.objects.filter(status="submitted").count() == 2
        assert reference.without_time(selectors.live_results(commission)) == (
            reference.without_time(reference.compute_results(commission)))
        row = selectors.live_results(commission)["projects"][0]
        assert (row["sheets"], row["scores"]["mean"]) == (2, 51.88)  # (85 + 18.75) / 2
        ScoreSheet.objects.update(status="draft", submitted_at=None)  # around the services: again
    assert ResultsVersion.objects.get(commission=commission).version >= 6


def test_weight_change_while_an_expert_saves_leaves_right_scores(commission, chair, criteria, project):
    """A submitted sheet re-saved while the chair changes a weight: whichever commits first, the
    stored score is the new values under the new weight."""
    from evaluation import aggregation, selectors
    from evaluation.models import Score, ScoreSheet

    from . import reference
    from .helpers import full_scores

    expert = seat(commission, group=ExpertGroup.CUSTOMER)
    sheet = _scored_draft(expert, project, chair, criteria, [3, 3, 3])
    services.submit_score_sheet(sheet=sheet, actor=expert.user)
    for round_ in range(4):
        weight, values = 2 + round_, [1 + round_, 5 - round_, 2]
        assert race_errors(
            lambda v=values: services.save_score_sheet(sheet=sheet, actor=expert.user,
                                                       scores=full_scores(criteria, v), feedback=str(v)),
            lambda w=weight: services.save_criterion(commission=commission, actor=chair, criterion=criteria[0],
                                                     values={"weight": w})) == []
        specs = {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max)
                 for c in selectors.criteria_of(commission.edition)}
        stored = dict(Score.objects.filter(sheet=sheet).order_by("criterion_id").values_list("criterion_id", "value"))
        assert ScoreSheet.objects.get(pk=sheet.pk).weighted_score == aggregation.sheet_score(stored, specs)
        assert reference.without_time(selectors.live_results(commission)) == (
            reference.without_time(reference.compute_results(commission)))
