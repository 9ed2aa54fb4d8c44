"""The catalogue's full-text index without GIN's pending list (PostgreSQL only; issue 18).

With `fastupdate` on (PostgreSQL's default) every new or edited project's document is appended
to the index's unsorted pending list, which only VACUUM (or 4 MB of it) moves into the index
proper, and every search reads the whole list: on the benchmark's freshly loaded database the
index was 170 pages of pending list, and each catalogue search read all of them (0.6–5 ms of
execution for a one-word search; 0.1 ms once the list was flushed). Projects are written by
people, a few at a time, so putting each document into the index at once costs nothing that
matters, and searches never depend on when autovacuum last ran. The existing list is flushed
here as well (turning `fastupdate` off does not flush it)."""

from django.db import migrations

from marathon.migration_operations import postgresql_sql

FORWARD_SQL = """
ALTER INDEX project_search_vector_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('project_search_vector_idx'::regclass);
"""
REVERSE_SQL = "ALTER INDEX project_search_vector_idx RESET (fastupdate);"


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_project_ordering_tie_breaker")]

    operations = [postgresql_sql(FORWARD_SQL, REVERSE_SQL)]
