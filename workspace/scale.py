"""Scale data of the workspace (found by `marathon.scale.app_steps()`): for every team whose
research phase has started, a work plan (6 milestones), ~40 journal entries (most signed, in a
valid hash chain) and up to 4 progress reports, by bulk inserts. Some teams are left behind on
purpose (overdue milestones, a quiet journal, a report sent back or missing), so the office's
at-risk dashboard has something to find."""

from contextlib import contextmanager
from datetime import timedelta

from django.db import connection

from marathon.scale import BATCH, Context, at, between
from projects.models import MembershipRole

from . import chain, periods
from .models import (
    EntryKind,
    EntryStatus,
    JournalEntry,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportStatus,
)

ORDER = 70
MILESTONES, ENTRIES, REPORTS = 6, 40, 4
TOPICS = ["tensile test", "corrosion rate", "thermal cycling", "spectral analysis", "model calibration",
          "literature survey", "sample preparation", "hardness", "impedance", "grain size"]
KINDS = EntryKind.values


def generate(ctx: Context) -> None:
    teams = [t for t in ctx.teams if _edition(ctx, t).research_start <= ctx.today]
    milestones, reports = [], []
    for team in teams:
        edition = _edition(ctx, team)
        milestones += _milestones(ctx, team, edition)
        reports += _reports(ctx, team, edition)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    entries = [entry for team in teams for entry in _entries(ctx, team, _edition(ctx, team))]
    with gin_indexes_built_after(JournalEntry._meta.db_table):
        JournalEntry.objects.bulk_create(entries, batch_size=BATCH)
    ctx.counts.update(workspace_milestones=len(milestones), journal_entries=len(entries),
                      progress_reports=len(reports))


def _edition(ctx: Context, team):
    return next(e for e in ctx.editions if e.pk == team.edition_id)


def _students(ctx: Context, team) -> list:
    people = [u for u, role in ctx.members.get(team.pk, []) if role != MembershipRole.SUPERVISOR]
    return people or [u for u, _role in ctx.members.get(team.pk, [])]


def _milestones(ctx: Context, team, edition) -> list[Milestone]:
    rng, rows = ctx.rng, []
    behind = rng.random() < 0.12
    span = max((edition.research_end - edition.research_start).days, MILESTONES)
    for i in range(MILESTONES):
        due = edition.research_start + timedelta(days=round(span * (i + 1) / MILESTONES))
        start = due - timedelta(days=rng.randint(10, 30))
        start = max(start, edition.research_start - timedelta(days=1))
        if due < ctx.today:
            status = MilestoneStatus.IN_PROGRESS if behind and i >= MILESTONES // 2 - 1 else MilestoneStatus.DONE
        else:
            status = MilestoneStatus.IN_PROGRESS if start <= ctx.today else MilestoneStatus.PLANNED
        rows.append(Milestone(team=team, title=f"{rng.choice(TOPICS).capitalize()} — work package {i + 1}",
                              start_date=min(start, due), due_date=due, status=status,
                              completed_at=at(min(due, ctx.today)) if status == MilestoneStatus.DONE else None,
                              created_at=at(edition.research_start)))
    return rows


def _entries(ctx: Context, team, edition) -> list[JournalEntry]:
    rng, authors = ctx.rng, _students(ctx, team)
    if not authors:
        return []
    last_day = min(ctx.today, edition.research_end)
    if rng.random() < 0.1:  # a quiet team: nothing in the last weeks
        last_day = max(edition.research_start, last_day - timedelta(days=40))
    days = sorted(between(rng, edition.research_start, last_day) for _ in range(ENTRIES))
    rows, previous, signed = [], "", 0
    for index, day in enumerate(days, start=1):
        topic = rng.choice(TOPICS)
        entry = JournalEntry(
            team=team, author=rng.choice(authors), kind=rng.choice(KINDS), title=f"{topic.capitalize()} #{index}",
            aim=f"Measure the {topic} of the samples", method="Standard procedure of the partner laboratory",
            results=f"The {topic} agrees with the model within {rng.randint(2, 15)} percent.",
            conclusion="Proceed with the next series.", created_at=at(day, 9 + index % 8),
            updated_at=at(day, 9 + index % 8), key_result=rng.random() < 0.05,
            measurements={"columns": ["Sample", "Value"], "rows": [[f"S{k}", round(rng.uniform(1, 99), 2)]
                                                                   for k in range(1, 4)]})
        if index < len(days) or rng.random() < 0.5:  # the newest entry is sometimes still a draft
            entry.status, entry.signed_at = EntryStatus.SIGNED, at(day, 18)
            signed += 1
            entry.chain_index = signed
            entry.previous_hash = previous
            entry.content_hash = previous = chain.entry_hash(entry, previous, chain.NO_LINKS)
        rows.append(entry)
    return rows


def _reports(ctx: Context, team, edition) -> list[ProgressReport]:
    rng, rows = ctx.rng, []
    due = [p for p in periods.report_periods(edition) if p.due < ctx.today][-REPORTS:]
    for period in due:
        roll = rng.random()
        if roll < 0.06:
            continue  # missing
        status = ReportStatus.CHANGES_REQUESTED if roll < 0.12 else ReportStatus.APPROVED
        rows.append(ProgressReport(
            team=team, period_start=period.start, period_end=period.end, due_date=period.due,
            done="- Samples prepared\n- First measurement series", next_steps="- Second series",
            risks="" if rng.random() < 0.7 else "Equipment availability", status=status,
            submitted_at=at(period.due), reviewed_at=at(period.due + timedelta(days=2))))
    return rows


@contextmanager
def gin_indexes_built_after(table: str):
    """Drop the table's GIN (full-text) indexes for a bulk load and build them again afterwards,
    as PostgreSQL's "Populating a Database" advises: one build over ~54,000 journal entries is
    cheaper than inserting every row into the index. Inside the generator's transaction, on a
    database nobody uses yet; the same definitions come back (`pg_indexes`). PostgreSQL builds no
    index on a table with pending deferred checks, so its foreign keys are checked just before
    (the same checks the commit would run) and deferred again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                       "AND tablename = %s AND indexdef LIKE %s", [table, "% USING gin %"])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    if not indexes:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND condeferred",
                       [connection.ops.quote_name(table)])
        deferred = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")
