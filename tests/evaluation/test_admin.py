"""The office's admin pages of the app load, and adding a member through the admin syncs groups."""

import pytest
from django.urls import reverse

from evaluation.models import ExpertGroup
from marathon.roles import COMMISSION_MEMBERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(status="researcher", is_staff=True, is_superuser=True)

MODELS = ["commission", "commissionmember", "criterion", "assignment", "conflictofinterest",
          "resultsubmission", "resultsnapshot"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelists_load(login, admin_user, commission, model):
    assert login(admin_user).get(reverse(f"admin:evaluation_{model}_changelist")).status_code == 200


def test_admin_adds_member_through_service(login, admin_user, commission):
    user = UserFactory()
    response = login(admin_user).post(reverse("admin:evaluation_commissionmember_add"), {
        "commission": commission.pk, "user": user.pk, "group": ExpertGroup.EXTERNAL, "organisation": ""})
    assert response.status_code == 302
    assert user.groups.filter(name=COMMISSION_MEMBERS).exists()
