"""What a certificate states, read from the other apps in a fixed number of queries per batch of
people (bulk issuing reads 10,000 people in batches). The data are language-neutral codes and
names; the PDF and the verify page print the labels in EN and RU."""

from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from evaluation.models import CommissionMember, ResultSnapshot
from marathon.models import Edition, User
from mobility.models import Mobility, MobilityKind, MobilityStatus
from projects.models import Membership, MembershipRole
from projects.outcomes.models import ConferenceParticipation, PublicationAuthor

from .models import CertificateRole, CertificateSettings, ResultDisplay

ROLE_PRIORITY = [CertificateRole.TEAM_LEAD, CertificateRole.STUDENT, CertificateRole.SUPERVISOR,
                 CertificateRole.VISITING_PROFESSOR, CertificateRole.EXPERT]


def published_snapshot(edition: Edition) -> ResultSnapshot | None:
    return ResultSnapshot.objects.filter(commission__edition=edition).first()


def settings_for(edition: Edition) -> CertificateSettings:
    found, _created = CertificateSettings.objects.get_or_create(edition=edition)
    return found


def eligible_person_ids(edition: Edition):
    """Everyone who took part in the edition: team members and supervisors, experts of its
    commission, visiting professors whose stay is completed. A queryset of ids, ascending."""
    team_people = Membership.objects.filter(team__edition=edition).values("user_id")
    experts = CommissionMember.objects.filter(commission__edition=edition).values("user_id")
    visiting = Mobility.objects.filter(edition=edition, kind=MobilityKind.STAFF_TEACHING,
                                       status=MobilityStatus.COMPLETED).values("participant_id")
    return (User.objects.filter(Q(pk__in=team_people) | Q(pk__in=experts) | Q(pk__in=visiting))
            .order_by("pk").values_list("pk", flat=True))


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('certificates:verify', args=[code])}"


def _result_entries(edition: Edition, cert_settings: CertificateSettings) -> dict[int, dict]:
    """team id -> what the certificate prints about the published result."""
    snapshot = published_snapshot(edition)
    if snapshot is None or cert_settings.result_display == ResultDisplay.NONE:
        return {}
    rows = [row for row in snapshot.data.get("projects", []) if row.get("team")]
    total = len(rows)
    entries = {}
    for row in rows:
        rank = row.get("official_rank") or row["ranks"][snapshot.data["ranking_method"]]
        if cert_settings.result_display == ResultDisplay.RANK:
            entries[row["team"]] = {"rank": rank, "of": total}
        else:
            # A band only where it is true: rank 1 of 2 is in the top half, not the top 10 %.
            band = next((f"top_{p}" for p in (10, 25, 50) if rank * 100 <= total * p), None)
            if band:
                entries[row["team"]] = {"band": band, "of": total}
    return entries


def _team_universities(team_ids) -> dict[int, list[str]]:
    rows = (Membership.objects.filter(team_id__in=team_ids, user__university__isnull=False)
            .values_list("team_id", "user__university__name").distinct())
    found = defaultdict(set)
    for team_id, name in rows:
        found[team_id].add(name)
    return {team_id: sorted(names) for team_id, names in found.items()}


def _internships(edition: Edition, ids) -> dict[int, list[dict]]:
    """Internships from the `industry` app when it is installed (never imported at module level:
    the app may be absent); its schema is read defensively."""
    if not apps.is_installed("industry"):
        return {}
    try:
        model = apps.get_model("industry", "Internship")
    except LookupError:
        return {}
    names = {field.name for field in model._meta.get_fields()}
    person = next((n for n in ("student", "participant", "user", "intern") if n in names), None)
    if person is None:
        return {}
    query = model.objects.filter(**{f"{person}_id__in": ids})
    if "edition" in names:
        query = query.filter(edition=edition)
    if "status" in names:
        query = query.filter(status__in=["completed", "done", "finished"])
    found = defaultdict(list)
    for item in query.order_by("pk"):
        organisation = getattr(item, "organisation", None) or getattr(item, "company", None)
        found[getattr(item, f"{person}_id")].append({
            "title": str(getattr(item, "title", "") or item), "organisation": str(organisation or "")})
    return found


