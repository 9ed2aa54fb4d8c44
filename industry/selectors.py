"""Reads of the industry app, and the public functions other apps call:
`represented_organisation_ids(user)` and `is_customer_representative(user, organisation_id)`."""

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import FieldError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from marathon.models import Edition, University, User
from projects.models import Membership, Project

from . import permissions
from .models import (
    SEARCH_CONFIG,
    ApplicationStatus,
    Confidentiality,
    CustomerRepresentative,
    Implementation,
    ImplementationStatus,
    Internship,
    InternshipApplication,
    RepresentativeStatus,
    ResearchTask,
    TaskAdoption,
    TaskStatus,
)


# --- customer accounts ----------------------------------------------------------------------
def represented_organisation_ids(user) -> set[int]:
    """Organisations the user speaks for (approved links only; an open claim counts for nothing).
    Loaded once per user object, i.e. once per request."""
    if not permissions.is_signed_in(user):
        return set()
    if not hasattr(user, "_industry_organisation_ids"):
        user._industry_organisation_ids = set(CustomerRepresentative.objects.filter(
            user_id=user.pk, status=RepresentativeStatus.APPROVED).values_list("organisation_id", flat=True))
    return user._industry_organisation_ids


def is_customer_representative(user, organisation_id: int) -> bool:
    return organisation_id in represented_organisation_ids(user)


def representatives_of(organisation_id: int) -> QuerySet[User]:
    return User.objects.filter(customer_links__organisation_id=organisation_id,
                               customer_links__status=RepresentativeStatus.APPROVED, is_active=True)


def pending_claims() -> QuerySet[CustomerRepresentative]:
    return (CustomerRepresentative.objects.filter(status=RepresentativeStatus.PENDING)
            .select_related("user", "organisation").order_by("created_at", "pk"))


def representative_list() -> QuerySet[CustomerRepresentative]:
    return CustomerRepresentative.objects.select_related("user", "organisation", "invited_by", "approved_by")


# --- confidentiality ------------------------------------------------------------------------
def edition_university_ids(edition: Edition) -> set[int]:
    """*The edition's universities*: the host university and every university with a proposer or
    co-supervisor of a project of that edition."""
    proposers = Project.objects.filter(edition=edition).values_list("proposer__university_id", flat=True)
    co_supervisors = Project.co_supervisors.through.objects.filter(
        project__edition=edition).values_list("user__university_id", flat=True)
    hosts = University.objects.filter(is_host=True).values_list("pk", flat=True)
    return {pk for pk in (*proposers, *co_supervisors, *hosts) if pk}


def editions_with_university(university_id: int | None) -> set[int] | None:
    """Editions the university takes part in (see `edition_university_ids`); None means every
    edition (the host university takes part in all of them)."""
    if not university_id:
        return set()
    if University.objects.filter(pk=university_id, is_host=True).exists():
        return None
    as_proposer = Project.objects.filter(proposer__university_id=university_id).values_list("edition_id", flat=True)
    as_co = Project.co_supervisors.through.objects.filter(
        user__university_id=university_id).values_list("project__edition_id", flat=True)
    return set(as_proposer.union(as_co))


def confidential_filter(user) -> Q:
    """Which confidential tasks `user` (a professor or researcher) may read: those of editions
    their university takes part in; a task without a desired edition belongs to the current one."""
    edition_ids = editions_with_university(user.university_id)
    if edition_ids is None:
        return Q(confidentiality=Confidentiality.CONFIDENTIAL)
    current = Edition.objects.current()
    allowed = Q(desired_edition_id__in=edition_ids)
    if current is not None and current.pk in edition_ids:
        allowed |= Q(desired_edition__isnull=True)
    return Q(confidentiality=Confidentiality.CONFIDENTIAL) & allowed


