import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry
from projects.models import MembershipRole
from projects.outcomes.models import (
    GrantApplication,
    Publication,
    normalize_doi,
    validate_doi,
)
from projects.outcomes.services import (
    AuthorInput,
    record_conference_participation,
    record_grant_application,
    record_publication,
)
from tests.factories import (
    MembershipFactory,
    ProjectFactory,
    UniversityFactory,
    UserFactory,
    approved_project_with_team,
)
from tests.outcomes.factories import GrantApplicationFactory, publication_by

pytestmark = pytest.mark.django_db


def publication_kwargs(**overrides):
    return {"title": "Grain growth in steel", "venue": "Acta Materialia", "type": "journal",
            "year": 2019, "doi": "10.1016/j.actamat.2019.01.001", **overrides}


@pytest.mark.parametrize("raw, expected", [
    ("10.1016/J.ACTAMAT.2019.01.001", "10.1016/j.actamat.2019.01.001"),
    ("https://doi.org/10.1016/j.actamat.2019.01.001", "10.1016/j.actamat.2019.01.001"),
    ("http://dx.doi.org/10.1016/X", "10.1016/x"),
    (" doi:10.1000/ABC ", "10.1000/abc"),
    ("", ""),
])
def test_normalize_doi_strips_prefix_and_case(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("bad", ["11.1000/abc", "10.1/abc", "10.1000/", "not a doi", "10.1000/a b"])
def test_validate_doi_rejects_malformed(bad):
    with pytest.raises(ValidationError):
        validate_doi(bad)


def test_record_publication_by_supervisor_keeps_author_order_and_universities():
    project = approved_project_with_team()
    partner = UniversityFactory(name="TU Graz", country="AT")
    student = MembershipFactory(team=project.team, user__university=partner).user
    publication = record_publication(
        project=project, actor=project.proposer, **publication_kwargs(doi="https://doi.org/10.1000/ABC"),
        authors=[AuthorInput(user=student), AuthorInput(user=project.proposer),
                 AuthorInput(name="Ana  García", affiliation="CSIC", country="ES")])
    authors = list(publication.authors.all())
    assert [a.name for a in authors] == [student.full_name, project.proposer.full_name, "Ana García"]
    assert [a.position for a in authors] == [1, 2, 3]
    assert authors[0].university == partner
    assert authors[2].university is None and authors[2].country.code == "ES"
    assert publication.doi == "10.1000/abc"
    assert Publication.objects.joint().filter(pk=publication.pk).exists()
    entry = AuditEntry.objects.get(action="outcomes.publication_recorded")
    assert entry.actor == project.proposer
    assert entry.changes["doi"] == "10.1000/abc"


def test_record_publication_by_team_member_allowed():
    project = approved_project_with_team()
    member = MembershipFactory(team=project.team, role=MembershipRole.MEMBER).user
    publication = record_publication(project=project, actor=member, **publication_kwargs(),
                                     authors=[AuthorInput(user=member)])
    assert publication.created_by == member


def test_record_publication_by_co_supervisor_allowed():
    project = approved_project_with_team()
    co = UserFactory(status="professor")
    project.co_supervisors.add(co)
    assert record_publication(project=project, actor=co, **publication_kwargs(),
                              authors=[AuthorInput(user=co)]).pk


def test_record_publication_by_outsider_denied():
    project = approved_project_with_team()
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        record_publication(project=project, actor=outsider, **publication_kwargs(),
                           authors=[AuthorInput(user=outsider)])
    assert Publication.objects.count() == 0


def test_record_publication_for_draft_project_refused():
    project = ProjectFactory(status="draft")
    with pytest.raises(RuleViolation):
        record_publication(project=project, actor=project.proposer, **publication_kwargs(),
                           authors=[AuthorInput(user=project.proposer)])


def test_record_publication_duplicate_doi_in_other_case_and_prefix_refused():
    project = approved_project_with_team()
    record_publication(project=project, actor=project.proposer, **publication_kwargs(doi="10.1000/abc"),
                       authors=[AuthorInput(user=project.proposer)])
    with pytest.raises(ValidationError) as error:
        record_publication(project=project, actor=project.proposer,
                           **publication_kwargs(doi="https://doi.org/10.1000/ABC", title="Other"),
                           authors=[AuthorInput(user=project.proposer)])
    assert "doi" in error.value.message_dict
    assert Publication.objects.count() == 1


def test_record_publication_without_doi_twice_allowed():
    project = approved_project_with_team()
    for title in ("One", "Two"):
        record_publication(project=project, actor=project.proposer, **publication_kwargs(doi="", title=title),
                           authors=[AuthorInput(user=project.proposer)])
    assert Publication.objects.count() == 2


def test_record_publication_invalid_doi_refused():
    project = approved_project_with_team()
    with pytest.raises(ValidationError) as error:
        record_publication(project=project, actor=project.proposer, **publication_kwargs(doi="12.34/x"),
                           authors=[AuthorInput(user=project.proposer)])
    assert "doi" in error.value.message_dict


def test_record_publication_external_author_needs_affiliation_and_country():
    project = approved_project_with_team()
    for author in (AuthorInput(name="No Affiliation", country="ES"), AuthorInput(name="No Country", affiliation="X")):
        with pytest.raises(ValidationError):
            record_publication(project=project, actor=project.proposer, **publication_kwargs(),
                               authors=[author])
    with pytest.raises(ValidationError):
        record_publication(project=project, actor=project.proposer, **publication_kwargs(), authors=[])


def test_joint_means_two_universities_not_two_authors():
    uni_a, uni_b = UniversityFactory(), UniversityFactory()
    single = publication_by(uni_a, uni_a)
    joint = publication_by(uni_a, uni_b)
    assert set(Publication.objects.joint()) == {joint}
    assert single not in Publication.objects.joint()


def test_joint_counts_external_affiliations_case_insensitively():
    publication = publication_by()
    publication.authors.create(position=1, name="A", affiliation="CSIC ", country="ES")
    publication.authors.create(position=2, name="B", affiliation="csic", country="ES")
    assert not Publication.objects.joint().exists()
    publication.authors.create(position=3, name="C", affiliation="MIT", country="US")
    assert Publication.objects.joint().count() == 1


def test_record_grant_application_international_when_two_countries():
    project = approved_project_with_team()
    ru, at, at2 = (UniversityFactory(country="RU"), UniversityFactory(country="AT"),
                   UniversityFactory(country="AT"))
    grant = record_grant_application(
        project=project, actor=project.proposer, programme="horizon_europe", title="MSCA",
        applicants=[ru, at], submitted_on="2019-05-01", amount="1000.00", currency="eur",
        status="submitted")
    national = GrantApplicationFactory(project=project, applicants=[at, at2])
    assert grant.currency == "EUR"
    assert list(GrantApplication.objects.international()) == [grant]
    assert national not in GrantApplication.objects.international()
    assert AuditEntry.objects.filter(action="outcomes.grant_application_recorded").count() == 1


def test_record_grant_application_needs_applicants_and_permission():
    project = approved_project_with_team()
    with pytest.raises(ValidationError):
        record_grant_application(project=project, actor=project.proposer, programme="national",
                                 title="X", applicants=[], submitted_on="2019-05-01", amount="1",
                                 currency="EUR", status="submitted")
    with pytest.raises(PermissionDenied):
        record_grant_application(project=project, actor=UserFactory(), programme="national",
                                 title="X", applicants=[UniversityFactory()], submitted_on="2019-05-01",
                                 amount="1", currency="EUR", status="submitted")


def test_record_conference_participation_checks_dates_and_presenters():
    project = approved_project_with_team()
    kwargs = {"project": project, "actor": project.proposer, "conference": "ICIE", "city": "Sochi",
              "country": "RU", "contribution_title": "Talk", "is_international": True}
    with pytest.raises(ValidationError):
        record_conference_participation(**kwargs, start_date="2019-05-03", end_date="2019-05-01",
                                        presenters=[project.proposer])
    with pytest.raises(ValidationError):
        record_conference_participation(**kwargs, start_date="2019-05-01", end_date="2019-05-01")
    talk = record_conference_participation(**kwargs, start_date="2019-05-01", end_date="2019-05-02",
                                           presenters=[project.proposer])
    assert list(talk.presenters.all()) == [project.proposer]
