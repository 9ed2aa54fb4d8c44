"""The benchmark's scenarios, built from what is in the database (issue 7's list).

Each builder returns a `Scenario` with the persona that runs it and the requests it rotates
through, or an unavailable one with the reason (the app's models or URL do not exist yet), so
the harness runs on any branch. The driver also marks a scenario unavailable when its first
request answers 404/405 (the endpoint is not there yet)."""

from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.apps import apps
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from marathon.demo import DEMO_PASSWORD
from marathon.models import Edition, ScientificArea, University, User

PERSONAS = ("student", "professor", "expert", "chair", "office", "coordinator")

# Targets at scale 100 with 4 concurrent clients (issue 7), p95 in milliseconds.
PAGE_MS, API_READ_MS, SAVE_MS, STATS_MS, RESULTS_MS, EXPORT_MS = 100, 50, 50, 150, 300, 5000
# Issue 18 (equal data, 4 clients, 2 cores): chair's dashboard warm p95 ≤ 100 ms and cold ≤ 300 ms
# (≤ 100 ms of worker CPU per cold request), score-sheet page and save ≤ 50 ms (save ≤ 10 ms of
# worker CPU), catalogue API ≤ 50 ms, mobility grant summary XLSX ≤ 2 s.
WARM_DASHBOARD_MS, COLD_DASHBOARD_MS, COLD_CPU_MS, SAVE_CPU_MS, GRANTS_XLSX_MS = 100, 300, 100, 10, 2000
SEARCH_WORDS = ["battery", "alloys", "sensor", "grids", "implants", "corpora", "hydrogen", "solar"]
ROTATE = 40  # distinct targets a read scenario cycles through


@dataclass
class Scenario:
    name: str
    kind: str  # page | api | write | export (POST, poll, download) | download (one GET of a file)
    persona: str
    target_ms: float
    method: str = "GET"
    requests: list = field(default_factory=list)  # [{"path": ..., "json": ...}]
    count: int | None = None  # requests to send (None: the run's default)
    unavailable: str = ""
    # Issue 18: "warm" scenarios run against the normal server, "cold" ones against a second
    # server started with EVALUATION_RESULTS_CACHE=0 (bench/run.sh); a target of worker CPU per
    # request where the issue sets one; the client streams of a "mixed" scenario.
    phase: str = "warm"
    cpu_target_ms: float | None = None
    streams: list = field(default_factory=list)  # [{"label", "persona", "method", "requests", ...}]

    def as_dict(self) -> dict:
        return asdict(self)


def unavailable(name, kind, persona, target_ms, reason) -> Scenario:
    return Scenario(name=name, kind=kind, persona=persona, target_ms=target_ms, unavailable=reason)


def persona_email(persona: str) -> str:
    """A demo persona's address; a scenario may also name a generated user by e-mail (issue 18's
    experts): every generated user has the demo password."""
    return persona if "@" in persona else f"{persona}@marathon.example"


def credentials(extra=()) -> dict:
    return {p: (persona_email(p), DEMO_PASSWORD) for p in (*PERSONAS, *extra)}


def persona_user(persona: str) -> User | None:
    return User.objects.filter(email=persona_email(persona)).first()


def model(label: str, name: str):
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def first_url(names: list[str], *args) -> str | None:
    for name in names:
        for call_args in ((args,) if args else ()) + ((),):
            try:
                return reverse(name, args=call_args)
            except NoReverseMatch:
                continue
    return None


def build(write_count: int = 200) -> list[Scenario]:
    """Every scenario in report order; `write_count` sizes the list of distinct write targets."""
    builders = [home, me_api, catalogue_page, catalogue_api, project_page, project_api, team_page,
                team_api, lambda: join_request(write_count), assignments_page, assignments_api,
                lambda: score_sheet_save(write_count), chair_dashboard_page, chair_results,
                stats_api, stats_page, mobility_estimate, xlsx_export,
                results_xlsx, grants_xlsx]
    return [builder() for builder in builders]


def editions():
    return list(Edition.objects.order_by("year"))


def current_edition():
    return Edition.objects.current()


