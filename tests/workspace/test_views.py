from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from industry.models import CustomerRepresentative, RepresentativeStatus
from marathon.models import Organisation, User
from projects.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory, approved_project_with_team
from workspace import services
from workspace.models import JournalEntry, Milestone, ProgressReport

from .conftest import evaluation_edition
from .helpers import CSV, milestone, signed_entry

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- who sees what ---------------------------------------------------------------------------
@pytest.mark.parametrize("persona, expected", [("member", 200), ("supervisor", 200), ("office", 200),
                                               ("outsider", 404)])
def test_workspace_page_by_role(login, team, member, supervisor, office, outsider, persona, expected):
    user = {"member": member, "supervisor": supervisor, "office": office, "outsider": outsider}[persona]
    assert login(user).get(f"/workspace/teams/{team.pk}/").status_code == expected


@pytest.mark.parametrize("path", ["journal/", "reports/", "journal.eln"])
def test_workspace_subpages_are_404_for_outsiders(login, team, outsider, path):
    assert login(outsider).get(f"/workspace/teams/{team.pk}/{path}").status_code == 404


def test_office_reads_but_cannot_write(login, team, office):
    client = login(office)
    assert "You can read this workspace." in client.get(f"/workspace/teams/{team.pk}/").content.decode()
    response = client.post(f"/workspace/teams/{team.pk}/milestones/new/",
                           {"kind": "milestone", "title": "X", "due_date": "2030-01-01", "status": "planned"})
    assert response.status_code == 403
    assert Milestone.objects.count() == 0


def test_customer_representative_reads_only_when_the_project_allows(login, edition, supervisor):
    org = Organisation.objects.create(name="Magnesium Works", kind="industry", country="AT")
    project = approved_project_with_team(edition=edition, customer=org)
    rep = UserFactory(status=User.Status.INDUSTRY, organisation=org, university=None, country="AT")
    url = f"/workspace/teams/{project.team.pk}/"
    assert login(rep).get(url).status_code == 404
    services.set_customer_access(project=project, actor=project.proposer, allowed=True)
    # A profile that merely names the organisation (an unapproved claim) reads nothing.
    CustomerRepresentative.objects.create(user=rep, organisation=org, email=rep.email,
                                          status=RepresentativeStatus.PENDING)
    assert login(rep).get(url).status_code == 404
    CustomerRepresentative.objects.filter(user=rep).update(status=RepresentativeStatus.APPROVED)
    assert login(rep).get(url).status_code == 200
    other = UserFactory(status=User.Status.INDUSTRY, organisation=Organisation.objects.create(
        name="Other", kind="industry", country="DE"), university=None, country="DE")
    assert login(other).get(url).status_code == 404


def test_commission_reads_during_evaluation_only(login, db):
    from evaluation import services as evaluation_services
    from evaluation.models import ExpertGroup
    from tests.evaluation.factories import CommissionFactory

    edition = evaluation_edition()
    project = approved_project_with_team(edition=edition)
    commission = CommissionFactory(edition=edition)
    office = UserFactory(status=User.Status.RESEARCHER, is_staff=True)
    chair = UserFactory(status=User.Status.PROFESSOR)
    evaluation_services.add_commission_member(commission=commission, user=chair, group=ExpertGroup.HOST_PROFESSOR,
                                              is_chair=True, actor=office, organisation=None)
    url = f"/workspace/teams/{project.team.pk}/"
    assert login(chair).get(url).status_code == 200
    edition.evaluation_start = timezone.localdate() + timedelta(days=1)
    edition.evaluation_end = timezone.localdate() + timedelta(days=5)
    edition.save()
    assert login(chair).get(url).status_code == 404


def test_journal_file_served_only_to_readers(login, team, member, outsider):
    entry = services.create_entry(team=team, actor=member, data={"kind": "experiment", "title": "Photo"},
                                  files=[SimpleUploadedFile("micrograph.png", PNG)])
    stored = entry.files.get()
    assert login(outsider).get(f"/workspace/journal/files/{stored.pk}/").status_code == 404
    response = login(member).get(f"/workspace/journal/files/{stored.pk}/")
    assert (response.status_code, b"".join(response.streaming_content)) == (200, PNG)


def test_team_page_links_the_workspace_for_members_only(login, team, member, outsider):
    assert 'id="open-workspace"' in login(member).get(f"/teams/{team.pk}/").content.decode()
    assert 'id="open-workspace"' not in login(outsider).get(f"/teams/{team.pk}/").content.decode()


# --- pages do what users see -----------------------------------------------------------------
def test_entry_form_with_bad_csv_names_row_and_column(login, team, member):
    response = login(member).post(f"/workspace/teams/{team.pk}/journal/new/", {
        "kind": "experiment", "title": "Tensile", "measurements_text": "Sample,Load (N)\nS1,12\nS2,twelve\n"})
    assert response.status_code == 200
    assert "Row 3, column “Load (N)”: “twelve” is not a number." in response.content.decode()
    assert JournalEntry.objects.count() == 0


def test_entry_with_uploaded_csv_shows_a_table(login, team, member):
    client = login(member)
    response = client.post(f"/workspace/teams/{team.pk}/journal/new/", {
        "kind": "experiment", "title": "Tensile", "measurements_file": SimpleUploadedFile("m.csv", CSV.encode())})
    entry = JournalEntry.objects.get()
    assert response.status_code == 302
    page = client.get(f"/workspace/journal/{entry.pk}/").content.decode()
    assert "<th scope=\"col\">Load (N)</th>" in page and "<td>120.5</td>" in page


