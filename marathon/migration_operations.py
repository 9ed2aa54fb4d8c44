"""Migration operations shared by the apps' hand-written migrations."""

from django.db import migrations


def postgresql_sql(sql: str, reverse_sql: str, *, elidable: bool = False) -> migrations.RunPython:
    """Run `sql` forwards and `reverse_sql` backwards on PostgreSQL only (triggers, tsvector
    columns, index storage options); SQLite (`make run` without DATABASE_URL) skips both and the
    services or a fallback cover what the SQL would have done. The statements are sent without
    parameters, so a `%` in them is literal."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, params=None)

    return migrations.RunPython(forwards, backwards, elidable=elidable)
