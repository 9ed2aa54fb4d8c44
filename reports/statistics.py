"""The yearly statistics: the seed's "Results for 2018 – 2020" block, computed from the rows.

Definitions are in reports.definitions. The number of queries does not depend on the number of
rows. People-related figures come from one query over a common table expression,
`participation` (user, project, area, year), built from team memberships and the proposers and
co-supervisors of approved projects; joint publications and international grant applications
from one query each over their author/applicant rows. Those rows are counted in Python: one
pass over a few thousand rows is cheaper than re-evaluating the same join for every breakdown
(see reports/README.md for the measurements).
"""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat, ExtractYear, Lower
from django_countries import countries

from industry.selectors import implementations_by_year
from marathon.models import ScientificArea, University, User
from mobility.models import GRANTED_STATUSES, FundingSource, Mobility
from projects.models import Membership, Project, ProjectStatus, Team
from projects.outcomes.models import (
    ConferenceParticipation,
    GrantApplication,
    Publication,
    PublicationAuthor,
)

from .definitions import FIGURES

COUNTED_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED)
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass
class Statistics:
    year_from: int
    year_to: int
    partner_universities: list[str] = field(default_factory=list)
    scientific_areas: list[str] = field(default_factory=list)
    participants: int = 0
    projects: int = 0
    joint_publications: int = 0
    grant_applications: int = 0
    conferences: int = 0
    erasmus_mobility_grants: int = 0
    implementations: int = 0
    by_year: list[dict] = field(default_factory=list)
    by_university: list[dict] = field(default_factory=list)
    by_country: list[dict] = field(default_factory=list)
    by_area: list[dict] = field(default_factory=list)
    by_degree_level: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        """The API shape of `GET /api/v1/stats/`."""
        return {
            "from": self.year_from, "to": self.year_to,
            "partner_universities": self.partner_universities,
            "scientific_areas": self.scientific_areas,
            **{name: getattr(self, name) for name in FIGURES},
            "by_year": self.by_year,
        }

    def as_dict(self) -> dict:
        return asdict(self)


# --- people and projects (raw SQL: a UNION inside a CTE has no ORM spelling) ----------------
def _participation_cte() -> tuple[str, list]:
    project, edition = Project._meta.db_table, Project.edition.field.related_model._meta.db_table
    membership, team = Membership._meta.db_table, Team._meta.db_table
    co_supervisors = Project.co_supervisors.through._meta.db_table
    placeholders = ", ".join(["%s"] * len(COUNTED_PROJECT_STATUSES))
    sql = f"""
        WITH approved AS (
            SELECT p.id AS project_id, p.area_id, p.proposer_id, e.year
            FROM {project} p JOIN {edition} e ON e.id = p.edition_id
            WHERE p.status IN ({placeholders}) AND e.year BETWEEN %s AND %s
        ), participation AS (
            SELECT m.user_id, a.project_id, a.area_id, a.year
              FROM {membership} m JOIN {team} t ON t.id = m.team_id
              JOIN approved a ON a.project_id = t.project_id
            UNION
            SELECT a.proposer_id, a.project_id, a.area_id, a.year FROM approved a
            UNION
            SELECT cs.user_id, a.project_id, a.area_id, a.year
              FROM {co_supervisors} cs JOIN approved a ON a.project_id = cs.project_id
        )
    """
    return sql, [str(s) for s in COUNTED_PROJECT_STATUSES]


