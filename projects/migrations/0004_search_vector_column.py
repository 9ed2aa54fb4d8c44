"""The catalogue's full-text document as a stored `tsvector` column (PostgreSQL only).

The GIN expression index of 0002 made `@@` cheap, but ranking the matches still ran four
`to_tsvector` calls per matching row on every search. A column kept by a trigger (it fires for
every insert and update, also bulk ones, so no code path can forget it) makes ranking a read.
Not a GeneratedField: Django's SearchVector compiles to an expression PostgreSQL does not accept
as immutable in a generated column. The column is not on the model, so ordinary queries never
load it; `projects.selectors.search_projects` refers to it by name."""

from django.db import migrations

COLUMN_SQL = """
ALTER TABLE projects_project ADD COLUMN search_vector tsvector;

CREATE FUNCTION projects_project_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.keywords, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_project_search_vector
    BEFORE INSERT OR UPDATE OF title, keywords, summary, description ON projects_project
    FOR EACH ROW EXECUTE FUNCTION projects_project_search_vector();

UPDATE projects_project SET title = title;
CREATE INDEX project_search_vector_idx ON projects_project USING gin (search_vector);
DROP INDEX IF EXISTS project_search_idx;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS projects_project_search_vector ON projects_project;
DROP FUNCTION IF EXISTS projects_project_search_vector();
ALTER TABLE projects_project DROP COLUMN IF EXISTS search_vector;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)
        from projects.models import search_vector
        from django.contrib.postgres.indexes import GinIndex

        schema_editor.add_index(apps.get_model("projects", "Project"),
                                GinIndex(search_vector(), name="project_search_idx"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_one_lead_per_team")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
