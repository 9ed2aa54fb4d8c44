"""The yearly statistics: the seed's "Results for 2018 – 2020" block, computed from the rows.

Every figure is one SQL aggregate (see reports.definitions for what each one means); the number
of queries does not depend on the number of rows. People-related figures share one common table
expression, `participation` (user, project, area, year), built from team memberships and the
proposers and co-supervisors of approved projects.
"""

from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat, ExtractYear, Lower
from django_countries import countries

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


def _fetch(select: str, year_from: int, year_to: int) -> list[tuple]:
    cte, params = _participation_cte()
    users, universities = User._meta.db_table, University._meta.db_table
    sql = cte + select.format(user=users, university=universities)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, year_from, year_to])
        return cursor.fetchall()


def _people(year_from: int, year_to: int) -> dict:
    totals = _fetch("SELECT (SELECT COUNT(DISTINCT user_id) FROM participation), "
                    "(SELECT COUNT(*) FROM approved)", year_from, year_to)[0]
    return {
        "participants": totals[0], "projects": totals[1],
        "by_year": {year: (people, projects) for year, people, projects in _fetch(
            "SELECT year, COUNT(DISTINCT user_id), COUNT(DISTINCT project_id) FROM participation "
            "GROUP BY year", year_from, year_to)},
        "by_university": {uni: (people, projects) for uni, people, projects in _fetch(
            "SELECT u.university_id, COUNT(DISTINCT p.user_id), COUNT(DISTINCT p.project_id) "
            "FROM participation p JOIN {user} u ON u.id = p.user_id GROUP BY u.university_id",
            year_from, year_to)},
        "by_country": dict(_fetch(
            "SELECT COALESCE(uni.country, u.country), COUNT(DISTINCT p.user_id) "
            "FROM participation p JOIN {user} u ON u.id = p.user_id "
            "LEFT JOIN {university} uni ON uni.id = u.university_id "
            "GROUP BY COALESCE(uni.country, u.country)", year_from, year_to)),
        "by_area": {area: (people, projects) for area, people, projects in _fetch(
            "SELECT area_id, COUNT(DISTINCT user_id), COUNT(DISTINCT project_id) "
            "FROM participation GROUP BY area_id", year_from, year_to)},
        "by_degree_level": dict(_fetch(
            "SELECT u.status, COUNT(DISTINCT p.user_id) FROM participation p "
            "JOIN {user} u ON u.id = p.user_id GROUP BY u.status", year_from, year_to)),
    }


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


def _outcomes(year_from: int, year_to: int) -> dict:
    publications = joint_publications(year_from, year_to)
    joint_ids = publications.values("pk")
    grants = international_grant_applications(year_from, year_to)
    grant_ids = grants.values("pk")
    conferences = international_conferences(year_from, year_to)
    mobilities = erasmus_mobility_grants(year_from, year_to)
    authors = PublicationAuthor.objects.filter(publication__in=joint_ids)
    applicants = GrantApplication.applicants.through.objects.filter(grantapplication__in=grant_ids)
    return {
        "joint_publications": {
            "year": _grouped(publications, "year"),
            "university": _grouped(authors.filter(university__isnull=False), "university",
                                   "publication", distinct=True),
            "country": _grouped(authors.exclude(country=""), "country", "publication", distinct=True),
            "area": _grouped(publications, "project__area"),
        },
        "grant_applications": {
            "year": _grouped(grants, "y", y=ExtractYear("submitted_on")),
            "university": _grouped(applicants, "university", "grantapplication", distinct=True),
            "country": _grouped(applicants, "university__country", "grantapplication", distinct=True),
            "area": _grouped(grants, "project__area"),
        },
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
           ("joint_publications", "grant_applications", "conferences", "erasmus_mobility_grants")},
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
