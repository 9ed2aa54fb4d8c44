"""Reads of projects: who sees what, the catalogue with its filters and search."""

import functools
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from marathon import statements

from .composition import STUDENT_ROLES, compose, team_composition
from .models import SEARCH_CONFIG, Membership, Project, ProjectAttachment, ProjectStatus, Team
from .permissions import PUBLIC_STATUSES, can_view


def projects_visible_to(user) -> QuerySet[Project]:
    """Published projects for everyone; drafts and decisions also for their supervisors; all
    for the programme office."""
    projects = Project.objects.all()
    if getattr(user, "is_authenticated", False) and user.is_staff:
        return projects
    visible = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        co_supervised = Project.co_supervisors.through.objects.filter(
            project_id=OuterRef("pk"), user_id=user.pk)
        visible |= Q(proposer_id=user.pk) | Q(Exists(co_supervised))
    return projects.filter(visible)


def with_list_data(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Everything a catalogue row shows, in a fixed number of queries: the related rows, the
    team's memberships with their users (for the composition badge) and the free places."""
    return (
        projects.select_related("edition", "area", "customer", "proposer__university", "team")
        .prefetch_related(Prefetch("team__memberships", queryset=_composition_members()))
        .annotate(student_count=student_count(), free_places=F("team__capacity") - student_count())
    )


# A catalogue API row's own columns and its edition's: the statement that is filtered, ordered
# (by the edition's year: its join is there anyway), counted and paged joins nothing else. On
# the 1,500-project edition, joining the proposer, team, area, customer and university there
# made PostgreSQL join every matching row before the sort picked the page (10 ms) and spend
# ~2 ms planning eight relations; `catalogue_people` reads the people and team for the page's
# rows only, the area and customer names come from `catalogue_choices`.
CATALOGUE_PAGE_COLUMNS = (
    "id", "title", "summary", "status", "edition_id", "area_id", "customer_id", "team_size_min",
    "edition__year", "edition__min_universities", "edition__require_degree_mix")


class CatalogueStudent(NamedTuple):
    """What `composition.compose` reads of a student (instead of a User row)."""

    university_id: int | None
    status: str


class EditionRules(NamedTuple):
    """What `composition.compose` reads of an edition."""

    min_universities: int
    require_degree_mix: bool


def catalogue_page(projects: QuerySet[Project]) -> QuerySet:
    """`projects` (filtered) as dicts of `CATALOGUE_PAGE_COLUMNS`, to be paged and then given
    to `catalogue_people`."""
    return projects.values(*CATALOGUE_PAGE_COLUMNS)


def catalogue_people(rows: list[dict]) -> list[dict]:
    """Adds to each page row its proposer (`proposer`: id, full name, status, university's
    short name), its team's id and `composition` (None without a team), in one statement by
    primary key with the team's members as tuples (no Membership or User instances): the
    prefetch built a Membership and a User per member (~100 per page). The statement is built
    once per process and prepared on the database session (`marathon.statements.fetch_prepared`):
    compiling its six relations cost ~0.4 ms of CPU per request, planning them as much again."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    if connection.vendor == "postgresql":
        found = statements.fetch_prepared("marathon_catalogue_people", _catalogue_people_sql(), [ids])
    else:
        found = _people_of(ids)
    people, students = {}, {}
    for pk, *proposer, team_id, capacity, role, university_id, status in found:
        people[pk] = (proposer, team_id, capacity)
        members = students.setdefault(pk, [])
        if role in STUDENT_ROLES:
            members.append(CatalogueStudent(university_id, status))
    rows = [row for row in rows if row["id"] in people]  # deleted since the page was read
    for row in rows:
        proposer, team_id, capacity = people[row["id"]]
        row["proposer"] = proposer
        row["team_id"] = team_id
        row["composition"] = None if team_id is None else compose(
            students=students[row["id"]], capacity=capacity, minimum=row["team_size_min"],
            edition=EditionRules(row["edition__min_universities"], row["edition__require_degree_mix"]))
    return rows


def _people_of(ids: list[int]) -> QuerySet:
    return (Project.objects.filter(pk__in=ids).order_by()
            .values_list("pk", "proposer_id", "proposer__full_name", "proposer__status",
                         "proposer__university__short_name", "team__id", "team__capacity",
                         "team__memberships__role", "team__memberships__user__university_id",
                         "team__memberships__user__status"))


_PEOPLE_MARK = -18_501


@functools.cache
def _catalogue_people_sql() -> str:
    """`catalogue_people`'s statement on PostgreSQL, the page's ids as one array parameter
    (`id = ANY(%s)`): the same statement for every page size."""
    sql, params = _people_of([_PEOPLE_MARK]).query.sql_with_params()
    ids = f"{connection.ops.quote_name(Project._meta.db_table)}.{connection.ops.quote_name('id')}"
    if list(params) != [_PEOPLE_MARK] or sql.count(f"{ids} IN (%s)") != 1:
        raise RuntimeError("Unexpected shape of the catalogue's people statement.")
    return sql.replace(f"{ids} IN (%s)", f"{ids} = ANY(%s)")


def _composition_members():
    """Only what `team_composition()` and the team-member check read (not whole user rows)."""
    return (Membership.objects.select_related("user")
            .only("team_id", "user_id", "role", "user__university_id", "user__status"))


def student_count():
    """The project's team's students. On PostgreSQL the `projects_team.student_count` column kept
    by a trigger (migration 0005), read through the team's join: a count of memberships per row
    was two correlated subqueries in every catalogue query and doubled its planning time."""
    if connection.vendor == "postgresql":
        return Coalesce(_StoredStudentCount(), 0)
    members = (Membership.objects.filter(team__project_id=OuterRef("pk"), role__in=STUDENT_ROLES)
               .order_by().values("team_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


class _StoredStudentCount(Expression):
    """`student_count` of the project's team row. Not a model field (a stale Team saved by Django
    must never overwrite it), so the column is named in SQL on the alias the ORM gives the team's
    join. Not for querysets used as subqueries (their aliases are renamed after resolving)."""

    output_field = IntegerField()

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        capacity = F("team__capacity").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        column = f"{connection.ops.quote_name(capacity.alias)}.{connection.ops.quote_name('student_count')}"
        return RawSQL(column, [], output_field=IntegerField())


def filter_has_free_places(projects: QuerySet[Project]) -> QuerySet[Project]:
    """On PostgreSQL a comparison on the project's own team row (its trigger-kept student count):
    the former `team IN (teams with free places)` became one more relation in the join search
    of a catalogue query that already joins six, ~1 ms of planning per request. Elsewhere one
    uncorrelated subquery over the teams, not a count of memberships per project row."""
    if connection.vendor == "postgresql":
        return projects.filter(team__capacity__gt=_StoredStudentCount())
    return projects.filter(team__in=teams_with_free_places())


def teams_with_free_places() -> QuerySet[Team]:
    if connection.vendor == "postgresql":
        # `student_count` is kept by a trigger on the memberships (migration 0005). Unqualified:
        # Django renames the table's alias inside a subquery.
        students = RawSQL("student_count", [], output_field=IntegerField())
    else:
        students = Count("memberships", filter=Q(memberships__role__in=STUDENT_ROLES))
    return Team.objects.alias(students=students).filter(students__lt=F("capacity")).values("pk")


def filter_university(projects: QuerySet[Project], university) -> QuerySet[Project]:
    """Projects whose proposer or a co-supervisor belongs to `university`."""
    co_supervisor_there = Project.co_supervisors.through.objects.filter(
        project_id=OuterRef("pk"), user__university=university)
    return projects.filter(Q(proposer__university=university) | Q(Exists(co_supervisor_there)))


def search_projects(projects: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Full-text search ranked by relevance on PostgreSQL; a case-insensitive match elsewhere."""
    text = (text or "").strip()
    if not text:
        return projects
    if connection.vendor == "postgresql":
        vector = stored_search_vector()
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        # alias, not annotate: the document is matched and ranked, never sent to Python.
        return (projects.alias(search=vector).annotate(rank=SearchRank(vector, query))
                .filter(search=query).order_by("-rank", "title", "pk"))
    words = text.split()
    for word in words:
        projects = projects.filter(Q(title__icontains=word) | Q(summary__icontains=word)
                                   | Q(keywords__icontains=word) | Q(description__icontains=word))
    return projects


