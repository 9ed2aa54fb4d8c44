"""The yearly statistics count implementations of results once the other side confirms them."""

import pytest
from django.urls import reverse

from industry import services
from reports.exports import build_csv
from reports.statistics import compute_statistics
from tests.factories import EditionFactory

from .factories import ResearchTaskFactory

pytestmark = pytest.mark.django_db


def test_statistics_figure_moves_when_implementation_is_confirmed(professor, customer, organisation, client):
    task = ResearchTaskFactory(organisation=organisation)
    project = services.adopt_task(task=task, actor=professor, project_data={
        **services.project_data_from_task(task), "edition": EditionFactory()}).project
    implementation = services.record_implementation(
        project=project, actor=customer,
        data={"what": "Wear model", "where": "Mill 2", "implemented_on": "2025-03-01",
              "evidence_link": "https://example.org/e", "effect": "Fewer stops"})
    before = compute_statistics(year_from=2024, year_to=2026)
    assert before.implementations == 0
    services.confirm_implementation(implementation=implementation, actor=professor)
    after = compute_statistics(year_from=2024, year_to=2026)
    assert after.implementations == 1
    assert [row["implementations"] for row in after.by_year] == [0, 1, 0]
    assert ["summary", "2024-2026", "implementations", "1"] in [
        line.split(",") for line in build_csv(after).decode().splitlines()]
    body = client.get(reverse("reports:public_summary"), {"from": 2024, "to": 2026}).content.decode()
    assert 'id="figure-implementations"' in body
    assert "implementations of results at customers" in body
