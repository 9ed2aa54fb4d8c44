"""Reads of outcomes, with the joins and prefetches list pages and the API need."""

from django.db.models import Prefetch, QuerySet

from .models import ConferenceParticipation, GrantApplication, Publication, PublicationAuthor


def publication_list(*, project_id: int | None = None, year: int | None = None,
                     joint: bool | None = None) -> QuerySet:
    qs = (Publication.objects.with_affiliation_count().select_related("project")
          .prefetch_related(Prefetch("authors",
                                     queryset=PublicationAuthor.objects.select_related("university"))))
    if project_id:
        qs = qs.filter(project_id=project_id)
    if year:
        qs = qs.filter(year=year)
    if joint is True:
        qs = qs.filter(affiliation_count__gte=2)
    elif joint is False:
        qs = qs.filter(affiliation_count__lt=2)
    return qs


def grant_application_list(*, project_id: int | None = None, year: int | None = None) -> QuerySet:
    qs = (GrantApplication.objects.with_country_count().select_related("project")
          .prefetch_related("applicants"))
    if project_id:
        qs = qs.filter(project_id=project_id)
    if year:
        qs = qs.filter(submitted_on__year=year)
    return qs


def conference_list(*, project_id: int | None = None, year: int | None = None,
                    international: bool | None = None) -> QuerySet:
    qs = ConferenceParticipation.objects.select_related("project").prefetch_related("presenters")
    if project_id:
        qs = qs.filter(project_id=project_id)
    if year:
        qs = qs.filter(start_date__year=year)
    if international is not None:
        qs = qs.filter(is_international=international)
    return qs