def _role_of(membership_role: str) -> str:
    return {MembershipRole.LEAD: CertificateRole.TEAM_LEAD,
            MembershipRole.SUPERVISOR: CertificateRole.SUPERVISOR}.get(membership_role, CertificateRole.STUDENT)


def certificate_contents(edition: Edition, person_ids) -> dict[int, dict]:
    """person id -> the certificate's data (without number and code), for those who took part."""
    person_ids = list(person_ids)
    cert_settings = settings_for(edition)
    people = {u.pk: u for u in User.objects.filter(pk__in=person_ids).select_related("university")}
    memberships = defaultdict(list)
    for m in (Membership.objects.filter(team__edition=edition, user_id__in=person_ids)
              .select_related("team__project").order_by("team__project__title", "pk")):
        memberships[m.user_id].append(m)
    team_ids = {m.team_id for ms in memberships.values() for m in ms}
    universities = _team_universities(team_ids)
    results = _result_entries(edition, cert_settings)
    experts = set(CommissionMember.objects.filter(commission__edition=edition, user_id__in=person_ids)
                  .values_list("user_id", flat=True))
    publications = defaultdict(list)
    for a in (PublicationAuthor.objects.filter(user_id__in=person_ids, publication__project__edition=edition)
              .select_related("publication").order_by("publication__year", "publication__title")):
        p = a.publication
        publications[a.user_id].append({"title": p.title, "venue": p.venue, "year": p.year, "doi": p.doi})
    conferences = defaultdict(list)
    through = ConferenceParticipation.presenters.through
    for row in (through.objects.filter(user_id__in=person_ids, conferenceparticipation__project__edition=edition)
                .select_related("conferenceparticipation").order_by("conferenceparticipation__start_date")):
        c = row.conferenceparticipation
        conferences[row.user_id].append({"conference": c.conference, "contribution": c.contribution_title,
                                         "city": c.city, "date": c.start_date.isoformat()})
    stays = defaultdict(list)
    for m in (Mobility.objects.filter(participant_id__in=person_ids, edition=edition,
                                      status=MobilityStatus.COMPLETED)
              .select_related("host_university").order_by("actual_start", "planned_start")):
        stays[m.participant_id].append({
            "kind": m.kind, "host": m.host_university.name,
            "start": (m.actual_start or m.planned_start).isoformat(),
            "end": (m.actual_end or m.planned_end).isoformat()})
    internships = _internships(edition, person_ids)

    contents = {}
    for pk in person_ids:
        person = people.get(pk)
        if person is None:
            continue
        roles = {_role_of(m.role) for m in memberships[pk]}
        if pk in experts:
            roles.add(CertificateRole.EXPERT)
        if any(s["kind"] == MobilityKind.STAFF_TEACHING for s in stays[pk]):
            roles.add(CertificateRole.VISITING_PROFESSOR)
        if not roles:
            continue
        ordered = [role.value for role in ROLE_PRIORITY if role in roles]
        contents[pk] = {
            "type": "participation",
            "participant": {"name": person.full_name,
                            "university": person.university.name if person.university else ""},
            "role": ordered[0], "roles": ordered,
            "degree_level": person.status if person.is_student else "",
            "edition": {"year": edition.year, "title": edition.title},
            "period": {"start": edition.team_formation_start.isoformat(), "end": edition.evaluation_end.isoformat()},
            "projects": [{
                "title": m.team.project.title, "team": m.team.name,
                "universities": universities.get(m.team_id, []),
                "result": results.get(m.team_id)} for m in memberships[pk]],
            "workload": _workload(cert_settings) if roles & {CertificateRole.STUDENT, CertificateRole.TEAM_LEAD}
            else None,
            "publications": publications[pk], "conferences": conferences[pk], "mobility": stays[pk],
            "internships": internships.get(pk, []),
            "issuer": {"name": cert_settings.issuer, "signatories": [
                {"name": str(s.get("name", "")), "title": str(s.get("title", ""))}
                for s in cert_settings.signatories if isinstance(s, dict)]},
        }
    return contents


def _workload(cert_settings: CertificateSettings) -> dict | None:
    if cert_settings.workload_hours is None and cert_settings.ects is None:
        return None
    return {"hours": cert_settings.workload_hours,
            "ects": format(cert_settings.ects.normalize(), "f") if cert_settings.ects is not None else None}
