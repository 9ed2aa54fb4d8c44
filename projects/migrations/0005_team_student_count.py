"""A denormalised count of each team's students, `projects_team.student_count` (PostgreSQL only).

The catalogue's "has free places" filter compared every project's team capacity with a count of
its memberships. The count is kept by a trigger on the memberships, so every writer keeps it —
the team services (the trigger runs in their transaction, under their team lock), the admin's
membership inline and bulk loads alike. Like `search_vector` it is not a model field: a stale
in-memory Team saved by Django must never overwrite it."""

from django.db import migrations

from marathon.migration_operations import postgresql_sql

FORWARD_SQL = """
ALTER TABLE projects_team ADD COLUMN student_count integer NOT NULL DEFAULT 0;

CREATE FUNCTION projects_team_student_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.role IN ('member', 'lead') THEN
        UPDATE projects_team SET student_count = student_count - 1 WHERE id = OLD.team_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.role IN ('member', 'lead') THEN
        UPDATE projects_team SET student_count = student_count + 1 WHERE id = NEW.team_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER projects_membership_student_count
    AFTER INSERT OR DELETE OR UPDATE OF team_id, role ON projects_membership
    FOR EACH ROW EXECUTE FUNCTION projects_team_student_count();

UPDATE projects_team t SET student_count = (
    SELECT count(*) FROM projects_membership m WHERE m.team_id = t.id AND m.role IN ('member', 'lead'));
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS projects_membership_student_count ON projects_membership;
DROP FUNCTION IF EXISTS projects_team_student_count();
ALTER TABLE projects_team DROP COLUMN IF EXISTS student_count;
"""


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_search_vector_column")]

    operations = [postgresql_sql(FORWARD_SQL, REVERSE_SQL)]
