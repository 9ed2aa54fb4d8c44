"""Pure functions that turn submitted score sheets into results. No database access here:
callers load the rows once (one `values_list` query) and pass plain tuples in.

Definitions (also in the README):
- sheet score: 100 * sum(w_c * (v_c - min_c) / (max_c - min_c)) / sum(w_c), over the criteria
  the sheet has a value for (optional criteria left empty do not count).
- mean / median: over the sheet scores of a project.
- normalised: per expert e, z = (x - m_e) / s_e with m_e, s_e the mean and population standard
  deviation of e's sheet scores; z = 0 when e scored only one project or s_e = 0 (no information
  about e's scale). Rescaled with the commission-wide mean M and population deviation S of all
  sheet scores: M + S * z, clipped to 0..100; a project's value is the mean over its sheets.
- group-balanced: mean within each commission group, then the plain mean of the group means.
- disagreement: min, max, spread = max - min, population stdev; flagged when spread > threshold.
- agreement: ICC(1) (one-way random effects, unbalanced) over projects with >= 2 sheets.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

METHODS = ("mean", "median", "normalised", "group_balanced")


@dataclass(frozen=True)
class CriterionSpec:
    weight: float
    scale_min: int
    scale_max: int


class Rating(NamedTuple):
    """One submitted sheet reduced to its weighted score (a named tuple: 6,000 are built per
    computation, several times faster than a frozen dataclass)."""

    expert: int
    project: int
    group: str
    score: float


def sheet_score(values: dict[int, int], criteria: dict[int, CriterionSpec]) -> float | None:
    """Weighted score on 0..100 of one sheet; None when no criterion has a value."""
    total = weights = 0.0
    for criterion_id, value in values.items():
        spec = criteria.get(criterion_id)
        if spec is None:
            continue
        total += spec.weight * (value - spec.scale_min) / (spec.scale_max - spec.scale_min)
        weights += spec.weight
    return 100 * total / weights if weights else None


def _pstdev(values: list[float]) -> float:
    # Plain arithmetic: statistics.pstdev works on exact fractions and is ~20x slower, which
    # matters at 1,600 projects; the difference is far below the two decimals we show.
    n = len(values)
    if n < 2:
        return 0.0
    mean = sum(values) / n
    return math.sqrt(max(0.0, sum([(x - mean) ** 2 for x in values]) / n))


def _by_project(ratings: list[Rating]) -> dict[int, list[Rating]]:
    grouped = defaultdict(list)
    for rating in ratings:
        grouped[rating.project].append(rating)
    return grouped


def project_means(ratings: list[Rating]) -> dict[int, float]:
    return {p: statistics.fmean(r.score for r in rs) for p, rs in _by_project(ratings).items()}


def project_medians(ratings: list[Rating]) -> dict[int, float]:
    return {p: statistics.median(r.score for r in rs) for p, rs in _by_project(ratings).items()}


def expert_z_scores(ratings: list[Rating]) -> list[float]:
    """z of each rating within its expert's own scores (0 when the expert gives no spread)."""
    per_expert = defaultdict(list)
    for rating in ratings:
        per_expert[rating.expert].append(rating.score)
    stats = {e: (statistics.fmean(s), _pstdev(s)) for e, s in per_expert.items()}
    z = []
    for rating in ratings:
        mean, spread = stats[rating.expert]
        z.append((rating.score - mean) / spread if spread > 0 else 0.0)
    return z


def project_normalised(ratings: list[Rating]) -> dict[int, float]:
    if not ratings:
        return {}
    all_scores = [r.score for r in ratings]
    grand_mean, grand_sd = statistics.fmean(all_scores), _pstdev(all_scores)
    per_project = defaultdict(list)
    for rating, z in zip(ratings, expert_z_scores(ratings), strict=True):
        per_project[rating.project].append(min(100.0, max(0.0, grand_mean + grand_sd * z)))
    return {p: statistics.fmean(values) for p, values in per_project.items()}


def project_group_balanced(ratings: list[Rating], grouped: dict | None = None) -> dict[int, float]:
    result = {}
    for project, rs in (grouped or _by_project(ratings)).items():
        groups = defaultdict(list)
        for rating in rs:
            groups[rating.group].append(rating.score)
        result[project] = math.fsum(math.fsum(v) / len(v) for v in groups.values()) / len(groups)
    return result


@dataclass(frozen=True)
class Disagreement:
    minimum: float
    maximum: float
    spread: float
    stdev: float
    flagged: bool


def project_disagreement(ratings: list[Rating], threshold: float,
                         grouped: dict | None = None) -> dict[int, Disagreement]:
    result = {}
    for project, rs in (grouped or _by_project(ratings)).items():
        scores = [r.score for r in rs]
        low, high = min(scores), max(scores)
        result[project] = Disagreement(low, high, high - low, _pstdev(scores), high - low > threshold)
    return result


def icc_oneway(ratings: list[Rating]) -> dict | None:
    """ICC(1) and ICC(1,k) for an unbalanced one-way random-effects design.

    Only projects with at least two sheets carry information about agreement. Returns None when
    fewer than two such projects exist or the variance is zero (nothing to measure).
    """
    return _icc([[r.score for r in rs] for rs in _by_project(ratings).values()])


