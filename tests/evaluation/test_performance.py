"""Saving a score sheet costs the same number of queries whatever the number of criteria."""

import pytest

from evaluation import services

from .factories import CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [1, 5])
def test_save_score_sheet_query_count(chair, expert_member, project, edition, rows, django_assert_num_queries):
    criteria = [CriterionFactory(edition=edition, name=f"C{i}") for i in range(rows)]
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    user = expert_member.user
    services.save_score_sheet(sheet=sheet, actor=user, scores=[{"criterion": c.pk, "value": 2} for c in criteria])
    # Savepoint pair; lock sheet and seat with the conflict facts (one query); criteria with the
    # sheet's current scores (one query); the writes in one statement: the upsert, the sheet row
    # (with its weighted score) and the revision (its number computed in the INSERT). A draft
    # does not change the results: no bump.
    with django_assert_num_queries(5):
        services.save_score_sheet(sheet=sheet, actor=user, scores=[{"criterion": c.pk, "value": 4} for c in criteria],
                                  feedback="Better")


@pytest.mark.parametrize("rows", [1, 5])
def test_unchanged_autosave_writes_nothing(chair, expert_member, project, edition, rows, django_assert_num_queries):
    criteria = [CriterionFactory(edition=edition, name=f"C{i}") for i in range(rows)]
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    scores = [{"criterion": c.pk, "value": 3} for c in criteria]
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=scores)
    with django_assert_num_queries(4):  # savepoint pair, the lock, the criteria with the scores
        services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=scores)
    assert sheet.revisions.count() == 1


# --- the chair's live results are cached under a fingerprint of their inputs ---------------------
@pytest.fixture
def clear_cache():
    from django.core.cache import cache

    cache.clear()


def mean_of(results, title):
    return next(row["scores"]["mean"] for row in results["projects"] if row["title"] == title)


def test_live_results_cached_until_inputs_change(clear_cache, commission, scored, criteria,
                                                 django_assert_num_queries):
    from evaluation import selectors

    first = selectors.live_results(commission)
    with django_assert_num_queries(1):  # the results version only
        assert selectors.live_results(commission) == first
    expert = scored["experts"][0]
    services.save_score_sheet(sheet=scored["sheets"][(0, "Beta")], actor=expert.user,
                              scores=[{"criterion": criteria[0].pk, "value": 5}, {"criterion": criteria[1].pk,
                                                                                  "value": 5}])
    assert mean_of(selectors.live_results(commission), "Beta") == 50.0


def test_live_results_follow_conflicts_and_criteria(clear_cache, commission, chair, scored, criteria):
    from evaluation import selectors

    assert mean_of(selectors.live_results(commission), "Alpha") == 75.0
    expert = scored["experts"][1]
    services.declare_conflict(member=expert, project=scored["a"], reason="Late finding", actor=expert.user)
    assert mean_of(selectors.live_results(commission), "Alpha") == 100.0
    services.save_criterion(commission=commission, actor=chair, values={"weight": 3},
                            criterion=criteria[1])
    assert selectors.live_results(commission) == {**selectors.compute_results(commission),
                                                  "computed_at": selectors.live_results(commission)["computed_at"]}


def test_live_results_follow_ranking_method(clear_cache, commission, scored):
    from evaluation import selectors

    assert selectors.live_results(commission)["ranking_method"] == "mean"
    commission.ranking_method = "median"
    commission.save()
    assert selectors.live_results(commission)["ranking_method"] == "median"