def test_journal_page_shows_the_chain_verifies(login, team, member):
    signed_entry(team, member)
    page = login(member).get(f"/workspace/teams/{team.pk}/journal/").content.decode()
    assert "The hash chain of 1 signed entry verifies" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_journal_page_names_a_tampered_entry(login, team, member):
    entry = signed_entry(team, member, title="Annealed samples")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE workspace_journalentry SET conclusion = 'forged' WHERE id = %s", [entry.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    page = login(member).get(f"/workspace/teams/{team.pk}/journal/").content.decode()
    assert "signed entry #1 “Annealed samples” was changed after signing" in page


def test_overdue_milestone_is_flagged_on_the_workspace_page(login, team, member):
    milestone(team, member, title="Late one", start_date=timezone.localdate() - timedelta(days=20),
              due_date=timezone.localdate() - timedelta(days=2))
    page = login(member).get(f"/workspace/teams/{team.pk}/").content.decode()
    assert page.count("overdue-flag") == 1
    assert '<g class="timeline-bar overdue">' in page


def test_signed_entry_edit_post_is_refused(login, team, member):
    entry = signed_entry(team, member)
    response = login(member).post(f"/workspace/journal/{entry.pk}/", {"kind": "experiment", "title": "new"})
    assert response.status_code == 403


def test_digest_opt_out_is_saved(login, member):
    login(member).post("/workspace/preferences/", {"digest_opt_out": "on"})
    assert member.workspace_digest.opted_out is True


# --- supervision dashboard -------------------------------------------------------------------
def test_supervision_lists_teams_at_risk_with_counts(login, edition, team, member, office):
    healthy = approved_project_with_team(edition=edition, title="Healthy team").team
    MembershipFactory(team=healthy, user=UserFactory(), role=MembershipRole.MEMBER)
    signed_entry(healthy, healthy.memberships.exclude(role="supervisor").first().user)
    for report_period_start in _due_period_starts(edition):
        ProgressReport.objects.create(team=healthy, period_start=report_period_start[0],
                                      period_end=report_period_start[1], due_date=report_period_start[1],
                                      status="approved", submitted_at=timezone.now(), done="x")
    milestone(team, member, start_date=timezone.localdate() - timedelta(days=9),
              due_date=timezone.localdate() - timedelta(days=1))
    response = login(office).get(f"/workspace/supervision/?edition={edition.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Corrosion of magnesium alloys" in page and "Healthy team" not in page
    assert response.context["counts"] == {"teams": 2, "overdue": 1, "inactive": 1, "missing": 1, "sent_back": 0}


def _due_period_starts(edition):
    from workspace import periods

    return [(p.start, p.end) for p in periods.report_periods(edition) if p.due < timezone.localdate()]


def test_supervision_is_404_for_students(login, member):
    assert login(member).get("/workspace/supervision/").status_code == 404


def test_supervisor_sees_only_own_teams(login, edition, team, supervisor):
    approved_project_with_team(edition=edition, title="Someone else's team")
    page = login(supervisor).get(f"/workspace/supervision/?edition={edition.pk}&all=1").content.decode()
    assert "Corrosion of magnesium alloys" in page and "Someone else" not in page


# --- query counts ----------------------------------------------------------------------------
def _fill(team, author, n):
    for i in range(n):
        m = milestone(team, author, title=f"M{i}")
        m.owners.set([author])
        signed_entry(team, author, title=f"E{i}")


@pytest.mark.parametrize("n", [1, 5])
def test_workspace_page_query_count(login, team, member, django_assert_num_queries, n):
    _fill(team, member, n)
    client = login(member)
    client.get(f"/workspace/teams/{team.pk}/")
    # The session and (after the first request) the user come from the cache; the report rows
    # and the edition's settings are not read (the page shows neither).
    with django_assert_num_queries(10):
        assert client.get(f"/workspace/teams/{team.pk}/").status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_journal_page_query_count(login, team, member, django_assert_num_queries, n):
    _fill(team, member, n)
    client = login(member)
    # The session comes from the cache; the chain's links (milestones, co-authors, files) in one.
    with django_assert_num_queries(10):
        assert client.get(f"/workspace/teams/{team.pk}/journal/").status_code == 200


@pytest.mark.parametrize("n", [1, 5])
def test_supervision_page_query_count(login, edition, office, django_assert_num_queries, n):
    for i in range(n):
        approved_project_with_team(edition=edition, title=f"Team {i}")
    client = login(office)
    with django_assert_num_queries(7):  # the session comes from the cache; every team's row in one
        assert client.get(f"/workspace/supervision/?edition={edition.pk}").status_code == 200


def test_results_draft_assembles_report_plan_and_key_results(login, team, member, supervisor):
    from workspace import periods

    milestone(team, member, title="Coating developed")
    signed_entry(team, member, title="Coating adhesion", conclusion="Adhesion doubled", key_result=True)
    start = periods.current_period(team.edition, "monthly", timezone.localdate()).start
    report = services.start_report(team=team, actor=member, period_start=start)
    services.update_report(report=report, actor=member, data={"done": "Coating series finished"})
    services.submit_report(report=report, actor=member)
    services.approve_report(report=report, actor=supervisor)
    page = login(member).get(f"/workspace/teams/{team.pk}/results-draft/").content.decode()
    assert ("Coating series finished\n\n- Coating developed (Planned)\n\n* Coating adhesion: Adhesion doubled"
            in page)
    assert f'href="/evaluation/teams/{team.pk}/results/"' in page
