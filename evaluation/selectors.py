"""Reads of the evaluation app: who may see what, conflicts, progress and results."""

import functools
import operator
from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Lookup,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon import statements
from marathon.models import Edition, User
from projects.models import Membership, Project, ProjectStatus, Team

from . import aggregation
from .models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    Criterion,
    ResultSnapshot,
    Score,
    ScoreSheet,
    ScoreSheetRevision,
    SheetStatus,
)

EVALUATED_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)


# --- roles ---------------------------------------------------------------------------------
def member_of(commission: Commission, user: User) -> CommissionMember | None:
    if not user.is_authenticated:
        return None
    return commission.members.filter(user=user).first()


def is_chair(user: User, commission: Commission) -> bool:
    """A chair seat on this commission. Only chairs see individual scores, confidential notes
    and the live results; the programme office (staff) does not, unless it also holds a seat."""
    if not user.is_authenticated:
        return False
    return commission.members.filter(user=user, is_chair=True).exists()


def can_manage(user: User, commission: Commission) -> bool:
    """Chairs and the programme office run the commission: progress counts, assignment,
    reminders. Managing never grants a look at scores (see `is_chair`)."""
    return user.is_authenticated and (user.is_staff or is_chair(user, commission))


def chaired_commissions(user: User):
    if not user.is_authenticated:
        return Commission.objects.none()
    return Commission.objects.select_related("edition").filter(members__user=user, members__is_chair=True)


def managed_commissions(user: User):
    """Commissions whose dashboard the user opens: all for the office, else the chaired ones."""
    if user.is_authenticated and user.is_staff:
        return Commission.objects.select_related("edition")
    return chaired_commissions(user)


def commission_for_year(year: int) -> Commission | None:
    return Commission.objects.select_related("edition").filter(edition__year=year).first()


def projects_to_evaluate(edition: Edition):
    return Project.objects.filter(edition=edition, status__in=EVALUATED_STATUSES)


# --- conflicts -----------------------------------------------------------------------------
def detected_conflicts(members: list[CommissionMember], projects: list[Project]) -> dict[tuple, str]:
    """`{(member_id, project_id): reason}` for conflicts found in the data (three queries).

    An expert supervises the project (proposer or co-supervisor), is in its team, or belongs to
    the project's customer organisation (the member's organisation or the profile's)."""
    project_ids = [p.pk for p in projects]
    by_user = defaultdict(list)
    for member in members:
        by_user[member.user_id].append(member)
    found = {}

    def add(user_id, project_id, reason):
        for member in by_user.get(user_id, []):
            found.setdefault((member.pk, project_id), reason)

    for project in projects:
        add(project.proposer_id, project.pk, _("Proposed the project"))
    co_supervisors = Project.co_supervisors.through.objects.filter(
        project_id__in=project_ids, user_id__in=by_user).values_list("user_id", "project_id")
    for user_id, project_id in co_supervisors:
        add(user_id, project_id, _("Co-supervises the project"))
    members_of_teams = Membership.objects.filter(
        team__project_id__in=project_ids, user_id__in=by_user).values_list("user_id", "team__project_id")
    for user_id, project_id in members_of_teams:
        add(user_id, project_id, _("Is a member of the project's team"))
    for member in members:
        organisations = {i for i in (member.organisation_id, member.user.organisation_id) if i}
        for project in projects:
            if project.customer_id and project.customer_id in organisations:
                found.setdefault((member.pk, project.pk), _("Works for the project's customer"))
    return found


def conflict_reason(member: CommissionMember, project: Project) -> str:
    """Why `member` may not evaluate `project` ('' when there is no conflict): the same rules
    and order as `detected_conflicts`, for this one pair, in one indexed query (the declared
    conflict, co-supervision and team membership as subqueries)."""
    facts = (Project.objects.filter(pk=project.pk).order_by()
             .annotate(**conflict_facts(Value(member.pk), "pk", Value(member.user_id)))
             .values_list("declared_conflict", "co_supervises", "in_team").first())
    declared, co_supervises, in_team = facts or (None, False, False)
    return conflict_reason_of(member, project, declared=declared, co_supervises=co_supervises, in_team=in_team)


def conflict_facts(member: str | Value, project: str | Value, user: str | Value) -> dict:
    """Annotations for one expert and project (field names of the annotated query, or values):
    the declared conflict's reason, co-supervision and team membership, each an indexed lookup."""
    def ref(value):
        return value if isinstance(value, Value) else OuterRef(value)

    return {
        "declared_conflict": Subquery(ConflictOfInterest.objects.filter(
            member_id=ref(member), project_id=ref(project)).order_by().values("reason")[:1]),
        "co_supervises": Exists(Project.co_supervisors.through.objects.filter(
            project_id=ref(project), user_id=ref(user))),
        "in_team": Exists(Membership.objects.filter(team__project_id=ref(project), user_id=ref(user))),
    }


def conflict_reason_of(member: CommissionMember, project: Project, *, declared: str | None,
                       co_supervises: bool, in_team: bool) -> str:
    """`conflict_reason` from the facts `conflict_facts` read: declared, proposer, co-supervisor,
    team member, customer organisation, in that order."""
    if declared:
        return declared
    if project.proposer_id == member.user_id:
        return _("Proposed the project")
    if co_supervises:
        return _("Co-supervises the project")
    if in_team:
        return _("Is a member of the project's team")
    if project.customer_id and project.customer_id in (member.organisation_id, member.user.organisation_id):
        return _("Works for the project's customer")
    return ""


