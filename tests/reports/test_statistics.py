from datetime import date

import pytest

from projects.models import MembershipRole
from reports.statistics import compute_statistics
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.outcomes.factories import ConferenceFactory, GrantApplicationFactory, publication_by
from tests.reports.conftest import add_mobility, add_project

pytestmark = pytest.mark.django_db


def stats(year_from=2018, year_to=2020):
    return compute_statistics(year_from=year_from, year_to=year_to)


def test_empty_range_gives_zeros_and_a_row_per_year(world):
    result = stats()
    assert result.summary() == {
        "from": 2018, "to": 2020, "partner_universities": [], "scientific_areas": [],
        "participants": 0, "projects": 0, "joint_publications": 0, "grant_applications": 0,
        "conferences": 0, "erasmus_mobility_grants": 0, "implementations": 0,
        "by_year": [{"year": y, "participants": 0, "projects": 0, "joint_publications": 0,
                     "grant_applications": 0, "conferences": 0, "erasmus_mobility_grants": 0,
                     "implementations": 0}
                    for y in (2018, 2019, 2020)],
    }


def test_participants_are_distinct_members_and_supervisors_of_approved_projects(world):
    project = add_project(world, students=[world.graz, world.madrid])
    assert stats().participants == 3  # proposer (as supervisor) + two students
    MembershipFactory(team=project.team, user=UserFactory(university=world.graz))
    assert stats().participants == 4
    project.co_supervisors.add(UserFactory(status="professor", university=world.madrid))
    assert stats().participants == 5
    # the same professor supervising a second project counts once
    second = add_project(world, year=2020)
    second.co_supervisors.add(project.proposer)
    assert stats().participants == 6


def test_participants_outside_range_or_of_unapproved_projects_do_not_count(world):
    add_project(world, students=[world.graz])
    add_project(world, year=2021, students=[world.graz, world.madrid])
    add_project(world, year=2017, students=[world.graz])
    ProjectFactory(edition=world.editions[2019], status="submitted")
    ProjectFactory(edition=world.editions[2019], status="rejected", rejection_reason="No.")
    assert stats().participants == 2
    assert stats().projects == 1


def test_projects_count_approved_active_completed_at_range_edges(world):
    add_project(world, year=2018)
    add_project(world, year=2020, status="completed")
    add_project(world, year=2019, status="active")
    add_project(world, year=2021)
    result = stats()
    assert result.projects == 3
    assert [row["projects"] for row in result.by_year] == [1, 1, 1]
    assert stats(2021, 2021).projects == 1


def test_partner_universities_and_areas_are_names_from_participation(world):
    add_project(world, students=[world.graz], area=world.energy)
    result = stats()
    assert result.partner_universities == ["TU Graz"]  # the host is not a partner
    assert result.scientific_areas == ["Energy"]
    add_project(world, students=[world.madrid], area=world.it)
    result = stats()
    assert result.partner_universities == ["TU Graz", "Technical University of Madrid"]
    assert result.scientific_areas == ["Energy", "IT technologies"]
    add_project(world, year=2021, students=[world.madrid])
    assert stats(2018, 2018).partner_universities == []


def test_joint_publications_move_only_for_joint_ones_in_range(world):
    for _ in range(10):
        publication_by(world.host, world.graz, year=2019)
    assert stats().joint_publications == 10
    publication_by(world.host, world.madrid, year=2020)
    assert stats().joint_publications == 11
    publication_by(world.host, world.host, year=2019)  # single-university paper
    assert stats().joint_publications == 11
    publication_by(world.host, world.graz, year=2021)  # outside the range
    publication_by(world.host, world.graz, year=2017)
    assert stats().joint_publications == 11
    publication_by(world.host, world.graz, year=2018)  # range edge
    result = stats()
    assert result.joint_publications == 12
    assert [row["joint_publications"] for row in result.by_year] == [1, 10, 1]


def test_grant_applications_count_international_ones_submitted_in_range(world):
    GrantApplicationFactory(applicants=[world.host, world.graz], submitted_on=date(2018, 1, 1))
    GrantApplicationFactory(applicants=[world.graz, world.madrid], submitted_on=date(2020, 12, 31),
                            status="rejected")
    assert stats().grant_applications == 2
    GrantApplicationFactory(applicants=[world.host], submitted_on=date(2019, 5, 1))  # one country
    GrantApplicationFactory(applicants=[world.host, world.graz], submitted_on=date(2021, 1, 1))
    GrantApplicationFactory(applicants=[world.host, world.graz], submitted_on=date(2017, 12, 31))
    result = stats()
    assert result.grant_applications == 2
    assert [row["grant_applications"] for row in result.by_year] == [1, 0, 1]


