"""Experts and teams read the criteria in their own language: names, guidance and level labels
are translated reference data, falling back to English."""

import pytest

from evaluation import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_science(criteria):
    science = criteria[0]
    science.name_de, science.guidance_de = "Wissenschaftliche Qualität", "Solidität der Methoden."
    science.level_labels_de = ["Mangelhaft", "Ausreichend", "Gut", "Sehr gut", "Hervorragend"]
    science.save()
    return science


def test_score_sheet_shows_criteria_in_the_experts_language(login, commission, chair, expert_member,
                                                           german_science, project):
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    expert_member.user.preferred_language = "de"
    expert_member.user.save()
    html = login(expert_member.user).get(f"/evaluation/sheets/{sheet.pk}/").content.decode()
    assert "Wissenschaftliche Qualität" in html
    assert "Solidität der Methoden." in html
    assert "Hervorragend" in html
    assert "Value" in html  # not translated: English

