"""Scale data: the programme at N times the seed's size, for the benchmark (issue 7).

`generate(scale=N, seed=S)` fills an *empty* database with bulk inserts. N=1 is about the seed's
size (three editions, ~16 projects, ~95 participants); N=100 is a network of ~40 universities
over ten editions with ~11,000 people and 1,600 projects with teams. Everything is drawn from
`random.Random(seed)` and dates are anchored on today, so the same seed on the same day gives
the same rows. The apps built on `projects` add their rows in steps that run only when their
models exist, so the generator works on every branch.

The six demo accounts of `marathon.demo` exist with the demo password, so the load driver can
log in as each role. One password hash is computed once and shared by every generated user.
"""

import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from marathon.discovery import app_modules

from . import roles
from .demo import AREAS, DEMO_PASSWORD, ORGANISATIONS, UNIVERSITIES, current_edition_dates, past_edition_dates
from .models import Edition, Organisation, ScientificArea, University, User

BATCH = 2000

# City, country, latitude, longitude: partner universities beyond the seed's five.
CITIES = [
    ("Vienna", "AT", 48.2082, 16.3738), ("Munich", "DE", 48.1351, 11.5820),
    ("Aachen", "DE", 50.7753, 6.0839), ("Dresden", "DE", 51.0504, 13.7373),
    ("Hamburg", "DE", 53.5511, 9.9937), ("Stuttgart", "DE", 48.7758, 9.1829),
    ("Barcelona", "ES", 41.3874, 2.1686), ("Valencia", "ES", 39.4699, -0.3763),
    ("Seville", "ES", 37.3891, -5.9845), ("Paris", "FR", 48.8566, 2.3522),
    ("Lyon", "FR", 45.7640, 4.8357), ("Grenoble", "FR", 45.1885, 5.7245),
    ("Milan", "IT", 45.4642, 9.1900), ("Turin", "IT", 45.0703, 7.6869),
    ("Bologna", "IT", 44.4949, 11.3426), ("Delft", "NL", 52.0116, 4.3571),
    ("Eindhoven", "NL", 51.4416, 5.4697), ("Leuven", "BE", 50.8798, 4.7005),
    ("Zurich", "CH", 47.3769, 8.5417), ("Lausanne", "CH", 46.5197, 6.6323),
    ("Prague", "CZ", 50.0755, 14.4378), ("Brno", "CZ", 49.1951, 16.6068),
    ("Warsaw", "PL", 52.2297, 21.0122), ("Krakow", "PL", 50.0647, 19.9450),
    ("Budapest", "HU", 47.4979, 19.0402), ("Helsinki", "FI", 60.1699, 24.9384),
    ("Tampere", "FI", 61.4978, 23.7610), ("Tallinn", "EE", 59.4370, 24.7536),
    ("Riga", "LV", 56.9496, 24.1052), ("Kaunas", "LT", 54.8985, 23.9036),
    ("Stockholm", "SE", 59.3293, 18.0686), ("Gothenburg", "SE", 57.7089, 11.9746),
    ("Copenhagen", "DK", 55.6761, 12.5683), ("Trondheim", "NO", 63.4305, 10.3951),
    ("Lisbon", "PT", 38.7223, -9.1393), ("Porto", "PT", 41.1579, -8.6291),
    ("Moscow", "RU", 55.7558, 37.6173), ("Kazan", "RU", 55.7963, 49.1088),
    ("Novosibirsk", "RU", 55.0084, 82.9357), ("Tomsk", "RU", 56.4977, 84.9744),
    ("Minsk", "BY", 53.9006, 27.5590), ("Belgrade", "RS", 44.7866, 20.4489),
    ("Ljubljana", "SI", 46.0569, 14.5058), ("Athens", "GR", 37.9838, 23.7275),
    ("Istanbul", "TR", 41.0082, 28.9784), ("Almaty", "KZ", 43.2220, 76.8512),
    ("Shanghai", "CN", 31.2304, 121.4737), ("Bangalore", "IN", 12.9716, 77.5946),
]
UNIVERSITY_PATTERNS = ["University of {city}", "{city} University of Technology",
                       "Polytechnic University of {city}", "{city} Institute of Science"]

EXTRA_AREAS = [
    "Robotics", "Chemistry", "Civil engineering", "Economics", "Mathematics", "Physics",
    "Environmental science", "Aerospace engineering", "Telecommunications", "Nanotechnology",
]
ORG_FIRST = ["Nordic", "Baltic", "Alpine", "Iberian", "Rhine", "Danube", "Atlas", "Polar",
             "Quantum", "Vector", "Helix", "Orbit", "Granite", "Aurora", "Delta", "Meridian"]
ORG_SECOND = ["Steel", "Energy", "Photonics", "Robotics", "Materials", "Health", "Data",
              "Mobility", "Chemicals", "Software", "Water", "Aero", "Grid", "Bio", "Sensors"]
ORG_SUFFIX = [("R&D Centre", Organisation.Kind.RND), ("Industries", Organisation.Kind.INDUSTRY),
              ("Labs", Organisation.Kind.INDUSTRY), ("Ventures", Organisation.Kind.INVESTOR),
              ("Agency", Organisation.Kind.PUBLIC)]

FIRST_NAMES = {
    "RU": ["Alexei", "Anna", "Dmitry", "Elena", "Ivan", "Maria", "Sergei", "Olga", "Pavel", "Daria"],
    "DE": ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Paul", "Sophie", "Max", "Laura"],
    "AT": ["Florian", "Katharina", "Tobias", "Julia", "Stefan", "Lena", "Matthias", "Sarah"],
    "ES": ["Pablo", "Lucia", "Javier", "Carmen", "Diego", "Elena", "Alvaro", "Marta", "Sergio"],
    "*": ["Alex", "Sam", "Mia", "Noah", "Emma", "Leo", "Nina", "Adam", "Eva", "Oscar", "Ida"],
}
LAST_NAMES = {
    "RU": ["Ivanov", "Smirnova", "Kuznetsov", "Popova", "Sokolov", "Volkova", "Morozov", "Orlova"],
    "DE": ["Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"],
    "AT": ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer"],
    "ES": ["Garcia", "Fernandez", "Gonzalez", "Rodriguez", "Lopez", "Martinez", "Sanchez"],
    "*": ["Novak", "Rossi", "Dubois", "Jansen", "Nielsen", "Kowalski", "Horvath", "Silva",
          "Berg", "Costa", "Peeters", "Virtanen", "Popescu", "Tamm", "Ozturk", "Chen"],
}
SKILLS = ["Python", "C++", "MATLAB", "machine learning", "FEM", "materials testing", "CAD",
          "statistics", "signal processing", "microscopy", "NLP", "power electronics", "Rust"]
