"""Aggregation methods against hand-computed numbers (pure functions, no database)."""

import math

import pytest

from evaluation.aggregation import (
    CriterionSpec,
    Rating,
    aggregate,
    competition_ranks,
    expert_z_scores,
    icc_oneway,
    project_disagreement,
    project_group_balanced,
    project_means,
    project_medians,
    project_normalised,
    sheet_score,
)

CRITERIA = {1: CriterionSpec(3, 1, 5), 2: CriterionSpec(1, 1, 5), 3: CriterionSpec(1, 0, 10)}


def r(expert, project, score, group="host"):
    return Rating(expert, project, group, score)


def test_sheet_score_weighted_on_0_100():
    # (3 * 1.0 + 1 * 0.5 + 1 * 0.5) / 5 = 0.8
    assert sheet_score({1: 5, 2: 3, 3: 5}, CRITERIA) == pytest.approx(80.0)


def test_sheet_score_skips_criteria_without_value():
    # (3 * 1.0 + 1 * 0.5) / 4 = 0.875
    assert sheet_score({1: 5, 2: 3}, CRITERIA) == pytest.approx(87.5)


def test_sheet_score_lowest_values_give_zero_and_empty_gives_none():
    assert sheet_score({1: 1, 2: 1, 3: 0}, CRITERIA) == 0.0
    assert sheet_score({}, CRITERIA) is None


def test_mean_and_median_per_project():
    ratings = [r(1, 10, 60), r(2, 10, 70), r(3, 10, 90), r(1, 11, 40), r(2, 11, 50)]
    assert project_means(ratings) == {10: pytest.approx(73.333333), 11: 45.0}
    assert project_medians(ratings) == {10: 70, 11: 45.0}


# A harsh juror (true quality - 20) and a lenient one (true + 20) on overlapping projects;
# true order P1 > P2 > P3 > P4.
HARSH_LENIENT = [r("H", 1, 60), r("H", 2, 50), r("H", 3, 40),
                 r("L", 2, 90), r("L", 3, 80), r("L", 4, 70)]


def test_harsh_and_lenient_jurors_mislead_the_mean():
    assert project_means(HARSH_LENIENT) == {1: 60, 2: 70, 3: 60, 4: 70}


def test_normalisation_recovers_the_true_order():
    # Each juror: mean 50 / 80, population sd sqrt(200/3); z = +-sqrt(1.5) and 0.
    # Commission: M = 65, S = sqrt(1750/6); S * sqrt(1.5) = sqrt(437.5) = 20.9165.
    step = math.sqrt(437.5)
    normalised = project_normalised(HARSH_LENIENT)
    assert normalised == {1: pytest.approx(65 + step), 2: pytest.approx(65 + step / 2),
                          3: pytest.approx(65 - step / 2), 4: pytest.approx(65 - step)}
    assert competition_ranks(normalised) == {1: 1, 2: 2, 3: 3, 4: 4}


def test_z_score_is_zero_for_single_project_or_zero_spread_experts():
    ratings = [r("one", 1, 100), r("flat", 1, 50), r("flat", 2, 50), r("x", 1, 20), r("x", 2, 80)]
    assert expert_z_scores(ratings) == [0.0, 0.0, 0.0, -1.0, 1.0]


def test_normalised_single_expert_contributes_the_commission_mean():
    ratings = [r("one", 1, 100), r("x", 1, 20), r("x", 2, 80)]
    mean, sd = 200 / 3, math.sqrt(((100 - 200 / 3) ** 2 + (20 - 200 / 3) ** 2 + (80 - 200 / 3) ** 2) / 3)
    assert project_normalised(ratings) == {1: pytest.approx((mean + (mean - sd)) / 2),
                                           2: 100.0}  # mean + sd = 100.66, clipped


def test_normalised_is_clipped_to_0_100():
    ratings = [r("a", 1, 0), r("a", 2, 0), r("a", 3, 100), r("b", 3, 100), r("b", 1, 100), r("b", 2, 100)]
    assert all(0 <= v <= 100 for v in project_normalised(ratings).values())


