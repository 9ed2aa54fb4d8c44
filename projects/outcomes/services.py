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


# --- editing ---------------------------------------------------------------------------------
# The recorder may since have been deleted (SET_NULL); that must not block an edit.
EDIT_UNCHECKED = ["created_by"]

def _comparable(value):
    return value.code if hasattr(value, "code") else value  # django-countries' Country


def _audit_value(value):
    """A JSON-friendly form of a field value for the audit trail."""
    value = _comparable(value)
    return str(value) if isinstance(value, date | Decimal) else value


def _changed_fields(before: dict, after: dict) -> dict:
    """{field: {"from": old, "to": new}} for every field whose value differs (1000 == 1000.00)."""
    return {name: {"from": _audit_value(before[name]), "to": _audit_value(after[name])}
            for name in after if _comparable(before[name]) != _comparable(after[name])}


def _apply(instance, values: dict) -> dict:
    before = {name: getattr(instance, name) for name in values}
    for name, value in values.items():
        setattr(instance, name, value)
    return before


def _author_summary(rows) -> list[str]:
    return [f"{row.name} ({row.affiliation}, {row.country})" for row in rows]


def _save_changes(instance, *, changes: dict, relation: str, members, action: str, actor: User):
    """Save an edited outcome, replace its many-to-many `relation` when the set changed, and audit
    every changed field (from → to) in the same transaction."""
    old = sorted(getattr(instance, relation).values_list("pk", flat=True))
    new = sorted({member.pk for member in members})
    with transaction.atomic():
        instance.save()
        if old != new:
            getattr(instance, relation).set(members)
            changes[relation] = {"from": old, "to": new}
        if changes:
            record_audit(actor=actor, action=action, target=instance, changes=changes)
    return instance


def update_publication(*, publication: Publication, actor: User, title: str, venue: str, type: str,
                       year: int, doi: str = "", authors: list[AuthorInput] | None = None
                       ) -> Publication:
    """Change a publication (and, when `authors` is given, replace its authors in order);
    audited with each changed field from → to. Same people as for recording it."""
    _check_can_record(project=publication.project, actor=actor)
    rows = None
    if authors is not None:
        if not authors:
            raise ValidationError({"authors": [_("A publication needs at least one author.")]})
        rows = [_author_row(position, author) for position, author in enumerate(authors, start=1)]
    values = {"title": title.strip(), "venue": venue.strip(), "type": type, "year": year,
              "doi": normalize_doi(doi)}
    before = _apply(publication, values)
    if publication.doi and Publication.objects.filter(doi=publication.doi).exclude(
            pk=publication.pk).exists():
        raise ValidationError({"doi": [_("A publication with this DOI is already recorded.")]})
    publication.full_clean(exclude=EDIT_UNCHECKED)
    changes = _changed_fields(before, values)
    try:
        with transaction.atomic():
            publication.save()
            if rows is not None:
                old = _author_summary(publication.authors.all())
                new = _author_summary(rows)
                if old != new:
                    publication.authors.all().delete()
                    for row in rows:
                        row.publication = publication
                    PublicationAuthor.objects.bulk_create(rows)
                    changes["authors"] = {"from": old, "to": new}
            if changes:
                record_audit(actor=actor, action="outcomes.publication_updated", target=publication,
                             changes=changes)
    except IntegrityError as exc:  # someone recorded the same DOI at the same moment
        raise ValidationError({"doi": [_("A publication with this DOI is already recorded.")]}) from exc
    return publication


def update_grant_application(*, grant: GrantApplication, actor: User, programme: str, title: str,
                             applicants: list[University], submitted_on: date, amount: Decimal,
                             currency: str, status: str, funder: str = "") -> GrantApplication:
    """Change a grant application; audited with each changed field from → to."""
    _check_can_record(project=grant.project, actor=actor)
    if not applicants:
        raise ValidationError({"applicants": [_("Choose at least one applicant university.")]})
    values = {"programme": programme, "funder": funder.strip(), "title": title.strip(),
              "submitted_on": submitted_on, "amount": Decimal(amount),
              "currency": currency.strip().upper(), "status": status}
    before = _apply(grant, values)
    before["amount"] = Decimal(str(before["amount"]))  # an unsaved instance may hold a string
    grant.full_clean(exclude=EDIT_UNCHECKED)
    return _save_changes(grant, changes=_changed_fields(before, values), relation="applicants",
                         members=applicants, action="outcomes.grant_application_updated", actor=actor)


def update_conference_participation(*, participation: ConferenceParticipation, actor: User,
                                    conference: str, city: str, country: str, start_date: date,
                                    end_date: date, contribution_title: str, is_international: bool,
                                    presenters: list[User] = (), other_presenters: str = ""
                                    ) -> ConferenceParticipation:
    """Change a conference participation; audited with each changed field from → to."""
    _check_can_record(project=participation.project, actor=actor)
    if not presenters and not other_presenters.strip():
        raise ValidationError({"presenters": [_("Name at least one presenter.")]})
    values = {"conference": conference.strip(), "city": city.strip(), "country": country,
              "start_date": start_date, "end_date": end_date,
              "contribution_title": contribution_title.strip(),
              "is_international": is_international, "other_presenters": other_presenters.strip()}
    before = _apply(participation, values)
    participation.full_clean(exclude=EDIT_UNCHECKED)
    return _save_changes(participation, changes=_changed_fields(before, values), relation="presenters",
                         members=presenters, action="outcomes.conference_updated", actor=actor)
