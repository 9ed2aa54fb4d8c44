"""Reads of the evaluation app: who may see what, conflicts, progress and results."""

import hashlib
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marathon.models import Edition, User
from projects.models import Membership, Project, ProjectStatus

from . import aggregation
from .models import (
    Assignment,
    Commission,
    CommissionMember,
    ConflictOfInterest,
    Criterion,
    ResultSnapshot,
    ResultSubmission,
    Score,
    ScoreSheet,
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
    and order as `detected_conflicts`, for this one pair, in at most two indexed queries (the
    declared conflict, then co-supervision and team membership as two `EXISTS`)."""
    declared = ConflictOfInterest.objects.filter(member=member, project=project).values_list("reason", flat=True)
    for reason in declared[:1]:
        return reason
    user_id = member.user_id
    if project.proposer_id == user_id:
        return _("Proposed the project")
    co_supervises, in_team = (Project.objects.filter(pk=project.pk).order_by().annotate(
        is_co=Exists(Project.co_supervisors.through.objects.filter(project_id=project.pk, user_id=user_id)),
        in_team=Exists(Membership.objects.filter(team__project_id=project.pk, user_id=user_id)))
        .values_list("is_co", "in_team").first() or (False, False))
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
def _seat_ids(user: User, commissions=None) -> list[int]:
    """Ids of the user's seats, plus every seat of `commissions` (a queryset of commission
    ids): a few dozen rows. Filtering sheets or assignments by `member_id__in` these ids uses
    the foreign-key index; an OR across the member join forces sequential scans of all of them."""
    if not user.is_authenticated:
        return []
    seats = Q(user=user)
    if commissions is not None:
        seats |= Q(commission__in=commissions)
    return list(CommissionMember.objects.filter(seats).order_by().values_list("pk", flat=True))


def sheets_of_expert(user: User):
    """The expert's sheets for their list page: only the fields a row shows."""
    return (ScoreSheet.objects.filter(assignment__member_id__in=_seat_ids(user))
            .select_related("assignment__project__edition", "assignment__member__commission__edition")
            .only("status", "assignment__project__title", "assignment__project__edition__year",
                  "assignment__member__commission__edition__evaluation_end",
                  "assignment__project__edition", "assignment__member__commission__edition")
            .order_by("-assignment__project__edition__year", "assignment__project__title"))


def sheets_visible_to(user: User):
    """Own sheets, plus every sheet of commissions the user chairs."""
    chaired = chaired_commissions(user).values("pk")
    return ScoreSheet.objects.filter(assignment__member_id__in=_seat_ids(user, chaired))


def assignments_visible_to(user: User):
    """Own assignments plus those of managed commissions (who is assigned where, no scores):
    every assignment for the office."""
    if user.is_authenticated and user.is_staff:
        return Assignment.objects.all()
    return Assignment.objects.filter(member_id__in=_seat_ids(user, chaired_commissions(user).values("pk")))


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
    """Seats with their assigned and submitted counts (one grouped query, sorted and filtered in
    SQL): `unfinished` keeps the experts with sheets still to submit."""
    submitted = Q(assignments__sheet__status=SheetStatus.SUBMITTED)
    members = (commission.members.select_related("user")
               .annotate(assigned=Count("assignments"), submitted=Count("assignments", filter=submitted))
               .annotate(open=F("assigned") - F("submitted")))
    if unfinished:
        members = members.filter(open__gt=0)
    return members.order_by(*EXPERT_SORTS.get(sort, EXPERT_SORTS["name"]))


def progress_by_project(commission: Commission, sort: str = "title", fewer_than: int | None = None):
    """Evaluated projects with their assigned and submitted sheets (one grouped query, sorted and
    filtered in SQL): `fewer_than` keeps the projects with fewer submitted sheets."""
    scope = Q(expert_assignments__member__commission=commission)
    submitted = scope & Q(expert_assignments__sheet__status=SheetStatus.SUBMITTED)
    projects = (projects_to_evaluate(commission.edition).only("id", "title")
                .annotate(assigned=Count("expert_assignments", filter=scope),
                          submitted=Count("expert_assignments", filter=submitted)))
    if fewer_than is not None:
        projects = projects.filter(submitted__lt=fewer_than)
    return projects.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS["title"]))


