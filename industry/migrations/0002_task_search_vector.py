"""The task catalogue's full-text document as a stored `tsvector` column kept by a trigger
(PostgreSQL only), GIN-indexed — the same approach as projects/migrations/0004."""

from django.db import migrations

from marathon.migration_operations import postgresql_sql

COLUMN_SQL = """
ALTER TABLE industry_researchtask ADD COLUMN search_vector tsvector;

CREATE FUNCTION industry_researchtask_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.keywords, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.problem_statement, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.expected_results, '')), 'C')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.resources_offered, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER industry_researchtask_search_vector
    BEFORE INSERT OR UPDATE OF title, keywords, problem_statement, expected_results, resources_offered
    ON industry_researchtask FOR EACH ROW EXECUTE FUNCTION industry_researchtask_search_vector();

UPDATE industry_researchtask SET title = title;
CREATE INDEX task_search_vector_idx ON industry_researchtask USING gin (search_vector);
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS industry_researchtask_search_vector ON industry_researchtask;
DROP FUNCTION IF EXISTS industry_researchtask_search_vector();
ALTER TABLE industry_researchtask DROP COLUMN IF EXISTS search_vector;
"""


class Migration(migrations.Migration):
    dependencies = [("industry", "0001_initial")]

    operations = [postgresql_sql(COLUMN_SQL, REVERSE_SQL)]
