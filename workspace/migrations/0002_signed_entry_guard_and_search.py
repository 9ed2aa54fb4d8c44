"""PostgreSQL only: (1) a trigger that refuses to change the content of a signed journal entry or
to delete it — the rule "a signed entry is never changed in place" holds even for code that
bypasses the services; only `superseded_at` (set when a signed correction replaces the version)
and `key_result` may change; (2) the journal's full-text document as a stored `tsvector` column
kept by a trigger and GIN-indexed (not on the model; `workspace.selectors` reads it by name).
SQLite (`make run`) skips both: the service enforces the rule and search falls back to icontains."""

from django.db import migrations

from marathon.migration_operations import postgresql_sql

GUARD_SQL = """
CREATE FUNCTION workspace_journal_signed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'signed' THEN
            RAISE EXCEPTION 'signed journal entry % cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'signed' AND (
        NEW.status IS DISTINCT FROM OLD.status OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.aim IS DISTINCT FROM OLD.aim
        OR NEW.method IS DISTINCT FROM OLD.method OR NEW.samples::text IS DISTINCT FROM OLD.samples::text
        OR NEW.results IS DISTINCT FROM OLD.results
        OR NEW.measurements::text IS DISTINCT FROM OLD.measurements::text
        OR NEW.conclusion IS DISTINCT FROM OLD.conclusion OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.team_id IS DISTINCT FROM OLD.team_id OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
        OR NEW.chain_index IS DISTINCT FROM OLD.chain_index OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
        OR NEW.previous_hash IS DISTINCT FROM OLD.previous_hash OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.previous_version_id IS DISTINCT FROM OLD.previous_version_id
    ) THEN
        RAISE EXCEPTION 'signed journal entry % is immutable; create a new version', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER workspace_journal_signed_guard
    BEFORE UPDATE OR DELETE ON workspace_journalentry
    FOR EACH ROW EXECUTE FUNCTION workspace_journal_signed_guard();

ALTER TABLE workspace_journalentry ADD COLUMN search_vector tsvector;
CREATE FUNCTION workspace_journal_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.aim, '') || ' ' || coalesce(NEW.conclusion, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.method, '') || ' ' || coalesce(NEW.results, '')
                                 || ' ' || coalesce(NEW.samples::text, '')), 'C');
    RETURN NEW;
END
$$;
CREATE TRIGGER workspace_journal_search_vector
    BEFORE INSERT OR UPDATE OF title, aim, method, results, conclusion, samples ON workspace_journalentry
    FOR EACH ROW EXECUTE FUNCTION workspace_journal_search_vector();
CREATE INDEX journal_search_vector_idx ON workspace_journalentry USING gin (search_vector);
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS workspace_journal_signed_guard ON workspace_journalentry;
DROP FUNCTION IF EXISTS workspace_journal_signed_guard();
DROP TRIGGER IF EXISTS workspace_journal_search_vector ON workspace_journalentry;
DROP FUNCTION IF EXISTS workspace_journal_search_vector();
ALTER TABLE workspace_journalentry DROP COLUMN IF EXISTS search_vector;
"""


class Migration(migrations.Migration):
    dependencies = [("workspace", "0001_workspace_models")]
    operations = [postgresql_sql(GUARD_SQL, REVERSE_SQL)]
