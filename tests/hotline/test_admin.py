"""Every admin changelist and change page loads for a superuser with a bounded query count."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.numbers import next_case_number
from departments.tokens import issue_token

pytestmark = pytest.mark.django_db

# Admin pages run a handful of queries of their own (session, user, counts, filters); what
# matters is that the number does not grow with the rows listed.
MAX_QUERIES = 20

MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def some_cases(departments):
    from django.utils import timezone

    today = timezone.localdate()
    cases = [
        Case.objects.create(
            number=next_case_number(today),
            channel="phone",
            request_type="complaint",
            content=f"路灯不亮 {n}",
            citizen_phone="13800138000",
        )
        for n in range(5)
    ]
    for case in cases:
        CaseEvent.objects.create(case=case, type="registered", data={})
    issue_token(departments["cgj"], actor=None, name="城管业务系统")
    return cases


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_changelist_loads_with_bounded_queries(
    superuser_client, some_cases, django_assert_max_num_queries, app_label, model_name
):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = superuser_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_change_page_loads_with_bounded_queries(
    superuser_client, some_cases, django_assert_max_num_queries, app_label, model_name
):
    model = apps.get_model(app_label, model_name)
    obj = model.objects.order_by("pk").first()
    if obj is None:
        url = reverse(f"admin:{app_label}_{model_name}_add")
    else:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = superuser_client.get(url)
    assert response.status_code == 200


def test_case_search_by_number_phone_and_text(superuser_client, some_cases):
    url = reverse("admin:cases_case_changelist")
    for term in (some_cases[0].number, "13800138000", "路灯"):
        response = superuser_client.get(url, {"q": term})
        assert some_cases[0].number in response.content.decode()