def test_group_balanced_weights_groups_equally():
    ratings = [r(1, 5, 80, "host"), r(2, 5, 60, "host"), r(3, 5, 40, "customer")]
    # host mean 70, customer 40 -> 55 (the plain mean would be 60)
    assert project_group_balanced(ratings) == {5: 55.0}
    assert project_means(ratings) == {5: 60.0}


def test_disagreement_spread_stdev_and_flag():
    ratings = [r(1, 1, 40), r(2, 1, 80), r(1, 2, 50), r(2, 2, 60), r(1, 3, 50), r(2, 3, 75)]
    result = project_disagreement(ratings, threshold=25)
    assert (result[1].minimum, result[1].maximum, result[1].spread, result[1].stdev, result[1].flagged) == \
        (40, 80, 40, 20.0, True)
    assert (result[2].spread, result[2].stdev, result[2].flagged) == (10, 5.0, False)
    assert result[3].flagged is False  # exactly the threshold is not above it


def test_icc_balanced_design():
    ratings = [r(1, 1, 1), r(2, 1, 2), r(1, 2, 5), r(2, 2, 6), r(1, 3, 9), r(2, 3, 10)]
    # MSB = 64 / 2 = 32, MSW = 1.5 / 3 = 0.5, k0 = 2
    result = icc_oneway(ratings)
    assert result["icc1"] == pytest.approx(31.5 / 32.5)
    assert result["icc1k"] == pytest.approx(31.5 / 32)
    assert (result["projects"], result["sheets"], result["k0"]) == (3, 6, 2)


def test_icc_unbalanced_design_ignores_single_sheet_projects():
    ratings = [r(1, 1, 10), r(2, 1, 20), r(3, 1, 30), r(1, 2, 40), r(2, 2, 50), r(3, 3, 99)]
    # MSB = 750, MSW = 250 / 3, k0 = 5 - 13 / 5 = 2.4
    result = icc_oneway(ratings)
    assert result["icc1"] == pytest.approx(10 / 13)
    assert result["icc1k"] == pytest.approx((750 - 250 / 3) / 750)
    assert result["k0"] == pytest.approx(2.4)


def test_icc_undefined_without_two_rated_projects():
    assert icc_oneway([r(1, 1, 10), r(2, 1, 20), r(1, 2, 30)]) is None
    assert icc_oneway([]) is None


def test_competition_ranks_share_ties():
    assert competition_ranks({1: 90, 2: 80, 3: 80, 4: 70}) == {1: 1, 2: 2, 3: 2, 4: 4}


def test_aggregate_flags_rank_moves_between_methods():
    result = aggregate(HARSH_LENIENT, threshold=25)["projects"]
    assert result[1]["ranks"] == {"mean": 3, "median": 3, "normalised": 1, "group_balanced": 3}
    assert result[1]["rank_moves"] == 2
    assert result[2]["ranks"]["mean"] == 1 and result[2]["ranks"]["normalised"] == 2
    assert result[2]["spread"] == 40.0 and result[2]["disagreement_flag"] is True
    assert result[1]["sheets"] == 1


def test_aggregate_of_nothing():
    assert aggregate([], threshold=25) == {"projects": {}, "agreement": None}


def test_aggregate_scales_to_8000_sheets():
    import random
    import time

    rng = random.Random(1)
    ratings = [r(e, p, rng.uniform(0, 100), f"g{e % 5}") for p in range(1600)
               for e in rng.sample(range(300), 5)]
    started = time.perf_counter()
    result = aggregate(ratings, threshold=25)
    assert len(result["projects"]) == 1600 and result["agreement"]["sheets"] == 8000
    assert time.perf_counter() - started < 2.0


def test_aggregate_of_plain_tuples_equals_that_of_ratings():
    """The live results pass `(expert, project, group, score)` slices of their rows."""
    ratings = [Rating(e, p, "host" if e % 2 else "industry", (e * 37 + p * 11) % 100 + 0.25)
               for e in range(1, 9) for p in range(1, 13) if (e + p) % 3]
    assert aggregate([tuple(r) for r in ratings], threshold=25) == aggregate(ratings, threshold=25)