# --- research tasks -------------------------------------------------------------------------
def tasks_visible_to(user) -> QuerySet[ResearchTask]:
    """All tasks for the office; own organisations' tasks for representatives; approved public
    tasks, and approved confidential ones of their editions (see `confidential_filter`), for
    professors and researchers. Nobody else sees tasks."""
    tasks = ResearchTask.objects.all()
    if permissions.is_office(user):
        return tasks
    if not permissions.is_signed_in(user):
        return tasks.none()
    visible = Q(organisation_id__in=represented_organisation_ids(user))
    if permissions.is_academic(user):
        catalogue = Q(confidentiality=Confidentiality.PUBLIC) | confidential_filter(user)
        visible |= Q(status=TaskStatus.APPROVED) & catalogue
    return tasks.filter(visible)


def with_task_list_data(tasks: QuerySet[ResearchTask]) -> QuerySet[ResearchTask]:
    return tasks.select_related("organisation", "area", "desired_edition")


def task_catalogue(user) -> QuerySet[ResearchTask]:
    return with_task_list_data(tasks_visible_to(user).filter(status=TaskStatus.APPROVED))


def search_tasks(tasks: QuerySet[ResearchTask], text: str) -> QuerySet[ResearchTask]:
    """Full-text search ranked by relevance on PostgreSQL; a case-insensitive match elsewhere."""
    text = (text or "").strip()
    if not text:
        return tasks
    if connection.vendor == "postgresql":
        vector = RawSQL(f'"{ResearchTask._meta.db_table}"."search_vector"', [], output_field=SearchVectorField())
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return (tasks.alias(search=vector).annotate(rank=SearchRank(vector, query))
                .filter(search=query).order_by("-rank", "-created_at", "pk"))
    for word in text.split():
        tasks = tasks.filter(Q(title__icontains=word) | Q(keywords__icontains=word)
                             | Q(problem_statement__icontains=word) | Q(expected_results__icontains=word))
    return tasks


def task_review_queue() -> QuerySet[ResearchTask]:
    return with_task_list_data(ResearchTask.objects.filter(status=TaskStatus.SUBMITTED)).order_by("created_at", "pk")


def task_detail(user, pk) -> ResearchTask:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(with_task_list_data(tasks_visible_to(user)).prefetch_related(
        Prefetch("adoptions", queryset=TaskAdoption.objects.select_related("project", "adopted_by"))), pk=pk)


# --- internships ----------------------------------------------------------------------------
def internships_visible_to(user) -> QuerySet[Internship]:
    """Internship offers are open to every signed-in user (students apply)."""
    if not permissions.is_signed_in(user):
        return Internship.objects.none()
    return Internship.objects.all()


def with_internship_list_data(internships: QuerySet[Internship]) -> QuerySet[Internship]:
    return internships.select_related("organisation").annotate(
        applicant_count=Count("applications", distinct=True)).order_by("deadline", "pk")


def applications_visible_to(user) -> QuerySet[InternshipApplication]:
    applications = InternshipApplication.objects.all()
    if permissions.is_office(user):
        return applications
    if not permissions.is_signed_in(user):
        return applications.none()
    return applications.filter(Q(student_id=user.pk)
                               | Q(internship__organisation_id__in=represented_organisation_ids(user)))


def applications_of_internship(internship: Internship) -> QuerySet[InternshipApplication]:
    return internship.applications.select_related("student__university").order_by("created_at", "pk")


def accepted_internships_of(user) -> QuerySet[InternshipApplication]:
    """For the student's profile."""
    return (InternshipApplication.objects.filter(student_id=user.pk, status=ApplicationStatus.ACCEPTED)
            .select_related("internship__organisation").order_by("-internship__start_date"))


# --- following commissioned work ------------------------------------------------------------
def followed_projects(user) -> QuerySet[Project]:
    """Projects adopted from the tasks of the organisations the user represents (all for the office)."""
    projects = Project.objects.filter(task_adoption__isnull=False)
    if not permissions.is_office(user):
        projects = projects.filter(task_adoption__task__organisation_id__in=represented_organisation_ids(user))
    return projects.select_related("edition", "area", "customer", "proposer", "team", "task_adoption__task")


