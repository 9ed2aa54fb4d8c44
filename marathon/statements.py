"""Model instances from a statement the ORM wrote once per process (issue 18).

Selectors that run on every page build their statement with the ORM once, with marks where the
ids go, and run it with the ids (`evaluation.selectors.criteria_with_scores`,
`workspace.selectors.evaluation_summary`, …). `Model.objects.raw()` then resolved the columns
against the model's fields and looked up their converters on every call, which cost more CPU
than running the statement; `instances` does that once per statement."""

import re
import weakref

from django.conf import settings
from django.db import connection
from django.db.models.query import get_related_populators

_layouts: dict[tuple, tuple] = {}
MAX_STATEMENTS = 256


def instances(model, sql: str, params) -> list:
    """`list(model.objects.raw(sql, params))` for a statement the ORM wrote for `model`: the
    model's columns, then annotations (set as attributes), the fields' converters applied."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        layout = _layouts.get((model, sql)) or _layout(model, sql, [column[0] for column in cursor.description])
    names, positions, annotations, converters = layout
    found = []
    for row in rows:
        if converters:
            row = list(row)
            for position, (functions, column) in converters:
                for function in functions:
                    row[position] = function(row[position], column, connection)
        instance = model.from_db(connection.alias, names, [row[position] for position in positions])
        for name, position in annotations:
            setattr(instance, name, row[position])
        found.append(instance)
    return found


def _layout(model, sql: str, columns: list[str]) -> tuple:
    fields = {field.column: field for field in model._meta.concrete_fields}
    names, positions, annotations, converters = [], [], [], []
    for position, column in enumerate(columns):
        field = fields.get(column)
        if field is None:
            annotations.append((column, position))
            continue
        names.append(field.attname)
        positions.append(position)
        column = field.get_col(model._meta.db_table)  # what the ORM hands the converters
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((position, (tuple(functions), column)))
    if model._meta.pk.attname not in names:
        raise ValueError(f"The statement does not select the primary key of {model.__name__}.")
    if len(_layouts) >= MAX_STATEMENTS:  # the callers' statements are fixed; bounded all the same
        _layouts.clear()
    layout = _layouts[(model, sql)] = (tuple(names), tuple(positions), tuple(annotations), tuple(converters))
    return layout


# --- prepared statements -------------------------------------------------------------------
# Statements of the busiest requests whose planning costs PostgreSQL more than running them (the
# score-sheet save's lock joins seven tables: ~1 ms of planning, 0.07 ms of execution; the score
# sheet's nine tables: ~2 ms of planning, 0.2 ms of execution). On PostgreSQL each is prepared once
# per connection (`PREPARE`) and then run with `EXECUTE`: after its first executions the server
# keeps a generic plan and plans no more. The names prepared on a connection are kept per DB-API
# connection (a new connection prepares again; each thread has its own); prepared statements
# outlive a rolled-back transaction, and a table change makes PostgreSQL plan again.
_prepared: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%[%s]")


def may_prepare() -> bool:
    """Prepared statements are used on PostgreSQL unless `DB_PREPARED_STATEMENTS` is off — behind
    a transaction-pooling PgBouncer consecutive statements may reach other server sessions, which
    is also why such a setup sets `DISABLE_SERVER_SIDE_CURSORS` (then they are off too)."""
    return (connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS
            and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"))


def execute_prepared(cursor, name: str, sql: str, params: list | tuple) -> None:
    """`cursor.execute(sql, params)` through a statement prepared on this connection under
    `name` (one `PREPARE` per connection, not logged as a query of the request; the `EXECUTE` is).
    `sql` is a fixed statement with a `%s` mark per parameter, `%%` for a literal `%` (as the ORM
    writes them). Without `may_prepare()` the statement runs as it is."""
    if not may_prepare():
        cursor.execute(sql, params)
        return
    raw = connection.connection
    names = _prepared.get(raw)
    if names is None:
        names = _prepared[raw] = set()
    if name not in names:
        with raw.cursor() as prepare:
            prepare.execute(f"PREPARE {name} AS {_numbered(sql)}")
        names.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", params)


def fetch_prepared(name: str, sql: str, params) -> list[tuple]:
    """The rows of `sql` run through `execute_prepared`."""
    with connection.cursor() as cursor:
        execute_prepared(cursor, name, sql, params)
        return cursor.fetchall()


def _numbered(sql: str) -> str:
    """`%s` marks as PREPARE's `$1`, `$2`…, `%%` as `%` (PREPARE is sent without parameters, so
    the driver unescapes nothing)."""
    count = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(count)}", sql)


def compiled(queryset) -> tuple:
    """A queryset's statement compiled once, with what turns its rows into objects as the ORM's
    own iterable does (the model's fields, then the `select_related` objects). For a statement
    run on every page with marks where the ids go (`rows(statement, {mark: id})`)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    info, select = compiler.klass_info, compiler.select
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(info, select, compiler.using)
    return compiler, sql, tuple(params), (info["model"], names, start, end, populators)


def rows(statement: tuple, marks: dict) -> list:
    """The objects of a `compiled` statement, each mark among its parameters replaced."""
    compiler, sql, params, (model, names, start, end, populators) = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, [marks.get(param, param) if type(param) is int else param for param in params])
        fetched = cursor.fetchall()
    found = []
    if not fetched:
        return found
    for row in compiler.results_iter(results=[fetched]):  # the fields' converters, as the ORM applies them
        obj = model.from_db(compiler.using, names, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        found.append(obj)
    return found
