import pytest

from mobility.models import MobilityStatus

from .factories import MobilityFactory

pytestmark = pytest.mark.django_db


def test_rate_table_editable_in_admin(login, office, ka1):
    office.is_superuser = True
    office.save()
    html = login(office).get(f"/admin/mobility/grantratetable/{ka1.pk}/change/").content.decode()
    assert 'name="bands-0-standard_amount"' in html
    assert 'name="daily_rates-0-amount"' in html


def test_admin_action_approves_through_the_service(login, office):
    office.is_superuser = True
    office.save()
    mobility = MobilityFactory(status=MobilityStatus.SUBMITTED)
    login(office).post("/admin/mobility/mobility/", {
        "action": "approve_selected", "_selected_action": [mobility.pk]})
    mobility.refresh_from_db()
    assert (mobility.status, mobility.decided_by) == ("approved", office)
