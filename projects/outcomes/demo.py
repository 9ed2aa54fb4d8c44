"""Demo outcomes for the 2018-2020 projects seeded by `projects.demo`.

Exactly the seed's "Results for 2018 – 2020": 10 joint publications, 6 applications for
international grants, 8 international conferences — plus rows that must NOT count (a
single-university paper, a national single-university grant, a national workshop, a second talk
at an already counted conference). Idempotent: rows are looked up by DOI or title.
"""

from datetime import date
from decimal import Decimal

from marathon.models import University
from projects.models import Project, ProjectStatus

from .models import ConferenceParticipation, GrantApplication, GrantProgramme, GrantStatus, Publication
from .services import AuthorInput, record_conference_participation, record_grant_application, record_publication

VENUES = ["Materials Today: Proceedings", "Journal of Physics: Conference Series",
          "Procedia Computer Science", "Energy Reports", "Lecture Notes in Computer Science"]
CONFERENCES = [
    ("International Conference on Industrial Engineering", "Sochi", "RU"),
    ("European Conference on Computational Linguistics", "Dubrovnik", "HR"),
    ("Energy Week International Congress", "Graz", "AT"),
    ("International Symposium on Biomedical Engineering", "Madrid", "ES"),
    ("World Congress on Materials Science", "Berlin", "DE"),
    ("International Conference on Smart Grids", "Cádiz", "ES"),
    ("Polytechnic Week International Forum", "St. Petersburg", "RU"),
    ("International Workshop on Machine Learning", "Vienna", "AT"),
]


def _projects() -> list[Project]:
    return list(
        Project.objects.filter(edition__year__range=(2018, 2020),
                               status__in=[ProjectStatus.APPROVED, ProjectStatus.ACTIVE,
                                           ProjectStatus.COMPLETED])
        .select_related("proposer__university", "edition").order_by("edition__year", "pk"))


def _co_author(project: Project, universities: list[University]) -> AuthorInput:
    """A team member from another university than the proposer's, else an external partner."""
    home = project.proposer.university_id
    for membership in project.team.memberships.select_related("user__university"):
        if membership.user.university_id and membership.user.university_id != home:
            return AuthorInput(user=membership.user)
    other = next(u for u in universities if u.pk != home)
    return AuthorInput(name="Maria Partner", university=other, affiliation=other.name, country=other.country)


def seed(stdout) -> None:
    projects = [p for p in _projects() if hasattr(p, "team")]
    if not projects:
        stdout.write("  outcomes: no 2018-2020 projects with teams; nothing to add")
        return
    universities = list(University.objects.order_by("-is_host", "name"))
    host = universities[0]
    partners = universities[1:]
    for index in range(10):
        project = projects[index % len(projects)]
        doi = f"10.5555/marathon.{project.edition.year}.{index + 1:02d}"
        if not Publication.objects.filter(doi=doi).exists():
            record_publication(
                project=project, actor=project.proposer, type="journal" if index % 2 else "conference",
                title=f"Joint results of “{project.title}” ({index + 1})", venue=VENUES[index % len(VENUES)],
                year=project.edition.year, doi=doi,
                authors=[AuthorInput(user=project.proposer), _co_author(project, universities)])
    project = projects[0]
    if not Publication.objects.filter(doi="10.5555/marathon.single.01").exists():
        record_publication(project=project, actor=project.proposer, type="chapter",
                           title="Lecture notes of a single laboratory", venue="University press",
                           year=project.edition.year, doi="10.5555/marathon.single.01",
                           authors=[AuthorInput(user=project.proposer)])
    for index in range(6):
        project = projects[(index * 2) % len(projects)]
        title = f"International consortium proposal {index + 1}: {project.title}"[:300]
        if not GrantApplication.objects.filter(title=title).exists():
            record_grant_application(
                project=project, actor=project.proposer,
                programme=[GrantProgramme.HORIZON_EUROPE, GrantProgramme.ERASMUS][index % 2],
                funder="Horizon 2020 MSCA-RISE" if index % 2 == 0 else "ERASMUS+ KA2 Strategic Partnerships",
                title=title, applicants=[host, partners[index % len(partners)]],
                submitted_on=date(project.edition.year, 9, 15), amount=Decimal(150000 + 25000 * index),
                currency="EUR", status=[GrantStatus.SUBMITTED, GrantStatus.AWARDED, GrantStatus.REJECTED][index % 3])
    national = "National young scientists grant (single university)"
    if not GrantApplication.objects.filter(title=national).exists():
        record_grant_application(project=projects[0], actor=projects[0].proposer,
                                 programme=GrantProgramme.NATIONAL, funder="Russian Science Foundation",
                                 title=national, applicants=[host], submitted_on=date(2019, 3, 1),
                                 amount=Decimal("1500000"), currency="RUB", status=GrantStatus.AWARDED)
    talks = [(index, projects[index % len(projects)]) for index in range(len(CONFERENCES))]
    talks.append((0, projects[-1]))  # a second talk at a conference already counted
    for index, project in talks:
        name, city, country = CONFERENCES[index]
        year = 2018 + index % 3
        contribution = f"{project.title}: results"[:300]
        if not ConferenceParticipation.objects.filter(conference=name, contribution_title=contribution).exists():
            record_conference_participation(
                project=project, actor=project.proposer, conference=name, city=city, country=country,
                start_date=date(year, 10, 5), end_date=date(year, 10, 8), contribution_title=contribution,
                is_international=True, presenters=[project.proposer])
    if not ConferenceParticipation.objects.filter(is_international=False).exists():
        record_conference_participation(
            project=projects[0], actor=projects[0].proposer, conference="Regional student research workshop",
            city="St. Petersburg", country="RU", start_date=date(2019, 4, 20), end_date=date(2019, 4, 20),
            contribution_title="Poster", is_international=False, presenters=[projects[0].proposer])
    stdout.write(f"  outcomes: {Publication.objects.count()} publications, "
                 f"{GrantApplication.objects.count()} grant applications, "
                 f"{ConferenceParticipation.objects.count()} conference participations")
