import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from marathon.exceptions import RuleViolation
from mobility import services
from mobility.models import Mobility, MobilityStatus

from .factories import MobilityFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_approvals_at_the_same_moment_one_wins(coordinator, office):
    first = MobilityFactory(status=MobilityStatus.SUBMITTED)
    second = MobilityFactory(participant=first.participant, status=MobilityStatus.SUBMITTED,
                             planned_start=first.planned_start + timedelta(days=10),
                             planned_end=first.planned_end + timedelta(days=10))
    barrier = threading.Barrier(2)
    results = {}

    def approve(mobility, actor):
        try:
            barrier.wait(timeout=10)
            services.approve_mobility(mobility=mobility, actor=actor)
            results[mobility.pk] = "approved"
        except RuleViolation as error:
            results[mobility.pk] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(first, coordinator)),
               threading.Thread(target=approve, args=(second, office))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["approved", "overlap"]
    assert Mobility.objects.filter(status=MobilityStatus.APPROVED).count() == 1