def conflict_pairs(commission: Commission) -> set[tuple[int, int]]:
    return set(ConflictOfInterest.objects.filter(member__commission=commission)
               .values_list("member_id", "project_id"))


# --- sheets and progress -------------------------------------------------------------------
def _seat_ids(user: User, chaired: bool = False) -> list[int]:
    """Ids of the user's seats, plus (`chaired`) every seat of the commissions they chair: a few
    dozen rows. Filtering sheets or assignments by `member_id__in` these ids uses the foreign-key
    index; an OR across the member join forces sequential scans of all of them. One statement
    written out (`_seat_ids_sql`): built by the ORM with its chaired-commissions subquery, it cost
    ~1.5 ms of CPU on every expert's and chair's list."""
    if not user.is_authenticated:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_seat_ids_sql(chaired), [user.pk, user.pk] if chaired else [user.pk])
        return [pk for (pk,) in cursor.fetchall()]


@functools.cache
def _seat_ids_sql(chaired: bool) -> str:
    seat = connection.ops.quote_name(CommissionMember._meta.db_table)
    sql = f"SELECT m.id FROM {seat} m WHERE m.user_id = %s"
    if chaired:
        sql += f" OR m.commission_id IN (SELECT c.commission_id FROM {seat} c WHERE c.user_id = %s AND c.is_chair)"
    return sql


def sheets_of_expert(user: User) -> "ExpertSheets":
    """The expert's sheets for their list page, newest edition first, for a `Paginator`: the
    sheet's status plus what a row shows (`project_title`, the edition's `year` and `deadline`)
    as attributes, no related objects."""
    return ExpertSheets(user)


class ExpertSheets:
    """The expert's sheets as the `Paginator` reads them: `count()`, then one slice.

    Three written-out statements (the same query count as the ORM's): the expert's seats with
    their commission's deadline, the number of sheets, the page. Built by the ORM, the count and
    the page each joined seven tables (sheet, assignment, seat, project, edition, commission,
    edition): PostgreSQL spent ~2 ms planning each, and the count read every sheet of the
    database (a hash join) — ~6 ms of PostgreSQL CPU per page, the most of the expert's requests.
    The deadline is the seat's (one row per seat), the page joins four tables, the count probes
    each of the expert's assignments for its sheet (the unique index) instead of joining."""

    def __init__(self, user: User):
        self.user = user

    @functools.cached_property
    def deadlines(self) -> dict[int, object]:
        """{seat id: its commission's evaluation end}."""
        if not self.user.is_authenticated:
            return {}
        with connection.cursor() as cursor:
            statements.execute_prepared(cursor, "evaluation_expert_seats", _expert_sql("seats"), [self.user.pk])
            return dict(cursor.fetchall())

    def count(self) -> int:
        if not self.deadlines:
            return 0
        with connection.cursor() as cursor:
            statements.execute_prepared(cursor, "evaluation_expert_sheet_count", _expert_sql("count"),
                                        [list(self.deadlines)])
            return cursor.fetchone()[0]

    def __getitem__(self, page: slice) -> list[ScoreSheet]:
        if not self.deadlines or page.stop <= page.start:
            return []
        sheets = statements.instances(ScoreSheet, _expert_sql("page"),
                                      [list(self.deadlines), page.stop - page.start, page.start])
        for sheet in sheets:
            sheet.deadline = self.deadlines[sheet.seat_id]
            del sheet.seat_id
        return sheets


@functools.cache
def _expert_sql(name: str) -> str:
    tables = {key: connection.ops.quote_name(model._meta.db_table) for key, model in (
        ("sheet", ScoreSheet), ("assignment", Assignment), ("seat", CommissionMember), ("project", Project),
        ("commission", Commission), ("edition", Edition))}
    sql = {
        "seats": "SELECT m.id, e.evaluation_end FROM {seat} m INNER JOIN {commission} c ON c.id = m.commission_id "
                 "INNER JOIN {edition} e ON e.id = c.edition_id WHERE m.user_id = %s",
        # A sub-select per assignment: the unique index on the sheet's assignment, never a scan.
        "count": "SELECT COUNT(*) FROM {assignment} a WHERE a.member_id = ANY(%s) "
                 "AND (SELECT s.id FROM {sheet} s WHERE s.assignment_id = a.id) IS NOT NULL",
        # The sheet's id last: a stable order across pages when titles repeat within a year.
        "page": "SELECT s.id, s.status, p.title AS project_title, e.year AS year, a.member_id AS seat_id "
                "FROM {assignment} a INNER JOIN {sheet} s ON s.assignment_id = a.id "
                "INNER JOIN {project} p ON p.id = a.project_id INNER JOIN {edition} e ON e.id = p.edition_id "
                "WHERE a.member_id = ANY(%s) ORDER BY e.year DESC, p.title, s.id LIMIT %s OFFSET %s",
    }[name]
    return sql.format(**tables)


