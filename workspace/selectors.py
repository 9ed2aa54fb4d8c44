"""Reads of the workspace, shaped for a constant number of queries per page or list."""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from marathon import statements
from marathon.models import Edition, User
from marathon.statements import instances
from projects.models import Membership, MembershipRole, Project, Team

from . import chain, periods, permissions
from .models import (
    OPEN_MILESTONE_STATUSES,
    Activity,
    Cadence,
    Comment,
    EditionWorkspaceSettings,
    EntryKind,
    EntryStatus,
    JournalEntry,
    JournalFile,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    ReportStatus,
)


def edition_settings(edition: Edition) -> EditionWorkspaceSettings:
    """The edition's settings, or the defaults (monthly) when the office has not set any."""
    found = EditionWorkspaceSettings.objects.filter(edition=edition).first()
    return found or EditionWorkspaceSettings(edition=edition, report_cadence=Cadence.MONTHLY)


def teams_for_workspace() -> QuerySet:
    return (Team.objects.select_related("project__edition", "project__workspace_settings", "edition")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("user")),
                              "project__co_supervisors"))


def team_for_workspace(user, pk: int) -> tuple[Team, permissions.Access]:
    """The scoped lookup of every workspace page: 404 unless the user may read."""
    team = team_with_people(pk)
    access = permissions.access_for(user, team) if team is not None else permissions.NONE
    if not access.read:
        from django.http import Http404

        raise Http404
    return team, access


def team_with_people(pk: int) -> Team | None:
    """`teams_for_workspace().filter(pk=pk).first()` without the ORM's work on every page: its
    three statements (the team with its project, edition and settings; the memberships with
    their users; the co-supervisors) are compiled once per process (compiling them cost about a
    quarter of the journal page's CPU) and their rows become the same objects, the memberships
    and co-supervisors set as the prefetches set them."""
    team_statement, memberships_statement, co_supervisors_statement = _team_statements()
    found = statements.rows(team_statement, {_TEAM_MARK: pk})
    if not found:
        return None
    team = found[0]
    memberships = statements.rows(memberships_statement, {_TEAM_MARK: pk})
    team_field = Membership._meta.get_field("team")
    for membership in memberships:
        team_field.set_cached_value(membership, team)
    _set_prefetched(team, "memberships", memberships)
    _set_prefetched(team.project, "co_supervisors",
                    statements.rows(co_supervisors_statement, {_TEAM_MARK: team.project_id}))
    return team


def _set_prefetched(obj, name: str, objects: list) -> None:
    queryset = getattr(obj, name).get_queryset()  # filtered to the object, as a prefetch leaves it
    queryset._result_cache, queryset._prefetch_done = objects, True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = queryset


@functools.cache
def _team_statements() -> tuple:
    team = (Team.objects.select_related("project__edition", "project__workspace_settings", "edition")
            .filter(pk=_TEAM_MARK))
    memberships = Membership.objects.select_related("user").filter(team_id=_TEAM_MARK)
    co_supervisors = User.objects.filter(co_supervised_projects=_TEAM_MARK)  # the mark stands for the project
    return tuple(statements.compiled(query) for query in (team, memberships, co_supervisors))


def customer_can_read(project: Project) -> bool:
    return permissions.project_settings(project) is not None and project.workspace_settings.customer_can_read


def participants(team: Team) -> list:
    """Members and supervisors (the people who can be mentioned and get digests)."""
    users = {m.user.pk: m.user for m in team.memberships.all()}
    return sorted(users.values(), key=lambda u: (u.full_name, u.pk))


def milestones_of(team: Team) -> QuerySet:
    return Milestone.objects.filter(team=team).prefetch_related("owners").order_by("due_date", "pk")


def work_plan(team: Team) -> list[Milestone]:
    """`list(milestones_of(team))`, the owners set as the prefetch sets them, from two statements
    compiled once per process (the team page's; compiling them cost more than running them)."""
    milestones_statement, owners_statement = _work_plan_statements()
    milestones = statements.rows(milestones_statement, {_TEAM_MARK: team.pk})
    owners: dict[int, list] = {milestone.pk: [] for milestone in milestones}
    for link in statements.rows(owners_statement, {_TEAM_MARK: team.pk}):
        if link.milestone_id in owners:  # a milestone added between the two statements has none yet
            owners[link.milestone_id].append(link.user)
    for milestone in milestones:
        _set_prefetched(milestone, "owners", owners[milestone.pk])
    return milestones