def _people(year_from: int, year_to: int) -> dict:
    """Every people figure from ONE query: the distinct (person, project) participation rows
    with the person's university, country and degree level, counted here. Seven aggregates
    over the same CTE cost seven evaluations of it (about 130 ms of 210 at scale 100); the rows
    are few (a participant per project and year), so counting them in Python is cheaper."""
    cte, params = _participation_cte()
    sql = cte + f"""
        SELECT p.user_id, p.project_id, p.area_id, p.year, u.university_id, u.status,
               COALESCE(uni.country, u.country)
        FROM participation p JOIN {User._meta.db_table} u ON u.id = p.user_id
        LEFT JOIN {University._meta.db_table} uni ON uni.id = u.university_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, year_from, year_to])
        rows = cursor.fetchall()
    user, project, area, year, university, status, country = range(7)

    def people_and_projects(key: int) -> dict:
        people = _distinct_count(rows, key, user)
        projects = _distinct_count(rows, key, project)
        return {k: (n, projects[k]) for k, n in people.items()}

    return {
        "participants": len({row[user] for row in rows}),
        "projects": len({row[project] for row in rows}),
        "by_year": people_and_projects(year),
        "by_university": people_and_projects(university),
        "by_country": _distinct_count(rows, country, user),
        "by_area": people_and_projects(area),
        "by_degree_level": _distinct_count(rows, status, user),
    }


def _distinct_count(rows, key: int, counted: int) -> Counter:
    """{row[key]: number of distinct row[counted]} — COUNT(DISTINCT counted) GROUP BY key."""
    return Counter(k for k, _value in {(row[key], row[counted]) for row in rows})


# --- outcomes and mobility (ORM aggregates) -------------------------------------------------
def joint_publications(year_from: int, year_to: int):
    return Publication.objects.joint().in_years(year_from, year_to)


def international_grant_applications(year_from: int, year_to: int):
    return GrantApplication.objects.international().in_years(year_from, year_to)


def international_conferences(year_from: int, year_to: int):
    return ConferenceParticipation.objects.international().in_years(year_from, year_to)


def erasmus_mobility_grants(year_from: int, year_to: int):
    return Mobility.objects.filter(
        funding_source=FundingSource.ERASMUS, status__in=GRANTED_STATUSES,
        planned_start__year__gte=year_from, planned_start__year__lte=year_to)


def conference_key():
    """Two talks at the same conference (same name, same year) count as one conference."""
    return Concat(Lower("conference"), Value("|"),
                  Cast(ExtractYear("start_date"), output_field=CharField()), output_field=CharField())


def _grouped(queryset, group: str, counted: str = "pk", distinct: bool = False, **annotations) -> dict:
    rows = (queryset.annotate(**annotations).order_by().values(group)
            .annotate(n=Count(counted, distinct=distinct)))
    return {row[group]: row["n"] for row in rows}


def _without_blank(counts: Counter) -> Counter:
    counts.pop(None, None)
    counts.pop("", None)
    return counts


def _joint_publication_figures(year_from: int, year_to: int) -> dict:
    """One query for the author rows of the range's publications; *joint* (two affiliations,
    as `affiliation_key()` defines them) and the breakdowns are counted from those rows."""
    rows = list(PublicationAuthor.objects.filter(
        publication__year__gte=year_from, publication__year__lte=year_to)
        .order_by().values_list("publication_id", "publication__year", "publication__project__area",
                                "university_id", "affiliation", "country"))
    affiliations = defaultdict(set)
    for publication, _year, _area, university, affiliation, _country in rows:
        if university is not None:
            affiliations[publication].add(("u", university))
        elif affiliation.strip():
            affiliations[publication].add(("a", affiliation.strip().lower()))
    joint = {publication for publication, keys in affiliations.items() if len(keys) >= 2}
    rows = [row for row in rows if row[0] in joint]
    return {
        "year": _distinct_count(rows, 1, 0),
        "university": _without_blank(_distinct_count(rows, 3, 0)),
        "country": _without_blank(_distinct_count(rows, 5, 0)),
        "area": _distinct_count(rows, 2, 0),
    }


def _grant_application_figures(year_from: int, year_to: int) -> dict:
    """One query for the applicant rows of the range's applications; *international* (applicants
    in two countries) and the breakdowns are counted from those rows."""
    applicants = GrantApplication.applicants.through.objects
    rows = list(applicants.filter(grantapplication__submitted_on__year__gte=year_from,
                                  grantapplication__submitted_on__year__lte=year_to)
                .order_by().values_list("grantapplication_id", "grantapplication__submitted_on",
                                        "grantapplication__project__area", "university_id",
                                        "university__country"))
    countries_of = defaultdict(set)
    for grant, _submitted, _area, _university, country in rows:
        countries_of[grant].add(country)
    rows = [(grant, submitted.year, *rest) for grant, submitted, *rest in rows
            if len(countries_of[grant]) >= 2]
    return {
        "year": _distinct_count(rows, 1, 0),
        "university": _distinct_count(rows, 3, 0),
        "country": _distinct_count(rows, 4, 0),
        "area": _distinct_count(rows, 2, 0),
    }


def _outcomes(year_from: int, year_to: int) -> dict:
    conferences = international_conferences(year_from, year_to)
    mobilities = erasmus_mobility_grants(year_from, year_to)
    return {
        "joint_publications": _joint_publication_figures(year_from, year_to),
        "grant_applications": _grant_application_figures(year_from, year_to),
        "conferences": {
            "year": _grouped(conferences, "y", "key", distinct=True, y=ExtractYear("start_date"),
                             key=conference_key()),
            "country": _grouped(conferences, "country", "key", distinct=True, key=conference_key()),
            "area": _grouped(conferences, "project__area", "key", distinct=True, key=conference_key()),
            "total": conferences.aggregate(n=Count(conference_key(), distinct=True))["n"],
        },
        "erasmus_mobility_grants": {
            "year": _grouped(mobilities, "y", y=ExtractYear("planned_start")),
            "university": _grouped(mobilities, "home_university"),
            "country": _grouped(mobilities, "home_university__country"),
        },
        "implementations": {"year": implementations_by_year(year_from, year_to)},
    }


# --- the one service ------------------------------------------------------------------------
def compute_statistics(*, year_from: int, year_to: int) -> Statistics:
    """All figures and breakdowns for editions/outcomes dated in [year_from, year_to]."""
    if not (MIN_YEAR <= year_from <= year_to <= MAX_YEAR):
        raise ValueError(f"invalid year range {year_from}-{year_to}")
    people = _people(year_from, year_to)
    outcomes = _outcomes(year_from, year_to)
    universities = {u.pk: u for u in University.objects.all()}
    areas = {a.pk: a for a in ScientificArea.objects.all()}
    stats = Statistics(
        year_from=year_from, year_to=year_to,
        participants=people["participants"], projects=people["projects"],
        joint_publications=sum(outcomes["joint_publications"]["year"].values()),
        grant_applications=sum(outcomes["grant_applications"]["year"].values()),
        conferences=outcomes["conferences"]["total"] or 0,
        erasmus_mobility_grants=sum(outcomes["erasmus_mobility_grants"]["year"].values()),
        implementations=sum(outcomes["implementations"]["year"].values()),
    )
    stats.partner_universities = sorted(
        universities[pk].name for pk in people["by_university"]
        if pk in universities and not universities[pk].is_host)
    stats.scientific_areas = sorted(areas[pk].name for pk in people["by_area"] if pk in areas)
    stats.by_year = _by_year(year_from, year_to, people, outcomes)
    stats.by_university = _by_university(universities, people, outcomes)
    stats.by_country = _by_country(people, outcomes)
    stats.by_area = _by_area(areas, people, outcomes)
    stats.by_degree_level = _by_degree_level(people)
    return stats


def _by_year(year_from, year_to, people, outcomes) -> list[dict]:
    return [{
        "year": year,
        "participants": people["by_year"].get(year, (0, 0))[0],
        "projects": people["by_year"].get(year, (0, 0))[1],
        **{name: outcomes[name]["year"].get(year, 0) for name in
           ("joint_publications", "grant_applications", "conferences", "erasmus_mobility_grants",
            "implementations")},
    } for year in range(year_from, year_to + 1)]


def _by_university(universities, people, outcomes) -> list[dict]:
    keys = set(people["by_university"]) | set(outcomes["joint_publications"]["university"]) \
        | set(outcomes["grant_applications"]["university"]) \
        | set(outcomes["erasmus_mobility_grants"]["university"])
    rows = []
    for pk in keys:
        if pk not in universities:
            continue  # people without a university are in the country and degree breakdowns
        university = universities[pk]
        rows.append({
            "university": university.name, "country": university.country.code,
            "is_host": university.is_host,
            "participants": people["by_university"].get(pk, (0, 0))[0],
            "projects": people["by_university"].get(pk, (0, 0))[1],
            "joint_publications": outcomes["joint_publications"]["university"].get(pk, 0),
            "grant_applications": outcomes["grant_applications"]["university"].get(pk, 0),
            "erasmus_mobility_grants": outcomes["erasmus_mobility_grants"]["university"].get(pk, 0),
        })
    return sorted(rows, key=lambda row: (-row["participants"], row["university"]))


def _by_country(people, outcomes) -> list[dict]:
    sources = {"participants": people["by_country"],
               "joint_publications": outcomes["joint_publications"]["country"],
               "grant_applications": outcomes["grant_applications"]["country"],
               "conferences": outcomes["conferences"]["country"],
               "erasmus_mobility_grants": outcomes["erasmus_mobility_grants"]["country"]}
    codes = {code for source in sources.values() for code in source if code}
    rows = [{"country": code, "country_name": str(countries.name(code) or code),
             **{name: source.get(code, 0) for name, source in sources.items()}} for code in codes]
    return sorted(rows, key=lambda row: (-row["participants"], row["country"]))


def _by_area(areas, people, outcomes) -> list[dict]:
    keys = set(people["by_area"]) | set(outcomes["joint_publications"]["area"]) \
        | set(outcomes["grant_applications"]["area"]) | set(outcomes["conferences"]["area"])
    rows = [{
        "area": areas[pk].name,
        "participants": people["by_area"].get(pk, (0, 0))[0],
        "projects": people["by_area"].get(pk, (0, 0))[1],
        "joint_publications": outcomes["joint_publications"]["area"].get(pk, 0),
        "grant_applications": outcomes["grant_applications"]["area"].get(pk, 0),
        "conferences": outcomes["conferences"]["area"].get(pk, 0),
    } for pk in keys if pk in areas]
    return sorted(rows, key=lambda row: (-row["projects"], row["area"]))


def _by_degree_level(people) -> list[dict]:
    return [{"degree_level": value, "label": str(label),
             "participants": people["by_degree_level"].get(value, 0)}
            for value, label in User.Status.choices if people["by_degree_level"].get(value)]