def sheet_for_page(pk: int) -> ScoreSheet | None:
    """The score sheet as its page shows it (None if there is none): the expert, the edition, the
    project with its team and the team's results submission joined, and the conflict facts of
    this expert and project (`conflict_facts`), so the page needs no query of its own for them.

    The statement is the ORM's, compiled once per process with a mark for the id (building it
    cost ~2.5 ms of CPU on every page, running it a tenth of that); the row becomes the sheet and
    its related objects as a `QuerySet` would build them."""
    compiler, sql, params, populators = _sheet_for_page_statement()
    # Prepared: planning its nine tables cost PostgreSQL ten times what running it does.
    rows = statements.fetch_prepared("marathon_sheet_page", sql,
                                     [pk if param == _PAGE_SHEET_MARK else param for param in params])
    if not rows:
        return None
    row = next(iter(compiler.results_iter(results=[rows])))  # the fields' converters, as the ORM applies them
    info, select = compiler.klass_info, compiler.select
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    sheet = ScoreSheet.from_db(compiler.using, [column[0].target.attname for column in select[start:end]],
                               row[start:end])
    for populator in populators:
        populator.populate(row, sheet)
    for name, position in compiler.annotation_col_map.items():
        setattr(sheet, name, row[position])
    return sheet


_PAGE_SHEET_MARK = -18_003
# What the page reads of the joined rows; the project's and the user's long columns (description,
# search vector, password, skills…) and the edition's translated titles stay in the database.
_PAGE_FIELDS = (
    "status", "feedback", "confidential_note", "submitted_at", "updated_at", "weighted_score",
    "assignment__member__user__full_name", "assignment__member__user__email",
    "assignment__member__user__organisation", "assignment__member__organisation",
    "assignment__member__is_chair", "assignment__member__group",
    *(f"assignment__member__commission__edition__{name}" for name in (
        "year", "proposals_start", "proposals_end", "team_formation_start", "team_formation_end",
        "research_start", "research_end", "evaluation_start", "evaluation_end")),
    *(f"assignment__project__{name}" for name in (
        "title", "summary", "status", "customer", "proposer", "edition")),
    *(f"assignment__project__team__{name}" for name in ("name", "edition", "project", "capacity", "created_at")),
    *(f"assignment__project__team__result_submission__{name}" for name in (
        "summary", "final_report", "final_report_name", "final_report_type", "presentation",
        "presentation_name", "presentation_type", "submitted_at")),
)


@functools.cache
def _sheet_for_page_statement():
    """`sheet_for_page`'s compiled statement, with what turns its row into objects."""
    declared, co_supervises, in_team = _page_conflict_facts_sql()
    query = (ScoreSheet.objects.select_related(
        "assignment__member__user", "assignment__member__commission__edition",
        "assignment__project__team__result_submission")
        .only(*_PAGE_FIELDS)
        .annotate(declared_conflict=RawSQL(declared, (), output_field=CharField()),
                  co_supervises=RawSQL(co_supervises, (), output_field=BooleanField()),
                  in_team=RawSQL(in_team, (), output_field=BooleanField()))
        .filter(pk=_PAGE_SHEET_MARK)).query
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params), get_related_populators(compiler.klass_info, compiler.select,
                                                                compiler.using)


@functools.cache
def _page_conflict_facts_sql() -> tuple[str, str, str]:
    """`conflict_facts` for `sheet_for_page`, written out: compiling the three ORM subqueries cost
    ~1 ms of CPU on every score sheet page. They refer to the assignment and the seat by the
    aliases the `select_related` joins have there (their table names), as the ORM's did."""
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    assignment, seat = table(Assignment), table(CommissionMember)
    return (
        f"SELECT ci.reason FROM {table(ConflictOfInterest)} ci WHERE ci.member_id = {assignment}.member_id "
        f"AND ci.project_id = {assignment}.project_id LIMIT 1",
        f"EXISTS (SELECT 1 FROM {table(Project.co_supervisors.through)} cs "
        f"WHERE cs.project_id = {assignment}.project_id AND cs.user_id = {seat}.user_id)",
        f"EXISTS (SELECT 1 FROM {table(Membership)} ms INNER JOIN {table(Team)} t ON ms.team_id = t.id "
        f"WHERE t.project_id = {assignment}.project_id AND ms.user_id = {seat}.user_id)",
    )


def sheet_to_save():
    """Score sheets for the browser's save actions (autosave, submit): the sheet's own fields, its
    expert's seat and the edition's id (`edition_id`, for the criteria); the save service locks
    and loads the rest."""
    return (ScoreSheet.objects.select_related("assignment__member")
            .only("assignment_id", "status", "feedback", "confidential_note", "submitted_at", "updated_at",
                  "weighted_score", "assignment__member_id", "assignment__project_id",
                  "assignment__member__user_id", "assignment__member__commission_id")
            .annotate(edition_id=F("assignment__member__commission__edition_id")))


def sheets_visible_to(user: User):
    """Own sheets, plus every sheet of commissions the user chairs."""
    return ScoreSheet.objects.filter(assignment__member_id__in=_seat_ids(user, chaired=True))


def sheet_visible_to(user: User, pk: int) -> bool:
    """One sheet's visibility (its author, or a chair of its commission) in one indexed query:
    for the write endpoints, which hand the sheet to a service that locks and loads it."""
    if not user.is_authenticated:
        return False
    seats = CommissionMember.objects.filter(Q(user=user) | Q(commission__in=chaired_commissions(user).values("pk")))
    return ScoreSheet.objects.filter(pk=pk, assignment__member__in=seats.values("pk")).exists()


