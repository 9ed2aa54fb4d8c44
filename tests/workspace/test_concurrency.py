"""Concurrent edits against real PostgreSQL with real threads."""


import pytest
from django.db import connection

from marathon.exceptions import RuleViolation
from tests.concurrency import race
from workspace import services
from workspace.models import JournalEntry, Milestone

from .helpers import entry_data, milestone

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")]


def test_concurrent_edits_of_a_milestone_one_wins_the_other_is_told(team, member, supervisor):
    m = milestone(team, member)
    results = race(*[
        lambda: services.update_milestone(milestone=m, actor=member, data={"title": "By the student"},
                                          expected_version=1),
        lambda: services.update_milestone(milestone=m, actor=supervisor, data={"status": "dropped"},
                                          expected_version=1),
    ])
    winners = [r for r in results if isinstance(r, Milestone)]
    losers = [r for r in results if isinstance(r, RuleViolation)]
    assert (len(winners), len(losers)) == (1, 1)
    m.refresh_from_db()
    assert m.version == 2
    assert (m.title, m.status) in {("By the student", "planned"), ("Literature review", "dropped")}


def test_concurrent_signatures_keep_one_hash_chain(team, member, second_member):
    first = services.create_entry(team=team, actor=member, data=entry_data(title="A"))
    second = services.create_entry(team=team, actor=second_member, data=entry_data(title="B"))
    results = race(*[lambda: services.sign_entry(entry=first, actor=member),
                     lambda: services.sign_entry(entry=second, actor=second_member)])
    assert all(isinstance(r, JournalEntry) for r in results)
    from workspace.selectors import verify_chain

    assert sorted(JournalEntry.objects.values_list("chain_index", flat=True)) == [1, 2]
    assert verify_chain(team).ok is True
