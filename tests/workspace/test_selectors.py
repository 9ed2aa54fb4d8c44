"""The supervision dashboard's rows: each team's problems, their counts, and the table's order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import MembershipRole
from tests.factories import MembershipFactory, UserFactory, approved_project_with_team
from workspace import periods, selectors, services
from workspace.models import JournalEntry, ProgressReport

from .helpers import entry_data, milestone, signed_entry

pytestmark = pytest.mark.django_db


def _team(edition, name, *, overdue=0, active_days_ago=None, handed_in=False, sent_back=False):
    team = approved_project_with_team(edition=edition, title=name).team
    author = MembershipFactory(team=team, user=UserFactory(), role=MembershipRole.MEMBER).user
    today = timezone.localdate()
    for i in range(overdue):
        milestone(team, author, title=f"Late {i}", start_date=today - timedelta(days=9),
                  due_date=today - timedelta(days=1))
    if active_days_ago is not None:
        from workspace import services

        entry = services.create_entry(team=team, actor=author, data=entry_data())
        JournalEntry.objects.filter(pk=entry.pk).update(created_at=_at(active_days_ago))
    due = [p for p in periods.report_periods(edition) if p.due < today]
    for period in due if handed_in else ():
        ProgressReport.objects.create(team=team, period_start=period.start, period_end=period.end,
                                      due_date=period.due, status="approved", submitted_at=timezone.now(), done="x")
    if sent_back:
        period = due[0]
        ProgressReport.objects.create(team=team, period_start=period.start, period_end=period.end,
                                      due_date=period.due, status="changes_requested", submitted_at=timezone.now(),
                                      done="x")
    return team


_NOW = timezone.now().replace(microsecond=0)


def _at(days_ago):
    return _NOW - timedelta(days=days_ago)


@pytest.fixture
def teams(edition):
    """Alpha (risk 3), Bravo (1), Charlie (3), Delta (2, same last activity as Charlie), Echo (3),
    Foxtrot (healthy); every team but Foxtrot misses the last due report."""
    return {
        "Alpha": _team(edition, "Alpha", overdue=2),
        "Bravo": _team(edition, "Bravo", active_days_ago=0),
        "Charlie": _team(edition, "Charlie", overdue=1, active_days_ago=40),
        "Delta": _team(edition, "Delta", active_days_ago=40),
        "Echo": _team(edition, "Echo", sent_back=True),
        "Foxtrot": _team(edition, "Foxtrot", active_days_ago=1, handed_in=True),
    }


def _rows(edition, office):
    return {row.name: row for row in selectors.team_risks(edition, user=office)}


def test_team_risks_are_each_teams_problems(edition, teams, office):
    rows = _rows(edition, office)
    assert {name: (r.overdue, r.last_activity, r.inactive, r.report_missing, r.sent_back, r.risk)
            for name, r in rows.items()} == {
        "Alpha": (2, None, True, True, False, 3),
        "Bravo": (0, _at(0), False, True, False, 1),
        "Charlie": (1, _at(40), True, True, False, 3),
        "Delta": (0, _at(40), True, True, False, 2),
        "Echo": (0, None, True, True, True, 3),
        "Foxtrot": (0, _at(1), False, False, False, 0),
    }
    assert rows["Alpha"].pk == teams["Alpha"].pk


def test_risk_counts_count_every_team_not_only_those_at_risk(edition, teams, office):
    rows = selectors.team_risks(edition, user=office)
    assert selectors.risk_counts(rows) == {"teams": 6, "overdue": 2, "inactive": 4, "missing": 5, "sent_back": 1}


@pytest.mark.parametrize(("sort", "expected"), [
    ("risk", ["Alpha", "Charlie", "Echo", "Delta", "Bravo"]),
    ("name", ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]),
    ("overdue", ["Alpha", "Charlie", "Bravo", "Delta", "Echo"]),
    # Oldest activity first, teams without any last (PostgreSQL's NULLS LAST); ties by name.
    ("activity", ["Charlie", "Delta", "Bravo", "Alpha", "Echo"]),
    ("-activity", ["Alpha", "Echo", "Bravo", "Charlie", "Delta"]),
    ("unknown", ["Alpha", "Charlie", "Echo", "Delta", "Bravo"]),
])
def test_teams_at_risk_sorted_with_ties_by_name(edition, teams, office, sort, expected):
    rows = selectors.team_risks(edition, user=office)
    assert [t.name for t in selectors.teams_at_risk(rows, sort=sort)] == expected


def test_teams_at_risk_shows_healthy_teams_only_when_asked(edition, teams, office):
    rows = selectors.team_risks(edition, user=office)
    assert [t.name for t in selectors.teams_at_risk(rows, only_at_risk=False, sort="-activity")] == [
        "Alpha", "Echo", "Bravo", "Foxtrot", "Charlie", "Delta"]


def test_team_risks_of_a_supervisor_are_their_own_teams(edition, teams):
    supervisor = teams["Delta"].project.proposer
    assert [row.name for row in selectors.team_risks(edition, user=supervisor)] == ["Delta"]


def test_supervision_page_sorts_and_paginates_the_rows(login, edition, teams, office, monkeypatch):
    from workspace import views

    monkeypatch.setattr(views, "TEAMS_PER_PAGE", 2)
    response = login(office).get(f"/workspace/supervision/?edition={edition.pk}&sort=activity&page=2")
    assert [t.name for t in response.context["teams"]] == ["Bravo", "Alpha"]
    assert response.context["page"].paginator.count == 5


def test_evaluation_summary_reads_this_teams_signed_record(edition, team, member, django_assert_num_queries):
    """The score sheet's summary (statements built once per process): this team's milestones in
    due order, its latest approved report, its signed entries counted per kind and flagged ones."""
    other = approved_project_with_team(edition=edition, title="Other").team
    today = timezone.localdate()
    late = milestone(team, member, title="Prototype", due_date=today + timedelta(days=20))
    early = milestone(team, member, title="Review", due_date=today + timedelta(days=5))
    milestone(other, MembershipFactory(team=other, user=UserFactory()).user, title="Elsewhere")
    for days, status in ((60, "approved"), (30, "approved"), (1, "submitted")):
        start = today - timedelta(days=days)
        ProgressReport.objects.create(team=team, period_start=start, period_end=start + timedelta(days=9),
                                      due_date=start + timedelta(days=12), status=status, done=f"{days} days",
                                      submitted_at=timezone.now())
    key = signed_entry(team, member, title="Key", key_result=True)
    signed_entry(team, member, kind="meeting", title="Plain")
    services.create_entry(team=team, actor=member, data=entry_data(title="Draft", key_result=True))

    with django_assert_num_queries(4):
        summary = selectors.evaluation_summary(team)

    assert [m.pk for m in summary["milestones"]] == [early.pk, late.pk]
    assert summary["final_report"].done == "30 days"
    assert [e.pk for e in summary["key_results"]] == [key.pk]
    assert summary["journal_counts"] == {"Experiment": 1, "Sample test": 0, "Simulation": 0, "Literature": 0,
                                         "Meeting": 1}
    assert selectors.evaluation_summary(other)["final_report"] is None


def test_labels_are_what_get_display_gives_in_the_active_language(team, member):
    from django.utils import translation

    signed_entry(team, member, title="Tensile test", kind="meeting")
    milestone(team, member, title="Plan")
    for language in ("en", "de"):
        with translation.override(language):
            entries = selectors.with_labels(selectors.journal_of(team), "kind", "status")
            milestones = selectors.with_labels(selectors.milestones_of(team), "kind", "status")
            assert [(e.kind_label, e.status_label) for e in entries] == [
                (e.get_kind_display(), e.get_status_display()) for e in entries]
            assert [(m.kind_label, m.status_label) for m in milestones] == [
                (m.get_kind_display(), m.get_status_display()) for m in milestones]
    assert (entries[0].kind_label, entries[0].status_label) == ("Besprechung", "Signiert")


def test_team_with_people_is_what_the_orm_lookup_gives_without_more_queries(team, member, second_member,
                                                                            project, outsider,
                                                                            django_assert_num_queries):
    project.co_supervisors.set([outsider])
    expected = selectors.teams_for_workspace().get(pk=team.pk)
    with django_assert_num_queries(3):  # the team, its memberships, the co-supervisors
        found = selectors.team_with_people(team.pk)
    with django_assert_num_queries(0):  # everything the access check and the pages read is loaded
        people = [(m.pk, m.role, m.user.full_name, m.team is found) for m in found.memberships.all()]
        co_supervisors = [u.pk for u in found.project.co_supervisors.all()]
        loaded = (found.name, found.edition.year, found.project.title, found.project.edition.year)
    assert people == [(m.pk, m.role, m.user.full_name, True) for m in expected.memberships.all()]
    assert co_supervisors == [outsider.pk]
    assert loaded == (expected.name, expected.edition.year, expected.project.title, expected.project.edition.year)
    # The prefetched managers stay scoped to the team and project when filtered further.
    assert list(found.memberships.filter(user=member).values_list("team_id", flat=True)) == [team.pk]
    assert selectors.team_with_people(-1) is None


def test_work_plan_is_the_milestones_with_their_owners_in_two_queries(team, member, second_member,
                                                                      django_assert_num_queries):
    first = milestone(team, member, title="Plan")
    first.owners.set([member, second_member])
    milestone(team, member, title="Unowned")
    expected = [(m.pk, m.title, [u.pk for u in m.owners.all()]) for m in selectors.milestones_of(team)]
    with django_assert_num_queries(2):
        found = [(m.pk, m.title, [u.pk for u in m.owners.all()]) for m in selectors.work_plan(team)]
    assert found == expected and sorted(expected[0][2] + expected[1][2]) == sorted([member.pk, second_member.pk])
