"""Recording outcomes: one function per use case, permission-checked, transactional, audited."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marathon.exceptions import RuleViolation
from marathon.models import University, User
from marathon.services import record_audit
from projects.models import Project

from .models import (
    ConferenceParticipation,
    GrantApplication,
    Publication,
    PublicationAuthor,
    normalize_doi,
)
from .permissions import RECORDABLE_STATUSES, can_record_outcomes


@dataclass(frozen=True)
class AuthorInput:
    """A portal user (`user`), or an external person (`name`, `university` or `affiliation`,
    `country`)."""

    user: User | None = None
    name: str = ""
    university: University | None = None
    affiliation: str = ""
    country: str = ""


def _check_can_record(*, project: Project, actor: User) -> None:
    if not can_record_outcomes(actor, project):
        raise PermissionDenied(_("Only the project's supervisors, team members and the programme "
                                 "office can record its outcomes."))
    if project.status not in RECORDABLE_STATUSES:
        raise RuleViolation(_("Outcomes can be recorded only for approved projects."))


def _author_row(position: int, author: AuthorInput) -> PublicationAuthor:
    if author.user is not None:
        university = author.user.university
        return PublicationAuthor(
            position=position, user=author.user, name=author.user.full_name,
            university=university, affiliation=university.name if university else "",
            country=university.country if university else author.user.country)
    name = " ".join(author.name.split())
    if not name:
        raise ValidationError({"authors": [_("Author %(n)d: choose a portal user or enter a name.")
                                           % {"n": position}]})
    if author.university is None and not author.affiliation.strip():
        raise ValidationError({"authors": [_("Author %(n)d: an external author needs an affiliation.")
                                           % {"n": position}]})
    country = author.university.country if author.university else author.country
    if not country:
        raise ValidationError({"authors": [_("Author %(n)d: an external author needs a country.")
                                           % {"n": position}]})
    return PublicationAuthor(position=position, name=name, university=author.university,
                             affiliation=author.affiliation.strip() or author.university.name,
                             country=country)


def record_publication(*, project: Project, actor: User, title: str, venue: str, type: str,
                       year: int, doi: str = "", authors: list[AuthorInput]) -> Publication:
    """Store a publication with its ordered authors; audited."""
    _check_can_record(project=project, actor=actor)
    if not authors:
        raise ValidationError({"authors": [_("A publication needs at least one author.")]})
    rows = [_author_row(position, author) for position, author in enumerate(authors, start=1)]
    publication = Publication(project=project, title=title.strip(), venue=venue.strip(), type=type,
                              year=year, doi=normalize_doi(doi), created_by=actor)
    if publication.doi and Publication.objects.filter(doi=publication.doi).exists():
        raise ValidationError({"doi": [_("A publication with this DOI is already recorded.")]})
    publication.full_clean()  # the DOI format; the unique constraint backs the check above
    try:
        with transaction.atomic():
            publication.save()
            for row in rows:
                row.publication = publication
            PublicationAuthor.objects.bulk_create(rows)
            record_audit(actor=actor, action="outcomes.publication_recorded", target=publication,
                         changes={"project": project.pk, "doi": publication.doi,
                                  "authors": [row.name for row in rows]})
    except IntegrityError as exc:  # two people recorded the same DOI at the same moment
        raise ValidationError({"doi": [_("A publication with this DOI is already recorded.")]}) from exc
    return publication


def record_grant_application(*, project: Project, actor: User, programme: str, title: str,
                             applicants: list[University], submitted_on: date, amount: Decimal,
                             currency: str, status: str, funder: str = "") -> GrantApplication:
    """Store a grant application and its applicant universities; audited."""
    _check_can_record(project=project, actor=actor)
    if not applicants:
        raise ValidationError({"applicants": [_("Choose at least one applicant university.")]})
    grant = GrantApplication(project=project, programme=programme, funder=funder.strip(),
                             title=title.strip(), submitted_on=submitted_on, amount=amount,
                             currency=currency.strip().upper(), status=status, created_by=actor)
    grant.full_clean()
    with transaction.atomic():
        grant.save()
        grant.applicants.set(applicants)
        record_audit(actor=actor, action="outcomes.grant_application_recorded", target=grant,
                     changes={"project": project.pk, "applicants": [u.pk for u in applicants],
                              "status": status})
    return grant


def record_conference_participation(*, project: Project, actor: User, conference: str, city: str,
                                    country: str, start_date: date, end_date: date,
                                    contribution_title: str, is_international: bool,
                                    presenters: list[User] = (), other_presenters: str = ""
                                    ) -> ConferenceParticipation:
    """Store a conference talk or poster of the project; audited."""
    _check_can_record(project=project, actor=actor)
    if not presenters and not other_presenters.strip():
        raise ValidationError({"presenters": [_("Name at least one presenter.")]})
    participation = ConferenceParticipation(
        project=project, conference=conference.strip(), city=city.strip(), country=country,
        start_date=start_date, end_date=end_date, contribution_title=contribution_title.strip(),
        is_international=is_international, other_presenters=other_presenters.strip(),
        created_by=actor)
    participation.full_clean()
    with transaction.atomic():
        participation.save()
        participation.presenters.set(presenters)
        record_audit(actor=actor, action="outcomes.conference_recorded", target=participation,
                     changes={"project": project.pk, "international": is_international})
    return participation


def delete_outcome(*, outcome: Publication | GrantApplication | ConferenceParticipation,
                   actor: User) -> None:
    """Remove a wrongly recorded outcome (same people who may record it); audited."""
    if not can_record_outcomes(actor, outcome.project):
        raise PermissionDenied(_("Only the project's supervisors, team members and the programme "
                                 "office can change its outcomes."))
    with transaction.atomic():
        record_audit(actor=actor, action=f"outcomes.{outcome._meta.model_name}_deleted", target=outcome,
                     changes={"project": outcome.project_id, "title": str(outcome)})
        outcome.delete()
