"""Model instances from a statement the ORM wrote once per process (issue 18).

Selectors that run on every page build their statement with the ORM once, with marks where the
ids go, and run it with the ids (`evaluation.selectors.criteria_with_scores`,
`workspace.selectors.evaluation_summary`, …). `Model.objects.raw()` then resolved the columns
against the model's fields and looked up their converters on every call, which cost more CPU
than running the statement; `instances` does that once per statement."""

import re

from django.db import connection

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


# --- prepared statements ---------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"%[%s]")


def fetch_prepared(name: str, sql: str, params) -> list[tuple]:
    """The rows of `sql` (a fixed statement with `%s` placeholders, as the ORM writes them), run on
    PostgreSQL as a prepared statement of the database session: PostgreSQL plans it on the first
    executions only and then reuses a generic plan, where planning a many-table join again on
    every request cost it more than running it (the score sheet's nine tables: ~2 ms of planning,
    0.2 ms of execution). PREPARE goes with the first EXECUTE in one round trip, so the statement
    still counts once. A prepared statement outlives transactions and rollbacks and lasts as long
    as the session: the names prepared are kept with the DB-API connection they were prepared on
    (a reconnection is a new one; each thread has its own). Elsewhere, and behind a pooler in
    transaction mode (`_may_prepare`), the statement is simply run."""
    with connection.cursor() as cursor:
        if not _may_prepare():
            cursor.execute(sql, params)
            return cursor.fetchall()
        prepared, unsure = _session_state()
        call = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        if name in unsure:  # a first run failed: was the PREPARE before the failing EXECUTE done?
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = %s)", [name])
            if cursor.fetchone()[0]:
                prepared.add(name)
            unsure.discard(name)
        if name in prepared:
            cursor.execute(call, params)
        else:
            try:
                cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; {call}", params)
            except Exception:
                unsure.add(name)
                raise
            prepared.add(name)
        return cursor.fetchall()


def _may_prepare() -> bool:
    """Not with a transaction-pooling PgBouncer, where consecutive statements may reach other
    server sessions: docs/scaling.md has such a setup set `DISABLE_SERVER_SIDE_CURSORS` for the
    same reason (server-side state that must stay on one session)."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


def _session_state() -> tuple[set[str], set[str]]:
    """(names prepared, names perhaps prepared) on the current database session."""
    session = getattr(connection, "marathon_prepared", None)
    if session is None or session[0] is not connection.connection:
        session = connection.marathon_prepared = (connection.connection, set(), set())
    return session[1], session[2]


def _numbered(sql: str) -> str:
    """`%s` placeholders as PREPARE's `$1`, `$2`…; `%%` stays for the driver to unescape."""
    count = iter(range(1, sql.count("%s") + 1))
    return _PLACEHOLDER.sub(lambda m: "%%" if m.group() == "%%" else f"${next(count)}", sql)
