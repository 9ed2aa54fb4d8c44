"""A past edition with published results: a team of two students (two universities) and a
supervisor, a publication, a conference talk, a completed mobility, an expert."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from evaluation.models import Commission, CommissionMember, ExpertGroup, ResultSnapshot
from marathon.models import User
from mobility.models import Mobility, MobilityKind, MobilityStatus
from projects.models import MembershipRole
from projects.outcomes.models import ConferenceParticipation, Publication, PublicationAuthor, PublicationType
from tests import factories


def past_edition(year: int):
    start = date(year, 1, 10)
    return factories.EditionFactory(
        year=year, title=f"Students Project Marathon {year}", proposals_start=start,
        proposals_end=start + timedelta(days=30), team_formation_start=start + timedelta(days=31),
        team_formation_end=start + timedelta(days=60), research_start=start + timedelta(days=61),
        research_end=start + timedelta(days=200), evaluation_start=start + timedelta(days=201),
        evaluation_end=start + timedelta(days=230))


def publish(edition, teams: list) -> ResultSnapshot:
    """The published ranking as the evaluation app freezes it (teams in rank order)."""
    commission, _created = Commission.objects.get_or_create(edition=edition)
    rows = [{"project": team.project_id, "title": team.project.title, "team": team.pk, "team_name": team.name,
             "ranks": {"mean": rank}, "official_rank": rank, "scores": {"mean": 90 - rank}}
            for rank, team in enumerate(teams, start=1)]
    return ResultSnapshot.objects.create(commission=commission, data={
        "edition": edition.year, "ranking_method": "mean", "criteria": [], "projects": rows})


@pytest.fixture
def marathon(db):
    edition = past_edition(2031)
    uni_a = factories.UniversityFactory(name="Graz University of Technology")
    uni_b = factories.UniversityFactory(name="Санкт-Петербургский политехнический университет")
    project = factories.approved_project_with_team(edition=edition, title="Hydrogen storage in porous metals")
    team = project.team
    supervisor = project.proposer
    student = factories.UserFactory(full_name="Anna Müller", status=User.Status.MASTER, university=uni_a)
    student2 = factories.UserFactory(full_name="Иван Петров", status=User.Status.BACHELOR, university=uni_b)
    factories.MembershipFactory(team=team, user=student, role=MembershipRole.LEAD)
    factories.MembershipFactory(team=team, user=student2)
    other = factories.approved_project_with_team(edition=edition, title="Second project").team
    publish(edition, [team, other])
    publication = Publication.objects.create(project=project, title="Porous metals for hydrogen",
                                             venue="Materials Letters", type=PublicationType.choices[0][0],
                                             year=2031)
    PublicationAuthor.objects.create(publication=publication, position=1, user=student, name=student.full_name)
    talk = ConferenceParticipation.objects.create(
        project=project, conference="ICH2 2031", city="Vienna", country="AT", start_date=date(2031, 6, 1),
        end_date=date(2031, 6, 3), contribution_title="Hydrogen in pores")
    talk.presenters.add(student)
    Mobility.objects.create(participant=student, kind=MobilityKind.STUDENT_RESEARCH, home_university=uni_a,
                            host_university=uni_b, edition=edition, planned_start=date(2031, 4, 1),
                            planned_end=date(2031, 4, 30), status=MobilityStatus.COMPLETED)
    expert = factories.UserFactory(full_name="Eva Expert", status=User.Status.PROFESSOR)
    CommissionMember.objects.create(commission=edition.commission, user=expert, group=ExpertGroup.choices[0][0])
    return {"edition": edition, "team": team, "student": student, "student2": student2,
            "supervisor": supervisor, "expert": expert, "other_team": other, "now": timezone.now()}
