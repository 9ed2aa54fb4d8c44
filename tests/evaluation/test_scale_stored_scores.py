"""Generated scale data stores each filled sheet's weighted score as the services do, so the
benchmark's data reads like a real edition's (no rebuild needed before measuring)."""

import pytest
from django.core.management import call_command

from evaluation.models import Commission, ScoreSheet
from evaluation.services import rebuild_results_aggregates

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_generated_sheets_carry_the_weighted_score_the_services_would_store():
    call_command("generate_scale_data", scale=1, seed=5)
    generated = dict(ScoreSheet.objects.values_list("pk", "weighted_score"))
    assert sum(score is not None for score in generated.values()) > 20
    ScoreSheet.objects.update(weighted_score=None)
    for commission in Commission.objects.all():
        rebuild_results_aggregates(commission=commission)
    rebuilt = dict(ScoreSheet.objects.values_list("pk", "weighted_score"))
    assert generated == rebuilt
