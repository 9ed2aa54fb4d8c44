"""The live results as computed before issue 18, kept as the oracle of the equivalence tests:
every submitted, conflict-free sheet's values read from the scores and weighted in Python, per
request. Verbatim from `selectors.compute_results` of that time, except that the rows are read
in id order (sheets) and criterion id order (scores): unordered, the float sums' last bits
depended on the heap order, which no two runs share."""

from collections import defaultdict

from evaluation import aggregation, selectors
from evaluation.models import Score, ScoreSheet, SheetStatus


def compute_results(commission) -> dict:
    criteria = list(selectors.criteria_of(commission.edition))
    specs = {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max) for c in criteria}
    counted = (ScoreSheet.objects.filter(assignment__member__commission=commission, status=SheetStatus.SUBMITTED)
               .exclude(selectors.conflicted_q("assignment__")).order_by("pk")
               .values_list("pk", "assignment__member_id", "assignment__project_id", "assignment__member__group",
                            "feedback"))
    sheets, feedback = {}, defaultdict(list)
    for sheet_id, member_id, project_id, group, text in counted:
        sheets[sheet_id] = (member_id, project_id, group, {})
        if text:
            feedback[project_id].append(text)
    scores = (Score.objects.filter(sheet__assignment__member__commission=commission,
                                   sheet__status=SheetStatus.SUBMITTED).order_by("sheet_id", "criterion_id")
              .values_list("sheet_id", "criterion_id", "value"))
    criterion_values = defaultdict(lambda: defaultdict(list))
    for sheet_id, criterion_id, value in scores:
        sheet = sheets.get(sheet_id)
        if sheet is not None:
            sheet[3][criterion_id] = value
            criterion_values[sheet[1]][criterion_id].append(value)
    ratings = []
    for member_id, project_id, group, values in sheets.values():
        score = aggregation.sheet_score(values, specs)
        if score is not None:
            ratings.append(aggregation.Rating(member_id, project_id, group, score))
    result = aggregation.aggregate(ratings, threshold=commission.disagreement_threshold)
    means = {p: {str(c): round(sum(v) / len(v), 2) for c, v in per.items()} for p, per in criterion_values.items()}
    return selectors._results_document(commission, criteria, result, means, feedback)


def without_time(results: dict) -> dict:
    return {key: value for key, value in results.items() if key != "computed_at"}


def numbers_only(results: dict) -> dict:
    """What the chair's dashboard table reads (no per-criterion means, no feedback)."""
    return {**without_time(results), "projects": [
        {k: v for k, v in row.items() if k not in ("criteria", "feedback")} for row in results["projects"]]}
