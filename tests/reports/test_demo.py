"""`seed_demo` reproduces the seed's "Results for 2018 – 2020" from real rows.

Needs the projects and mobility demos (colleagues' apps); skipped until both are present."""

from importlib.util import find_spec

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

DEMOS_PRESENT = all(find_spec(name) is not None for name in ("projects.demo", "mobility.demo"))


@pytest.mark.skipif(not DEMOS_PRESENT, reason="projects.demo or mobility.demo is not merged yet")
def test_seed_demo_gives_the_seed_results_block(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    body = APIClient().get("/api/v1/stats/?from=2018&to=2020").json()
    assert set(body["partner_universities"]) == {
        "TU Graz", "Technical University of Madrid", "University of Cadiz", "TU Berlin"}
    assert set(body["scientific_areas"]) == {
        "IT technologies", "Materials science", "Biomedical technologies", "Linguistics", "Energy"}
    assert body["participants"] >= 95
    assert body["projects"] >= 15
    assert body["joint_publications"] == 10
    assert body["grant_applications"] == 6
    assert body["conferences"] == 8
    assert body["erasmus_mobility_grants"] == 7
    # idempotent: a second run adds nothing
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert APIClient().get("/api/v1/stats/?from=2018&to=2020").json() == body