def assignments_visible_to(user: User):
    """Own assignments plus those of managed commissions (who is assigned where, no scores):
    every assignment for the office."""
    if user.is_authenticated and user.is_staff:
        return Assignment.objects.all()
    return Assignment.objects.filter(member_id__in=_seat_ids(user, chaired=True))


def assignment_rows(assignments):
    """Assignments as the API shows them (`serializers.AssignmentSerializer`), sorted by project
    title: plain rows, the expert's name and the sheet's id and status read by subqueries, which
    PostgreSQL evaluates for the page's rows only (after the sort and the LIMIT) — joined, the
    planner hash-joins every user and sheet to sort an expert's assignments. One statement instead
    of the model instances of four tables and two prefetches (~3 ms of CPU per page)."""
    sheets = ScoreSheet.objects.filter(assignment=OuterRef("pk"))
    return (assignments.annotate(
        expert=F("member__user_id"), group=F("member__group"), project_title=F("project__title"),
        expert_name=Subquery(User.objects.filter(pk=OuterRef("member__user_id")).values("full_name")),
        sheet_pk=Subquery(sheets.values("pk")), sheet_status=Subquery(sheets.values("status")))
        .values("id", "expert", "expert_name", "group", "project", "project_title", "automatic", "sheet_pk",
                "sheet_status", "created_at")
        .order_by("project__title", "id"))


def sheets_of_project(commission: Commission, project: Project) -> list[dict]:
    """Each sheet of the project with its weighted score (two queries: sheets and scores)."""
    sheets = list(ScoreSheet.objects.filter(assignment__member__commission=commission, assignment__project=project)
                  .select_related("assignment__member__user").order_by("assignment__member__user__full_name"))
    specs = {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max)
             for c in criteria_of(commission.edition)}
    values = defaultdict(dict)
    for sheet_id, criterion_id, value in Score.objects.filter(sheet__in=sheets).values_list(
            "sheet_id", "criterion_id", "value"):
        values[sheet_id][criterion_id] = value
    return [{"sheet": s, "member": s.assignment.member, "score": aggregation.sheet_score(values[s.pk], specs)}
            for s in sheets]


EXPERT_SORTS = {"name": ("user__full_name", "pk"), "submitted": ("submitted", "user__full_name", "pk"),
                "open": ("-open", "user__full_name", "pk")}
PROJECT_SORTS = {"title": ("title", "pk"), "submitted": ("submitted", "title", "pk"),
                 "assigned": ("assigned", "title", "pk")}


def progress_by_expert(commission: Commission, sort: str = "name", unfinished: bool = False):
    """Seats with their assigned and submitted counts, sorted and filtered in SQL: `unfinished`
    keeps the experts with sheets still to submit. Sorted by a count or filtered, one grouped
    query; sorted by name (the default view), the counts are per-row subqueries, which PostgreSQL
    evaluates after the `LIMIT`: for the page's 25 rows only, not for every seat."""
    members = commission.members.select_related("user").only("commission", "group", "is_chair", "user__full_name")
    if sort not in ("submitted", "open") and not unfinished:
        mine = Assignment.objects.filter(member=OuterRef("pk"))
        return (members.annotate(assigned=_count_of(mine, "member"),
                                 submitted=_count_of(mine.filter(sheet__status=SheetStatus.SUBMITTED), "member"))
                .order_by(*EXPERT_SORTS["name"]))
    submitted = Q(assignments__sheet__status=SheetStatus.SUBMITTED)
    members = (members.annotate(assigned=Count("assignments"), submitted=Count("assignments", filter=submitted))
               .annotate(open=F("assigned") - F("submitted")))
    if unfinished:
        members = members.filter(open__gt=0)
    return members.order_by(*EXPERT_SORTS.get(sort, EXPERT_SORTS["name"]))


def progress_by_project(commission: Commission, sort: str = "title", fewer_than: int | None = None):
    """Evaluated projects with their assigned and submitted sheets, sorted and filtered in SQL:
    `fewer_than` keeps the projects with fewer submitted sheets. Sorted by a count or filtered,
    one grouped query; sorted by title (the default view), per-row subqueries evaluated after the
    `LIMIT` (see `progress_by_expert`). Each subquery keeps the project's assignments to one of
    the commission's seats with `member_id = ANY(ARRAY(<the seats>))`, the seats read once per
    statement: joined to the seats, PostgreSQL hashed all of them again for every row of the
    page (~3 of the statement's ~5 ms at 280 seats)."""
    projects = projects_to_evaluate(commission.edition).only("id", "title")
    if sort not in ("submitted", "assigned") and fewer_than is None:
        seats = ArraySubquery(CommissionMember.objects.filter(commission=commission).order_by().values("pk"))
        mine = Assignment.objects.filter(_AnyOf(F("member_id"), seats), project=OuterRef("pk"))
        return (projects.annotate(assigned=_count_of(mine, "project"),
                                  submitted=_count_of(mine.filter(sheet__status=SheetStatus.SUBMITTED), "project"))
                .order_by(*PROJECT_SORTS["title"]))
    scope = Q(expert_assignments__member__commission=commission)
    submitted = scope & Q(expert_assignments__sheet__status=SheetStatus.SUBMITTED)
    projects = projects.annotate(assigned=Count("expert_assignments", filter=scope),
                                 submitted=Count("expert_assignments", filter=submitted))
    if fewer_than is not None:
        projects = projects.filter(submitted__lt=fewer_than)
    return projects.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS["title"]))


