"""`bench/results_cost.py` (round 4) on scale-1 data: its bodies are the comparison of two versions of
the code, so the same code must write the same bytes twice (clock frozen, everything rolled back)."""

import pytest
from django.core.management import call_command

from bench import results_cost

pytestmark = pytest.mark.django_db


def test_bodies_are_the_same_bytes_twice_and_leave_nothing_behind(tmp_path, capsys):
    from evaluation.models import ConflictOfInterest, ScoreSheet

    call_command("generate_scale_data", scale=1, seed=3, evaluation_projects=12, evaluation_sheets=40)
    submitted = ScoreSheet.objects.filter(status="submitted").count()
    results_cost.bodies(tmp_path / "a")
    results_cost.bodies(tmp_path / "b")
    first = {path.name: path.read_bytes() for path in (tmp_path / "a").iterdir()}
    assert first == {path.name: path.read_bytes() for path in (tmp_path / "b").iterdir()}
    assert any(name.endswith("-de-cold-conflicts") for name in first)
    assert all(body.startswith(b"200\n{") for body in first.values())
    assert ScoreSheet.objects.filter(status="submitted").count() == submitted
    assert not ConflictOfInterest.objects.exists()
    results_cost.cost(2)
    assert "worker CPU median" in capsys.readouterr().out
