"""`marathon.statements.instances`: the same objects as `Model.objects.raw()` for a statement the
ORM wrote once (issue 18: the score-sheet page's criteria, revisions and workspace summary)."""

import pytest
from django.db.models import F, Value

from evaluation.models import Criterion
from marathon.statements import instances
from tests.evaluation.factories import CriterionFactory
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def fields_of(obj) -> dict:
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def test_instances_equal_raw_with_converters_and_annotations():
    edition = EditionFactory()
    CriterionFactory(edition=edition, name="Rigour", level_labels=["poor", "fair", "good"])
    CriterionFactory(edition=edition, name="Impact", level_labels=[])
    query = (Criterion.objects.filter(edition=edition).annotate(doubled=F("weight") * 2, note=Value("x"))
             .order_by("name"))
    sql, params = query.query.sql_with_params()
    raw, found = list(Criterion.objects.raw(sql, params)), instances(Criterion, sql, params)
    assert [fields_of(c) for c in found] == [fields_of(c) for c in raw]
    assert [c.level_labels for c in found] == [[], ["poor", "fair", "good"]]  # JSON decoded
    assert [c.note for c in found] == ["x", "x"]
    assert instances(Criterion, sql, params)[1].name == "Rigour"  # the kept layout, second call


def test_instances_need_the_primary_key():
    sql, params = Criterion.objects.values("name").query.sql_with_params()
    with pytest.raises(ValueError, match="primary key"):
        instances(Criterion, sql, params)


@pytest.mark.django_db(transaction=True)  # closes the connection
def test_execute_prepared_runs_the_statement_across_transactions_and_connections():
    from django.db import connection, transaction

    from marathon.statements import execute_prepared

    edition = EditionFactory()
    sql = f"SELECT year FROM {connection.ops.quote_name(edition._meta.db_table)} WHERE id = %s AND year > %s"

    def run(*params):
        with connection.cursor() as cursor:
            execute_prepared(cursor, "test_edition_year", sql, list(params))
            return cursor.fetchall()

    with transaction.atomic():
        assert run(edition.pk, 0) == [(edition.year,)]  # prepared here, in a transaction rolled back
        transaction.set_rollback(True)
    assert run(edition.pk, 0) == [(edition.year,)]  # still prepared: not prepared twice (an error)
    assert run(edition.pk, edition.year) == []
    connection.close()  # a new connection has none: prepared again
    assert run(edition.pk, 0) == [(edition.year,)]


def test_execute_prepared_off_runs_the_statement_as_it_is(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marathon.statements import execute_prepared

    settings.DB_PREPARED_STATEMENTS = False
    edition = EditionFactory()
    sql = f"SELECT year FROM {connection.ops.quote_name(edition._meta.db_table)} WHERE id = %s"
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        execute_prepared(cursor, "test_edition_year_off", sql, [edition.pk])
        assert cursor.fetchall() == [(edition.year,)]
    assert captured.captured_queries[0]["sql"].startswith("SELECT year")
