"""The department admin's token and webhook pages (server side; the browser test drives them)."""

from departments.models import ApiToken, WebhookDelivery, WebhookEndpoint
from departments.tokens import find_token
from tests.apiutil import dispatched


def test_only_department_admins_reach_the_pages(client, users):
    assert client.get("/departments/tokens/").status_code == 302  # to the login page
    client.force_login(users["handler"])
    assert client.get("/departments/tokens/").status_code == 403
    assert client.get("/departments/webhooks/").status_code == 403


def test_admin_issues_renames_rotates_and_revokes_a_token(client, users, cgj):
    client.force_login(users["deptadmin"])
    response = client.post("/departments/tokens/", {"name": "ERP", "scope": "api"})
    assert response.status_code == 200
    key = response.context["new_key"]
    token = find_token(key)
    assert token.department == cgj and token.user.username == "api-cgj"
    assert key in response.content.decode() and key not in token.key_hash
    client.post(f"/departments/tokens/{token.pk}/rename/", {"name": "ERP v2"})
    token.refresh_from_db()
    assert token.name == "ERP v2"
    new_key = client.post(f"/departments/tokens/{token.pk}/rotate/").context["new_key"]
    assert find_token(key) is None and find_token(new_key).pk == token.pk
    client.post(f"/departments/tokens/{token.pk}/revoke/")
    assert find_token(new_key) is None


def test_a_form_error_keeps_what_was_typed(client, users):
    client.force_login(users["deptadmin"])
    response = client.post("/departments/tokens/", {"name": "ERP", "scope": "open311"})
    assert response.status_code == 400  # Open311 keys are the center's
    assert 'value="ERP"' in response.content.decode()
    assert not ApiToken.objects.exists()
    response = client.post("/departments/webhooks/", {"url": "http://erp.example/hook"})
    assert response.status_code == 400
    assert "http://erp.example/hook" in response.content.decode()
    assert "https://" in response.content.decode()


def test_another_departments_token_is_out_of_reach(client, users, scjgj):
    from departments import tokens

    token, _key = tokens.issue_token(scjgj, actor=None, name="theirs")
    client.force_login(users["deptadmin"])
    assert client.post(f"/departments/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_webhook_registration_and_delivery_log(client, users, cgj, django_assert_max_num_queries):
    client.force_login(users["deptadmin"])
    response = client.post("/departments/webhooks/", {"url": "https://erp.example/hook"})
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(department=cgj, is_active=True)
    assert response.context["new_secret"] == endpoint.secret
    for _ in range(3):
        dispatched(users["agent"], cgj)
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 3
    with django_assert_max_num_queries(12):
        page = client.get("/departments/webhooks/")
    assert page.content.decode().count("case_dispatched") == 3
    assert endpoint.secret not in page.content.decode()