LANGUAGES = ["English", "German", "Russian", "Spanish", "French", "Italian"]

TITLE_METHODS = ["Machine learning", "Multiscale modelling", "Additive manufacturing", "Sensor fusion",
                 "Corpus analysis", "Digital twins", "Optimisation", "Spectroscopy", "Simulation",
                 "Life-cycle assessment", "Deep learning", "Surface engineering", "Bayesian inference"]
TITLE_OBJECTS = ["lightweight alloys", "battery cells", "wind turbines", "medical implants",
                 "neural interfaces", "bilingual dictionaries", "smart grids", "polymer composites",
                 "hydrogen storage", "speech corpora", "heat exchangers", "biosensors", "solar cells"]
TITLE_USES = ["for industry 4.0", "for sustainable cities", "in harsh environments", "at low cost",
              "for early diagnosis", "for machine translation", "for the energy transition",
              "in Arctic conditions", "for rail transport", "for precision agriculture"]
REJECTION_REASONS = ["Out of the programme's scope.", "No customer and no partner supervisor.",
                     "Overlaps an approved project of the same edition."]


@dataclass(frozen=True)
class Sizes:
    """How many of each row a scale gives. Counts that a real network would not grow linearly
    (editions, universities, areas) grow with log10(N)."""

    scale: int

    @property
    def editions(self) -> int:
        return min(10, 3 + round(3.5 * math.log10(self.scale)))

    @property
    def universities(self) -> int:
        return min(len(UNIVERSITIES) + len(CITIES), 5 + round(17.5 * math.log10(self.scale)))

    @property
    def areas(self) -> int:
        return min(len(AREAS) + len(EXTRA_AREAS), 5 + round(3.5 * math.log10(self.scale)))

    @property
    def organisations(self) -> int:
        return 5 + round(0.95 * self.scale)

    @property
    def people(self) -> int:
        return 110 * self.scale

    @property
    def teams(self) -> int:
        return 16 * self.scale

    @property
    def experts(self) -> int:
        return 3 * self.scale

    @property
    def score_sheets(self) -> int:
        return 80 * self.scale

    @property
    def mobilities(self) -> int:
        return 50 * self.scale

    @property
    def publications(self) -> int:
        return 10 * self.scale


@dataclass
class Context:
    rng: random.Random
    sizes: Sizes
    today: date
    password: str
    universities: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    editions: list = field(default_factory=list)  # oldest first
    people: list = field(default_factory=list)
    students: list = field(default_factory=list)
    supervisors: list = field(default_factory=list)
    industry: list = field(default_factory=list)
    accounts: dict = field(default_factory=dict)  # role -> User (the demo accounts)
    proposers: list = field(default_factory=list)  # supervisors whose turn to propose is next
    projects: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    members: dict = field(default_factory=dict)  # team pk -> [(user, role)]
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def evaluation_edition(self) -> Edition:
        """The edition whose evaluation runs today (the one before the current one)."""
        return self.editions[-2]

    @property
    def current_edition(self) -> Edition:
        return self.editions[-1]


def bulk(model, rows: list) -> list:
    """Insert in batches; on PostgreSQL the objects get their primary keys back."""
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    return created


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def generate(*, scale: int, seed: int = 1, stdout=None) -> Context:
    """Fill the (empty) database; returns the context with the counts per model."""
    ctx = Context(rng=random.Random(seed), sizes=Sizes(scale), today=timezone.localdate(),
                  password=make_password(DEMO_PASSWORD))
    steps = [core, people, projects_and_teams, join_requests, *app_steps()]
    with transaction.atomic():
        for step in steps:
            started = time.monotonic()
            step(ctx)
            ctx.timings[step.__name__] = round(time.monotonic() - started, 2)
            if stdout is not None:
                stdout.write(f"  {step.__name__}: {ctx.timings[step.__name__]} s")
        invalidate_cached_reads()
    return ctx


def invalidate_cached_reads() -> None:
    """Bulk inserts skip model signals: tell the apps that cache reads (statistics) that the data
    changed. Looked up by name, as the core imports no app."""
    for caching in app_modules("caching"):
        caching.invalidate_statistics()


def app_steps() -> list:
    """Steps for the apps built on projects/teams; each runs only when its models exist, so
    the generator works on a branch where an app is still an empty shell. Apps may also ship
    their own `<app>/scale.py` with `ORDER` (int, later apps higher) and `generate(ctx)`; they
    are found by name (`marathon.discovery`), so a new app adds its rows without touching the core."""
    wanted = [("evaluation", "ScoreSheet", evaluation), ("mobility", "Mobility", mobility),
              ("outcomes", "Publication", outcomes)]
    steps = [step for label, model, step in wanted if has_model(label, model)]
    modules = [module for module in app_modules("scale") if module.__name__ != __name__]
    for module in sorted(modules, key=lambda module: module.ORDER):
        steps.append(named_step(module))
    return steps


def named_step(module):
    """`module.generate` under the app's name, so the timings say which app took how long."""
    def step(ctx: Context) -> None:
        module.generate(ctx)
    step.__name__ = module.__name__.split(".")[0]
    return step


def has_model(app_label: str, model: str) -> bool:
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- core -----------------------------------------------------------------------------------
def core(ctx: Context) -> None:
    rng, sizes = ctx.rng, ctx.sizes
    rows = [University(name=name, short_name=short, country=country, city=city, latitude=lat,
                       longitude=lon, is_host=host, website=web)
            for name, short, country, city, lat, lon, host, web in UNIVERSITIES]
    for i, (city, country, lat, lon) in enumerate(CITIES[: sizes.universities - len(rows)]):
        name = UNIVERSITY_PATTERNS[i % len(UNIVERSITY_PATTERNS)].format(city=city)
        rows.append(University(name=name, short_name=name.split()[0][:3].upper() + str(i),
                               country=country, city=city, latitude=f"{lat:.6f}",
                               longitude=f"{lon:.6f}", website=f"https://uni-{i}.example"))
    ctx.universities = bulk(University, rows)
    area_names = [*AREAS, *((name, name.lower().replace(" ", "-")) for name in EXTRA_AREAS)]
    ctx.areas = bulk(ScientificArea, [ScientificArea(name=n, slug=s) for n, s in area_names[: sizes.areas]])
    orgs = [Organisation(name=n, kind=k, country=c) for n, k, c in ORGANISATIONS]
    names = [(a, b, suffix) for a in ORG_FIRST for b in ORG_SECOND for suffix in ORG_SUFFIX]
    rng.shuffle(names)
    taken = {org.name for org in orgs}
    for i in range(sizes.organisations - len(orgs)):
        a, b, (suffix, kind) = names[i % len(names)]
        country = rng.choice(ctx.universities).country
        orgs.append(Organisation(name=unique_name(f"{a} {b} {suffix}", taken), kind=kind, country=country))
    ctx.organisations = bulk(Organisation, orgs)
    ctx.editions = bulk(Edition, edition_rows(ctx))
    ctx.counts.update(universities=len(ctx.universities), areas=len(ctx.areas),
                      organisations=len(ctx.organisations), editions=len(ctx.editions))