class _AnyOf(Lookup):
    """`lhs = ANY(rhs)`: the value is one of the array's (`ArraySubquery`, evaluated once per
    statement as an init plan, where `IN (subquery)` or a join is planned again per outer row)."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _count_of(assignments, per: str):
    """The number of `assignments` (correlated to the outer row through `per`) as a subquery."""
    counted = assignments.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def publication_gaps(commission: Commission, reads: "CountedReads | None" = None) -> dict:
    """What is missing before the results can be published without the chair's confirmation,
    in three queries that return the gaps only (counted in SQL, not in Python over every sheet):
    conflict-free unsubmitted sheets per expert, projects with fewer counting (submitted,
    conflict-free) sheets than `min_sheets_per_project` (by title, then id), and teams of the
    evaluated projects that handed in no results. The statements are built once per process
    (`_gaps_statements`): the ORM took ~2.5 ms of CPU to compile them, on every cold dashboard
    and every publication. Given `reads` that the live results have already loaded (the chair's
    cold dashboard), the projects short of sheets are counted from its rows instead: two
    queries, the same list."""
    needed = commission.min_sheets_per_project
    ids = {_COMMISSION_MARK: commission.pk, _EDITION_MARK: commission.edition_id, _NEEDED_MARK: needed}
    derived = reads is not None and reads.loaded
    drafts_sql, short_sql, without_results_sql = _gaps_statements()
    run = (drafts_sql, without_results_sql) if derived else (drafts_sql, short_sql, without_results_sql)
    with connection.cursor() as cursor:
        found = []
        for sql, params in run:
            cursor.execute(sql, [ids.get(param, param) for param in params])
            found.append(cursor.fetchall())
    if derived:
        (drafts, without_results), short = found, reads.short_of_sheets(needed)
    else:
        drafts, short, without_results = found
    return {
        "unsubmitted_sheets": [{"member": member, "expert": expert, "count": count}
                               for member, expert, count in drafts],
        "projects_short_of_sheets": [{"project": pk, "title": title, "submitted": submitted, "needed": needed}
                                     for pk, title, submitted in short],
        "teams_without_results": [{"team": team_id, "name": name, "project": title}
                                  for team_id, name, title in without_results],
    }


_NEEDED_MARK = -18_004


@functools.cache
def _gaps_statements() -> tuple[tuple[str, tuple], ...]:
    """`publication_gaps`' three statements as the ORM writes them, with marks where the
    commission's id, the edition's id and `min_sheets_per_project` go."""
    commission = Commission(pk=_COMMISSION_MARK, edition_id=_EDITION_MARK, min_sheets_per_project=_NEEDED_MARK)
    drafts = (ScoreSheet.objects.filter(assignment__member__commission=commission)
              .exclude(status=SheetStatus.SUBMITTED).exclude(conflicted_q("assignment__")).order_by()
              .values("assignment__member_id", "assignment__member__user__full_name")
              .annotate(count=Count("pk")).order_by("assignment__member__user__full_name")
              .values_list("assignment__member_id", "assignment__member__user__full_name", "count"))
    projects = projects_to_evaluate(commission.edition_id).order_by("title", "pk")
    short = (counted_per_project(projects, commission).filter(submitted__lt=_NEEDED_MARK)
             .values_list("pk", "title", "submitted"))
    without_results = (projects.filter(team__isnull=False, team__result_submission__isnull=True)
                       .values_list("team__id", "team__name", "title"))
    return tuple((sql, tuple(params)) for sql, params in (
        query.query.sql_with_params() for query in (drafts, short, without_results)))


def dashboard_gaps(commission: Commission, key: str, reads: "CountedReads | None" = None) -> dict:
    """`publication_gaps` for the chair's dashboard, cached under the results key (`key`, from
    `results_cache_key`) and the commission's `min_sheets_per_project`: every service that changes
    a gap bumps the results version (assigning, removing, submitting, conflicts, seats, a team's
    results), as `results_cache_key` says for titles and names. Publishing reads the gaps afresh.
    `reads`: the live results' rows, when the request has computed them (see `publication_gaps`)."""
    key = f"{key}:gaps:{commission.min_sheets_per_project}"
    store = results_cache()
    gaps = store.get(key)
    if gaps is None:
        gaps = publication_gaps(commission, reads)
        store.set(key, gaps, LIVE_RESULTS_TTL)
    return gaps


def counted_per_project(projects, commission: Commission):
    """`projects` annotated with their counted sheets (`submitted`: submitted, by an expert of the
    commission without a recorded conflict with the project): one grouped pass over the
    assignments joined once, the conflicts a left join on (expert, project) — not a subquery per
    project, which at 1,500 projects cost ~65 ms of the dashboard's ~100 ms in the database."""
    scope = Q(expert_assignments__member__commission=commission,
              expert_assignments__sheet__status=SheetStatus.SUBMITTED, own_conflict__isnull=True)
    return (projects.annotate(own_conflict=FilteredRelation(
        "expert_assignments__member__conflicts",
        condition=Q(expert_assignments__member__conflicts__project=F("pk"))))
        .annotate(submitted=Count("expert_assignments", filter=scope)))