def stored_search_vector():
    """The `search_vector` column kept by a trigger (migration 0004; PostgreSQL only; it holds
    `models.search_vector()`). Not a model field, so ordinary queries never load it."""
    return RawSQL(f'"{Project._meta.db_table}"."search_vector"', [], output_field=SearchVectorField())


def attach_compositions(projects) -> list[Project]:
    """Set `project.composition` (None without a team) on already-loaded rows."""
    projects = list(projects)
    for project in projects:
        team = _team_or_none(project)
        project.composition = team_composition(team) if team else None
    return projects


def _team_or_none(project):
    try:
        return project.team
    except Project.team.RelatedObjectDoesNotExist:
        return None


def projects_of(user) -> QuerySet[Project]:
    """Projects the user proposed or co-supervises ("my projects")."""
    co_supervised = Project.co_supervisors.through.objects.filter(
        project_id=OuterRef("pk"), user_id=user.pk)
    return Project.objects.filter(Q(proposer_id=user.pk) | Q(Exists(co_supervised)))


def review_queue() -> QuerySet[Project]:
    return (Project.objects.filter(status=ProjectStatus.SUBMITTED)
            .select_related("edition", "area", "customer", "proposer__university")
            .order_by("submitted_at", "pk"))


def project_detail(user, pk) -> Project:
    """The project page's row with everything it shows, or 404 when the user may not see it.

    Read by primary key and checked with `permissions.can_view` on the loaded row (the
    co-supervisors are prefetched anyway), not through `projects_visible_to`'s `OR EXISTS`
    filter, and without the list's student-count subqueries (the composition counts the
    prefetched members): building those expressions was most of the request's Python time."""
    project = get_object_or_404(
        Project.objects.select_related("edition", "area", "customer", "proposer__university", "team")
        .prefetch_related(Prefetch("team__memberships", queryset=_composition_members()),
                          Prefetch("co_supervisors", queryset=_people()), "attachments"),
        pk=pk)
    if not can_view(user, project):
        raise Http404
    attach_compositions([project])
    return project


