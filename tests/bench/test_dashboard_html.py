"""`bench/dashboard_html.py` (round 5) on scale-1 data: its pages are the comparison of two versions
of the code, so the same code must write the same bytes twice (clock frozen, tokens masked,
everything rolled back)."""

import pytest
from django.core.management import call_command

from bench import dashboard_html

pytestmark = pytest.mark.django_db


def test_pages_are_the_same_bytes_twice_and_leave_nothing_behind(tmp_path):
    from evaluation.models import Commission, ConflictOfInterest, ScoreSheet

    call_command("generate_scale_data", scale=1, seed=3, evaluation_projects=12, evaluation_sheets=40)
    submitted = ScoreSheet.objects.filter(status="submitted").count()
    needed = sorted(Commission.objects.values_list("min_sheets_per_project", flat=True))
    dashboard_html.write(str(tmp_path / "a"))
    dashboard_html.write(str(tmp_path / "b"))
    first = {path.name: path.read_bytes() for path in (tmp_path / "a").iterdir()}
    assert first == {path.name: path.read_bytes() for path in (tmp_path / "b").iterdir()}
    assert any(name.endswith("-de-0-cold-conflicts.html") for name in first)
    assert any(name.endswith("-needed5.html") for name in first)
    assert all(body.startswith(b"200\n") for body in first.values())
    assert all(b'csrfmiddlewaretoken" value="X"' in body for name, body in first.items() if "-chair-" in name)
    assert ScoreSheet.objects.filter(status="submitted").count() == submitted
    assert not ConflictOfInterest.objects.exists()
    assert sorted(Commission.objects.values_list("min_sheets_per_project", flat=True)) == needed
