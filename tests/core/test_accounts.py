import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail

from marathon.models import AuditEntry, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(uni, **overrides):
    data = {"email": "new.student@example.org", "password1": "a-Long-unusual-pass-42",
            "password2": "a-Long-unusual-pass-42", "full_name": "Nina Newcomer",
            "university": uni.pk, "status": "master"}
    return {**data, **overrides}


def test_signup_creates_user_and_sends_verification(client, university):
    response = client.post("/accounts/signup/", signup_data(university))
    assert response.status_code == 302
    user = User.objects.get(email="new.student@example.org")
    assert (user.full_name, user.university, user.status, user.country) == (
        "Nina Newcomer", university, "master", university.country)
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert EmailAddress.objects.get(user=user).verified is False


def test_login_refused_until_email_verified(client, university):
    client.post("/accounts/signup/", signup_data(university))
    client.logout()
    response = client.post("/accounts/login/", {"login": "new.student@example.org",
                                                "password": "a-Long-unusual-pass-42"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_verification_link_then_login(client, university):
    client.post("/accounts/signup/", signup_data(university))
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="new.student@example.org").verified is True
    response = client.post("/accounts/login/", {"login": "new.student@example.org",
                                                "password": "a-Long-unusual-pass-42"})
    assert response.status_code == 302
    assert client.get("/").context["user"].email == "new.student@example.org"


@pytest.mark.parametrize("overrides, field", [
    ({"full_name": " "}, "full_name"),
    ({"email": "not-an-email"}, "email"),
    ({"password2": "different-password-1"}, "password2"),
    ({"status": "wizard"}, "status"),
    ({"university": ""}, "university"),
])
def test_signup_bad_input_shows_error_and_writes_nothing(client, university, overrides, field):
    response = client.post("/accounts/signup/", signup_data(university, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_signup_industry_without_university_is_allowed(client):
    response = client.post("/accounts/signup/", {
        "email": "rep@company.example", "password1": "a-Long-unusual-pass-42",
        "password2": "a-Long-unusual-pass-42", "full_name": "Ivan Industry", "university": "",
        "status": "industry"})
    assert response.status_code == 302
    assert User.objects.get(email="rep@company.example").university is None


def test_logout(login, student):
    client = login(student)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_mail(client, student):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    response = client.post("/accounts/password/reset/", {"email": student.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_profile_edit_saves_and_audits(login, student):
    client = login(student)
    response = client.post("/profile/", {
        "full_name": "Renamed Person", "university": student.university.pk, "country": "AT",
        "status": "master", "orcid": "0000-0002-1825-0097", "skills": "Python, CFD",
        "languages": "English", "preferred_language": "en"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.full_name, student.status, student.orcid) == (
        "Renamed Person", "master", "0000-0002-1825-0097")
    entry = AuditEntry.objects.get(action="profile.updated")
    assert entry.actor == student
    assert entry.changes["status"] == ["bachelor", "master"]


def test_profile_bad_orcid_shows_error_and_changes_nothing(login, student):
    client = login(student)
    response = client.post("/profile/", {
        "full_name": "Renamed Person", "university": student.university.pk, "country": "AT",
        "status": "master", "orcid": "1234", "skills": "", "languages": "",
        "preferred_language": "en"})
    assert response.status_code == 200
    assert "orcid" in response.context["form"].errors
    student.refresh_from_db()
    assert (student.status, student.orcid) == ("bachelor", "")
    assert AuditEntry.objects.count() == 0


def test_profile_requires_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_totp_is_sent_to_two_factor_setup(settings, login, office):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = login(office).get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


def test_staff_with_totp_passes(settings, login, office):
    settings.MFA_REQUIRED_FOR_STAFF = True
    Authenticator.objects.create(user=office, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert login(office).get("/profile/").status_code == 200


def test_students_are_not_forced_into_two_factor(settings, login, student):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert login(student).get("/profile/").status_code == 200


def test_login_rate_limited_after_repeated_failures(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    responses = [client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
                 for _ in range(6)]
    assert "Too many failed login attempts" not in responses[4].content.decode()
    assert "Too many failed login attempts" in responses[5].content.decode()
    # even the right password is refused while the limit holds
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