def test_conferences_count_distinct_international_ones(world):
    ConferenceFactory(conference="ICIE", start_date=date(2019, 5, 1), end_date=date(2019, 5, 2))
    assert stats().conferences == 1
    # a second talk at the same conference (name in other case) is not a second conference
    ConferenceFactory(conference="icie", start_date=date(2019, 5, 2), end_date=date(2019, 5, 2))
    assert stats().conferences == 1
    ConferenceFactory(conference="ICIE", start_date=date(2020, 5, 1), end_date=date(2020, 5, 2))
    assert stats().conferences == 2
    ConferenceFactory(conference="Local workshop", is_international=False)
    ConferenceFactory(conference="Future", start_date=date(2021, 1, 1), end_date=date(2021, 1, 2))
    result = stats()
    assert result.conferences == 2
    assert [row["conferences"] for row in result.by_year] == [0, 1, 1]


def test_erasmus_grants_count_erasmus_funded_granted_mobilities_by_planned_start(world):
    for status in ("approved", "in_progress", "completed"):
        add_mobility(world, status=status)
    assert stats().erasmus_mobility_grants == 3
    add_mobility(world, status="submitted")
    add_mobility(world, status="rejected")
    add_mobility(world, funding="university")
    add_mobility(world, year=2021)
    assert stats().erasmus_mobility_grants == 3
    add_mobility(world, year=2020)
    result = stats()
    assert result.erasmus_mobility_grants == 4
    assert [row["erasmus_mobility_grants"] for row in result.by_year] == [0, 3, 1]


def test_breakdowns_by_university_country_area_and_degree_level(world):
    project = add_project(world, students=[world.graz, world.madrid], area=world.energy)
    MembershipFactory(team=project.team, user=UserFactory(university=world.graz, status="phd"),
                      role=MembershipRole.LEAD)
    publication_by(world.host, world.graz, year=2019, project=project)
    GrantApplicationFactory(project=project, applicants=[world.host, world.madrid])
    ConferenceFactory(project=project, country="ES")
    add_mobility(world)
    result = stats()
    by_university = {row["university"]: row for row in result.by_university}
    assert by_university["TU Graz"]["participants"] == 2
    assert by_university["TU Graz"]["joint_publications"] == 1
    assert by_university["TU Graz"]["grant_applications"] == 0
    assert by_university["SPbPU"]["erasmus_mobility_grants"] == 1
    assert by_university["Technical University of Madrid"]["grant_applications"] == 1
    by_country = {row["country"]: row for row in result.by_country}
    assert by_country["AT"]["participants"] == 2
    assert by_country["ES"]["conferences"] == 1
    assert by_country["RU"]["grant_applications"] == 1
    assert result.by_area == [{"area": "Energy", "participants": 4, "projects": 1,
                               "joint_publications": 1, "grant_applications": 1, "conferences": 1}]
    assert {row["degree_level"]: row["participants"] for row in result.by_degree_level} == {
        "bachelor": 2, "phd": 1, "professor": 1}


def _populate(world, rows):
    for _ in range(rows):
        project = add_project(world, students=[world.graz, world.madrid])
        publication_by(world.host, world.graz, year=2019, project=project)
        GrantApplicationFactory(project=project, applicants=[world.host, world.graz])
        ConferenceFactory(project=project)
        add_mobility(world)


@pytest.mark.parametrize("rows", [1, 5])
def test_statistics_query_count_is_constant(world, django_assert_num_queries, rows):
    _populate(world, rows)
    # people rows, author rows, applicant rows, 4 conference and 3 mobility aggregates,
    # universities, areas
    with django_assert_num_queries(13):
        result = stats()
    assert result.projects == rows


def test_joint_by_affiliation_text_ignores_case_and_spaces(world):
    from tests.outcomes.factories import AuthorFactory, PublicationFactory

    same = PublicationFactory(year=2019)
    AuthorFactory(publication=same, position=1, university=None, affiliation="CSIC", country="ES")
    AuthorFactory(publication=same, position=2, university=None, affiliation=" csic ", country="ES")
    joint = PublicationFactory(year=2019)
    AuthorFactory(publication=joint, position=1, university=None, affiliation="CSIC", country="ES")
    AuthorFactory(publication=joint, position=2, university=world.graz, affiliation="TU Graz",
                  country="AT")
    result = stats()
    assert result.joint_publications == 1
    assert {row["country"]: row["joint_publications"] for row in result.by_country} == {
        "AT": 1, "ES": 1}