def home() -> Scenario:
    return Scenario("home page (baseline)", "page", "student", PAGE_MS, requests=[{"path": "/"}])


def me_api() -> Scenario:
    return Scenario("profile API /me/ (baseline)", "api", "student", API_READ_MS,
                    requests=[{"path": "/api/v1/me/"}])


def catalogue_queries() -> list[str]:
    edition = current_edition()
    areas = list(ScientificArea.objects.values_list("pk", flat=True))
    if edition is None or not areas:
        return []
    return [f"edition={edition.pk}&area={areas[i % len(areas)]}&search={word}&q={word}"
            f"&has_free_places=true" for i, word in enumerate(SEARCH_WORDS)]


def catalogue_page() -> Scenario:
    name = "catalogue page (filtered + search)"
    path = first_url(["projects:catalogue", "projects:list", "projects:index", "projects:project_list"])
    if path is None:
        return unavailable(name, "page", "student", PAGE_MS, "no catalogue URL (projects:list)")
    return Scenario(name, "page", "student", PAGE_MS,
                    requests=[{"path": f"{path}?{q}"} for q in catalogue_queries()])


def catalogue_api() -> Scenario:
    return Scenario("catalogue API (filtered + search)", "api", "student", API_READ_MS,
                    requests=[{"path": f"/api/v1/projects/?{q}"} for q in catalogue_queries()])


def sample_projects():
    Project = model("projects", "Project")
    return list(Project.objects.filter(team__isnull=False).order_by("-edition__year", "pk")
                .select_related("team")[:ROTATE])


def project_page() -> Scenario:
    name = "project page"
    try:
        paths = [p.get_absolute_url() for p in sample_projects()]
    except NoReverseMatch:
        return unavailable(name, "page", "student", PAGE_MS, "no URL projects:detail")
    return Scenario(name, "page", "student", PAGE_MS, requests=[{"path": p} for p in paths])


def project_api() -> Scenario:
    return Scenario("project API detail", "api", "student", API_READ_MS,
                    requests=[{"path": f"/api/v1/projects/{p.pk}/"} for p in sample_projects()])


def team_page() -> Scenario:
    name = "team page"
    try:
        paths = [p.team.get_absolute_url() for p in sample_projects()]
    except NoReverseMatch:
        return unavailable(name, "page", "student", PAGE_MS, "no URL teams:detail")
    return Scenario(name, "page", "student", PAGE_MS, requests=[{"path": p} for p in paths])


def team_api() -> Scenario:
    return Scenario("team API detail", "api", "student", API_READ_MS,
                    requests=[{"path": f"/api/v1/teams/{p.team.pk}/"} for p in sample_projects()])


def join_request(count: int, solo: int = 20) -> Scenario:
    """The student asks to join a different open team of the current edition each time (plus
    `solo` more targets for the driver's one-client pass)."""
    Team = model("projects", "Team")
    edition, student = current_edition(), persona_user("student")
    teams = (Team.objects.filter(edition=edition)
             .annotate(members=Count("memberships", filter=~Q(memberships__role="supervisor")))
             .filter(members__lt=F("capacity"))
             .exclude(join_requests__student=student).order_by("pk")[: count + 1 + solo])
    body = {"motivation": "I know Python and materials testing, and would love to join."}
    return Scenario("join request (POST)", "write", "student", PAGE_MS, method="POST",
                    requests=[{"path": f"/api/v1/teams/{t.pk}/join-requests/", "json": body}
                              for t in teams], count=min(count, max(len(teams) - 1 - solo, 1)))


def assignments_page() -> Scenario:
    name = "expert's assignment list page"
    path = first_url(["evaluation:my_sheets", "evaluation:assignments", "evaluation:my_assignments",
                      "evaluation:assignment_list", "evaluation:index"])
    if path is None:
        return unavailable(name, "page", "expert", PAGE_MS, "no URL evaluation:assignments")
    return Scenario(name, "page", "expert", PAGE_MS, requests=[{"path": path}])


def assignments_api() -> Scenario:
    return Scenario("expert's assignments API", "api", "expert", API_READ_MS,
                    requests=[{"path": "/api/v1/evaluation/assignments/"}])