def has_gaps(gaps: dict) -> bool:
    return any(gaps.values())


def gap_text(kind: str, row: dict) -> str:
    """One gap as a sentence (`kind` is a key of `publication_gaps`)."""
    if kind == "unsubmitted_sheets":
        return ngettext("%(expert)s: %(count)d sheet not submitted", "%(expert)s: %(count)d sheets not submitted",
                        row["count"]) % row
    if kind == "projects_short_of_sheets":
        return _("%(title)s: %(submitted)d of %(needed)d submitted sheets") % row
    return _("%(name)s (%(project)s): no results handed in") % row


def gap_messages(gaps: dict) -> dict[str, list[str]]:
    """The gaps as sentences, per kind (the API's 409 `errors`, the dashboard's lists)."""
    return {kind: [gap_text(kind, row) for row in gaps[kind]]
            for kind in ("unsubmitted_sheets", "projects_short_of_sheets", "teams_without_results")}


def criteria_of(edition: Edition | int):
    return Criterion.objects.filter(edition=edition)


def criteria_with_scores(edition_id: int, sheet_id: int) -> list[Criterion]:
    """The edition's criteria in display order, each with the sheet's value and comment
    (`current_value`, `current_comment`; None when not scored), in one query: each criterion
    joined to this sheet's score, if any. Every save and every view of a sheet reads it."""
    sql, params = _criteria_with_scores_statement()
    ids = {_EDITION_MARK: edition_id, _SHEET_MARK: sheet_id}
    return statements.instances(Criterion, sql, [ids.get(param, param) for param in params])


_EDITION_MARK, _SHEET_MARK = -18_001, -18_002


def recent_revisions(sheet_id: int) -> list[ScoreSheetRevision]:
    """The sheet's last ten revisions, newest first (its page's history)."""
    sql, params = _recent_revisions_statement()
    return statements.instances(ScoreSheetRevision, sql, [sheet_id if p == _SHEET_MARK else p for p in params])


@functools.cache
def _recent_revisions_statement() -> tuple[str, tuple]:
    """As `_criteria_with_scores_statement`: the ORM's statement, built once per process."""
    query = ScoreSheetRevision.objects.filter(sheet_id=_SHEET_MARK).order_by("-number")[:10]
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


@functools.cache
def _criteria_with_scores_statement() -> tuple[str, tuple]:
    """`criteria_with_scores`' statement as the ORM writes it, built once per process with marks
    where the ids go: building it cost ~1 ms of CPU per call, executing it a tenth of that."""
    query = (Criterion.objects.filter(edition_id=_EDITION_MARK)
             .annotate(current=FilteredRelation("scores", condition=Q(scores__sheet_id=_SHEET_MARK)))
             .annotate(current_value=F("current__value"), current_comment=F("current__comment"))
             .order_by("position", "pk"))
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


# --- results -------------------------------------------------------------------------------
def counted_sheets(commission: Commission):
    """Submitted sheets of experts without a recorded conflict with the project, in id order
    (the order the ratings are summed in, so every computation adds them up alike)."""
    return (ScoreSheet.objects.filter(assignment__member__commission=commission, status=SheetStatus.SUBMITTED)
            .exclude(conflicted_q("assignment__")).order_by("pk"))


def compute_results(commission: Commission, *, details: bool = True, reads: "CountedReads | None" = None) -> dict:
    """Live results of every method from the counted sheets' stored weighted scores
    (`ScoreSheet.weighted_score`, kept by the services), whatever the size in three queries:
    criteria, the counted sheets (one row each), the projects; `details` (per-criterion means and
    the feedback texts, for the API, the exports and publishing) adds one grouped query. Sheets
    written without a stored score (bulk-generated rows) are scored from their values here (one
    more query, only then). Without `details`, `reads` (a `CountedReads` of this commission)
    reads the counted sheets and the projects, and keeps them for the caller's gaps."""
    criteria = list(criteria_of(commission.edition))
    specs = {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max) for c in criteria}
    if reads is not None and not details:
        rows, heads = reads.counted_rows(), reads.project_heads()
    else:
        rows, heads = _counted_rows(commission.pk, details=details), None
    unscored = [row[0] for row in rows if row[4] is None]
    if unscored:
        missing = _scores_from_values(unscored, specs)
        ratings = []
        for row in rows:
            score = row[4] if row[4] is not None else missing.get(row[0])
            if score is not None:
                ratings.append(aggregation.Rating(row[1], row[2], row[3], score))
    else:  # every sheet has its stored score (the services keep it): (expert, project, group, score)
        ratings = [row[1:5] for row in rows]
    result = aggregation.aggregate(ratings, threshold=commission.disagreement_threshold)
    criterion_means, feedback = _details(commission, rows) if details else (None, None)
    return _results_document(commission, criteria, result, criterion_means, feedback, heads)


_COMMISSION_MARK = -18_003