def unique_name(name: str, taken: set) -> str:
    """`name`, or `name 2`, `name 3`... when a demo row or an earlier round of the (finite) name
    combinations already has it: organisation names are unique, at any scale."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} {number}"
    taken.add(candidate)
    return candidate


def edition_rows(ctx: Context) -> list:
    """Closed editions, then one whose evaluation runs today, then the current one whose team
    formation is open (so join requests and score sheets can both be exercised)."""
    today, count = ctx.today, ctx.sizes.editions
    rows = []
    for year in range(today.year - count + 1, today.year - 1):
        rows.append(Edition(year=year, title=f"Students Project Marathon {year}", team_size_min=3,
                            team_size_max=8, min_universities=2, **past_edition_dates(year)))
    rows.append(Edition(year=today.year - 1, title=f"Students Project Marathon {today.year - 1}",
                        team_size_min=3, team_size_max=8, min_universities=2,
                        **evaluation_edition_dates(today)))
    rows.append(Edition(year=today.year, title=f"Students Project Marathon {today.year}",
                        team_size_min=3, team_size_max=6, min_universities=2, require_degree_mix=True,
                        **current_edition_dates(today)))
    return rows


def evaluation_edition_dates(today: date) -> dict:
    return {
        "proposals_start": today - timedelta(days=300), "proposals_end": today - timedelta(days=250),
        "team_formation_start": today - timedelta(days=260),
        "team_formation_end": today - timedelta(days=220),
        "research_start": today - timedelta(days=219), "research_end": today - timedelta(days=15),
        "evaluation_start": today - timedelta(days=14), "evaluation_end": today + timedelta(days=16),
    }


# --- people ---------------------------------------------------------------------------------
STATUS_WEIGHTS = [(User.Status.BACHELOR, 40), (User.Status.MASTER, 28), (User.Status.PHD, 11),
                  (User.Status.PROFESSOR, 11), (User.Status.RESEARCHER, 6), (User.Status.INDUSTRY, 4)]


def university_weights(ctx: Context) -> list[float]:
    """The host is the largest; partners follow a Zipf-like tail (older partners send more)."""
    return [6.0 if u.is_host else 1.0 / (1 + 0.08 * i) for i, u in enumerate(ctx.universities)]


def person_name(rng: random.Random, country: str) -> str:
    key = country if country in FIRST_NAMES else "*"
    return f"{rng.choice(FIRST_NAMES[key])} {rng.choice(LAST_NAMES[key])}"


def people(ctx: Context) -> None:
    from allauth.account.models import EmailAddress

    rng = ctx.rng
    statuses, status_weights = zip(*STATUS_WEIGHTS, strict=True)
    uni_weights = university_weights(ctx)
    by_short = {u.short_name: u for u in ctx.universities}
    rows = []
    for email, full_name, status, uni, staff in demo_accounts():
        university = by_short[uni]
        rows.append(User(email=email, full_name=full_name, status=status, university=university,
                         country=university.country, is_staff=staff, is_superuser=staff,
                         password=ctx.password, date_joined=at(ctx.today - timedelta(days=400))))
    for i in range(ctx.sizes.people - len(rows)):
        status = rng.choices(statuses, status_weights)[0]
        if status == User.Status.INDUSTRY:
            org = rng.choice(ctx.organisations)
            university, country = None, org.country
        else:
            org, university = None, rng.choices(ctx.universities, uni_weights)[0]
            country = university.country
        name = person_name(rng, country)
        rows.append(User(
            email=f"{name.lower().replace(' ', '.')}.{i}@people.example", full_name=name,
            status=status, university=university, organisation=org, country=country,
            skills=", ".join(rng.sample(SKILLS, rng.randint(1, 3))),
            languages=", ".join(rng.sample(LANGUAGES, rng.randint(1, 3))),
            password=ctx.password, date_joined=at(ctx.today - timedelta(days=rng.randint(1, 3650)))))
    ctx.people = bulk(User, rows)
    bulk(EmailAddress, [EmailAddress(user=u, email=u.email, verified=True, primary=True)
                        for u in ctx.people])
    ctx.accounts = {email.split("@")[0]: user for (email, *_), user in zip(demo_accounts(), ctx.people,
                                                                          strict=False)}
    personas = set(ctx.accounts.values())
    ctx.students = [u for u in ctx.people if u.is_student and u not in personas]
    ctx.supervisors = [u for u in ctx.people if u.is_supervisor and u not in personas]
    ctx.industry = [u for u in ctx.people if u.status == User.Status.INDUSTRY]
    add_role_groups(ctx)
    ctx.counts.update(users=len(ctx.people))


def demo_accounts():
    from .demo import ACCOUNTS

    return ACCOUNTS


def add_role_groups(ctx: Context) -> None:
    membership = User.groups.through
    groups = {name: Group.objects.get_or_create(name=name)[0]
              for name in (roles.COMMISSION_CHAIRS, roles.COMMISSION_MEMBERS, roles.MOBILITY_COORDINATORS)}
    pairs = [("chair", roles.COMMISSION_CHAIRS), ("chair", roles.COMMISSION_MEMBERS),
             ("expert", roles.COMMISSION_MEMBERS), ("coordinator", roles.MOBILITY_COORDINATORS)]
    bulk(membership, [membership(user_id=ctx.accounts[who].pk, group_id=groups[name].pk)
                      for who, name in pairs])


# --- projects, teams, memberships -----------------------------------------------------------
def projects_and_teams(ctx: Context) -> None:
    from projects.models import Membership, Project, Team

    plan = teams_per_edition(ctx)
    projects, extra = [], []
    for edition, count in zip(ctx.editions, plan, strict=True):
        for _ in range(count):
            projects.append(project_row(ctx, edition, with_team=True))
        for _ in range(max(1, count // 10)):
            extra.append(project_row(ctx, edition, with_team=False))
    ctx.projects = bulk(Project, projects + extra)
    with_team = ctx.projects[: len(projects)]
    cosup = Project.co_supervisors.through
    cosup_rows = []
    for project in ctx.projects:
        for user in co_supervisors_for(ctx, project):
            cosup_rows.append(cosup(project_id=project.pk, user_id=user.pk))
    bulk(cosup, cosup_rows)
    cosup_of = {}
    for row in cosup_rows:
        cosup_of.setdefault(row.project_id, []).append(row.user_id)
    ctx.teams = bulk(Team, [
        Team(project=p, edition=p.edition, name=p.title[:200], capacity=p.team_size_max,
             created_at=p.decided_at) for p in with_team])
    memberships = []
    for edition in ctx.editions:
        teams = [t for t in ctx.teams if t.edition_id == edition.pk]
        memberships += staff_teams(ctx, edition, teams, cosup_of)
    bulk(Membership, memberships)
    ctx.counts.pop("_students_used", None)
    ctx.counts.update(projects=len(ctx.projects), teams=len(ctx.teams), memberships=len(memberships),
                      co_supervisions=len(cosup_rows))


def teams_per_edition(ctx: Context) -> list[int]:
    """The network grows: later editions have more teams (weights 3, 4, ... E + 2)."""
    total, count = ctx.sizes.teams, len(ctx.editions)
    weights = [i + 3 for i in range(count)]
    plan = [total * w // sum(weights) for w in weights]
    plan[-1] += total - sum(plan)
    return plan


def project_status(ctx: Context, edition: Edition, with_team: bool) -> str:
    from projects.models import ProjectStatus

    if not with_team:
        if edition == ctx.current_edition:
            return ctx.rng.choice([ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED])
        return ProjectStatus.REJECTED
    if edition == ctx.current_edition:
        return ProjectStatus.APPROVED
    if edition == ctx.evaluation_edition:
        return ProjectStatus.ACTIVE
    return ProjectStatus.COMPLETED


def project_row(ctx: Context, edition: Edition, *, with_team: bool):
    from projects.models import DegreeLevel, Project, ProjectStatus

    rng = ctx.rng
    area = rng.choice(ctx.areas)
    method, obj, use = rng.choice(TITLE_METHODS), rng.choice(TITLE_OBJECTS), rng.choice(TITLE_USES)
    status = project_status(ctx, edition, with_team)
    proposer = proposer_for(ctx, edition)
    created = at(between(rng, edition.proposals_start, edition.proposals_end), 9)
    decided = created + timedelta(days=rng.randint(3, 20)) if status != ProjectStatus.DRAFT else None
    levels = rng.sample(list(DegreeLevel.values), rng.randint(1, 3))
    return Project(
        edition=edition, area=area, title=f"{method} of {obj} {use}",
        summary=f"{method} applied to {obj} {use}: a joint {area.name.lower()} project of partner "
                f"universities.",
        description=f"## Goal\n{method} of {obj}.\n\n## Tasks\n- literature review\n- experiments\n"
                    f"- joint publication\n\nThe team works {use}.",
        keywords=", ".join([method.lower(), obj, area.name.lower()]),
        customer=rng.choice(ctx.organisations) if rng.random() < 0.6 else None,
        proposer=proposer, team_size_min=edition.team_size_min, team_size_max=edition.team_size_max,
        wanted_degree_levels=sorted(levels), wanted_skills=", ".join(rng.sample(SKILLS, 2)),
        status=status,
        rejection_reason=rng.choice(REJECTION_REASONS) if status == ProjectStatus.REJECTED else "",
        submitted_at=created + timedelta(days=1) if status != ProjectStatus.DRAFT else None,
        decided_at=decided if status not in (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED) else None,
        decided_by=ctx.accounts["office"] if decided and status != ProjectStatus.SUBMITTED else None,
        created_at=created,
    )


def proposer_for(ctx: Context, edition: Edition) -> User:
    # The demo professor proposes a few projects of the current edition (their own team pages).
    if edition == ctx.current_edition and ctx.rng.random() < 0.03:
        return ctx.accounts["professor"]
    # Half of the supervisors propose, in turns: at scale 100 an active professor proposes about
    # two projects in ten years; at scale 1 nearly every supervisor takes part, as in the seed.
    if not ctx.proposers:
        active = ctx.supervisors[: max(16, len(ctx.supervisors) // 2)]
        ctx.proposers = ctx.rng.sample(active, len(active))
    return ctx.proposers.pop()


def co_supervisors_for(ctx: Context, project) -> list[User]:
    """0-2 co-supervisors, preferably from another university (mixed supervision)."""
    rng = ctx.rng
    picks = []
    for _ in range(rng.choices([0, 1, 2], [35, 45, 20])[0]):
        user = rng.choice(ctx.supervisors)
        if user.pk != project.proposer_id and user not in picks:
            picks.append(user)
    return picks


def staff_teams(ctx: Context, edition: Edition, teams: list, cosup_of: dict) -> list:
    """Supervisors plus students: each student in at most one team of the edition; most
    students take part in one edition, some come back the next year."""
    from projects.models import Membership, MembershipRole

    rng = ctx.rng
    current = edition == ctx.current_edition
    low = 3 if current else edition.team_size_min + 1
    high = edition.team_size_max - 1 if current else edition.team_size_max
    pool = student_pool(ctx, edition, slots=len(teams) * (low + high) // 2)
    rows = []
    for team in teams:
        project = team.project
        supervisors = [project.proposer_id, *cosup_of.get(project.pk, [])]
        for user_id in supervisors:
            rows.append(Membership(team=team, user_id=user_id, edition=edition,
                                   role=MembershipRole.SUPERVISOR, joined_at=team.created_at))
        size = rng.randint(low, high)
        chosen = [pool.pop() for _ in range(min(size, len(pool)))]
        ctx.members[team.pk] = [(u, MembershipRole.MEMBER) for u in chosen]
        for i, user in enumerate(chosen):
            role = MembershipRole.LEAD if i == 0 and not current else MembershipRole.MEMBER
            joined = at(between(rng, edition.team_formation_start,
                                min(edition.team_formation_end, ctx.today)), 11)
            rows.append(Membership(team=team, user=user, edition=edition, role=role, joined_at=joined))
    return rows


def student_pool(ctx: Context, edition: Edition, *, slots: int) -> list:
    """Students available for an edition, the last one popped first: newcomers of this edition
    (the next slice of the students, sized by the edition's places) plus ~1/8 returning from
    earlier editions."""
    rng = ctx.rng
    start = ctx.counts.get("_students_used", 0)
    earlier = ctx.students[:start]
    returning = rng.sample(earlier, min(len(earlier), slots // 8))
    share = min(slots + slots // 10 - len(returning), max(len(ctx.students) - start, 0))
    fresh = ctx.students[start:start + share]
    ctx.counts["_students_used"] = start + share
    pool = returning + fresh
    rng.shuffle(pool)
    return pool


# --- join requests --------------------------------------------------------------------------
def join_requests(ctx: Context) -> None:
    """Past editions: the accepted requests behind most student memberships, and some declined.
    The current edition: pending requests from students not yet in a team."""
    from teams.models import JoinRequest, RequestStatus

    rng = ctx.rng
    rows = []
    current = ctx.current_edition
    placed_now = {u.pk for t in ctx.teams if t.edition_id == current.pk for u, _ in ctx.members[t.pk]}
    free_students = [u for u in ctx.students if u.pk not in placed_now]
    for team in ctx.teams:
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        motivation = "I would like to join: my skills fit the project's needs."
        if team.edition_id == current.pk:
            for student in rng.sample(free_students, min(len(free_students), rng.randint(0, 4))):
                rows.append(JoinRequest(team=team, student=student, motivation=motivation,
                                        created_at=at(between(rng, edition.team_formation_start,
                                                              ctx.today), 14)))
            continue
        for user, _role in ctx.members[team.pk]:
            if rng.random() < 0.7:
                sent = at(between(rng, edition.team_formation_start, edition.team_formation_end), 8)
                rows.append(JoinRequest(team=team, student=user, motivation=motivation,
                                        status=RequestStatus.ACCEPTED, created_at=sent,
                                        decided_at=sent + timedelta(days=2),
                                        decided_by_id=team.project.proposer_id))
        for student in rng.sample(ctx.students, rng.randint(0, 2)):
            sent = at(between(rng, edition.team_formation_start, edition.team_formation_end), 8)
            rows.append(JoinRequest(team=team, student=student, motivation=motivation,
                                    status=RequestStatus.DECLINED, created_at=sent,
                                    decided_at=sent + timedelta(days=3),
                                    decided_by_id=team.project.proposer_id))
    bulk(JoinRequest, rows)
    ctx.counts.update(join_requests=len(rows))


# --- evaluation -----------------------------------------------------------------------------
CRITERIA = [
    ("Scientific quality", 30, "Originality, rigour and depth of the research."),
    ("Practical value for the customer", 20, "How useful the results are to the customer."),
    ("International teamwork", 20, "How well the mixed team worked together across universities."),
    ("Results and outputs", 20, "Prototypes, data, publications and other outputs."),
    ("Presentation", 10, "Clarity of the final report and the presentation."),
]
LEVEL_LABELS = ["poor", "fair", "good", "very good", "excellent"]


def evaluation(ctx: Context) -> None:
    """A commission per edition with experts of every group, five weighted criteria, ~6 experts
    per project in the evaluated editions (load balanced, conflict-free), their score sheets:
    all submitted in closed editions, about half in the edition being evaluated today."""
    from evaluation.models import Commission, Criterion

    evaluated = [e for e in ctx.editions if e != ctx.current_edition]
    teams = [t for t in ctx.teams if t.edition_id != ctx.current_edition.pk]
    per_project = max(3, min(7, round(ctx.sizes.score_sheets / max(len(teams), 1))))
    experts = expert_pool(ctx)
    commissions = bulk(Commission, [Commission(edition=e) for e in ctx.editions])
    criteria = bulk(Criterion, [
        Criterion(edition=e, name=name, guidance=guidance, weight=weight, scale_min=1, scale_max=5,
                  level_labels=LEVEL_LABELS, position=i)
        for e in ctx.editions for i, (name, weight, guidance) in enumerate(CRITERIA)])
    criteria_of = {}
    for criterion in criteria:
        criteria_of.setdefault(criterion.edition_id, []).append(criterion)
    members_of = commission_members(ctx, commissions, experts, per_project)
    assignments = assign_experts(ctx, evaluated, members_of, per_project)
    sheets, scores = score_sheets(ctx, assignments, criteria_of)
    result_submissions(ctx, teams)
    published = publish_closed(ctx, commissions)
    ctx.counts.update(commission_members=sum(len(m) for m in members_of.values()),
                      published_results=published,
                      criteria=len(criteria), assignments=len(assignments), score_sheets=sheets,
                      scores=scores)


def expert_pool(ctx: Context) -> list[tuple]:
    """(user, group, organisation): host and partner professors, customer representatives,
    investors and external experts; the chair and expert personas sit on every commission."""
    rng = ctx.rng
    wanted = max(10, ctx.sizes.experts)
    professors = [u for u in ctx.supervisors if u.status == User.Status.PROFESSOR]
    industry = list(ctx.industry)
    pool = []
    for user in rng.sample(professors, min(len(professors), wanted * 7 // 10)):
        group = "host_professor" if user.university and user.university.is_host else "partner_professor"
        if rng.random() < 0.1:
            group = "external"
        pool.append((user, group, None))
    for user in rng.sample(industry, min(len(industry), wanted - len(pool))):
        org = user.organisation
        pool.append((user, "investor" if org and org.kind == Organisation.Kind.INVESTOR else "customer", org))
    return pool


def commission_members(ctx: Context, commissions: list, experts: list, per_project: int) -> dict:
    from evaluation.models import CommissionMember

    rng = ctx.rng
    group_users = User.groups.through
    commission_group = Group.objects.get(name=roles.COMMISSION_MEMBERS)
    rows, members_of = [], {}
    teams_in = {}
    for team in ctx.teams:
        teams_in[team.edition_id] = teams_in.get(team.edition_id, 0) + 1
    for commission in commissions:
        # About 30 projects per expert at most, never fewer experts than a project needs + 2.
        size = max(per_project + 2, math.ceil(teams_in.get(commission.edition_id, 0) * per_project / 30))
        chosen = rng.sample(experts, min(len(experts), size))
        members = [CommissionMember(commission=commission, user=ctx.accounts["chair"],
                                    group="partner_professor", is_chair=True),
                   CommissionMember(commission=commission, user=ctx.accounts["expert"],
                                    group="partner_professor")]
        members += [CommissionMember(commission=commission, user=user, group=group, organisation=org)
                    for user, group, org in chosen]
        members_of[commission.edition_id] = members
        rows += members
    bulk(CommissionMember, rows)
    in_group = {ctx.accounts["chair"].pk, ctx.accounts["expert"].pk}
    extra = sorted({m.user_id for m in rows} - in_group)
    bulk(group_users, [group_users(user_id=pk, group_id=commission_group.pk) for pk in extra])
    return members_of


def conflicted(member, project, team_user_ids: set) -> bool:
    """The rules of DESIGN.md: supervises or is in the team, or the customer is their org."""
    org_ids = {member.organisation_id, member.user.organisation_id} - {None}
    return member.user_id in team_user_ids or (project.customer_id in org_ids)


def assign_experts(ctx: Context, editions: list, members_of: dict, per_project: int) -> list:
    """Load balanced (the least loaded eligible expert first), at least two groups per project,
    no conflicts; the expert persona gets ~20 projects of the edition being evaluated."""
    from evaluation.models import Assignment

    rng = ctx.rng
    team_users = team_user_ids(ctx)
    rows = []
    for edition in editions:
        members = members_of[edition.pk]
        load = {id(m): 0 for m in members}
        teams = [t for t in ctx.teams if t.edition_id == edition.pk]
        for index, team in enumerate(teams):
            project = team.project
            eligible = [m for m in members if not m.is_chair
                        and not conflicted(m, project, team_users[team.pk])]
            rng.shuffle(eligible)
            eligible.sort(key=lambda m: load[id(m)])
            if edition == ctx.evaluation_edition and index < 20:
                persona = next(m for m in members if m.user_id == ctx.accounts["expert"].pk)
                eligible.remove(persona)
                eligible.insert(0, persona)
            chosen = eligible[:per_project]
            if len({m.group for m in chosen}) < 2:
                other = next((m for m in eligible[per_project:] if m.group != chosen[0].group), None)
                if other is not None:
                    chosen[-1] = other
            for member in chosen:
                load[id(member)] += 1
                rows.append(Assignment(member=member, project=project, automatic=True,
                                       created_by=ctx.accounts["chair"],
                                       created_at=at(edition.research_end, 12)))
    return bulk(Assignment, rows)


def team_user_ids(ctx: Context) -> dict:
    from projects.models import Membership

    ids = {}
    for team_id, user_id in Membership.objects.filter(team__in=ctx.teams).values_list("team_id", "user_id"):
        ids.setdefault(team_id, set()).add(user_id)
    return ids


def score_sheets(ctx: Context, assignments: list, criteria_of: dict) -> tuple[int, int]:
    """Each project has a true quality and each expert a bias (harsh or lenient), so the
    aggregation methods have something to correct. The expert persona's sheets of the edition
    being evaluated stay drafts (the benchmark saves them)."""
    from evaluation.models import Score, ScoreSheet, ScoreSheetRevision

    rng = ctx.rng
    quality, bias = {}, {}
    sheets, pending_scores = [], []
    persona = ctx.accounts["expert"].pk
    for assignment in assignments:
        project, member = assignment.project, assignment.member
        edition = next(e for e in ctx.editions if e.pk == project.edition_id)
        q = quality.setdefault(project.pk, rng.gauss(3.3, 0.7))
        b = bias.setdefault(member.user_id, rng.gauss(0, 0.5))
        evaluating = edition == ctx.evaluation_edition
        submitted = not evaluating or (member.user_id != persona and rng.random() < 0.55)
        filled = submitted or (member.user_id != persona and rng.random() < 0.6)
        saved = at(between(rng, edition.evaluation_start, min(edition.evaluation_end, ctx.today)), 16)
        sheet = ScoreSheet(assignment=assignment, status="submitted" if submitted else "draft",
                           feedback="Solid work; strengthen the evaluation section." if filled else "",
                           submitted_at=saved if submitted else None, updated_at=saved)
        sheets.append(sheet)
        if filled:
            values = [max(1, min(5, round(q + b + rng.gauss(0, 0.6)))) for _ in criteria_of[edition.pk]]
            pending_scores.append((sheet, values, criteria_of[edition.pk]))
    bulk(ScoreSheet, sheets)
    scores, revisions = [], []
    for sheet, values, criteria in pending_scores:
        for criterion, value in zip(criteria, values, strict=True):
            scores.append(Score(sheet=sheet, criterion=criterion, value=value, scale_min=1, scale_max=5))
        revisions.append(ScoreSheetRevision(
            sheet=sheet, number=1, action=sheet.status, actor_id=sheet.assignment.member.user_id,
            data={"scores": {str(c.pk): v for c, v in zip(criteria, values, strict=True)},
                  "feedback": sheet.feedback}, created_at=sheet.updated_at))
    bulk(Score, scores)
    bulk(ScoreSheetRevision, revisions)
    return len(sheets), len(scores)


def publish_closed(ctx: Context, commissions: list) -> int:
    """Closed editions' results are published: a frozen snapshot made by the app's own
    selector (as `publish_results` does) and the "results published" notification of every
    team member, bulk-inserted and already read and e-mailed (the service would render and
    e-mail ~10,000 of them one by one)."""
    from evaluation.models import ResultSnapshot
    from evaluation.selectors import compute_results
    from projects.models import Membership

    from .models import Notification

    closed = [c for c in commissions if c.edition_id not in (ctx.evaluation_edition.pk, ctx.current_edition.pk)]
    snapshots, notes = [], []
    for commission in closed:
        edition = next(e for e in ctx.editions if e.pk == commission.edition_id)
        published = at(edition.evaluation_end + timedelta(days=1), 9)
        snapshots.append(ResultSnapshot(commission=commission, data=compute_results(commission),
                                        published_by=ctx.accounts["chair"], published_at=published))
        for user_id in Membership.objects.filter(edition=edition).values_list("user_id", flat=True).order_by("pk"):
            notes.append(Notification(
                recipient_id=user_id, kind="evaluation_published",
                subject=f"Results of the {edition.year} marathon are published",
                body=f"The commission has published the results of the {edition.year} edition.",
                url=f"/evaluation/results/{edition.year}/", created_at=published,
                read_at=published + timedelta(days=ctx.rng.randint(0, 20)), emailed_at=published,
                email_attempts=1))
    bulk(ResultSnapshot, snapshots)
    bulk(Notification, notes)
    ctx.counts.update(notifications=ctx.counts.get("notifications", 0) + len(notes))
    return len(snapshots)


def result_submissions(ctx: Context, teams: list) -> None:
    from evaluation.models import ResultSubmission

    bulk(ResultSubmission, [
        ResultSubmission(team=team, summary=f"Results of {team.name}: a prototype, a data set and "
                                            f"a draft joint paper.",
                         submitted_by_id=team.project.proposer_id,
                         submitted_at=at(next(e for e in ctx.editions if e.pk == team.edition_id).research_end, 18))
        for team in teams])


# --- mobility -------------------------------------------------------------------------------
TRAVEL_BANDS = {  # first call year: (min km, max km, standard, green) per band (DESIGN.md)
    2021: [(10, 99, "23", None), (100, 499, "180", "210"), (500, 1999, "275", "320"),
           (2000, 2999, "360", "410"), (3000, 3999, "530", "610"), (4000, 7999, "820", None),
           (8000, None, "1500", None)],
    2024: [(10, 99, "28", "56"), (100, 499, "211", "285"), (500, 1999, "309", "417"),
           (2000, 2999, "395", "535"), (3000, 3999, "580", "785"), (4000, 7999, "1188", None),
           (8000, None, "1735", None)],
}


def mobility(ctx: Context) -> None:
    """Mobilities of team members and supervisors during their edition's research phase: never
    two overlapping ones per person; about half ERASMUS+-funded (never to or from a Russian
    university from 2022 on), with the grant computed as the mobility service stores it."""
    from mobility.models import Mobility

    ensure_rate_tables()
    rng = ctx.rng
    members = team_user_ids(ctx)
    users = {u.pk: u for u in ctx.people}
    unis = {u.pk: u for u in ctx.universities}
    busy: dict[int, date] = {}  # person -> the day after their last mobility ends
    candidates = []
    for team in ctx.teams:
        for user_id in sorted(members.get(team.pk, ())):
            user = users[user_id]
            if user.university_id:
                candidates.append((team, user))
    rng.shuffle(candidates)
    rows = []
    for team, user in candidates:
        if len(rows) >= ctx.sizes.mobilities:
            break
        row = mobility_row(ctx, team, user, unis, members, users, busy)
        if row is not None:
            rows.append(row)
    bulk(Mobility, rows)
    ctx.counts.update(mobilities=len(rows),
                      erasmus_grants=sum(1 for r in rows if r.funding_source == "erasmus"))


def mobility_row(ctx, team, user, unis, members, users, busy):
    from mobility.models import Mobility

    rng = ctx.rng
    edition = next(e for e in ctx.editions if e.pk == team.edition_id)
    student = user.is_student
    kind = rng.choice(["student_research", "student_study"] if student else
                      ["staff_teaching", "staff_training"])
    length = rng.randint(14, 90) if student else rng.randint(3, 12)
    earliest = max(edition.research_start, busy.get(user.pk, edition.research_start))
    latest = edition.research_end - timedelta(days=length)
    if earliest > latest:
        return None
    start = between(rng, earliest, latest)
    end = start + timedelta(days=length - 1)
    busy[user.pk] = end + timedelta(days=1)
    hosts = sorted({users[i].university_id for i in members[team.pk]} - {None, user.university_id})
    host = unis[rng.choice(hosts)] if hosts else rng.choice([u for u in ctx.universities
                                                              if u.pk != user.university_id])
    home = unis[user.university_id]
    status = mobility_status(ctx, edition)
    russian = "RU" in (str(home.country), str(host.country))
    erasmus = rng.random() < 0.5 and not (russian and edition.year >= 2022) and status != "draft"
    green = erasmus and rng.random() < 0.3
    row = Mobility(
        participant=user, kind=kind, home_university=home, host_university=host, edition=edition,
        project=team.project, team=team, purpose="Joint experiments in the partner laboratory.",
        planned_start=start, planned_end=end, status=status,
        actual_start=start if status in ("in_progress", "completed") else None,
        actual_end=end if status == "completed" else None,
        rejection_reason="No budget left in this call." if status == "rejected" else "",
        funding_source="erasmus" if erasmus else rng.choice(["university", "host", "other", "none"]),
        erasmus_action="KA131" if erasmus else "", erasmus_call_year=start.year if erasmus else None,
        grant_reference=f"ERA-{edition.year}-{user.pk:06d}" if erasmus else "", green_travel=green,
        teaching_hours=8 if kind == "staff_teaching" else None,
        created_at=at(start - timedelta(days=45)),
        submitted_at=at(start - timedelta(days=40)) if status != "draft" else None,
        decided_at=at(start - timedelta(days=30)) if status not in ("draft", "submitted") else None,
        decided_by=ctx.accounts["coordinator"] if status not in ("draft", "submitted") else None,
    )
    store_grant(row, home, host, kind, start, end, green, funded=erasmus)
    return row


def mobility_status(ctx: Context, edition: Edition) -> str:
    rng = ctx.rng
    if edition == ctx.current_edition:
        return rng.choices(["draft", "submitted", "approved"], [2, 3, 5])[0]
    return rng.choices(["completed", "cancelled", "rejected"], [90, 5, 5])[0]


_grant_cache: dict = {}


def store_grant(row, home, host, kind, start, end, green, *, funded: bool) -> None:
    """As `mobility.services.store_grant`: the distance for every mobility, the amounts for
    ERASMUS+-funded ones; the app's own calculation, cached per (pair, kind, length, green,
    call year) since it reads the rate tables on every call."""
    from mobility.grants import estimate_grant

    call_year = row.erasmus_call_year
    key = (home.pk, host.pk, kind, (end - start).days, green, call_year or start.year)
    if key not in _grant_cache:
        _grant_cache[key] = estimate_grant(home=home, host=host, kind=kind, start=start, end=end,
                                           green=green, call_year=call_year)
    grant = _grant_cache[key]
    row.distance_km, row.distance_band, row.grant_currency = grant.distance_km, grant.band, grant.currency
    row.grant_computed_at = row.submitted_at
    if funded:
        row.rate_table = grant.rate_table
        row.grant_travel_amount, row.grant_daily_rate = grant.travel_amount, grant.daily_rate
        row.grant_days, row.grant_individual_amount = grant.days, grant.individual_amount
        row.grant_total = grant.total


def ensure_rate_tables() -> None:
    """The ERASMUS+ travel tables of DESIGN.md with example per-day rates, unless a migration
    or the app's demo already created rate tables."""
    from mobility.models import DailyRate, GrantRateTable, TravelBand

    _grant_cache.clear()
    if GrantRateTable.objects.exists():
        return
    try:  # the app's own tables (with the Programme Guide's host-country groups) when it has them
        from mobility.demo import KA1_2024_BANDS, seed_rate_table
    except ImportError:
        seed_rate_table = None
    if seed_rate_table is not None:
        seed_rate_table()
        seed_rate_table(first_year=2024, last_year=None, bands=KA1_2024_BANDS)
        return
    for first, last in ((2021, 2023), (2024, None)):
        table = GrantRateTable.objects.create(
            name="ERASMUS+ KA131", first_call_year=first, last_call_year=last, rates_are_examples=True,
            notes="Travel bands from the programme guide; per-day rates are examples (scale data).")
        bulk(TravelBand, [TravelBand(table=table, min_km=lo, max_km=hi, standard_amount=std,
                                     green_amount=green)
                          for lo, hi, std, green in TRAVEL_BANDS[first]])
        bulk(DailyRate, [DailyRate(table=table, country_group=group, participant_kind=kind,
                                   amount=amount)
                         for group, student, staff in (("1", 25, 140), ("2", 22, 120), ("3", 19, 100),
                                                        ("partner", 19, 100))
                         for kind, amount in (("student", student), ("staff", staff))])
    _grant_cache.clear()


