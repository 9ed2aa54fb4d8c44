"""Allocation pages: a student's ranking, supervisors' decisions, the office's runs and review.
Thin: parse, call one service, redirect with a message (rule errors included)."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marathon.decorators import office_required as shared_office_required
from marathon.models import Edition, User
from projects.models import Team

from .. import selectors as team_selectors
from . import selectors, services
from .forms import DecisionForm, RankingForm, RunForm
from .models import AllocationPlacement, AllocationRun, Preference, SupervisorDecision

office_required = shared_office_required(message=gettext_lazy("Only the programme office runs the allocation."))


def _edition(request) -> Edition:
    value = request.GET.get("edition") or request.POST.get("edition") or ""
    if value.isdigit():
        return get_object_or_404(Edition, pk=int(value))
    edition = Edition.objects.current()
    if edition is None:
        raise PermissionDenied(_("There is no edition yet."))
    return edition


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- students --------------------------------------------------------------------------------
@login_required
def ranking(request):
    edition = _edition(request)
    config = selectors.allocation_settings(edition)
    teams = list(selectors.rankable_teams(edition).values_list("pk", "name"))
    current = selectors.student_choices(request.user, edition)
    initial = {}
    for choice in current:
        initial[f"team_{choice.rank}"] = str(choice.team_id)
        initial[f"motivation_{choice.rank}"] = choice.motivation
    form = RankingForm(request.POST or None, initial=initial, teams=teams, max_choices=config.max_choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(student=request.user, edition=edition, choices=form.choices(),
                                      actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your ranking has been saved."))
            return redirect(f"{request.path}?edition={edition.pk}")
    return render(request, "teams/allocation/ranking.html", {
        "edition": edition, "form": form, "choices": current, "open": selectors.preferences_open(edition),
        "deadline": selectors.preferences_deadline(edition, config), "is_student": request.user.is_student,
    })


# --- supervisors -----------------------------------------------------------------------------
@login_required
def supervise(request):
    edition = _edition(request)
    teams = list(Team.objects.filter(pk__in=team_selectors._supervised_team_ids(request.user), edition=edition)
                 .order_by("name", "pk"))
    ranked = (Preference.objects.filter(team__in=teams).select_related("ranking__student__university")
              .order_by("team_id", "rank", "ranking__student__full_name"))
    decisions = {(d.team_id, d.student_id): d for d in SupervisorDecision.objects.filter(team__in=teams)}
    rows = {t.pk: [] for t in teams}
    for pref in ranked:
        rows[pref.team_id].append({"student": pref.ranking.student, "rank": pref.rank, "motivation": pref.motivation,
                                   "decision": decisions.get((pref.team_id, pref.ranking.student_id))})
    return render(request, "teams/allocation/supervise.html", {
        "edition": edition, "teams": [(t, rows[t.pk]) for t in teams]})


@require_POST
@login_required
def decide(request):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose “required” or “excluded”."))
        return redirect("teams:allocation_supervise")
    team = get_object_or_404(Team, pk=form.cleaned_data["team"])
    student = get_object_or_404(User, pk=form.cleaned_data["student"])
    try:
        services.decide_student(team=team, student=student, kind=form.cleaned_data["kind"],
                                reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved: %(student)s — %(team)s.") % {"student": student.full_name,
                                                                         "team": team.name})
    return redirect(f"{_url('teams:allocation_supervise')}?edition={team.edition_id}")


def _url(name, *args):
    return reverse(name, args=args)


# --- the office --------------------------------------------------------------------------------
@office_required
def runs(request):
    edition = _edition(request)
    config = selectors.allocation_settings(edition)
    options = selectors.run_options(config)
    form = RunForm(request.POST or None, initial={
        "weights": ", ".join(map(str, options["weights"])), "lexicographic": options["lexicographic"],
        "max_per_university": options["max_per_university"], "time_limit": options["time_limit"]})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(edition=edition, actor=request.user, options=form.options())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The allocation is running."))
            return redirect("teams:allocation_review", pk=run.pk)
    rankings = edition.preference_lists.count()
    return render(request, "teams/allocation/runs.html", {
        "edition": edition, "form": form, "runs": selectors.runs_of(edition)[:20], "rankings": rankings,
        "editions": Edition.objects.order_by("-year")})


TEAMS_PER_PAGE, STUDENTS_PER_PAGE = 25, 50
EXPLANATION_SHOWN = 10


def _url_with(params, **changes) -> str:
    """The current query string with `changes` applied (None removes a parameter)."""
    params = params.copy()
    for name, value in changes.items():
        if value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = str(value)
    return f"?{params.urlencode()}"


def _choice(params, name: str, allowed, default: str) -> str:
    value = params.get(name, default)
    return value if value in allowed else default


def _links(params, name: str, options: list, current: str) -> list:
    """(label, url, active) for each value of a sort or filter; changing one goes to page 1."""
    return [(label, _url_with(params, **{name: value, "page": None}), value == current) for value, label in options]


@office_required
def review(request, pk):
    """A run's draft: totals beside the first-come baseline, then its teams or its students, a page
    at a time, sorted and filtered from the query string (a constant number of queries)."""
    run = get_object_or_404(AllocationRun.objects.select_related("edition", "created_by", "committed_by"), pk=pk)
    params = request.GET
    tab = "students" if params.get("tab") == "students" else "teams"
    if tab == "teams":
        sort = _choice(params, "sort", selectors.TEAM_SORTS, "name")
        show = _choice(params, "show", ("", "unmet"), "")
        rows, per_page = selectors.team_results(run, sort=sort, unmet=show == "unmet"), TEAMS_PER_PAGE
        sorts = [("name", _("name")), ("size", _("size")), ("universities", _("universities"))]
        shows = [("", _("all opened teams")), ("unmet", _("rules not met"))]
    else:
        sort = _choice(params, "sort", selectors.PLACEMENT_SORTS, "name")
        show = _choice(params, "show", ("", "unplaced", "locked"), "")
        rows, per_page = selectors.placements(run, sort=sort, show=show), STUDENTS_PER_PAGE
        sorts = [("name", _("name")), ("rank", _("choice obtained"))]
        shows = [("", _("all students")), ("unplaced", _("not placed")), ("locked", _("locked"))]
    page = Paginator(rows, per_page).get_page(params.get("page"))
    rows = list(page)
    if tab == "teams":
        _add_member_notes(rows)
    return render(request, "teams/allocation/review.html", {
        "run": run, "tab": tab, "comparison": _comparison(run), "explanation": _explanation(run),
        "page": page, "rows": rows, "sorts": _links(params, "sort", sorts, sort),
        "shows": _links(params, "show", shows, show), "query": params.urlencode(),
        "previous_url": _url_with(params, page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": _url_with(params, page=page.next_page_number()) if page.has_next() else "",
        "teams_url": _url_with(QueryDict(""), tab="teams"),
        "students_url": _url_with(QueryDict(""), tab="students"),
    })


def _add_member_notes(rows) -> None:
    """"(university, choice 2, locked)" beside each member, each phrase translated once a page: a
    page of 25 teams lists ~150 people, and a template tag per phrase was most of its time."""
    already, locked, choices = _("already in the team"), _("locked"), {}
    for row in rows:
        for member in row.members:
            notes = [member["university"]] if member["university"] else []
            if member["fixed"]:
                notes.append(already)
            elif member["rank"]:
                if member["rank"] not in choices:
                    choices[member["rank"]] = _("choice %(r)s") % {"r": member["rank"]}
                notes.append(choices[member["rank"]])
            if member["locked"]:
                notes.append(locked)
            member["note"] = ", ".join(notes)


def _comparison(run) -> list:
    if not run.totals:
        return []
    labels = [("students", _("Students who ranked")), ("placed", _("Students placed")),
              ("placed_in_rule_teams", _("Placed in teams that meet the rules")),
              ("first_choice_pct", _("First choice obtained (%)")),
              ("top3_pct", _("% top 3")),
              ("teams_opened", _("Teams opened")), ("teams_meeting_rule", _("Teams meeting the rules")),
              ("weight", _("Satisfaction (weighted)"))]
    return [(label, run.totals.get(key), run.baseline.get(key)) for key, label in labels]


RULE_LABELS = {
    "min_size": "Too few students ranked it to reach the minimum team size.",
    "max_size": "It is already full.",
    "universities": "The students who ranked it come from too few universities.",
    "degree_levels": "The students who ranked it are all of one degree level.",
    "per_university": "Too many of the students who ranked it come from one university.",
    "one_team": "A student is required by more than one team.",
}


def _explanation(run) -> dict:
    """The first EXPLANATION_SHOWN teams and rule slacks (and how many more), in the office's words."""
    data = run.explanation or {}
    impossible, slacks = data.get("impossible", {}), data.get("slacks", [])
    more_teams, more_slacks = max(0, len(impossible) - EXPLANATION_SHOWN), max(0, len(slacks) - EXPLANATION_SHOWN)
    impossible = dict(sorted(impossible.items(), key=lambda i: int(i[0]))[:EXPLANATION_SHOWN])
    slacks = slacks[:EXPLANATION_SHOWN]
    team_ids = {int(t) for t in impossible} | {int(s) for s, rule, _a in slacks if rule != "one_team"}
    names = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    student_ids = {int(s) for s, rule, _a in slacks if rule == "one_team"}
    people = dict(User.objects.filter(pk__in=student_ids).values_list("pk", "full_name")) if student_ids else {}
    return {
        "impossible": [(names.get(int(t), t), [_(RULE_LABELS[r]) for r in rules])
                       for t, rules in sorted(impossible.items(), key=lambda i: str(names.get(int(i[0]), "")))],
        "stranded": len(data.get("stranded", [])),
        "slacks": [(people.get(int(s), s) if rule == "one_team" else names.get(int(s), s), _(RULE_LABELS[rule]), a)
                   for s, rule, a in slacks],
        "more_teams": more_teams, "more_slacks": more_slacks,
    }