def score_sheet_save(count: int) -> Scenario:
    name = "score-sheet save (PUT)"
    sheets = expert_sheets()
    if not sheets:
        return unavailable(name, "write", "expert", SAVE_MS, "no evaluation score sheets in the data")
    return Scenario(name, "write", "expert", SAVE_MS, method="PUT", cpu_target_ms=SAVE_CPU_MS,
                    requests=[{"path": f"/api/v1/evaluation/sheets/{pk}/", "json": body}
                              for pk, body in sheets])


SAVE_ROUNDS = 4  # bodies per sheet: consecutive saves of one sheet always change it


def expert_sheets(email: str | None = None) -> list:
    """(sheet id, PUT body) of an expert's draft sheets in the edition being evaluated (the expert
    persona's by default): every criterion scored, as the autosave of a full sheet sends it. The
    list runs through the sheets `SAVE_ROUNDS` times with other values each round, so a sheet
    saved again always changes (an unchanged autosave writes nothing, and would not invalidate
    the chair's cached results)."""
    ScoreSheet, Criterion = model("evaluation", "ScoreSheet"), model("evaluation", "Criterion")
    if ScoreSheet is None or Criterion is None:
        return []
    sheets = list(ScoreSheet.objects.filter(
        assignment__member__user__email=email or persona_email("expert"), status="draft",
        assignment__project__edition__evaluation_start__lte=timezone.localdate(),
        assignment__project__edition__evaluation_end__gte=timezone.localdate(),
    ).select_related("assignment__project").order_by("pk"))
    criteria_of = {}
    bodies = []
    for round_ in range(SAVE_ROUNDS):
        for i, sheet in enumerate(sheets):
            edition_id = sheet.assignment.project.edition_id
            if edition_id not in criteria_of:
                criteria_of[edition_id] = list(Criterion.objects.filter(edition_id=edition_id))
            scores = [{"criterion": c.pk,
                       "value": c.scale_min + (i + j + round_) % (c.scale_max - c.scale_min + 1),
                       "comment": "Clear method." if j == 0 else ""}
                      for j, c in enumerate(criteria_of[edition_id])]
            bodies.append((sheet.pk, {"scores": scores, "feedback": "Good progress; publish the data set.",
                                      "confidential_note": ""}))
    return bodies


def chair_results() -> Scenario:
    """All methods, every edition in turn (10 editions: the 1,600 projects)."""
    paths = [f"/api/v1/evaluation/results/?edition={e.pk}" for e in editions()]
    return Scenario("chair's results (all methods)", "api", "chair", RESULTS_MS,
                    requests=[{"path": p} for p in paths], count=60)


def evaluation_year() -> int | None:
    today = timezone.localdate()
    edition = Edition.objects.filter(evaluation_start__lte=today, evaluation_end__gte=today).first()
    return edition.year if edition else None


def chair_dashboard_page() -> Scenario:
    """The dashboard shows the results table with every method: the results target applies."""
    name = "chair's dashboard page (results, all methods)"
    year = evaluation_year()
    path = first_url(["evaluation:dashboard"], year) if year else None
    if path is None:
        return unavailable(name, "page", "chair", RESULTS_MS, "no URL evaluation:dashboard")
    return Scenario(name, "page", "chair", RESULTS_MS, requests=[{"path": path}], count=60)


def results_xlsx() -> Scenario:
    name = "chair's results XLSX (edition being evaluated)"
    year = evaluation_year()
    path = first_url(["evaluation:export"], year, "xlsx") if year else None
    if path is None:
        return unavailable(name, "download", "chair", EXPORT_MS, "no URL evaluation:export")
    return Scenario(name, "download", "chair", EXPORT_MS, requests=[{"path": path}], count=5)


def grants_xlsx() -> Scenario:
    name = "mobility grant summary XLSX"
    path = first_url(["mobility:grants_export"], "xlsx")
    if path is None:
        return unavailable(name, "download", "office", GRANTS_XLSX_MS, "no URL mobility:grants_export")
    return Scenario(name, "download", "office", GRANTS_XLSX_MS, requests=[{"path": path}], count=5)


