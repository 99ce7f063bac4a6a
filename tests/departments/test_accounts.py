"""Accounts: the sign-in lockout and its unlock, token expiry and last use, tokens ended by a
new password."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from departments import tokens
from departments.models import ApiToken
from hotline.demo.reference import DEMO_PASSWORD
from tests.apiutil import API, error_of

LOCKED = "Too many failed sign-ins"


@pytest.fixture(autouse=True)
def five_failures_lock(settings):
    settings.AXES_FAILURE_LIMIT = 5


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, users):
    statuses = [sign_in(client, "agent", "wrong").status_code for _attempt in range(5)]

    response = sign_in(client, "agent", DEMO_PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not signed_in(client)


def test_fewer_failures_than_the_limit_still_sign_in(client, users):
    for _attempt in range(4):
        sign_in(client, "agent", "wrong")

    response = sign_in(client, "agent", DEMO_PASSWORD)

    assert response.status_code == 302 and signed_in(client)


def test_failures_from_one_address_lock_every_account_from_it(client, users, settings):
    settings.NUM_PROXIES = 1  # the address is our proxy's X-Forwarded-For entry
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", **attacker)

    from_attacker = sign_in(client, "supervisor", DEMO_PASSWORD, **attacker)
    elsewhere = sign_in(client, "supervisor", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert from_attacker.status_code == 429
    assert elsewhere.status_code == 302


def test_a_center_supervisor_unlocks_an_account(client, users):
    for _attempt in range(5):
        sign_in(client, "handler", "wrong")
    supervisor = APIClient()
    supervisor.force_login(users["supervisor"])

    listed = supervisor.get(reverse("departments:lockouts"))
    unlocked = supervisor.post(
        reverse("departments:lockouts"), {"kind": "username", "value": "handler"}
    )

    assert "handler" in listed.content.decode()
    assert unlocked.status_code == 302
    assert sign_in(client, "handler", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("username", ["agent", "handler", "deptadmin"])
def test_only_center_supervisors_open_the_unlock_page(users, username):
    other = APIClient()
    other.force_login(users[username])

    assert other.get(reverse("departments:lockouts")).status_code == 403
    assert (
        other.post(reverse("departments:lockouts"), {"kind": "username", "value": "x"}).status_code
        == 403
    )


def test_the_token_login_counts_failures_and_answers_locked_out(users):
    api = APIClient()
    login = f"{API}auth/token/"
    wrong = {"username": "agent", "password": "no", "name": "x"}
    statuses = [api.post(login, wrong, format="json").status_code for _attempt in range(5)]

    right = api.post(
        login, {"username": "agent", "password": DEMO_PASSWORD, "name": "x"}, format="json"
    )

    assert statuses == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert error_of(right)["code"] == "locked_out"
    assert not ApiToken.objects.filter(user=users["agent"]).exists()


def token_api(key) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_an_expired_token_is_refused_with_401_and_rotating_renews_it(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    assert token.expires_at > timezone.now() + timedelta(days=89)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    refused = token_api(key).get(f"{API}me/")
    new_key = tokens.rotate_token(token, actor=users["deptadmin"])

    assert refused.status_code == 401
    assert "expired" in error_of(refused)["message"]
    assert token_api(new_key).get(f"{API}me/").status_code == 200


def test_last_use_is_kept_to_the_minute(departments, users):
    token, key = tokens.issue_token(departments["cgj"], actor=users["deptadmin"], name="ERP")
    recently = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)

    token_api(key).get(f"{API}me/")
    unchanged = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently - timedelta(minutes=2))
    token_api(key).get(f"{API}me/")

    assert unchanged == recently
    assert ApiToken.objects.get(pk=token.pk).last_used_at > recently


def test_a_new_password_revokes_the_users_own_tokens_only(departments, users):
    handler = users["handler"]
    login = f"{API}auth/token/"
    issued = APIClient().post(
        login, {"username": "handler", "password": DEMO_PASSWORD, "name": "cli"}, format="json"
    )
    personal_key = issued.json()["token"]
    _service, service_key = tokens.issue_token(
        departments["cgj"], actor=users["deptadmin"], name="ERP"
    )

    handler.set_password("a-new-long-passphrase")
    handler.save()

    assert token_api(personal_key).get(f"{API}me/").status_code == 401
    assert token_api(service_key).get(f"{API}me/").status_code == 200


def test_saving_a_user_without_a_new_password_keeps_the_tokens(users):
    handler = users["handler"]
    issued = APIClient().post(
        f"{API}auth/token/",
        {"username": "handler", "password": DEMO_PASSWORD, "name": "cli"},
        format="json",
    )
    handler.first_name = "New name"
    handler.save()

    assert token_api(issued.json()["token"]).get(f"{API}me/").status_code == 200


@pytest.mark.parametrize(("username", "offered"), [("supervisor", True), ("agent", False)])
def test_the_unlock_page_is_in_the_menu_of_those_who_may_open_it(client, users, username, offered):
    client.force_login(users[username])
    page = client.get(reverse("home")).content.decode()
    assert (reverse("departments:lockouts") in page) is offered
