import pytest
from django.urls import reverse

from marathon.models import Edition
from projects.models import Membership, MembershipRole
from teams.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from tests.factories import EditionFactory, MembershipFactory, UserFactory
from tests.querycount import PAGE_BASE
from tests.teams.factories import InvitationFactory, JoinRequestFactory, add_students, make_team
from tests.teams.test_services import close_formation

pytestmark = pytest.mark.django_db


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_team_page_requires_login(client, team):
    response = client.get(team.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_team_page_shows_members_free_places_and_missing_rules(login, team, student):
    member = add_students(team, 1)[0]
    html = page(login(student).get(team.get_absolute_url()))
    assert f"<td>{member.full_name}\n" in html
    assert f'<td class="d-none d-md-table-cell">{member.university.short_name}</td>' in html
    assert f'<td class="d-none d-md-table-cell">{member.country.name}</td>' in html
    assert '<td class="d-none d-md-table-cell">Bachelor student</td>' in html
    # Phones see the same details folded under the name.
    assert (f"{member.university.short_name} · {member.country.name} · Bachelor student</div>") in html
    assert "<td>Student member</td>" in html and "<td>Supervisor</td>" in html
    assert "4 free places" in html
    assert "1 more student is needed." in html
    assert "Students from 1 more university are needed." in html
    assert 'id="join"' in html
    assert 'id="pending-requests"' not in html


def test_team_page_says_when_rules_are_met(login, team, student):
    add_students(team, 2)
    html = page(login(student).get(team.get_absolute_url()))
    assert "Meets the team rules" in html


def test_student_sends_join_request(login, team, student):
    response = login(student).post(reverse("teams:join", args=[team.pk]), {"motivation": "I love it"},
                                   follow=True)
    assert "Your request has been sent to the supervisors." in page(response)
    assert JoinRequest.objects.get().student == student
    assert 'id="my-request"' in page(response)


def test_join_without_motivation_writes_nothing(login, team, student):
    response = login(student).post(reverse("teams:join", args=[team.pk]), {"motivation": ""}, follow=True)
    assert "Please write a short motivation." in page(response)
    assert JoinRequest.objects.count() == 0


def test_full_team_page_says_so_without_form(login, team, student):
    add_students(team, team.capacity)
    html = page(login(student).get(team.get_absolute_url()))
    assert 'id="team-full"' in html and 'id="join"' not in html


def test_closed_formation_page_has_no_join_form(login, team, student):
    close_formation(team.edition)
    html = page(login(student).get(team.get_absolute_url()))
    assert 'id="formation-closed"' in html and 'id="join"' not in html


def test_join_when_formation_closed_shows_rule(login, team, student):
    close_formation(team.edition)
    response = login(student).post(reverse("teams:join", args=[team.pk]), {"motivation": "x"}, follow=True)
    assert "team-formation phase is closed" in page(response)
    assert JoinRequest.objects.count() == 0


def test_supervisor_sees_and_accepts_request(login, team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student, motivation="Pick me")
    client = login(supervisor)
    html = page(client.get(team.get_absolute_url()))
    assert 'id="pending-requests"' in html and "Pick me" in html
    response = client.post(reverse("teams:request_accept", args=[request.pk]), follow=True)
    assert "The student has joined the team." in page(response)
    assert Membership.objects.filter(team=team, user=student).exists()


def test_supervisor_declines_request(login, team, supervisor, student):
    request = JoinRequestFactory(team=team, student=student)
    login(supervisor).post(reverse("teams:request_decline", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


@pytest.mark.parametrize("who", ["outsider", "other_professor", "student"])
def test_accept_refused_for_non_supervisors(request, login, team, student, who):
    join_request = JoinRequestFactory(team=team, student=student)
    response = login(request.getfixturevalue(who)).post(reverse("teams:request_accept", args=[join_request.pk]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=student).exists()


def test_other_professor_does_not_see_requests(login, team, other_professor):
    JoinRequestFactory(team=team)
    html = page(login(other_professor).get(team.get_absolute_url()))
    assert 'id="pending-requests"' not in html


def test_full_team_accept_shows_rule(login, team, supervisor, student):
    add_students(team, team.capacity)
    request = JoinRequestFactory(team=team, student=student)
    response = login(supervisor).post(reverse("teams:request_accept", args=[request.pk]), follow=True)
    assert "This team is full (5 students)." in page(response)


def test_invite_search_and_invite(login, team, supervisor):
    wanted = UserFactory(full_name="Mila Searchable", status="phd")
    MembershipFactory(team=make_team(edition=team.edition), user=UserFactory(full_name="Mila Taken"))
    client = login(supervisor)
    html = page(client.get(team.get_absolute_url(), {"q": "mila"}))
    assert "Mila Searchable" in html and "Mila Taken" not in html
    partial = page(client.get(reverse("teams:student_search", args=[team.pk]), {"q": wanted.email},
                              HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<ul class="list-group" id="student-results">')
    assert "Mila Searchable" in partial
    client.post(reverse("teams:invite", args=[team.pk]), {"user": wanted.pk})
    assert Invitation.objects.get().student == wanted


def test_student_search_refused_for_outsider(login, team, outsider):
    response = login(outsider).get(reverse("teams:student_search", args=[team.pk]), {"q": "pe"})
    assert response.status_code == 403


def test_invite_refused_for_other_professor(login, team, other_professor, student):
    response = login(other_professor).post(reverse("teams:invite", args=[team.pk]), {"user": student.pk})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_student_accepts_invitation_on_requests_page(login, team, student):
    invitation = InvitationFactory(team=team, student=student)
    client = login(student)
    assert team.name in page(client.get(reverse("teams:my_requests")))
    response = client.post(reverse("teams:invitation_accept", args=[invitation.pk]), follow=True)
    assert "Welcome to the team!" in page(response)
    assert 'id="my-membership"' in page(response)


def test_student_declines_invitation(login, team, student):
    invitation = InvitationFactory(team=team, student=student)
    login(student).post(reverse("teams:invitation_decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED


def test_student_withdraws_request(login, team, student):
    request = JoinRequestFactory(team=team, student=student)
    response = login(student).post(reverse("teams:request_withdraw", args=[request.pk]))
    assert response.url == reverse("teams:my_requests")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_withdraw_next_must_be_local(login, team, student):
    request = JoinRequestFactory(team=team, student=student)
    response = login(student).post(reverse("teams:request_withdraw", args=[request.pk]),
                                   {"next": "https://evil.example/"})
    assert response.url == reverse("teams:my_requests")


def test_student_leaves_team(login, team, student):
    MembershipFactory(team=team, user=student)
    response = login(student).post(reverse("teams:leave", args=[team.pk]), follow=True)
    assert "You left the team." in page(response)
    assert not Membership.objects.filter(user=student).exists()


def test_leave_after_research_started_shows_rule(login, team, student):
    MembershipFactory(team=team, user=student)
    close_formation(team.edition, research_started=True)
    response = login(student).post(reverse("teams:leave", args=[team.pk]), follow=True)
    assert "until the research phase starts" in page(response)
    assert Membership.objects.filter(user=student).exists()


def test_office_removes_and_adds_members(login, team, office, student):
    membership = MembershipFactory(team=team)
    client = login(office)
    client.post(reverse("teams:member_remove", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.post(reverse("teams:member_add", args=[team.pk]), {"email": student.email, "role": "member"})
    assert Membership.objects.filter(team=team, user=student, role=MembershipRole.MEMBER).exists()


def test_supervisor_cannot_remove_members(login, team, supervisor):
    membership = MembershipFactory(team=team)
    assert login(supervisor).post(reverse("teams:member_remove", args=[membership.pk])).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_get_on_workflow_step_not_allowed(login, team, student):
    assert login(student).get(reverse("teams:join", args=[team.pk])).status_code == 405


def test_my_team_page(login, team, student):
    client = login(student)
    assert "You are not in a team yet." in page(client.get(reverse("teams:mine")))
    MembershipFactory(team=team, user=student)
    assert team.get_absolute_url() in page(client.get(reverse("teams:mine")))


def test_nav_links(login, student):
    html = page(login(student).get("/"))
    assert 'id="nav-teams"' in html and 'id="nav-my-team"' in html and 'id="nav-requests"' in html


# --- query counts ----------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 5])
def test_team_list_query_count(login, student, django_assert_num_queries, count):
    edition = EditionFactory()
    for _ in range(count):
        add_students(make_team(edition=edition), 2)
    client = login(student)
    # teams count, teams, memberships, co-supervisors, editions (filter)
    with django_assert_num_queries(PAGE_BASE + 5):
        html = page(client.get(reverse("teams:list")))
    assert html.count("Meets the team rules") == count


@pytest.mark.parametrize("count", [1, 5])
def test_team_page_query_count_for_student(login, team, student, django_assert_num_queries, count):
    add_students(team, count)
    client = login(student)
    # team, memberships, co-supervisors, student's membership in the edition, own pending request
    with django_assert_num_queries(PAGE_BASE + 5):
        page(client.get(team.get_absolute_url()))


@pytest.mark.parametrize("count", [1, 5])
def test_team_page_query_count_for_supervisor(login, team, supervisor, django_assert_num_queries, count):
    add_students(team, count - 1)
    for _ in range(count):
        JoinRequestFactory(team=team)
        InvitationFactory(team=team)
    client = login(supervisor)
    # team, memberships, co-supervisors, pending requests, invitations, search candidates
    with django_assert_num_queries(PAGE_BASE + 6):
        html = page(client.get(team.get_absolute_url(), {"q": "Person"}))
    assert html.count("teams/requests/") >= count


@pytest.mark.parametrize("count", [1, 5])
def test_my_requests_query_count(login, student, supervisor, team, django_assert_num_queries, count):
    for _ in range(count):
        JoinRequestFactory(student=student, team=make_team())
        InvitationFactory(student=student, team=make_team())
        JoinRequestFactory(team=team)
    client = login(student)
    with django_assert_num_queries(PAGE_BASE + 4):
        html = page(client.get(reverse("teams:my_requests")))
    assert html.count("/withdraw/") == count
    client = login(supervisor)
    # + the members of the requested teams, for the mix-rule effect of accepting
    with django_assert_num_queries(PAGE_BASE + 5):
        html = page(client.get(reverse("teams:my_requests")))
    assert html.count("/accept/") == count
    assert html.count('class="col-sm-9 request-effect"') == count


@pytest.mark.parametrize("count", [1, 5])
def test_my_team_query_count(login, student, django_assert_num_queries, count):
    for year in range(count):
        edition = EditionFactory(year=2090 + year)
        MembershipFactory(team=make_team(edition=edition), user=student)
    client = login(student)
    with django_assert_num_queries(PAGE_BASE + 1):
        html = page(client.get(reverse("teams:mine")))
    assert html.count("/teams/") - html.count('href="/teams/"') >= count
    assert Edition.objects.count() >= count


def test_decision_list_shows_student_and_effect_of_accepting(login, team, supervisor):
    member = add_students(team, 1)[0]
    student = UserFactory(status="master", skills="Python, spectroscopy", full_name="Mila Candidate")
    JoinRequestFactory(team=team, student=student, motivation="I built a\nspectrometer.")
    JoinRequestFactory(team=team, student=UserFactory(university=member.university, full_name="Same Uni"))
    html = page(login(supervisor).get(reverse("teams:my_requests")))
    assert "<strong>Mila Candidate</strong>" in html
    assert f"{student.university.short_name} · Master student · asked on" in html
    assert '<dd class="col-sm-9 request-skills">Python, spectroscopy</dd>' in html
    assert '<dd class="col-sm-9 request-motivation">I built a<br>spectrometer.</dd>' in html
    assert ('Accepting makes 2 universities (2 needed): <span class="text-success-emphasis">rule met</span>.'
            in html)
    assert ('Accepting makes 1 university (2 needed): <span class="text-danger-emphasis">rule not met yet</span>'
            " — Students from 1 more university are needed." in html)


def test_decision_list_says_when_team_is_full(login):
    team = make_team(team_size_min=1, team_size_max=1)
    add_students(team, 1)
    JoinRequestFactory(team=team)
    html = page(login(team.supervisor).get(reverse("teams:my_requests")))
    assert "The team is full: accepting is not possible." in html