@functools.cache
def _work_plan_statements() -> tuple:
    # The owners in the prefetch's order: the users' own (full name).
    owners = (Milestone.owners.through.objects.select_related("user").filter(milestone__team_id=_TEAM_MARK)
              .order_by("user__full_name"))
    return statements.compiled(milestones_of(Team(pk=_TEAM_MARK)).prefetch_related(None)), statements.compiled(owners)


def journal_of(team: Team) -> QuerySet:
    """Current versions (drafts and signed ones not replaced by a signed correction), newest first."""
    return (JournalEntry.objects.filter(team=team, superseded_at__isnull=True)
            .select_related("author").order_by("-created_at", "-pk"))


def with_labels(objects, *fields: str) -> list:
    """The objects, each with `<field>_label` set to what `get_<field>_display()` returns: that
    method rebuilds the field's choices mapping and translates every label on each call (a list
    of 20 rows paid it 40 times); here each label is translated once per call."""
    objects = list(objects)
    if not objects:
        return objects
    meta = objects[0]._meta
    for name in fields:
        field = meta.get_field(name)
        labels = {value: str(label) for value, label in field.flatchoices}
        attname, label_name = field.attname, f"{name}_label"
        for obj in objects:
            value = getattr(obj, attname)
            setattr(obj, label_name, labels.get(value, value))
    return objects


