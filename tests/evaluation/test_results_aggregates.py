"""Issue 18: the live results read each counted sheet's stored weighted score and are cached under
the commission's results version. They must give exactly the numbers of the previous computation
(`reference.compute_results`, from every score) on randomized data, and stay right after every
step that changes an input (save, submit, conflicts, removal, weights, seats, the admin)."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import (
    Assignment,
    CommissionMember,
    ConflictOfInterest,
    ConflictSource,
    Criterion,
    ExpertGroup,
    Score,
    ScoreSheet,
    SheetStatus,
)
from marathon.models import User
from projects.models import Project, ProjectStatus, Team
from tests.factories import ScientificAreaFactory, UserFactory, approved_project_with_team

from . import reference
from .conftest import seat
from .helpers import close_evaluation

pytestmark = pytest.mark.django_db

GROUPS = list(ExpertGroup)


def random_commission(commission, edition, rng: random.Random, projects: int = 40, experts: int = 12):
    """Criteria with fractional weights and scales whose ranges are not powers of two (so the
    float sums are inexact and their order matters), optional criteria left empty, harsh and
    lenient experts, drafts, conflicted sheets, ties, a project withdrawn after scoring."""
    scales = [(1, 5), (0, 10), (1, 7), (1, 3), (2, 9)]
    criteria = Criterion.objects.bulk_create([
        Criterion(edition=edition, name=f"C{i}", weight=rng.choice([0.5, 1, 1.25, 2, 3.33, 7]),
                  scale_min=low, scale_max=high, required=i < 3, position=i)
        for i, (low, high) in enumerate(scales)])
    area, proposer = ScientificAreaFactory(), UserFactory(status=User.Status.PROFESSOR)
    rows = Project.objects.bulk_create([
        Project(edition=edition, area=area, title=f"P{i:03d}", summary="s", proposer=proposer, team_size_min=2,
                team_size_max=5, status=ProjectStatus.APPROVED) for i in range(projects)])
    Team.objects.bulk_create([Team(project=p, edition=edition, name=f"T{p.title}", capacity=5) for p in rows])
    users = User.objects.bulk_create([UserFactory.build(email=f"r{i}@example.org", university=None, country="")
                                      for i in range(experts)])
    members = CommissionMember.objects.bulk_create([
        CommissionMember(commission=commission, user=u, group=rng.choice(GROUPS)) for u in users])
    bias = {m.pk: rng.uniform(-2, 2) for m in members}
    assignments = Assignment.objects.bulk_create([
        Assignment(member=m, project=p) for p in rows for m in rng.sample(members, rng.randint(1, min(5, experts)))])
    now = timezone.now()
    sheets = ScoreSheet.objects.bulk_create([
        ScoreSheet(assignment=a, status=SheetStatus.SUBMITTED if rng.random() < 0.85 else SheetStatus.DRAFT,
                   submitted_at=now, feedback=rng.choice(["", "Good", "Weak", "=SUM(A1)"])) for a in assignments])
    scores = []
    for sheet, assignment in zip(sheets, assignments, strict=True):
        for criterion in criteria:
            if not criterion.required and rng.random() < 0.4:
                continue
            value = round((criterion.scale_min + criterion.scale_max) / 2 + bias[assignment.member_id]
                          + rng.gauss(0, 1.5))
            scores.append(Score(sheet=sheet, criterion=criterion, value=max(criterion.scale_min,
                                                                            min(criterion.scale_max, value)),
                                scale_min=criterion.scale_min, scale_max=criterion.scale_max))
    Score.objects.bulk_create(scores)
    ConflictOfInterest.objects.bulk_create([
        ConflictOfInterest(member=a.member, project=a.project, source=ConflictSource.DECLARED, reason="Tie")
        for a in rng.sample(assignments, 4)])
    Project.objects.filter(pk=rows[0].pk).update(status=ProjectStatus.DRAFT)
    return criteria


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_stored_scores_give_exactly_the_previous_numbers(commission, edition, seed):
    random_commission(commission, edition, random.Random(seed))
    expected = reference.without_time(reference.compute_results(commission))
    assert len(expected["projects"]) > 30
    # Rows written in bulk carry no stored score: scored from their values at read time.
    assert reference.without_time(selectors.compute_results(commission)) == expected
    services.rebuild_results_aggregates(commission=commission)
    assert ScoreSheet.objects.filter(weighted_score__isnull=True, scores__isnull=False).count() == 0
    assert reference.without_time(selectors.compute_results(commission)) == expected
    assert reference.without_time(selectors.live_results(commission)) == expected
    assert reference.without_time(selectors.live_results(commission, details=False)) == (
        reference.numbers_only(expected))


@pytest.mark.parametrize("seed", [1, 2])
def test_criterion_means_in_criterion_id_order(commission, edition, seed):
    """The API's bytes follow the document's key order, which `==` above ignores: each project's
    criterion means come in criterion id order (summed in SQL without a sort, sorted after). On
    these small tables PostgreSQL would group by sorting; without sorts, it hashes, as it does at
    1,500 projects, and returns the groups in no order."""
    random_commission(commission, edition, random.Random(seed))
    services.rebuild_results_aggregates(commission=commission)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # until the test's transaction ends
    projects = selectors.compute_results(commission)["projects"]
    assert sum(len(row["criteria"]) > 1 for row in projects) > 30
    assert [list(row["criteria"]) for row in projects] == (
        [sorted(row["criteria"], key=int) for row in projects])


@pytest.mark.parametrize("seed", [6, 7])
def test_ties_and_single_sheets_rank_alike(commission, edition, seed):
    """Identical sheets give identical scores: shared ranks must come out the same."""
    rng = random.Random(seed)
    random_commission(commission, edition, rng, projects=12, experts=4)
    Score.objects.update(value=3) if rng.random() < 0.5 else Score.objects.filter(value__gt=4).update(value=4)
    services.rebuild_results_aggregates(commission=commission)
    assert reference.without_time(selectors.compute_results(commission)) == (
        reference.without_time(reference.compute_results(commission)))


# --- every step that changes an input keeps the stored scores and the cache right -------------
def assert_live_results_right(commission):
    """The cached live results (both variants) equal a fresh computation of the old kind."""
    expected = reference.without_time(reference.compute_results(commission))
    assert reference.without_time(selectors.live_results(commission)) == expected
    assert reference.without_time(selectors.live_results(commission, details=False)) == (
        reference.numbers_only(expected))
    for sheet_id, stored in ScoreSheet.objects.values_list("pk", "weighted_score"):
        values = dict(Score.objects.filter(sheet_id=sheet_id).order_by("criterion_id")
                      .values_list("criterion_id", "value"))
        specs = {c.pk: selectors.aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max)
                 for c in selectors.criteria_of(commission.edition)}
        assert stored == selectors.aggregation.sheet_score(values, specs), sheet_id


def values_for(criteria, rng):
    return [{"criterion": c.pk, "value": rng.randint(c.scale_min, c.scale_max), "comment": ""}
            for c in criteria if c.required or rng.random() < 0.5]


@pytest.fixture
def running(commission, chair, edition):
    """Three experts of different groups on four projects, fractional weights, nothing scored."""
    criteria = [Criterion.objects.create(edition=edition, name=f"K{i}", weight=w, scale_min=lo, scale_max=hi,
                                         required=i < 2, position=i)
                for i, (w, lo, hi) in enumerate([(1.25, 1, 5), (3.33, 0, 10), (0.5, 1, 7)])]
    experts = [seat(commission, group=g) for g in (ExpertGroup.CUSTOMER, ExpertGroup.INVESTOR,
                                                   ExpertGroup.HOST_PROFESSOR)]
    projects = [approved_project_with_team(edition=edition, title=f"Project {i}") for i in range(4)]
    sheets = {(e.pk, p.pk): services.assign_expert(member=e, project=p, actor=chair).sheet
              for e in experts for p in projects}
    return {"criteria": criteria, "experts": experts, "projects": projects, "sheets": sheets, "chair": chair}


def test_results_follow_save_submit_and_resave(commission, running):
    rng = random.Random(11)
    assert_live_results_right(commission)
    for (expert_id, _project_id), sheet in running["sheets"].items():
        user = CommissionMember.objects.get(pk=expert_id).user
        services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], rng),
                                  feedback=f"F{sheet.pk}")
        assert_live_results_right(commission)  # a draft changes nothing the chair sees
        services.submit_score_sheet(sheet=sheet, actor=user)
        assert_live_results_right(commission)
    # A submitted sheet changed until the deadline; an optional criterion cleared.
    for (expert_id, _project_id), sheet in list(running["sheets"].items())[::3]:
        user = CommissionMember.objects.get(pk=expert_id).user
        services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"][:2], rng))
        assert_live_results_right(commission)


def test_results_follow_conflicts_removals_weights_and_groups(commission, running, office):
    rng = random.Random(12)
    chair = running["chair"]
    for (expert_id, _project_id), sheet in running["sheets"].items():
        user = CommissionMember.objects.get(pk=expert_id).user
        services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], rng))
        services.submit_score_sheet(sheet=sheet, actor=user)
    assert_live_results_right(commission)
    expert, project = running["experts"][0], running["projects"][1]
    services.declare_conflict(member=expert, project=project, reason="Advised the team", actor=expert.user)
    assert_live_results_right(commission)
    services.remove_assignment(assignment=Assignment.objects.get(member=expert, project=project), actor=chair)
    assert_live_results_right(commission)
    services.save_criterion(commission=commission, actor=chair, criterion=running["criteria"][1],
                            values={"weight": 0.75})
    assert_live_results_right(commission)
    services.save_criterion(commission=commission, actor=chair,
                            values={"name": "New", "weight": 2, "scale_min": 1, "scale_max": 4, "required": False})
    assert_live_results_right(commission)
    other = running["experts"][1]
    services.add_commission_member(commission=commission, user=other.user, group=ExpertGroup.EXTERNAL, actor=office)
    assert_live_results_right(commission)
    services.set_ranking_method(commission=commission, method="normalised", actor=chair)
    assert_live_results_right(commission)


def test_results_follow_the_admin(commission, running, rf, admin_user):
    """The office's admin edits criteria and conflicts around the services: its hooks recompute."""
    from django.contrib import admin

    rng = random.Random(13)
    for (expert_id, _project_id), sheet in running["sheets"].items():
        user = CommissionMember.objects.get(pk=expert_id).user
        services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], rng))
        services.submit_score_sheet(sheet=sheet, actor=user)
    assert_live_results_right(commission)
    request = rf.post("/admin/")
    request.user = admin_user
    criteria_admin = admin.site._registry[Criterion]
    criterion = Criterion.objects.get(pk=running["criteria"][0].pk)
    criterion.weight = 9
    criteria_admin.save_model(request, criterion, form=None, change=True)
    assert_live_results_right(commission)
    conflicts_admin = admin.site._registry[ConflictOfInterest]
    expert, project = running["experts"][2], running["projects"][3]
    conflict = ConflictOfInterest(member=expert, project=project, source=ConflictSource.DETECTED, reason="Office")
    conflicts_admin.save_model(request, conflict, form=None, change=False)
    assert_live_results_right(commission)
    conflicts_admin.delete_model(request, conflict)
    assert_live_results_right(commission)
    conflicts_admin.save_model(request, ConflictOfInterest(member=expert, project=project, reason="Again",
                                                           source=ConflictSource.DETECTED), form=None, change=False)
    conflicts_admin.delete_queryset(request, ConflictOfInterest.objects.all())
    assert_live_results_right(commission)