class CountedReads:
    """The counted sheets (`_counted_rows` without details) and the edition's evaluated projects
    (`_project_heads`, by title then id), read once for one request and kept: the chair's cold
    dashboard computes the live results from them and then counts the projects short of sheets
    from the same rows (`publication_gaps`), instead of a second grouped pass over the edition's
    assignments and sheets in PostgreSQL (~10 ms at 1,500 projects). Nothing is read until the
    results are computed; `loaded` says whether they were."""

    def __init__(self, commission: Commission):
        self.commission = commission
        self._rows = self._heads = None

    @property
    def loaded(self) -> bool:
        return self._rows is not None and self._heads is not None

    def counted_rows(self) -> list[tuple]:
        if self._rows is None:
            self._rows = _counted_rows(self.commission.pk, details=False)
        return self._rows

    def project_heads(self) -> list[tuple]:
        if self._heads is None:
            self._heads = _project_heads(self.commission.edition_id, ordered=True)
        return self._heads

    def short_of_sheets(self, needed: int) -> list[tuple]:
        """`(pk, title, counted sheets)` of the evaluated projects with fewer than `needed`
        counted sheets, by title then id: what `publication_gaps`' grouped statement returns."""
        counted = defaultdict(int)
        for row in self.counted_rows():
            counted[row[2]] += 1
        return [(pk, title, counted[pk]) for pk, title, _team, _name in self.project_heads() if counted[pk] < needed]


def _counted_rows(commission_id: int, *, details: bool) -> list[tuple]:
    """`counted_sheets` as `(pk, expert, project, group, weighted_score[, feedback])` tuples, read
    with the statement `_counted_rows_statement` built once per process, on a plain cursor: the
    ORM's per-row machinery (values_list's iterator) and compiling the query cost ~2 ms of CPU
    for the 6,000 rows of a large commission, the same order as executing it."""
    return _fetch_all(_counted_rows_statement(details), {_COMMISSION_MARK: commission_id})


def _fetch_all(statement: tuple[str, tuple], marks: dict) -> list[tuple]:
    """The rows of a statement built once per process (`(sql, params)`), each mark among its
    parameters replaced by its value in `marks`, read on a plain cursor."""
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, [marks.get(param, param) for param in params])
        return cursor.fetchall()


@functools.cache
def _counted_rows_statement(details: bool) -> tuple[str, tuple]:
    """The statement of `_counted_rows` as the ORM writes it (with a mark where the commission's
    id goes), so it stays the same query as `counted_sheets`."""
    columns = ("pk", "assignment__member_id", "assignment__project_id", "assignment__member__group",
               "weighted_score", *(("feedback",) if details else ()))
    query = counted_sheets(Commission(pk=_COMMISSION_MARK)).values_list(*columns)
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


def _scores_from_values(sheet_ids: list[int], specs: dict) -> dict[int, float]:
    """Weighted scores of sheets stored without one, from their values in criterion id order (as
    the services store them)."""
    if not sheet_ids:
        return {}
    values = defaultdict(dict)
    for sheet_id, criterion_id, value in (Score.objects.filter(sheet_id__in=sheet_ids)
                                          .order_by("sheet_id", "criterion_id")
                                          .values_list("sheet_id", "criterion_id", "value")):
        values[sheet_id][criterion_id] = value
    return {pk: score for pk, v in values.items() if (score := aggregation.sheet_score(v, specs)) is not None}


def _details(commission: Commission, rows: list[tuple]) -> tuple[dict, dict]:
    """Per project: each criterion's mean value over the counted sheets (summed in SQL: integers,
    so exactly the mean of the values), and the feedback texts."""
    feedback = defaultdict(list)
    for row in rows:
        if row[5]:
            feedback[row[2]].append(row[5])
    sums = _fetch_all(_criterion_sums_statement(), {_COMMISSION_MARK: commission.pk})
    # Each project's means in criterion id order (the document's key order). Sorted here, the
    # 7,500 groups: sorting the 30,000 scores in SQL before grouping them doubled the statement's
    # time (~25 -> ~50 ms of PostgreSQL at 1,500 projects).
    sums.sort(key=_CRITERION)
    means, rounded = defaultdict(dict), aggregation.Rounded()  # few distinct means: round each once
    for project_id, criterion_id, total, n in sums:
        means[project_id][str(criterion_id)] = rounded[total / n]
    return means, feedback


_CRITERION = operator.itemgetter(1)


@functools.cache
def _criterion_sums_statement() -> tuple[str, tuple]:
    """`(project, criterion, sum of values, count)` of the counted sheets' scores, grouped along
    the counted sheets' own join (sheet, assignment, scores; not scores filtered by a subquery of
    the counted sheets, which joined the sheets and assignments twice), unordered. The ORM's
    statement, built once per process with a mark for the commission's id and read on a plain
    cursor: compiling it and the ORM's per-row machinery cost ~8 ms of CPU for 7,500 groups."""
    sums = (counted_sheets(Commission(pk=_COMMISSION_MARK)).filter(scores__isnull=False)
            .values_list("assignment__project_id", "scores__criterion_id")
            .annotate(total=Sum("scores__value"), n=Count("scores")).order_by())
    sql, params = sums.query.sql_with_params()
    return sql, tuple(params)


LIVE_RESULTS_TTL = 300


