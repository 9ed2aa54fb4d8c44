"""The materialised inputs of the live results (issue 18): each sheet's weighted score, kept in
the transaction that changes it, and the commission's results version, bumped by every step that
changes a number the chair sees. See "Live results" in evaluation/README.md."""

from collections import defaultdict

from django.db import connection, transaction

from .. import aggregation
from ..models import Commission, Criterion, ResultsVersion, Score, ScoreSheet


def specs_of(criteria) -> dict[int, aggregation.CriterionSpec]:
    return {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max) for c in criteria}


def weighted_score(values: dict[int, int], specs: dict[int, aggregation.CriterionSpec]) -> float | None:
    """The stored score of a sheet: values summed in criterion id order, as every reader sums them."""
    return aggregation.sheet_score({pk: values[pk] for pk in sorted(values)}, specs)


def results_changed(commission_id: int) -> None:
    """Bump the commission's results version. Call it as the LAST statement of the transaction
    that changed an input: the row lock is then held only until the commit, and a reader that
    cached results computed before the commit stored them under the old version."""
    table = ResultsVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (commission_id, version) VALUES (%s, 1) "  # noqa: S608 - our table name
            f"ON CONFLICT (commission_id) DO UPDATE SET version = {table}.version + 1", [commission_id])


def refresh_sheet_scores(*, commission: Commission) -> int:
    """Recompute the stored score of every sheet of the commission (after a weight change, or for
    rows inserted in bulk without it); returns how many sheets have a score.

    The sheets are locked first (id order, the sheet rows only): a save in flight finishes
    before, and the scores read after the lock include it; a save that starts later waits for
    this transaction and then reads the new weights."""
    ids = list(ScoreSheet.objects.select_for_update(of=("self",))
               .filter(assignment__member__commission=commission).order_by("pk").values_list("pk", flat=True))
    specs = specs_of(Criterion.objects.filter(edition_id=commission.edition_id))
    values = defaultdict(dict)
    for sheet_id, criterion_id, value in (Score.objects.filter(sheet_id__in=ids).order_by()
                                          .values_list("sheet_id", "criterion_id", "value")):
        values[sheet_id][criterion_id] = value
    scores = [weighted_score(values[pk], specs) if pk in values else None for pk in ids]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ScoreSheet._meta.db_table} AS s SET weighted_score = v.score "  # noqa: S608
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::double precision[]) AS score) AS v "
            "WHERE s.id = v.id AND s.weighted_score IS DISTINCT FROM v.score", [ids, scores])
    return sum(score is not None for score in scores)


def rebuild_results_aggregates(*, commission: Commission) -> int:
    """Recompute every stored sheet score of the commission and bump its results version, in one
    transaction: for rows written around the services (bulk-generated data, the Django admin's
    criteria) and the `rebuild_evaluation_aggregates` command. Idempotent."""
    with transaction.atomic():
        counted = refresh_sheet_scores(commission=commission)
        results_changed(commission.pk)
    return counted
