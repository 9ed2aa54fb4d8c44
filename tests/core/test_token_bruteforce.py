"""Issue 12.3: the token endpoint shares the login page's lockout and trusts no client-sent address."""

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def account(db):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def guess(client, email: str, password: str, number: int):
    return client.post(TOKEN_URL, {"email": email, "password": password}, content_type="application/json",
                       HTTP_X_FORWARDED_FOR=f"203.0.113.{number % 250}")


def test_token_guesses_with_rotating_forwarded_for_get_429(client, account):
    responses = [guess(client, account.email, f"wrong-{n}", n) for n in range(40)]
    assert [r.status_code for r in responses[:5]] == [400] * 5
    assert {r.status_code for r in responses[5:]} == {429}
    assert responses[5].json() == {"detail": "Too many failed login attempts. Try again later.", "errors": {}}


def test_token_guesses_across_accounts_limited_by_remote_address(client, db):
    """The login page's per-address limit (10 failures a minute), whatever X-Forwarded-For says."""
    statuses = [guess(client, f"nobody{n}@example.org", "wrong", n).status_code for n in range(40)]
    assert statuses[:10] == [400] * 10
    assert set(statuses[10:]) == {429}


def test_token_refused_for_account_locked_on_login_page(client, account):
    for _ in range(5):
        client.post("/accounts/login/", {"login": account.email, "password": "wrong"})
    response = client.post(TOKEN_URL, {"email": account.email, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 429
    assert "token" not in response.json()


def test_token_failures_lock_the_login_page(client, account):
    for n in range(5):
        guess(client, account.email, "wrong", n)
    response = client.post("/accounts/login/", {"login": account.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_right_password_after_few_failures_works(client, account):
    for n in range(3):
        guess(client, account.email, "wrong", n)
    response = guess(client, account.email, PASSWORD, 9)
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_trusted_proxy_count_takes_address_from_forwarded_for(client, settings, db):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = {guess(client, f"nobody{n}@example.org", "wrong", n).status_code for n in range(25)}
    assert statuses == {400}  # 25 different client addresses, each under its limit