def results_cache_key(commission: Commission) -> str:
    """The cache key of the commission's live results: the commission's results version (bumped
    by every service that changes an input of the numbers, in its transaction), its ranking
    method and threshold; one primary-key query. Derived caches (the chair's rendered table)
    extend it. Project titles and team names carry no version: an edit shows within
    `LIVE_RESULTS_TTL` seconds."""
    version, method, threshold = (Commission.objects.filter(pk=commission.pk).values_list(
        "results_version__version", "ranking_method", "disagreement_threshold").get())
    return f"evaluation:results:{commission.pk}:v{version or 0}:{method}:{threshold}"


def live_results(commission: Commission, key: str | None = None, *, details: bool = True,
                 keep: bool = True, reads: CountedReads | None = None) -> dict:
    """`compute_results`, cached under `results_cache_key`, so a repeated view costs one
    primary-key query. Without `details` (the chair's dashboard table) the per-criterion means
    and feedback texts are left out, and cached apart. Publishing never uses the cache (it calls
    `compute_results`). Give `key` when the caller already has `results_cache_key(commission)`.
    `keep=False` reads a cached document but does not store a computed one: for a caller that
    caches what it makes of it instead (the results API its rendered body). `reads`: see
    `compute_results`."""
    # Per language: the document carries the criteria's (translated) names.
    key = f"{key or results_cache_key(commission)}:{'full' if details else 'numbers'}:{translation.get_language()}"
    store = results_cache()
    results = store.get(key)
    if results is None:
        results = compute_results(commission, details=details, reads=reads)
        if keep:
            store.set(key, results, LIVE_RESULTS_TTL)
    return results


_NO_CACHE = DummyCache("", {})


def results_cache():
    """Where the live results and the chair's rendered results table are cached: the default
    cache, or — with `settings.EVALUATION_RESULTS_CACHE` off — one that never stores anything,
    so every request computes and renders (the benchmark's cold phase, bench/README.md)."""
    return cache if settings.EVALUATION_RESULTS_CACHE else _NO_CACHE


def conflicted_q(prefix: str) -> Q:
    """Sheets of an expert who has a recorded conflict with the project never count."""
    return Q(**{f"{prefix}member__conflicts__project": F(f"{prefix}project")})


def _results_document(commission, criteria, result, criterion_means, feedback, heads=None) -> dict:
    rows = heads if heads is not None else _project_heads(commission.edition_id)
    projects = {pk: (title, team_id, team_name) for pk, title, team_id, team_name in rows}
    method = commission.ranking_method
    rows = []
    for project_id, entry in result["projects"].items():
        head = projects.get(project_id)
        if head is None:
            continue
        title, team_id, team_name = head
        row = {"project": project_id, "title": title, "team": team_id, "team_name": team_name or "", **entry,
               "official_rank": entry["ranks"][method]}
        if criterion_means is not None:
            row["criteria"] = criterion_means.get(project_id, {})
            # Sorted, so the order of the texts cannot hint at who wrote which.
            row["feedback"] = sorted(feedback.get(project_id, ()))
        rows.append(row)
    rows.sort(key=_RANK_AND_TITLE)
    return {
        "edition": commission.edition.year, "computed_at": timezone.now().isoformat(),
        "ranking_method": method, "disagreement_threshold": commission.disagreement_threshold,
        "criteria": [{"id": c.pk, "name": c.name, "weight": float(c.weight),
                      "scale_min": c.scale_min, "scale_max": c.scale_max} for c in criteria],
        "agreement": result["agreement"], "projects": rows,
    }


_RANK_AND_TITLE = operator.itemgetter("official_rank", "title")


def _project_heads(edition_id: int, *, ordered: bool = False) -> list[tuple]:
    return _fetch_all(_project_heads_statement(ordered), {_EDITION_MARK: edition_id})


@functools.cache
def _project_heads_statement(ordered: bool = False) -> tuple[str, tuple]:
    """`(pk, title, team id, team name)` of the edition's evaluated projects (`ordered`: by title,
    then id): the ORM's statement built once per process (a mark for the edition's id), read on a
    plain cursor, as `_counted_rows` (~1.5 ms of CPU per results computation for 1,500 projects)."""
    rows = (projects_to_evaluate(_EDITION_MARK).order_by(*(("title", "pk") if ordered else ()))
            .values_list("pk", "title", "team__id", "team__name"))
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def published_snapshot(commission: Commission) -> ResultSnapshot | None:
    return ResultSnapshot.objects.filter(commission=commission).first()


def public_results(snapshot: ResultSnapshot, user: User) -> dict:
    """What everyone sees after publishing: the official ranking; team members additionally see
    their own project's per-criterion means and feedback texts. Never who scored what."""
    data = snapshot.data
    method = data["ranking_method"]
    own_teams = set()
    if user.is_authenticated:
        own_teams = set(Membership.objects.filter(user=user).values_list("team_id", flat=True))
    ranking = []
    for row in data["projects"]:
        entry = {"rank": row["ranks"][method], "project": row["project"], "title": row["title"],
                 "team_name": row["team_name"], "score": row["scores"][method]}
        if row["team"] in own_teams:
            entry["own"] = {"criteria": [
                {"name": c["name"], "mean": row["criteria"].get(str(c["id"]))} for c in data["criteria"]],
                "feedback": row["feedback"]}
        ranking.append(entry)
    return {"edition": data["edition"], "ranking_method": method,
            "published_at": snapshot.published_at.isoformat(), "ranking": ranking}