def stats_page() -> Scenario:
    years = [e.year for e in editions()]
    name = f"statistics page ({len(years)} years)"
    path = first_url(["reports:statistics"])
    if path is None or not years:
        return unavailable(name, "page", "office", STATS_MS, "no URL reports:statistics")
    return Scenario(name, "page", "office", STATS_MS,
                    requests=[{"path": f"{path}?from={years[0]}&to={years[-1]}"}], count=60)


def stats_api() -> Scenario:
    years = [e.year for e in editions()]
    path = f"/api/v1/stats/?from={years[0]}&to={years[-1]}" if years else "/api/v1/stats/"
    return Scenario(f"statistics API ({len(years)} years)", "api", "office", STATS_MS,
                    requests=[{"path": path}])


def mobility_estimate() -> Scenario:
    universities = list(University.objects.order_by("pk").values_list("pk", flat=True))
    kinds = mobility_kinds()
    start = timezone.localdate() + timedelta(days=60)
    requests = []
    for i in range(min(ROTATE, max(len(universities) - 1, 0))):
        home, host = universities[0], universities[1 + i % (len(universities) - 1)]
        end = start + timedelta(days=5 + 7 * (i % 8))
        requests.append({"path": f"/api/v1/mobilities/estimate/?home={home}&host={host}"
                                 f"&kind={kinds[i % len(kinds)]}&start={start}&end={end}"
                                 f"&green={'true' if i % 2 else 'false'}"})
    return Scenario("mobility estimate API", "api", "student", API_READ_MS, requests=requests)


def mobility_kinds() -> list[str]:
    Mobility = model("mobility", "Mobility")
    field_ = getattr(Mobility, "_meta", None) and next(
        (f for f in Mobility._meta.get_fields() if f.name == "kind"), None)
    choices = [value for value, _label in (getattr(field_, "choices", None) or [])]
    return choices or ["student_research"]


def xlsx_export() -> Scenario:
    years = [e.year for e in editions()]
    body = {"from": years[0] if years else 2018, "to": years[-1] if years else 2020, "format": "xlsx"}
    return Scenario("XLSX export (full range)", "export", "office", EXPORT_MS, method="POST",
                    requests=[{"path": "/api/v1/exports/", "json": body}], count=3)


# --- workspace (issue 13): appended; `build()` is wrapped so the list above stays untouched ---
def workspace_teams() -> list:
    """Teams with journal entries, of the edition whose research is furthest along."""
    Team = model("projects", "Team")
    if model("workspace", "JournalEntry") is None:
        return []
    return list(Team.objects.filter(journal_entries__isnull=False).distinct().order_by("pk")[:ROTATE])


def workspace_page() -> Scenario:
    name = "team workspace page"
    teams = workspace_teams()
    if not teams:
        return unavailable(name, "page", "office", PAGE_MS, "no workspace data (workspace app or scale rows)")
    return Scenario(name, "page", "office", PAGE_MS, requests=[{"path": f"/workspace/teams/{t.pk}/"} for t in teams])


def journal_page() -> Scenario:
    name = "lab journal list (paginated)"
    teams = workspace_teams()
    if not teams:
        return unavailable(name, "page", "office", PAGE_MS, "no workspace data (workspace app or scale rows)")
    return Scenario(name, "page", "office", PAGE_MS,
                    requests=[{"path": f"/workspace/teams/{t.pk}/journal/"} for t in teams])


def at_risk_dashboard() -> Scenario:
    name = "office at-risk dashboard"
    path = first_url(["workspace:supervision"])
    Team = model("projects", "Team")
    busiest = (Team.objects.values("edition").annotate(n=Count("pk")).order_by("-n").first()
               if path else None)
    if busiest is None:
        return unavailable(name, "page", "office", PAGE_MS, "no URL workspace:supervision or no teams")
    return Scenario(f"{name} ({busiest['n']} teams)", "page", "office", PAGE_MS,
                    requests=[{"path": f"{path}?edition={busiest['edition']}&sort={sort}"}
                              for sort in ("risk", "overdue", "activity", "name")])