def test_cache_hit_is_one_query_and_a_draft_save_keeps_it(commission, running, django_assert_num_queries):
    rng = random.Random(14)
    (expert_id, _p), sheet = next(iter(running["sheets"].items()))
    user = CommissionMember.objects.get(pk=expert_id).user
    services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], rng))
    services.submit_score_sheet(sheet=sheet, actor=user)
    cache.clear()
    selectors.live_results(commission)
    key = selectors.results_cache_key(commission)
    with django_assert_num_queries(1):
        selectors.live_results(commission)
    (draft_expert, _p), draft = list(running["sheets"].items())[1]
    services.save_score_sheet(sheet=draft, actor=CommissionMember.objects.get(pk=draft_expert).user,
                              scores=values_for(running["criteria"], rng))
    assert selectors.results_cache_key(commission) == key  # drafts never count
    services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], rng),
                              feedback="changed")
    assert selectors.results_cache_key(commission) != key


def test_deadline_passed_refuses_and_changes_nothing(commission, running):
    from marathon.exceptions import RuleViolation

    (expert_id, _p), sheet = next(iter(running["sheets"].items()))
    user = CommissionMember.objects.get(pk=expert_id).user
    key = selectors.results_cache_key(commission)
    close_evaluation(commission.edition)
    with pytest.raises(RuleViolation):
        services.save_score_sheet(sheet=sheet, actor=user, scores=values_for(running["criteria"], random.Random(1)))
    assert selectors.results_cache_key(commission) == key
    assert ScoreSheet.objects.get(pk=sheet.pk).weighted_score is None


def test_rebuild_command_scores_bulk_rows_and_handles_an_empty_commission(commission, edition, capsys):
    from django.core.management import call_command

    assert services.rebuild_results_aggregates(commission=commission) == 0  # nothing to score
    random_commission(commission, edition, random.Random(21), projects=6, experts=4)
    assert ScoreSheet.objects.filter(weighted_score__isnull=False).count() == 0
    call_command("rebuild_evaluation_aggregates", year=edition.year)
    assert ScoreSheet.objects.filter(weighted_score__isnull=True, scores__isnull=False).count() == 0
    assert f"{edition.year}: " in capsys.readouterr().out
    assert reference.without_time(selectors.compute_results(commission)) == (
        reference.without_time(reference.compute_results(commission)))
