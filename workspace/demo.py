"""Demo workspaces (idempotent): the 2018–2020 editions' teams get the record of a finished
research phase — a work plan with every milestone done, signed journal entries in a valid hash
chain, approved monthly reports — all dated inside their edition's research phase. The current
edition's research has not started yet, so its workspaces stay empty until the teams begin."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from marathon.models import Edition
from projects.models import MembershipRole, Team

from . import chain, periods
from .models import EntryKind, EntryStatus, JournalEntry, Milestone, MilestoneStatus, ProgressReport, ReportStatus

PLAN = ["Literature review", "Joint laboratory work", "Sample test series", "Publication of the results"]
ENTRIES = [
    (EntryKind.LITERATURE, "State of the art", "Twelve papers reviewed; two gaps found.", False),
    (EntryKind.MEETING, "Kick-off with the partner lab", "Roles and sample exchange agreed.", False),
    (EntryKind.EXPERIMENT, "First measurement series", "Values agree with the model within 6 %.", True),
    (EntryKind.SAMPLE_TEST, "Reference samples", "Five specimens tested; one outlier explained.", False),
    (EntryKind.SIMULATION, "Model calibration", "Calibrated model predicts the second series.", True),
]


def seed(stdout) -> None:
    teams = Team.objects.filter(edition__in=Edition.objects.filter(research_end__lt=timezone.localdate()))
    added = 0
    for team in teams.select_related("edition").prefetch_related("memberships").order_by("pk"):
        if JournalEntry.objects.filter(team=team).exists():
            continue
        with transaction.atomic():
            _seed_team(team)
        added += 1
    stdout.write(f"  workspace: finished research records for {added} past team(s)")


def _at(day, hour=10):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _seed_team(team) -> None:
    edition = team.edition
    students = [m.user_id for m in team.memberships.all() if m.role != MembershipRole.SUPERVISOR]
    if not students:
        return
    span = (edition.research_end - edition.research_start).days
    for index, title in enumerate(PLAN, start=1):
        due = edition.research_start + timedelta(days=span * index // len(PLAN))
        Milestone.objects.create(team=team, title=title, start_date=due - timedelta(days=20), due_date=due,
                                 status=MilestoneStatus.DONE, completed_at=_at(due),
                                 created_at=_at(edition.research_start))
    previous = ""
    for index, (kind, title, results, key) in enumerate(ENTRIES, start=1):
        day = edition.research_start + timedelta(days=span * index // (len(ENTRIES) + 1))
        entry = JournalEntry(team=team, author_id=students[index % len(students)], kind=kind, title=title,
                             aim=f"{title}: aim of the step", method="Agreed protocol of both laboratories",
                             results=results, conclusion="Proceed as planned.", key_result=key,
                             status=EntryStatus.SIGNED, signed_at=_at(day, 17), chain_index=index,
                             previous_hash=previous, created_at=_at(day), updated_at=_at(day))
        if kind == EntryKind.EXPERIMENT:
            entry.measurements = {"columns": ["Sample", "Load (N)", "Elongation (mm)"],
                                  "rows": [["S1", 120.5, 0.8], ["S2", 131, 0.9], ["S3", 127.2, 0.85]]}
        entry.content_hash = previous = chain.entry_hash(entry, previous, chain.NO_LINKS)
        entry.save()
    for period in periods.report_periods(edition):
        ProgressReport.objects.create(
            team=team, period_start=period.start, period_end=period.end, due_date=period.due,
            done="- Work packages of the period completed", next_steps="- Continue with the work plan",
            status=ReportStatus.APPROVED, submitted_at=_at(period.due), reviewed_at=_at(period.due))