_build_before_workspace = build


def build(write_count: int = 200) -> list[Scenario]:  # noqa: F811 - extends the list above
    return _build_before_workspace(write_count) + [workspace_page(), journal_page(), at_risk_dashboard()]
# --- industry (issue 15): the task catalogue and the internship list ---------------------------
TASK_SEARCH_WORDS = ["steel", "hydrogen", "sensor", "corrosion", "battery", "speech", "coating", "grid"]


def task_catalogue_page() -> Scenario:
    name = "industry task catalogue (filtered + search)"
    path = first_url(["industry:task_catalogue"])
    if path is None or model("industry", "ResearchTask") is None:
        return unavailable(name, "page", "professor", PAGE_MS, "no industry app")
    areas = list(ScientificArea.objects.values_list("pk", flat=True))
    queries = [f"q={word}" + (f"&area={areas[i % len(areas)]}" if areas and i % 2 else "")
               for i, word in enumerate(TASK_SEARCH_WORDS)]
    return Scenario(name, "page", "professor", PAGE_MS, requests=[{"path": f"{path}?{q}"} for q in ["", *queries]])


def internship_list_page() -> Scenario:
    name = "industry internship list"
    path = first_url(["industry:internship_list"])
    if path is None or model("industry", "Internship") is None:
        return unavailable(name, "page", "student", PAGE_MS, "no industry app")
    return Scenario(name, "page", "student", PAGE_MS,
                    requests=[{"path": path}, *({"path": f"{path}?page={n}"} for n in range(2, 6))])


_build_before_industry = build


def build(write_count: int = 200) -> list[Scenario]:  # noqa: F811 - extends the list above (append-only file)
    return [*_build_before_industry(write_count), task_catalogue_page(), internship_list_page()]
# --- issue 18: the equal-data edition (generate_scale_data --evaluation-projects/--evaluation-sheets)
MIXED_EXPERTS = 3  # experts saving during the mixed run (bench/run.sh: BENCH_MIXED_EXPERTS)


def evaluation_edition():
    today = timezone.localdate()
    return Edition.objects.filter(evaluation_start__lte=today, evaluation_end__gte=today).first()


def equal_data_label() -> str:
    """"1,500 projects, 6,000 submitted sheets" of the edition being evaluated (what was generated)."""
    edition, ScoreSheet = evaluation_edition(), model("evaluation", "ScoreSheet")
    if edition is None or ScoreSheet is None:
        return "no edition being evaluated"
    Team = model("projects", "Team")
    teams = Team.objects.filter(edition=edition).count()
    submitted = ScoreSheet.objects.filter(assignment__project__edition=edition, status="submitted").count()
    return f"{teams:,} projects, {submitted:,} submitted sheets"


def equal_dashboard(phase: str) -> Scenario:
    name = f"chair's dashboard, equal data ({phase})"
    target = WARM_DASHBOARD_MS if phase == "warm" else COLD_DASHBOARD_MS
    edition = evaluation_edition()
    path = first_url(["evaluation:dashboard"], edition.year) if edition else None
    if path is None:
        return unavailable(name, "page", "chair", target, "no URL evaluation:dashboard or no edition being evaluated")
    return Scenario(name, "page", "chair", target, requests=[{"path": path}], phase=phase,
                    count=100 if phase == "warm" else 40,
                    cpu_target_ms=COLD_CPU_MS if phase == "cold" else None)


def equal_results_api(phase: str) -> Scenario:
    """The chair's results API of the edition being evaluated: no target of its own in the
    issue; the dashboard's (warm 100 ms, cold 300 ms) is used."""
    name = f"chair's results API, equal data ({phase})"
    target = WARM_DASHBOARD_MS if phase == "warm" else COLD_DASHBOARD_MS
    edition = evaluation_edition()
    if edition is None:
        return unavailable(name, "api", "chair", target, "no edition being evaluated")
    return Scenario(name, "api", "chair", target, phase=phase, count=100 if phase == "warm" else 40,
                    requests=[{"path": f"/api/v1/evaluation/results/?edition={edition.pk}"}])


