"""factory_boy factories for the core domain; apps add theirs below or in tests/<app>/."""

from datetime import timedelta

import factory
from django.utils import timezone

from marathon.models import Edition, Organisation, ScientificArea, University, User

PASSWORD = "correct-horse-battery-staple"


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University

    name = factory.Sequence(lambda n: f"University {n}")
    short_name = factory.Sequence(lambda n: f"U{n}")
    country = factory.Iterator(["AT", "ES", "DE", "RU", "FR"])
    city = factory.Sequence(lambda n: f"City {n}")
    latitude = "48.000000"
    longitude = "16.000000"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.INDUSTRY
    country = "DE"


class ScientificAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScientificArea

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person Number{n}")
    status = User.Status.BACHELOR
    university = factory.SubFactory(UniversityFactory)
    country = factory.SelfAttribute("university.country")
    password = factory.django.Password(PASSWORD)


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose team formation is open today (and proposals are still accepted)."""

    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2030 + n)
    title = factory.LazyAttribute(lambda o: f"Marathon {o.year}")
    proposals_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    proposals_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    team_formation_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=20))
    team_formation_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    research_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    research_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))
    evaluation_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=121))
    evaluation_end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=150))
    team_size_min = 2
    team_size_max = 5
    min_universities = 2
    require_degree_mix = False


# --- projects and teams (shared by every app's tests) ---------------------------------------
from projects.models import Membership, MembershipRole, Project, ProjectStatus, Team  # noqa: E402


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft project; use `approved_project_with_team()` for one with a team."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    area = factory.SubFactory(ScientificAreaFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "A joint research project of partner universities."
    description = "Study *something* useful."
    proposer = factory.SubFactory(UserFactory, status=User.Status.PROFESSOR)
    team_size_min = factory.SelfAttribute("edition.team_size_min")
    team_size_max = factory.SelfAttribute("edition.team_size_max")
    status = ProjectStatus.DRAFT


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    project = factory.SubFactory(ProjectFactory, status=ProjectStatus.APPROVED)
    edition = factory.SelfAttribute("project.edition")
    name = factory.SelfAttribute("project.title")
    capacity = factory.SelfAttribute("project.team_size_max")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    edition = factory.SelfAttribute("team.edition")
    role = MembershipRole.MEMBER


def approved_project_with_team(**project_fields) -> Project:
    """An approved project, its team, and the proposer as the team's supervisor."""
    project = ProjectFactory(status=ProjectStatus.APPROVED, **project_fields)
    team = TeamFactory(project=project)
    MembershipFactory(team=team, user=project.proposer, role=MembershipRole.SUPERVISOR)
    return project
