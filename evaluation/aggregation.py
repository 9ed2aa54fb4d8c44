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

METHODS = ("mean", "median", "normalised", "group_balanced")


@dataclass(frozen=True)
class CriterionSpec:
    weight: float
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class Rating:
    """One submitted sheet reduced to its weighted score."""

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
    return math.sqrt(max(0.0, sum((x - mean) ** 2 for x in values) / n))


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
    groups = [[r.score for r in rs] for rs in _by_project(ratings).values() if len(rs) >= 2]
    a = len(groups)
    n_total = sum(len(g) for g in groups)
    if a < 2 or n_total - a < 1:
        return None
    grand = statistics.fmean(x for g in groups for x in g)
    means = [statistics.fmean(g) for g in groups]
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
    ordered = sorted(scores.items(), key=lambda item: (-round(item[1], 9), item[0]))
    ranks, previous, rank = {}, None, 0
    for position, (project, score) in enumerate(ordered, start=1):
        key = round(score, 9)
        if key != previous:
            rank, previous = position, key
        ranks[project] = rank
    return ranks


def aggregate(ratings: list[Rating], *, threshold: float) -> dict:
    """Every method side by side, per project, plus the commission's agreement."""
    grouped = _by_project(ratings)
    methods = {
        "mean": {p: math.fsum(r.score for r in rs) / len(rs) for p, rs in grouped.items()},
        "median": {p: statistics.median([r.score for r in rs]) for p, rs in grouped.items()},
        "normalised": project_normalised(ratings),
        "group_balanced": project_group_balanced(ratings, grouped),
    }
    ranks = {name: competition_ranks(values) for name, values in methods.items()}
    disagreement = project_disagreement(ratings, threshold, grouped)
    counts = {p: len(rs) for p, rs in grouped.items()}
    projects = {}
    for project in methods["mean"]:
        project_ranks = {name: ranks[name][project] for name in METHODS}
        d = disagreement[project]
        projects[project] = {
            "sheets": counts[project],
            "scores": {name: _round(methods[name][project]) for name in METHODS},
            "ranks": project_ranks,
            "rank_moves": max(project_ranks.values()) - min(project_ranks.values()),
            "min": _round(d.minimum), "max": _round(d.maximum), "spread": _round(d.spread),
            "stdev": _round(d.stdev), "disagreement_flag": d.flagged,
        }
    return {"projects": projects, "agreement": icc_oneway(ratings)}


def _round(value: float) -> float:
    return round(value, 2) if value is not None and math.isfinite(value) else value
