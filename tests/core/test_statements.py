"""`marathon.statements.instances`: the same objects as `Model.objects.raw()` for a statement the
ORM wrote once (issue 18: the score-sheet page's criteria, revisions and workspace summary);
`execute_prepared` / `fetch_prepared`: such a statement as a prepared statement of the connection
(the sheet's lookup, the save's lock)."""

import weakref

import pytest
from django.db import DataError, connection, transaction
from django.db.models import F, Value

from evaluation.models import Criterion
from marathon import statements
from marathon.statements import fetch_prepared, instances
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


def _prepared_on_server(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_fetch_prepared_prepares_once_per_session_and_counts_once(django_assert_num_queries):
    edition = EditionFactory()
    CriterionFactory(edition=edition, name="Rigour 100%")
    sql = ("SELECT c.name_en, c.edition_id FROM evaluation_criterion c "
           "WHERE c.edition_id = %s AND c.name_en LIKE '%%100%%' AND c.position >= %s")
    params = [edition.pk, 0]
    with django_assert_num_queries(1) as captured:  # the PREPARE, once per connection, is not logged
        assert fetch_prepared("marathon_test_rows", sql, params) == [("Rigour 100%", edition.pk)]
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE marathon_test_rows (")
    with django_assert_num_queries(1) as captured:
        assert fetch_prepared("marathon_test_rows", sql, params) == [("Rigour 100%", edition.pk)]
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE marathon_test_rows (")
    assert _prepared_on_server("marathon_test_rows")
    other = EditionFactory()
    CriterionFactory(edition=other, name="Impact 100%")
    assert fetch_prepared("marathon_test_rows", sql, [other.pk, 0]) == [("Impact 100%", other.pk)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_fetch_prepared_prepares_again_on_a_new_session(monkeypatch):
    sql, params = Criterion.objects.filter(pk=-1).values_list("pk").query.sql_with_params()
    assert fetch_prepared("marathon_test_empty", sql, params) == []
    # As after a reconnection: nothing known. The connection's real record comes back after the
    # test (the statements other tests prepared on this session are still there).
    monkeypatch.setattr(statements, "_prepared", weakref.WeakKeyDictionary())
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE marathon_test_empty")
    assert fetch_prepared("marathon_test_empty", sql, params) == []
    assert _prepared_on_server("marathon_test_empty")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_fetch_prepared_after_a_failed_first_run_checks_the_server():
    sql = "SELECT 1 / %s"
    with pytest.raises(DataError), transaction.atomic():
        fetch_prepared("marathon_test_divide", sql, [0])  # PREPARE done (it outlives the rollback), EXECUTE failed
    assert fetch_prepared("marathon_test_divide", sql, [1]) == [(1,)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepared statements")
def test_fetch_prepared_runs_plainly_behind_a_transaction_pooler(monkeypatch, django_assert_num_queries):
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with django_assert_num_queries(1) as captured:
        assert fetch_prepared("marathon_test_pooled", "SELECT %s + 1", [1]) == [(2,)]
    assert captured.captured_queries[0]["sql"] == "SELECT 1 + 1"
    assert not _prepared_on_server("marathon_test_pooled")