def equal_catalogue_api() -> Scenario:
    """The catalogue API over the edition being evaluated (1,500 projects): by area and text
    search, and the edition's whole list (first page)."""
    name = "catalogue API, equal-data edition"
    edition = evaluation_edition()
    areas = list(ScientificArea.objects.values_list("pk", flat=True))
    if edition is None or not areas:
        return unavailable(name, "api", "student", API_READ_MS, "no edition being evaluated")
    queries = [f"edition={edition.pk}&area={areas[i % len(areas)]}&search={word}"
               for i, word in enumerate(SEARCH_WORDS)]
    queries += [f"edition={edition.pk}", f"edition={edition.pk}&area={areas[0]}"]
    return Scenario(name, "api", "student", API_READ_MS,
                    requests=[{"path": f"/api/v1/projects/?{q}"} for q in queries])


def score_sheet_page() -> Scenario:
    """The expert's score-sheet page (the form they fill in) for their drafts of the edition
    being evaluated."""
    name = "score-sheet page, equal data"
    sheets = sorted({pk for pk, _body in expert_sheets()})
    if not sheets or first_url(["evaluation:sheet"], sheets[0]) is None:
        return unavailable(name, "page", "expert", SAVE_MS, "no draft sheets or no URL evaluation:sheet")
    return Scenario(name, "page", "expert", SAVE_MS,
                    requests=[{"path": reverse("evaluation:sheet", args=[pk])} for pk in sheets])


def saving_experts(count: int) -> list[str]:
    """E-mails of the commission's experts (not the personas) with the most draft sheets in the
    edition being evaluated."""
    CommissionMember = model("evaluation", "CommissionMember")
    edition = evaluation_edition()
    if CommissionMember is None or edition is None:
        return []
    rows = (CommissionMember.objects.filter(commission__edition=edition, is_chair=False)
            .exclude(user__email__endswith="@marathon.example")
            .annotate(drafts=Count("assignments__sheet", filter=Q(assignments__sheet__status="draft")))
            .filter(drafts__gt=0).order_by("-drafts", "pk").values_list("user__email", flat=True)[:count])
    return list(rows)


def mixed_run(experts: int = MIXED_EXPERTS) -> Scenario:
    """Experts save sheets (PUT, each a different expert of the commission, one client each)
    while the chair reloads the dashboard (one client): every save changes the results'
    fingerprint, so nearly every dashboard request finds the cache invalidated — the busiest day.
    The driver reports one row per stream; it stops when the chair has made `count` requests."""
    name = "mixed: chair's dashboard while experts save"
    edition = evaluation_edition()
    path = first_url(["evaluation:dashboard"], edition.year) if edition else None
    emails = saving_experts(experts)
    if path is None or not emails:
        return unavailable(name, "mixed", "chair", COLD_DASHBOARD_MS, "no dashboard or no experts with drafts")
    streams = [{"label": "mixed: chair's dashboard while experts save", "persona": "chair", "method": "GET",
                "requests": [{"path": path}], "target_ms": COLD_DASHBOARD_MS, "cpu_target_ms": None,
                "kind": "page", "lead": True}]
    for email in emails:
        streams.append({"label": f"mixed: score-sheet saves ({len(emails)} experts) during dashboard reloads",
                        "persona": email, "shown_as": f"{len(emails)} experts", "method": "PUT",
                        "target_ms": SAVE_MS, "cpu_target_ms": None,
                        "kind": "write", "lead": False,
                        "requests": [{"path": f"/api/v1/evaluation/sheets/{pk}/", "json": body}
                                     for pk, body in expert_sheets(email)]})
    return Scenario(name, "mixed", "chair", COLD_DASHBOARD_MS, requests=[{"path": path}], count=40,
                    streams=streams)


_build_before_equal_data = build


def build(write_count: int = 200, mixed_experts: int = MIXED_EXPERTS) -> list[Scenario]:  # noqa: F811
    return [*_build_before_equal_data(write_count), equal_catalogue_api(), score_sheet_page(),
            equal_dashboard("warm"), equal_results_api("warm"), mixed_run(mixed_experts),
            equal_dashboard("cold"), equal_results_api("cold")]
