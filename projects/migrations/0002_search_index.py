"""A GIN index for the catalogue's full-text search, on PostgreSQL only (the SQLite
development database searches with a plain match)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "project_search_idx"


def _index():
    from projects.models import search_vector

    return GinIndex(search_vector(), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("projects", "Project"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("projects", "Project"), _index())


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