def project_with_files(user, pk) -> Project:
    """A project the user may see, with what the file permission checks read (supervisors, team
    members) and its attachments, or 404."""
    return get_object_or_404(
        projects_visible_to(user).select_related("team").prefetch_related(
            "co_supervisors", "team__memberships",
            Prefetch("attachments", queryset=ProjectAttachment.objects.select_related("uploaded_by"))),
        pk=pk)


CO_SUPERVISOR_RESULTS = 20


def co_supervisor_candidates():
    """Who may co-supervise: active professors and researchers (not programme-office accounts).
    The picker searches it and the project service checks against the same rule."""
    from marathon.models import User

    return (User.objects.filter(status__in=User.SUPERVISOR_STATUSES, is_active=True, is_staff=False)
            .select_related("university").order_by("full_name", "pk"))


def search_co_supervisors(query: str, *, exclude_ids) -> list:
    """At most CO_SUPERVISOR_RESULTS candidates whose name, e-mail or university matches `query`."""
    query = query.strip()
    if len(query) < 2:
        return []
    rows = co_supervisor_candidates().exclude(pk__in=list(exclude_ids)).filter(
        Q(full_name__icontains=query) | Q(email__icontains=query)
        | Q(university__short_name__icontains=query) | Q(university__name__icontains=query))
    return list(rows[:CO_SUPERVISOR_RESULTS])


def _people():
    from marathon.models import User

    return User.objects.select_related("university")


# --- for statistics (reports) ----------------------------------------------------------------
COUNTED_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)


def counted_projects(years) -> QuerySet[Project]:
    """Projects that count in the yearly statistics: approved, active or completed."""
    return Project.objects.filter(edition__year__in=list(years), status__in=COUNTED_STATUSES)


def participant_ids(years) -> set[int]:
    """Distinct people in the counted projects of `years`: team members and supervisors
    (proposer and co-supervisors, also when not in a team)."""
    projects = counted_projects(years)
    members = Membership.objects.filter(team__project__in=projects).values_list("user_id", flat=True)
    co_supervisors = Project.co_supervisors.through.objects.filter(
        project__in=projects).values_list("user_id", flat=True)
    return {*members, *projects.values_list("proposer_id", flat=True), *co_supervisors}