def followed_project(user, pk) -> Project:
    """A project the user may follow as its customer: a representative of the adopting task's
    organisation, or the office; its supervisors may open the page too. 404 otherwise."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    project = get_object_or_404(
        Project.objects.select_related("edition", "area", "customer", "proposer", "team__project",
                                       "task_adoption__task__organisation")
        .prefetch_related("co_supervisors",
                          Prefetch("team__memberships",
                                   queryset=Membership.objects.select_related("user__university"))),
        pk=pk)
    adoption = getattr(project, "task_adoption", None)
    customer_id = adoption.task.organisation_id if adoption else project.customer_id
    allowed = (permissions.is_office(user) or user.pk in project.supervisor_ids()
               or (customer_id is not None and permissions.represents(user, customer_id)))
    if not allowed or customer_id is None:
        raise Http404
    project.customer_organisation_id = customer_id
    return project


def milestones_of(project: Project) -> list:
    """The project's milestones when the team workspace app is installed (looked up by name, so
    this app never imports it); an empty list otherwise."""
    if not apps.is_installed("workspace"):
        return []
    try:
        milestone = apps.get_model("workspace", "Milestone")
    except LookupError:
        return []
    for lookup in ("project", "team__project", "workspace__project", "workspace__team__project"):
        try:
            return list(milestone.objects.filter(**{lookup: project}))
        except FieldError:
            continue
    return []


def published_outcomes_of(project: Project) -> dict:
    from projects.outcomes.models import ConferenceParticipation, GrantApplication, Publication

    return {
        "publications": list(Publication.objects.filter(project=project)),
        "conferences": list(ConferenceParticipation.objects.filter(project=project)),
        "grants": list(GrantApplication.objects.filter(project=project)),
    }


def implementations_of(project: Project) -> QuerySet[Implementation]:
    return project.implementations.select_related("recorded_by", "confirmed_by", "organisation")


def implementations_visible_to(user) -> QuerySet[Implementation]:
    implementations = Implementation.objects.select_related("project", "organisation", "recorded_by")
    if permissions.is_office(user):
        return implementations
    if not permissions.is_signed_in(user):
        return implementations.none()
    co_supervised = Project.co_supervisors.through.objects.filter(project_id=OuterRef("project_id"),
                                                                  user_id=user.pk)
    return implementations.filter(Q(organisation_id__in=represented_organisation_ids(user))
                                  | Q(project__proposer_id=user.pk) | Q(Exists(co_supervised)))


# --- for the customer dashboard -------------------------------------------------------------
def customer_overview(user) -> dict:
    org_ids = represented_organisation_ids(user)
    return {
        "tasks": list(with_task_list_data(ResearchTask.objects.filter(organisation_id__in=org_ids))
                      .prefetch_related(Prefetch("adoptions",
                                                 queryset=TaskAdoption.objects.select_related("project")))),
        "internships": list(with_internship_list_data(Internship.objects.filter(organisation_id__in=org_ids))),
        "projects": list(followed_projects(user)) if org_ids else [],
        "implementations": list(Implementation.objects.filter(organisation_id__in=org_ids)
                                .select_related("project")),
    }


# --- for statistics (reports) ---------------------------------------------------------------
def confirmed_implementations(year_from: int, year_to: int) -> QuerySet[Implementation]:
    """Implementations of results counted in the yearly statistics: confirmed by the other side,
    dated by when the result was put to use."""
    return Implementation.objects.filter(status=ImplementationStatus.CONFIRMED,
                                         implemented_on__year__gte=year_from, implemented_on__year__lte=year_to)


def implementations_by_year(year_from: int, year_to: int) -> dict[int, int]:
    rows = (confirmed_implementations(year_from, year_to).annotate(y=ExtractYear("implemented_on"))
            .order_by().values("y").annotate(n=Count("pk")))
    return {row["y"]: row["n"] for row in rows}
