"""Scale data: the programme at N times the seed's size, for the benchmark (issue 7).

`generate(scale=N, seed=S)` fills an *empty* database with bulk inserts. N=1 is about the seed's
size (three editions, ~16 projects, ~95 participants); N=100 is a network of ~40 universities
over ten editions with ~11,000 people and 1,600 projects with teams. Everything is drawn from
`random.Random(seed)` and dates are anchored on today, so the same seed on the same day gives
the same rows. The core makes universities, areas, organisations, editions and people; every app
adds its own rows from its `<app>/scale.py` (found by name, see `app_steps`), as the core imports
no app.

The six demo accounts of `marathon.demo` exist with the demo password, so the load driver can
log in as each role. One password hash is computed once and shared by every generated user.
"""

import functools
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


@dataclass(frozen=True)
class Sizes:
    """How many of each row a scale gives. Counts that a real network would not grow linearly
    (editions, universities, areas) grow with log10(N)."""

    scale: int
    # Issue 18's equal-data benchmark: the edition whose evaluation runs today gets this many
    # projects with teams and submitted score sheets (the peer's volume). None: the default sizes,
    # row for row the same data as without the options.
    evaluation_projects: int | None = None
    evaluation_sheets: int | None = None

    @property
    def equal_data(self) -> bool:
        return bool(self.evaluation_projects)

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
        # Equal data: ~8 more people per project of the evaluated edition, so that its teams
        # (4-8 students each, one team per student and edition) find enough students.
        return 110 * self.scale + 8 * (self.evaluation_projects or 0)

    @property
    def teams(self) -> int:
        return 16 * self.scale

    @property
    def experts(self) -> int:
        if self.equal_data:  # the pool must hold the evaluated edition's large commission
            return max(3 * self.scale, self.evaluation_experts + 10)
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

    # --- equal data (issue 18): the evaluated edition only ---
    @property
    def evaluation_submitted(self) -> int:
        """Submitted sheets of the evaluated edition (default: four per project, as the peer)."""
        return self.evaluation_sheets or 4 * (self.evaluation_projects or 0)

    @property
    def evaluation_per_project(self) -> int:
        """Experts per project in the evaluated edition: one more than the submitted sheets need,
        so about one sheet in five is still a draft (the experts' save scenarios use them)."""
        return math.ceil(self.evaluation_submitted / max(self.evaluation_projects or 1, 1)) + 1

    @property
    def evaluation_experts(self) -> int:
        """Commission size of the evaluated edition: about 27 sheets per expert (at 1,500
        projects and 6,000 submitted sheets: 278 experts, plus the chair and expert personas)."""
        return max(self.evaluation_per_project + 2,
                   math.ceil((self.evaluation_projects or 0) * self.evaluation_per_project / 27))

    def with_evaluation_teams(self, plan: list[int]) -> list[int]:
        """The teams per edition (oldest first) with the evaluated edition's count replaced by
        `evaluation_projects` (equal data); unchanged otherwise."""
        if not self.equal_data or len(plan) < 2:
            return plan
        return [*plan[:-2], self.evaluation_projects, plan[-1]]


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
    """`hour` o'clock on `day` in the default time zone (a management command activates none)."""
    return _aware(day, hour, timezone.get_default_timezone())


@functools.lru_cache(maxsize=100_000)
def _aware(day: date, hour: int, zone) -> datetime:
    # Cached: ~250,000 calls at scale 100 on a few thousand distinct days; make_aware's lookup of
    # the current time zone alone cost ~6 s of CPU on a loaded machine.
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0), zone)


def between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def generate(*, scale: int, seed: int = 1, stdout=None, evaluation_projects: int | None = None,
             evaluation_sheets: int | None = None) -> Context:
    """Fill the (empty) database; returns the context with the counts per model.
    `evaluation_projects` / `evaluation_sheets`: the equal-data edition of issue 18 (`Sizes`)."""
    sizes = Sizes(scale, evaluation_projects=evaluation_projects, evaluation_sheets=evaluation_sheets)
    ctx = Context(rng=random.Random(seed), sizes=sizes, today=timezone.localdate(),
                  password=make_password(DEMO_PASSWORD))
    steps = [core, people, *app_steps()]
    with transaction.atomic():
        for step in steps:
            started, cpu = time.monotonic(), time.process_time()
            step(ctx)
            ctx.timings[step.__name__] = round(time.monotonic() - started, 2)
            if stdout is not None:  # wall and this process's CPU: on a loaded machine they differ
                stdout.write(f"  {step.__name__}: {ctx.timings[step.__name__]} s "
                             f"(CPU {time.process_time() - cpu:.2f} s)")
        invalidate_cached_reads()
    return ctx


def invalidate_cached_reads() -> None:
    """Bulk inserts skip model signals: tell the apps that cache reads (statistics) that the data
    changed. Looked up by name, as the core imports no app."""
    for caching in app_modules("caching"):
        caching.invalidate_statistics()


def app_steps() -> list:
    """Every app's `<app>/scale.py` (`ORDER`: int, lower first; `generate(ctx)`), found by name
    (`marathon.discovery`) as the core imports no app: a new app adds its rows without touching the
    core. projects (10) and teams (20) build on the core's people; evaluation (40), mobility (50)
    and outcomes (60) on the teams; apps above them take 70 and up."""
    modules = [module for module in app_modules("scale") if module.__name__ != __name__]
    return [named_step(module) for module in sorted(modules, key=lambda module: module.ORDER)]


def named_step(module):
    """`module.generate` under the app's label, so the timings say which app took how long."""
    def step(ctx: Context) -> None:
        module.generate(ctx)
    step.__name__ = apps.get_containing_app_config(module.__name__).label
    return step


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
