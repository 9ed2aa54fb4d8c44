"""Scale data (issue 12 item 20): each app ships its own `<app>/scale.py`, found by the core, and
`generate_scale_data` still writes the same rows for the same seed (and day)."""

import ast
import hashlib
import json
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command

from marathon import scale

TODAY = date(2026, 12, 3)  # the clock is frozen: the generator anchors its dates on today

# (model, deterministic columns, ordering): natural keys only, never primary keys or password hashes.
COLUMNS = [
    ("marathon.University", ("name", "short_name", "country", "city"), ("name",)),
    ("marathon.Organisation", ("name", "kind", "country"), ("name",)),
    ("marathon.Edition", ("year", "proposals_end", "evaluation_start"), ("year",)),
    ("marathon.User", ("email", "full_name", "status", "university__name", "skills"), ("email",)),
    ("projects.Project", ("title", "status", "proposer__email", "customer__name", "edition__year"),
     ("edition__year", "title", "proposer__email", "created_at")),
    ("projects.Membership", ("team__project__title", "user__email", "role"),
     ("team__project__title", "user__email")),
    ("teams.JoinRequest", ("team__project__title", "student__email", "status"),
     ("team__project__title", "student__email", "status", "created_at")),
    ("evaluation.CommissionMember", ("commission__edition__year", "user__email", "group"),
     ("commission__edition__year", "user__email")),
    ("evaluation.Score", ("sheet__assignment__project__title", "sheet__assignment__member__user__email",
                          "criterion__name", "value"),
     ("sheet__assignment__project__title", "sheet__assignment__member__user__email", "criterion__name")),
    ("evaluation.ScoreSheet", ("assignment__project__title", "assignment__member__user__email", "status"),
     ("assignment__project__title", "assignment__member__user__email")),
    ("mobility.Mobility", ("participant__email", "kind", "status", "host_university__name", "planned_start",
                           "funding_source", "distance_km", "grant_total"),
     ("participant__email", "planned_start")),
    ("outcomes.Publication", ("doi", "title", "year", "type"), ("doi",)),
    ("outcomes.GrantApplication", ("title", "programme", "amount", "status"), ("title",)),
    ("outcomes.ConferenceParticipation", ("contribution_title", "conference", "country"),
     ("contribution_title",)),
]
COUNTED = [
    "marathon.University", "marathon.ScientificArea", "marathon.Organisation", "marathon.Edition",
    "marathon.User", "marathon.Notification", "projects.Project", "projects.Team", "projects.Membership",
    "teams.JoinRequest", "evaluation.Commission", "evaluation.CommissionMember", "evaluation.Criterion",
    "evaluation.Assignment", "evaluation.ScoreSheet", "evaluation.Score", "evaluation.ScoreSheetRevision",
    "evaluation.ResultSubmission", "evaluation.ResultSnapshot", "mobility.Mobility", "mobility.GrantRateTable",
    "outcomes.Publication", "outcomes.PublicationAuthor", "outcomes.GrantApplication",
    "outcomes.ConferenceParticipation",
]

# Computed on the code before the steps moved out of the core (marathon/scale.py with every app's data).
EXPECTED_COUNTS = {
    "marathon.University": 10, "marathon.ScientificArea": 6, "marathon.Organisation": 7,
    "marathon.Edition": 4, "marathon.User": 220, "marathon.Notification": 94, "projects.Project": 36,
    "projects.Team": 32, "projects.Membership": 223, "teams.JoinRequest": 126, "evaluation.Commission": 4,
    "evaluation.CommissionMember": 44, "evaluation.Criterion": 20, "evaluation.Assignment": 140,
    "evaluation.ScoreSheet": 140, "evaluation.Score": 605, "evaluation.ScoreSheetRevision": 121,
    "evaluation.ResultSubmission": 20, "evaluation.ResultSnapshot": 2, "mobility.Mobility": 100,
    "mobility.GrantRateTable": 2, "outcomes.Publication": 20, "outcomes.PublicationAuthor": 78,
    "outcomes.GrantApplication": 12, "outcomes.ConferenceParticipation": 16,
}
EXPECTED_HASH = "b715dfdcc96bf16458b68aecaa417a645bca1421e49cf5a82812ebff8d429a08"


def fingerprint() -> tuple[dict, str]:
    counts = {name: apps.get_model(name).objects.count() for name in COUNTED}
    digest = hashlib.sha256()
    for name, columns, ordering in COLUMNS:
        rows = apps.get_model(name).objects.order_by(*ordering).values_list(*columns)
        digest.update(json.dumps([name, list(rows)], default=str).encode())
    return counts, digest.hexdigest()


@pytest.mark.django_db
@pytest.mark.slow
def test_generate_scale_data_fingerprint_unchanged_by_the_app_modules():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        call_command("generate_scale_data", scale=2, seed=7)
    counts, digest = fingerprint()
    assert counts == EXPECTED_COUNTS
    assert digest == EXPECTED_HASH


def test_scale_core_imports_no_app():
    tree = ast.parse(Path(scale.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    app_names = ("projects", "teams", "evaluation", "mobility", "reports")
    assert sorted(name for name in imported if name.split(".")[0] in app_names) == []


def test_scale_app_steps_found_per_app_in_order():
    steps = [step.__name__ for step in scale.app_steps()]
    assert steps[:5] == ["projects", "teams", "evaluation", "mobility", "outcomes"]  # new apps follow (70+)
