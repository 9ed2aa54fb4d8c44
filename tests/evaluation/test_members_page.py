"""The chair's (and office's) page to seat and remove commission members."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import CommissionMember, ExpertGroup
from marathon.models import AuditEntry, User
from marathon.roles import COMMISSION_MEMBERS
from tests.factories import UserFactory
from tests.querycount import PAGE_BASE

from .conftest import seat
from .helpers import full_scores

pytestmark = pytest.mark.django_db


def url(edition):
    return reverse("evaluation:members", args=[edition.year])


def test_chair_seats_a_member_by_email(login, commission, chair, edition):
    person = UserFactory(status=User.Status.PROFESSOR)
    response = login(chair).post(url(edition), {"email": person.email.upper(), "group": ExpertGroup.INVESTOR})
    assert response.status_code == 302
    member = CommissionMember.objects.get(commission=commission, user=person)
    assert (member.group, member.is_chair) == (ExpertGroup.INVESTOR, False)
    assert person.groups.filter(name=COMMISSION_MEMBERS).exists()
    assert AuditEntry.objects.filter(action="evaluation.member_added", actor=chair).count() == 1


def test_unknown_email_is_a_form_error(login, commission, chair, edition):
    response = login(chair).post(url(edition), {"email": "nobody@example.org", "group": ExpertGroup.INVESTOR})
    assert response.status_code == 200
    assert "Nobody with this e-mail" in response.content.decode()


def test_office_sees_and_uses_the_page(login, commission, office_user, expert_member, edition):
    html = login(office_user).get(url(edition)).content.decode()
    assert expert_member.user.email in html and html.count('class="member-row"') == 1


def test_page_hidden_from_experts_and_students(login, commission, expert, team_member, edition):
    for user in (expert, team_member):
        assert login(user).get(url(edition)).status_code == 404
        assert login(user).post(url(edition), {"email": user.email, "group": "investor"}).status_code == 404
    assert not CommissionMember.objects.filter(user=team_member).exists()


def test_remove_member_without_submitted_sheets(login, commission, chair, expert_member, edition):
    response = login(chair).post(reverse("evaluation:remove_member", args=[edition.year, expert_member.pk]))
    assert response.status_code == 302
    assert not CommissionMember.objects.filter(pk=expert_member.pk).exists()


def test_remove_member_with_submitted_sheet_is_refused(login, commission, chair, expert_member, project, criteria,
                                                       edition):
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [3, 3]))
    services.submit_score_sheet(sheet=sheet, actor=expert_member.user)
    response = login(chair).post(reverse("evaluation:remove_member", args=[edition.year, expert_member.pk]),
                                 follow=True)
    assert "cannot be removed" in response.content.decode()
    assert CommissionMember.objects.filter(pk=expert_member.pk).exists()


def test_remove_member_hidden_from_experts(login, commission, expert, expert_member, edition):
    response = login(expert).post(reverse("evaluation:remove_member", args=[edition.year, expert_member.pk]))
    assert response.status_code == 404
    assert CommissionMember.objects.filter(pk=expert_member.pk).exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_members_page_query_count(login, commission, chair, edition, rows, django_assert_num_queries):
    for _ in range(rows - 1):
        seat(commission)
    client = login(chair)
    with django_assert_num_queries(PAGE_BASE + 4):
        response = client.get(url(edition))
    assert response.content.decode().count('class="member-row"') == rows