def _icc(per_project: list[list[float]]) -> dict | None:
    """`icc_oneway` from the scores grouped by project (in the ratings' order)."""
    groups = [scores for scores in per_project if len(scores) >= 2]
    a = len(groups)
    n_total = sum(len(g) for g in groups)
    if a < 2 or n_total - a < 1:
        return None
    # `statistics.fmean`'s arithmetic (`math.fsum` over the count) without its generator.
    grand = math.fsum([x for g in groups for x in g]) / n_total
    means = [math.fsum(g) / len(g) for g in groups]
    ss_between = sum(len(g) * (m - grand) ** 2 for g, m in zip(groups, means, strict=True))
    ss_within = sum((x - m) ** 2 for g, m in zip(groups, means, strict=True) for x in g)
    ms_between = ss_between / (a - 1)
    ms_within = ss_within / (n_total - a)
    k0 = (n_total - sum(len(g) ** 2 for g in groups) / n_total) / (a - 1)
    denominator = ms_between + (k0 - 1) * ms_within
    if denominator <= 0 or ms_between <= 0:
        return None
    return {
        "icc1": (ms_between - ms_within) / denominator,
        "icc1k": (ms_between - ms_within) / ms_between,
        "projects": a, "sheets": n_total, "k0": k0,
    }


def competition_ranks(scores: dict[int, float]) -> dict[int, int]:
    """1 for the best; equal scores share a rank and the next rank is skipped (1, 2, 2, 4)."""
    # Rounded once per project (to 9 places: equal scores computed along different paths tie).
    ordered = sorted((-round(score, 9), project) for project, score in scores.items())
    ranks, previous, rank = {}, None, 0
    for position, (key, project) in enumerate(ordered, start=1):
        if key != previous:
            rank, previous = position, key
        ranks[project] = rank
    return ranks


def _median(values: list[float]) -> float:
    # statistics.median's arithmetic, without its type dispatch (1,500 calls per computation).
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def aggregate(ratings: list[Rating], *, threshold: float) -> dict:
    """Every method side by side, per project, plus the commission's agreement. `ratings` may be
    plain `(expert, project, group, score)` tuples (a `Rating` is one): the live results pass
    slices of their rows, which cost a third of building 6,000 named tuples.

    One pass groups the scores by project, by expert and by project and group (in the ratings'
    order); each method then applies the same arithmetic as the per-method functions above
    (`math.fsum` for means, `sum` in the ratings' order for deviations), so the numbers are
    exactly theirs: the tests compare both on randomized data."""
    scores, experts, groups = defaultdict(list), defaultdict(list), defaultdict(lambda: defaultdict(list))
    for expert, project, group, score in ratings:
        scores[project].append(score)
        experts[expert].append(score)
        groups[project][group].append(score)
    fsum = math.fsum
    methods = {
        "mean": {p: fsum(s) / len(s) for p, s in scores.items()},
        "median": {p: _median(s) for p, s in scores.items()},
        "normalised": _normalised(ratings, experts),
        "group_balanced": {p: fsum(fsum(v) / len(v) for v in g.values()) / len(g) for p, g in groups.items()},
    }
    mean, median, normalised, balanced = (methods[name] for name in METHODS)
    mean_rank, median_rank, normalised_rank, balanced_rank = (competition_ranks(methods[name]) for name in METHODS)
    rounded = Rounded()  # sheet scores repeat (min, max, medians): round each value once
    projects = {}
    # Per project, the four methods written out (no comprehension over METHODS): 1,500 projects.
    for project, values in scores.items():
        ranks = (mean_rank[project], median_rank[project], normalised_rank[project], balanced_rank[project])
        low, high = min(values), max(values)
        projects[project] = {
            "sheets": len(values),
            "scores": {"mean": rounded[mean[project]], "median": rounded[median[project]],
                       "normalised": rounded[normalised[project]], "group_balanced": rounded[balanced[project]]},
            "ranks": {"mean": ranks[0], "median": ranks[1], "normalised": ranks[2], "group_balanced": ranks[3]},
            "rank_moves": max(ranks) - min(ranks),
            "min": rounded[low], "max": rounded[high], "spread": rounded[high - low],
            "stdev": rounded[_pstdev(values)], "disagreement_flag": high - low > threshold,
        }
    return {"projects": projects, "agreement": _icc(list(scores.values()))}


def _normalised(ratings: list[Rating], experts: dict[int, list[float]]) -> dict[int, float]:
    """`project_normalised` with the expert grouping already done."""
    if not ratings:
        return {}
    all_scores = [score for _expert, _project, _group, score in ratings]
    grand_mean, grand_sd = math.fsum(all_scores) / len(all_scores), _pstdev(all_scores)
    stats = {e: (math.fsum(s) / len(s), _pstdev(s)) for e, s in experts.items()}
    per_project = defaultdict(list)
    for expert, project, _group, score in ratings:
        mean, spread = stats[expert]
        z = (score - mean) / spread if spread > 0 else 0.0
        value = grand_mean + grand_sd * z
        # `min(100.0, max(0.0, value))` without the two calls (6,000 ratings): the same value.
        per_project[project].append((value if value < 100.0 else 100.0) if value > 0.0 else 0.0)
    return {p: math.fsum(values) / len(values) for p, values in per_project.items()}


class Rounded(dict):
    """`_round` memoised (`rounded[x]`): `round(x, 2)` converts through decimal digits (a few
    microseconds), and the values rounded for a document repeat (sheet scores, criterion means)."""

    def __missing__(self, value):
        self[value] = result = _round(value)
        return result


def _round(value: float) -> float:
    return round(value, 2) if value is not None and math.isfinite(value) else value