# --- outcomes -------------------------------------------------------------------------------
VENUES = ["Materials & Design", "IEEE Access", "Energies", "Sensors", "Applied Sciences",
          "Proc. Int. Conf. on Computational Linguistics", "Journal of Biomedical Engineering",
          "Proc. European Conference on Energy Systems"]
CONFERENCES = [("Int. Conference on Materials Science", "Graz", "AT"),
               ("European Energy Systems Forum", "Madrid", "ES"),
               ("Computational Linguistics Days", "Berlin", "DE"),
               ("Polytechnic Week", "St. Petersburg", "RU"),
               ("BioMed Engineering Summit", "Cádiz", "ES")]


def outcomes(ctx: Context) -> None:
    """Publications (mostly joint), grant applications (mostly international) and conference
    talks of the closed and evaluated editions' projects, in the seed's proportions
    (10 publications : 6 grant applications : 8 conferences per ~16 projects)."""
    from projects.outcomes.models import ConferenceParticipation, GrantApplication, Publication, PublicationAuthor

    rng = ctx.rng
    teams = [t for t in ctx.teams if t.edition_id != ctx.current_edition.pk]
    members = team_user_ids(ctx)
    users = {u.pk: u for u in ctx.people}
    this_year = ctx.today.year
    pubs, authors = [], []
    for i in range(ctx.sizes.publications):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        year = min(this_year, edition.year + rng.choice([0, 0, 1]))
        pub = Publication(project=team.project, title=f"{team.project.title}: results {i + 1}",
                          venue=rng.choice(VENUES), type=rng.choice(["journal", "conference", "chapter"]),
                          year=year, doi=f"10.{5000 + i % 4000}/marathon.{i}",
                          created_by_id=team.project.proposer_id,
                          created_at=at(date(year, 12, 1)))
        pubs.append(pub)
        people = rng.sample(sorted(members[team.pk]), min(len(members[team.pk]), rng.randint(2, 5)))
        for position, user_id in enumerate(people, start=1):
            user = users[user_id]
            authors.append(PublicationAuthor(publication=pub, position=position, user=user,
                                             name=user.full_name, university_id=user.university_id,
                                             country=user.country))
        if rng.random() < 0.2:
            authors.append(PublicationAuthor(publication=pub, position=len(people) + 1,
                                             name="Jane External", affiliation="Fraunhofer Institute",
                                             country="DE"))
    bulk(Publication, pubs)
    bulk(PublicationAuthor, authors)
    grants = grant_applications(ctx, teams, members, users, GrantApplication)
    talks = conference_talks(ctx, teams, members, ConferenceParticipation)
    ctx.counts.update(publications=len(pubs), publication_authors=len(authors),
                      grant_applications=grants, conferences=talks)


