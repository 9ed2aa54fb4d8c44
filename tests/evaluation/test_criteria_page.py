"""Chairs and the office edit the edition's criteria; scored scales and published editions are frozen."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Criterion
from marathon.exceptions import RuleViolation
from marathon.models import AuditEntry
from tests.querycount import PAGE_BASE

from .factories import CriterionFactory
from .helpers import full_scores, publish

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {"name": "Impact", "guidance": "", "weight": "2", "scale_min": "1", "scale_max": "3",
            "labels": "Low\nMedium\nHigh", "required": "on", "position": "5"}
    return {**data, **overrides}


def test_chair_adds_criterion(login, commission, chair, edition):
    response = login(chair).post(reverse("evaluation:criteria", args=[edition.year]), form())
    assert response.status_code == 302
    criterion = Criterion.objects.get(edition=edition, name="Impact")
    assert (float(criterion.weight), criterion.level_labels, criterion.required) == (2.0, ["Low", "Medium", "High"],
                                                                                      True)
    assert AuditEntry.objects.filter(action="evaluation.criterion_added", actor=chair).count() == 1


def test_office_changes_weight(login, commission, office_user, criteria, edition):
    science = criteria[0]
    url = reverse("evaluation:criterion", args=[edition.year, science.pk])
    assert "Science" in login(office_user).get(url).content.decode()
    data = form(name="Science", weight="4", scale_min="1", scale_max="5",
                labels="\n".join(science.level_labels))
    assert login(office_user).post(url, data).status_code == 302
    science.refresh_from_db()
    assert float(science.weight) == 4.0


def test_wrong_number_of_labels_is_a_form_error(login, commission, chair, edition):
    response = login(chair).post(reverse("evaluation:criteria", args=[edition.year]), form(labels="Low\nHigh"))
    assert response.status_code == 200
    assert "Give exactly 3 labels" in response.content.decode()
    assert not Criterion.objects.filter(name="Impact").exists()


def test_duplicate_name_is_a_form_error(login, commission, chair, criteria, edition):
    response = login(chair).post(reverse("evaluation:criteria", args=[edition.year]),
                                 form(name="Science", labels=""))
    assert response.status_code == 200
    assert Criterion.objects.filter(edition=edition, name="Science").count() == 1


def test_scored_criterion_keeps_its_scale(commission, chair, expert_member, project, criteria):
    sheet = services.assign_expert(member=expert_member, project=project, actor=chair).sheet
    services.save_score_sheet(sheet=sheet, actor=expert_member.user, scores=full_scores(criteria, [3, 3]))
    with pytest.raises(RuleViolation):
        services.save_criterion(commission=commission, actor=chair, criterion=criteria[0],
                                values={"scale_max": 10, "level_labels": []})
    services.save_criterion(commission=commission, actor=chair, criterion=criteria[0], values={"weight": 5})
    criteria[0].refresh_from_db()
    assert (criteria[0].scale_max, float(criteria[0].weight)) == (5, 5.0)


def test_published_edition_criteria_frozen(commission, chair, scored, criteria):
    publish(commission, chair)
    with pytest.raises(RuleViolation):
        services.save_criterion(commission=commission, actor=chair, criterion=criteria[0], values={"weight": 9})


def test_experts_and_students_cannot_edit(login, commission, expert, team_member, criteria, edition):
    for user in (expert, team_member):
        client = login(user)
        assert client.get(reverse("evaluation:criteria", args=[edition.year])).status_code == 404
        assert client.post(reverse("evaluation:criteria", args=[edition.year]), form()).status_code == 404
    assert not Criterion.objects.filter(name="Impact").exists()


def test_criterion_of_other_edition_is_404(login, commission, chair, edition):
    other = CriterionFactory(name="Elsewhere")
    assert login(chair).get(reverse("evaluation:criterion", args=[edition.year, other.pk])).status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_criteria_page_query_count(login, commission, chair, edition, rows, django_assert_num_queries):
    for i in range(rows):
        CriterionFactory(edition=edition, name=f"C{i}")
    client = login(chair)
    with django_assert_num_queries(PAGE_BASE + 3):
        response = client.get(reverse("evaluation:criteria", args=[edition.year]))
    assert response.content.decode().count('class="criterion-row"') == rows