@office_required
def run_status(request, pk):
    run = get_object_or_404(AllocationRun, pk=pk)
    return render(request, "teams/allocation/_run_status.html", {"run": run})


@require_POST
@office_required
def rerun(request, pk):
    parent = get_object_or_404(AllocationRun, pk=pk)
    try:
        run = services.start_run(edition=parent.edition, actor=request.user, options=parent.settings["options"],
                                 parent=parent)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("teams:allocation_review", pk=parent.pk)
    messages.success(request, _("The allocation is running again with the locked placements."))
    return redirect("teams:allocation_review", pk=run.pk)


@require_POST
@office_required
def commit(request, pk):
    run = get_object_or_404(AllocationRun, pk=pk)
    try:
        services.commit_run(run=run, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The allocation is committed: the students are in their teams."))
    return redirect("teams:allocation_review", pk=run.pk)


@require_POST
@office_required
def lock(request, pk):
    placement = get_object_or_404(AllocationPlacement, pk=pk)
    try:
        services.lock_placement(placement=placement, locked=request.POST.get("locked") == "1", actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    # Back to the same page of the students' table (its query string, re-encoded: never a URL).
    back = QueryDict(request.POST.get("back", ""), mutable=True)
    back.setdefault("tab", "students")
    if "page" in request.POST:
        back["page"] = request.POST["page"]
    return redirect(f"{_url('teams:allocation_review', placement.run_id)}?{back.urlencode()}")