def grant_applications(ctx, teams, members, users, GrantApplication) -> int:
    rng = ctx.rng
    rows, applicants = [], []
    for i in range(6 * ctx.sizes.scale):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        unis = sorted({users[u].university_id for u in members[team.pk]} - {None})
        rows.append(GrantApplication(
            project=team.project, programme=rng.choice(["horizon_europe", "erasmus", "national", "other"]),
            funder="Horizon Europe MSCA", title=f"{team.project.title} (proposal {i + 1})",
            submitted_on=between(rng, edition.research_start, edition.research_end),
            amount=rng.randint(20, 900) * 1000, currency="EUR",
            status=rng.choice(["submitted", "awarded", "rejected"]),
            created_by_id=team.project.proposer_id))
        applicants.append(unis[: rng.randint(1, 3)] if unis else [ctx.universities[0].pk])
    bulk(GrantApplication, rows)
    through = GrantApplication.applicants.through
    bulk(through, [through(grantapplication_id=g.pk, university_id=u)
                   for g, unis in zip(rows, applicants, strict=True) for u in unis])
    return len(rows)


def conference_talks(ctx, teams, members, ConferenceParticipation) -> int:
    rng = ctx.rng
    rows, presenters = [], []
    for i in range(8 * ctx.sizes.scale):
        team = rng.choice(teams)
        edition = next(e for e in ctx.editions if e.pk == team.edition_id)
        name, city, country = rng.choice(CONFERENCES)
        start = between(rng, edition.research_start, edition.evaluation_start)
        rows.append(ConferenceParticipation(
            project=team.project, conference=f"{name} {start.year}", city=city, country=country,
            start_date=start, end_date=start + timedelta(days=2),
            contribution_title=f"{team.project.title}: talk {i + 1}", is_international=rng.random() < 0.85,
            created_by_id=team.project.proposer_id))
        presenters.append(rng.sample(sorted(members[team.pk]), 1))
    bulk(ConferenceParticipation, rows)
    through = ConferenceParticipation.presenters.through
    field_name = ConferenceParticipation.presenters.field.m2m_field_name()
    target = ConferenceParticipation.presenters.field.m2m_reverse_field_name()
    bulk(through, [through(**{f"{field_name}_id": c.pk, f"{target}_id": u})
                   for c, users in zip(rows, presenters, strict=True) for u in users])
    return len(rows)