def publication_gaps(commission: Commission) -> dict:
    """What is missing before the results can be published without the chair's confirmation,
    in three queries: conflict-free unsubmitted sheets per expert, projects with fewer counting
    (submitted, conflict-free) sheets than `min_sheets_per_project`, and teams of the evaluated
    projects that handed in no results."""
    drafts = (ScoreSheet.objects.filter(assignment__member__commission=commission)
              .exclude(status=SheetStatus.SUBMITTED).exclude(conflicted_q("assignment__")).order_by()
              .values("assignment__member_id", "assignment__member__user__full_name")
              .annotate(count=Count("pk")).order_by("assignment__member__user__full_name"))
    submitted = defaultdict(int)
    for project_id in (ScoreSheet.objects.filter(assignment__member__commission=commission,
                                                 status=SheetStatus.SUBMITTED)
                       .exclude(conflicted_q("assignment__")).order_by()
                       .values_list("assignment__project_id", flat=True)):
        submitted[project_id] += 1
    needed = commission.min_sheets_per_project
    projects = projects_to_evaluate(commission.edition).order_by("title").values_list("pk", "title", "team__id",
                                                                                      "team__name")
    short, without_results = [], []
    with_results = set(ResultSubmission.objects.filter(team__project__edition=commission.edition)
                       .values_list("team_id", flat=True))
    for project_id, title, team_id, team_name in projects:
        if submitted[project_id] < needed:
            short.append({"project": project_id, "title": title, "submitted": submitted[project_id],
                          "needed": needed})
        if team_id is not None and team_id not in with_results:
            without_results.append({"team": team_id, "name": team_name, "project": title})
    return {
        "unsubmitted_sheets": [{"member": row["assignment__member_id"],
                                "expert": row["assignment__member__user__full_name"], "count": row["count"]}
                               for row in drafts],
        "projects_short_of_sheets": short,
        "teams_without_results": without_results,
    }


def has_gaps(gaps: dict) -> bool:
    return any(gaps.values())


def gap_messages(gaps: dict) -> dict[str, list[str]]:
    """The gaps as sentences, per kind (the API's 409 `errors`, the dashboard's lists)."""
    return {
        "unsubmitted_sheets": [
            ngettext("%(expert)s: %(count)d sheet not submitted", "%(expert)s: %(count)d sheets not submitted",
                     row["count"]) % row for row in gaps["unsubmitted_sheets"]],
        "projects_short_of_sheets": [
            _("%(title)s: %(submitted)d of %(needed)d submitted sheets") % row
            for row in gaps["projects_short_of_sheets"]],
        "teams_without_results": [
            _("%(name)s (%(project)s): no results handed in") % row for row in gaps["teams_without_results"]],
    }


def criteria_of(edition: Edition):
    return Criterion.objects.filter(edition=edition)


# --- results -------------------------------------------------------------------------------
def compute_results(commission: Commission) -> dict:
    """Live results of every method from the submitted sheets, in four queries whatever the size:
    criteria, the counting sheets (`values_list`), their scores (`values_list`), the projects.

    The queries are unordered (`order_by()`): the models' default orderings would join projects
    and criteria only to sort 40,000 score rows. Conflicted sheets are dropped in the sheet query;
    scores of sheets not in that set are skipped in Python."""
    criteria = list(criteria_of(commission.edition))
    specs = {c.pk: aggregation.CriterionSpec(float(c.weight), c.scale_min, c.scale_max) for c in criteria}
    counted = (ScoreSheet.objects.filter(assignment__member__commission=commission, status=SheetStatus.SUBMITTED)
               .exclude(conflicted_q("assignment__")).order_by()
               .values_list("pk", "assignment__member_id", "assignment__project_id", "assignment__member__group",
                            "feedback"))
    sheets, feedback = {}, defaultdict(list)
    for sheet_id, member_id, project_id, group, text in counted:
        sheets[sheet_id] = (member_id, project_id, group, {})
        if text:
            feedback[project_id].append(text)
    scores = (Score.objects.filter(sheet__assignment__member__commission=commission,
                                   sheet__status=SheetStatus.SUBMITTED).order_by()
              .values_list("sheet_id", "criterion_id", "value"))
    criterion_values = defaultdict(lambda: defaultdict(list))
    for sheet_id, criterion_id, value in scores:
        sheet = sheets.get(sheet_id)
        if sheet is not None:
            sheet[3][criterion_id] = value
            criterion_values[sheet[1]][criterion_id].append(value)
    ratings = []
    for member_id, project_id, group, values in sheets.values():
        score = aggregation.sheet_score(values, specs)
        if score is not None:
            ratings.append(aggregation.Rating(member_id, project_id, group, score))
    result = aggregation.aggregate(ratings, threshold=commission.disagreement_threshold)
    return _results_document(commission, criteria, result, criterion_values, feedback)


LIVE_RESULTS_TTL = 300


