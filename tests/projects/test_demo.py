import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from marathon.models import Edition, University, User
from projects.models import Membership, MembershipRole, Project, ProjectStatus

pytestmark = pytest.mark.django_db

PARTNERS = {"SPbPU", "TU Graz", "UPM", "UCA", "TU Berlin"}


def seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_history_2018_2020_matches_the_programme_results():
    seed()
    past = Project.objects.filter(edition__year__in=[2018, 2019, 2020],
                                  status__in=[ProjectStatus.APPROVED, ProjectStatus.COMPLETED])
    assert past.count() >= 15
    assert past.values("area").distinct().count() == 5
    assert past.exclude(customer=None).count() >= 10
    participants = Membership.objects.filter(edition__year__in=[2018, 2019, 2020]).values("user").distinct()
    assert participants.count() >= 95
    student_unis = set(University.objects.filter(
        people__memberships__edition__year__in=[2018, 2019, 2020],
        people__memberships__role__in=[MembershipRole.MEMBER, MembershipRole.LEAD],
    ).values_list("short_name", flat=True))
    assert student_unis == PARTNERS
    for team in Project.objects.filter(pk__in=past).values("team").annotate(
            unis=Count("team__memberships__user__university", distinct=True)):
        assert team["unis"] >= 2


def test_demo_current_edition_has_every_state_and_a_free_team():
    seed()
    edition = Edition.objects.current()
    professor = User.objects.get(email="professor@marathon.example")
    states = set(Project.objects.filter(edition=edition, proposer=professor).values_list("status", flat=True))
    assert states == {"draft", "submitted", "approved"}
    assert not Membership.objects.filter(user__email="student@marathon.example", edition=edition).exists()
    approved = Project.objects.get(edition=edition, title="Digital twin of a cold rolling mill")
    assert approved.team.memberships.filter(role=MembershipRole.MEMBER).count() == 2
    assert approved.team.capacity > 2


def test_demo_is_idempotent():
    seed()
    counts = (Project.objects.count(), Membership.objects.count(), User.objects.count())
    seed()
    assert (Project.objects.count(), Membership.objects.count(), User.objects.count()) == counts


def test_statistics_selectors_count_the_demo_history():
    from projects import selectors

    seed()
    assert selectors.counted_projects([2018, 2019, 2020]).count() == 18
    assert len(selectors.participant_ids([2018, 2019, 2020])) == 105