def search_journal(entries: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return entries
    if connection.vendor == "postgresql":
        vector = RawSQL('"workspace_journalentry"."search_vector"', [], output_field=SearchVectorField())
        query = SearchQuery(text, search_type="websearch", config="english")
        return (entries.alias(search=vector).annotate(rank=SearchRank(vector, query))
                .filter(search=query).order_by("-rank", "-created_at", "-pk"))
    for word in text.split():
        entries = entries.filter(Q(title__icontains=word) | Q(aim__icontains=word) | Q(method__icontains=word)
                                 | Q(results__icontains=word) | Q(conclusion__icontains=word))
    return entries


def entry_detail(pk: int) -> JournalEntry:
    return get_object_or_404(
        JournalEntry.objects.select_related("author", "team", "previous_version")
        .prefetch_related("milestones", "coauthors", "files"), pk=pk)


def versions_of(entry: JournalEntry) -> QuerySet:
    root = entry.root_id or entry.pk
    return (JournalEntry.objects.filter(Q(pk=root) | Q(root_id=root))
            .select_related("author").order_by("version"))


# What `chain.canonical` hashes, plus the stored hashes: not the search vector, drafts' fields
# or timestamps the chain does not cover.
CHAIN_FIELDS = ("team_id", "author_id", "kind", "title", "aim", "method", "samples", "results", "measurements",
                "conclusion", "version", "previous_version_id", "root_id", "signed_at", "chain_index",
                "previous_hash", "content_hash")


def verify_chain(team: Team) -> chain.ChainCheck:
    """Check the team's signed entries (every journal page shows the result). The links are read
    as plain ids, names and digests from the link tables, in one statement: prefetching milestone
    and user rows for every entry of a long journal was half of the journal page's time, and one
    query per link table cost two round trips more. Both statements are built once per process."""
    statements = _chain_statements()
    entries = instances(JournalEntry, *_with_team(statements["entries"], team.pk))
    links = {entry.pk: {"milestones": [], "coauthors": [], "files": []} for entry in entries}
    with connection.cursor() as cursor:
        cursor.execute(*_with_team(statements["links"], team.pk))
        for kind, entry_id, linked_id, name, digest in cursor.fetchall():
            entry_links = links.get(entry_id)
            if entry_links is None:  # signed after the entries were read: checked on the next page
                continue
            entry_links[kind].append([name, digest] if kind == "files" else linked_id)
    for entry_links in links.values():
        for values in entry_links.values():
            values.sort()
    return chain.verify(entries, links)


@functools.cache
def _chain_statements() -> dict[str, tuple[str, tuple]]:
    """`verify_chain`'s two statements with a mark where the team's id goes: the signed entries
    (the columns the chain covers) and every link of them as (kind, entry, id or name, digest)."""
    signed = JournalEntry.objects.filter(team_id=_TEAM_MARK, status=EntryStatus.SIGNED)
    entries = signed.order_by("chain_index").only(*CHAIN_FIELDS)
    ids = signed.values("pk")
    number, text = IntegerField(), CharField()
    milestones = (JournalEntry.milestones.through.objects.filter(journalentry__in=ids).order_by()
                  .values_list(Value("milestones", output_field=text), "journalentry_id", "milestone_id",
                               Value("", output_field=text), Value("", output_field=text)))
    coauthors = (JournalEntry.coauthors.through.objects.filter(journalentry__in=ids).order_by()
                 .values_list(Value("coauthors", output_field=text), "journalentry_id", "user_id",
                              Value("", output_field=text), Value("", output_field=text)))
    files = (JournalFile.objects.filter(entry__in=ids).order_by()
             .values_list(Value("files", output_field=text), "entry_id", Value(None, output_field=number),
                          "original_name", "sha256"))
    compiled = {}
    for name, query in {"entries": entries, "links": milestones.union(coauthors, files, all=True)}.items():
        sql, params = query.query.sql_with_params()
        compiled[name] = (sql, tuple(params))
    return compiled


def reports_of(team: Team) -> QuerySet:
    return ProgressReport.objects.filter(team=team).select_related("submitted_by", "reviewed_by")


def report_rows(team: Team, cadence: str) -> list[dict]:
    """Every period of the research phase with its report (or None), oldest first."""
    by_start = {r.period_start: r for r in reports_of(team)}
    today = timezone.localdate()
    return [{"period": p, "report": by_start.get(p.start), "open": p.start <= today}
            for p in periods.report_periods(team.edition, cadence)]


def comments_on(**target) -> QuerySet:
    return Comment.objects.filter(**target).select_related("author").order_by("created_at", "pk")


def activity_of(team: Team, limit: int = 15) -> QuerySet:
    return Activity.objects.filter(team=team).select_related("actor").order_by("-created_at", "-pk")[:limit]


def timeline(milestones: list[Milestone], edition: Edition) -> dict:
    """Geometry of the server-rendered SVG timeline (Gantt-like): one bar per milestone between
    its start (or the research start) and its due date; overdue ones are flagged."""
    today = timezone.localdate()
    start = min([edition.research_start, *(m.start_date or m.due_date for m in milestones)])
    end = max([edition.research_end, *(m.due_date for m in milestones)])
    days = max((end - start).days, 1)
    width, label, row = 760, 200, 26

    def x(day):
        return label + round((day - start).days * (width - label - 10) / days, 1)

    bars = []
    for index, m in enumerate(milestones):
        begin = m.start_date or min(m.due_date, max(edition.research_start, m.due_date - timedelta(days=7)))
        x1, x2 = x(begin), x(m.due_date)
        bars.append({"m": m, "y": 30 + index * row, "x": x1, "w": max(x2 - x1, 4), "overdue": m.is_overdue(today),
                     "text_y": 30 + index * row + 13})
    months, day = [], start.replace(day=1)
    while day <= end:
        if day >= start:
            months.append({"x": x(day), "label": day.strftime("%b %Y")})
        day = (day + timedelta(days=32)).replace(day=1)
    return {"bars": bars, "width": width, "height": 40 + len(milestones) * row, "label_width": label,
            "today_x": x(today) if start <= today <= end else None, "months": months}


def journal_counts(team: Team) -> dict:
    sql, params = _summary_statements()["journal_counts"]
    with connection.cursor() as cursor:
        cursor.execute(sql, _for_team(params, team.pk))
        found = dict(cursor.fetchall())
    return {label: found.get(value, 0) for value, label in EntryKind.choices}


def evaluation_summary(team: Team) -> dict:
    """What the commission sees on the score sheet: the final report (the latest approved one),
    the work plan with the milestones reached, journal counts per kind and the key results."""
    statements = _summary_statements()
    milestones = instances(Milestone, *_with_team(statements["milestones"], team.pk))
    final = next(iter(instances(ProgressReport, *_with_team(statements["final_report"], team.pk))), None)
    key_results = instances(JournalEntry, *_with_team(statements["key_results"], team.pk))
    labels = dict(MilestoneStatus.choices)  # `get_status_display` built this mapping for every milestone
    for milestone in milestones:
        milestone.status_label = labels.get(milestone.status, milestone.status)
    return {"team": team, "final_report": final, "milestones": milestones,
            "reached": sum(m.status == MilestoneStatus.DONE for m in milestones),
            "journal_counts": journal_counts(team), "key_results": key_results}


_TEAM_MARK = -18_101


@functools.cache
def _summary_statements() -> dict[str, tuple[str, tuple]]:
    """The summary's four statements as the ORM writes them, built once per process with a mark
    where the team's id goes: building them cost ~2 ms of CPU on every score sheet, running them
    a fraction of that (issue 18)."""
    signed = JournalEntry.objects.filter(team_id=_TEAM_MARK, status=EntryStatus.SIGNED, superseded_at__isnull=True)
    queries = {
        "milestones": Milestone.objects.filter(team_id=_TEAM_MARK).order_by("due_date", "pk"),
        "final_report": (ProgressReport.objects.filter(team_id=_TEAM_MARK, status=ReportStatus.APPROVED)
                         .order_by("-period_start")[:1]),
        "key_results": signed.filter(key_result=True).order_by("signed_at", "pk"),
        "journal_counts": signed.values("kind").annotate(n=Count("pk")).values_list("kind", "n"),
    }
    compiled = {}
    for name, query in queries.items():
        sql, params = query.query.sql_with_params()
        compiled[name] = (sql, tuple(params))
    return compiled


def _for_team(params: tuple, team_id: int) -> list:
    return [team_id if param == _TEAM_MARK else param for param in params]


def _with_team(statement: tuple[str, tuple], team_id: int) -> tuple[str, list]:
    return statement[0], _for_team(statement[1], team_id)


def results_summary_text(summary: dict) -> str:
    """A plain-text draft for the team's final results submission, assembled from the summary."""
    lines = [f"{summary['team'].name}", ""]
    if summary["final_report"]:
        lines += [summary["final_report"].done.strip(), ""]
    lines += [f"- {m.title} ({m.get_status_display()})" for m in summary["milestones"]]
    if summary["key_results"]:
        lines += ["", *(f"* {e.title}: {e.conclusion.strip()}" for e in summary["key_results"])]
    return "\n".join(lines).strip()


# --- supervision dashboard -------------------------------------------------------------------
def supervised_team_ids(user) -> QuerySet:
    co = Project.co_supervisors.through.objects.filter(user_id=user.pk).values("project_id")
    return (Membership.objects.filter(user_id=user.pk, role=MembershipRole.SUPERVISOR).order_by().values("team_id")
            .union(Team.objects.filter(project__proposer_id=user.pk).order_by().values("pk"),
                   Team.objects.filter(project_id__in=co).order_by().values("pk")))


@dataclass(slots=True)
class TeamRisk:
    """One row of the supervision dashboard: a team's problems, as of `today`, and how many."""

    pk: int
    name: str
    overdue: int
    last_activity: datetime | None
    report_missing: bool
    sent_back: bool
    inactive: bool
    risk: int


def team_risks(edition: Edition, *, user, config: EditionWorkspaceSettings | None = None) -> list[TeamRisk]:
    """Every team of the edition the user supervises (the office: all), ordered by name, with
    overdue milestones, the last journal activity, whether the last due report is missing and
    whether a report was sent back. One query; each per-team subquery appears once in the
    SELECT list: referenced again in WHERE or ORDER BY, PostgreSQL would run it again per
    reference (the risk filter and sort ran the journal subquery ~7 times per team, 1,500 teams:
    ~270 ms). Risk, counts, filter and sort are done on these rows (`risk_counts`, `teams_at_risk`)."""
    today = timezone.localdate()
    config = config or edition_settings(edition)
    inactive_since = timezone.now() - timedelta(days=config.inactivity_days)
    due = periods.last_due_period(edition, config.report_cadence, today)
    sql, params = _risk_statement(staff=user.is_staff, due=due is not None)
    marks = {_EDITION_MARK: edition.pk, _USER_MARK: user.pk, _TODAY_MARK: today,
             _DUE_MARK: due.start if due else today}
    with connection.cursor() as cursor:
        cursor.execute(sql, [marks.get(param, param) if isinstance(param, int | date) else param
                             for param in params])
        rows = cursor.fetchall()
    found = []
    for pk, name, overdue, last, missing, back in rows:
        inactive = last is None or last < inactive_since
        found.append(TeamRisk(pk, name, overdue, last, missing, back, inactive,
                              (overdue > 0) + inactive + missing + back))
    return found


_EDITION_MARK, _USER_MARK = -18_102, -18_103
_TODAY_MARK, _DUE_MARK = date(1901, 2, 3), date(1902, 3, 4)


@functools.cache
def _risk_statement(*, staff: bool, due: bool) -> tuple[str, tuple]:
    """`team_risks`' statement as the ORM writes it, built once per process (per the two shapes
    of each flag) with marks where the edition, the user and the dates go: compiling the five
    subqueries cost more worker CPU than PostgreSQL spent running them (issue 18)."""
    overdue = (Milestone.objects.filter(team=OuterRef("pk"), status__in=OPEN_MILESTONE_STATUSES,
                                        due_date__lt=_TODAY_MARK)
               .order_by().values("team").annotate(n=Count("pk")).values("n"))
    # Newest first and one row, not MAX(): a backward scan of journal_team_created_idx stops at
    # the first entry instead of reading all of the team's entries.
    last = JournalEntry.objects.filter(team=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    handed_in = ProgressReport.objects.filter(
        team=OuterRef("pk"), period_start=_DUE_MARK, status__in=(ReportStatus.SUBMITTED, ReportStatus.APPROVED))
    sent_back = ProgressReport.objects.filter(team=OuterRef("pk"), status=ReportStatus.CHANGES_REQUESTED)
    teams = Team.objects.filter(edition_id=_EDITION_MARK)
    if not staff:
        teams = teams.filter(pk__in=supervised_team_ids(User(pk=_USER_MARK)))
    rows = teams.annotate(
        overdue=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
        last_activity=Subquery(last),
        report_missing=(~Exists(handed_in)) if due else Value(False),
        sent_back=Exists(sent_back),
    ).order_by("name", "pk").values_list("pk", "name", "overdue", "last_activity", "report_missing", "sent_back")
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


# Sort keys over rows already in (name, pk) order: Python's sort is stable, so ties keep that
# order as the former ORDER BY <key>, name, pk did. PostgreSQL puts NULLs last ascending and
# first descending; the activity keys do the same.
_EPOCH = datetime.min.replace(tzinfo=UTC)
SORTS = {"risk": (lambda t: t.risk, True), "name": (None, False), "overdue": (lambda t: t.overdue, True),
         "activity": (lambda t: (t.last_activity is None, t.last_activity or _EPOCH), False),
         "-activity": (lambda t: (t.last_activity is None, t.last_activity or _EPOCH), True)}


def teams_at_risk(rows: list[TeamRisk], *, only_at_risk: bool = True, sort: str = "risk") -> list[TeamRisk]:
    """The dashboard's table: the rows with at least one problem (or all of them), sorted."""
    if only_at_risk:
        rows = [row for row in rows if row.risk > 0]
    key, descending = SORTS.get(sort, SORTS["risk"])
    return sorted(rows, key=key, reverse=descending) if key else list(rows)


def risk_counts(rows: list[TeamRisk]) -> dict:
    """Counts over all the rows (not only the ones at risk)."""
    overdue = inactive = missing = sent_back = 0
    for row in rows:
        overdue += row.overdue > 0
        inactive += row.inactive
        missing += row.report_missing
        sent_back += row.sent_back
    return {"teams": len(rows), "overdue": overdue, "inactive": inactive, "missing": missing, "sent_back": sent_back}