def results_cache_key(commission: Commission) -> str:
    """The cache key of the commission's live results: it changes with every input of the
    numbers (one aggregate query). Derived caches (the chair's rendered table) extend it."""
    return f"evaluation:results:{commission.pk}:{_results_fingerprint(commission)}"


def live_results(commission: Commission, key: str | None = None) -> dict:
    """`compute_results`, cached under a fingerprint of everything that changes the numbers
    (sheets submitted/saved/removed, conflicts, criteria, the commission's settings, project
    edits), so repeated views of the chair's table cost one small aggregate query. Team names
    have no timestamp: a renamed team shows within `LIVE_RESULTS_TTL` seconds. Publishing never
    uses the cache (it calls `compute_results`). Give `key` when the caller already has
    `results_cache_key(commission)`."""
    key = key or results_cache_key(commission)
    store = results_cache()
    results = store.get(key)
    if results is None:
        results = compute_results(commission)
        store.set(key, results, LIVE_RESULTS_TTL)
    return results


_NO_CACHE = DummyCache("", {})


def results_cache():
    """Where the live results and the chair's rendered results table are cached: the default
    cache, or — with `settings.EVALUATION_RESULTS_CACHE` off — one that never stores anything,
    so every request computes and renders (the benchmark's cold phase, bench/README.md)."""
    return cache if settings.EVALUATION_RESULTS_CACHE else _NO_CACHE


def _results_fingerprint(commission: Commission) -> str:
    """One query: counts and latest timestamps of the rows the results are computed from."""
    def scalar(queryset, expression):
        return Subquery(queryset.order_by().values(_k=Value(1)).annotate(v=expression).values("v")[:1])

    sheets = ScoreSheet.objects.filter(assignment__member__commission=OuterRef("pk"))
    conflicts = ConflictOfInterest.objects.filter(member__commission=OuterRef("pk"))
    criteria = Criterion.objects.filter(edition=OuterRef("edition_id"))
    projects = Project.objects.filter(edition=OuterRef("edition_id"))
    row = (Commission.objects.filter(pk=commission.pk).annotate(
        sheets=scalar(sheets, Count("pk")),
        submitted=scalar(sheets, Count("pk", filter=Q(status=SheetStatus.SUBMITTED))),
        sheet_saved=scalar(sheets, Max("updated_at")),
        conflicts=scalar(conflicts, Count("pk")), conflict_at=scalar(conflicts, Max("created_at")),
        # Sums weighted by id notice an edited weight or scale (names: within the TTL).
        criteria=scalar(criteria, Count("pk")),
        weights=scalar(criteria, Sum(F("weight") * F("pk"), output_field=DecimalField())),
        scales=scalar(criteria, Sum((F("scale_max") * 1000 + F("scale_min")) * F("pk"))),
        project_at=scalar(projects, Max("updated_at")), projects=scalar(projects, Count("pk")))
        .values_list("ranking_method", "disagreement_threshold", "sheets", "submitted", "sheet_saved",
                     "conflicts", "conflict_at", "criteria", "weights", "scales", "project_at", "projects").get())
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]


def conflicted_q(prefix: str) -> Q:
    """Sheets of an expert who has a recorded conflict with the project never count."""
    return Q(**{f"{prefix}member__conflicts__project": F(f"{prefix}project")})


def _results_document(commission, criteria, result, criterion_values, feedback) -> dict:
    rows = projects_to_evaluate(commission.edition).order_by().values_list("pk", "title", "team__id", "team__name")
    projects = {pk: (title, team_id, team_name) for pk, title, team_id, team_name in rows}
    method = commission.ranking_method
    rows = []
    for project_id, entry in result["projects"].items():
        if project_id not in projects:
            continue
        title, team_id, team_name = projects[project_id]
        rows.append({
            "project": project_id, "title": title, "team": team_id,
            "team_name": team_name or "", **entry, "official_rank": entry["ranks"][method],
            "criteria": {str(c_id): round(sum(v) / len(v), 2)
                         for c_id, v in criterion_values[project_id].items()},
            # Sorted, so the order of the texts cannot hint at who wrote which.
            "feedback": sorted(feedback[project_id]),
        })
    rows.sort(key=lambda row: (row["ranks"][method], row["title"]))
    return {
        "edition": commission.edition.year, "computed_at": timezone.now().isoformat(),
        "ranking_method": method, "disagreement_threshold": commission.disagreement_threshold,
        "criteria": [{"id": c.pk, "name": c.name, "weight": float(c.weight),
                      "scale_min": c.scale_min, "scale_max": c.scale_max} for c in criteria],
        "agreement": result["agreement"], "projects": rows,
    }


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
