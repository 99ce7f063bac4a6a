"""Every admin changelist and change page loads for a superuser with a bounded query count; the
admin is the center's tool: only its supervisors (and superusers) get in, rows a service owns
are view only, and memberships, tokens, webhooks and the knowledge workflow are not bypassed."""

import datetime
import importlib

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import Satisfaction, SupervisionLevel
from cases.models import Attachment, Case, CaseEvent
from cases.numbers import next_case_number
from cases.services.review import seed_demo_policies
from departments import rule_services
from departments.models import ApiToken, Membership, ResponsibilityRule, WebhookEndpoint
from departments.tokens import issue_token
from departments.webhooks import register_endpoint
from hotline.demo import reference
from knowledgebase import services as kb
from knowledgebase.models import Article
from notifications import survey as sms_survey
from tests.apiutil import dispatched

pytestmark = pytest.mark.django_db

# Admin pages run a handful of queries of their own (session, user, counts, filters); what
# matters is that the number does not grow with the rows listed.
MAX_QUERIES = 20

MODEL_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
# Every demo user but the center's supervisor: none of them uses the admin.
NOT_THE_ADMINS = sorted(set(reference.DEMO_USERS) - {"supervisor"})
OUR_APPS = {"auth", "cases", "departments", "knowledgebase", "notifications", "hotline"}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def _a_row_of_every_model(users, departments) -> None:
    """Through the services: a case with its lifecycle rows, a dispute, an article, a webhook."""
    agent, supervisor, handler = users["agent"], users["supervisor"], users["handler"]
    register_endpoint(departments["cgj"], actor=users["deptadmin"], url="https://example.org/in")
    case, assignment = dispatched(agent, departments["cgj"], citizen_phone="13911112222")
    services.sign_assignment(assignment, actor=handler)
    services.request_extension(assignment, actor=handler, reason="需要现场勘查", days=3)
    due = timezone.now() + datetime.timedelta(days=2)
    services.supervise_case(
        case, actor=supervisor, level=SupervisionLevel.NORMAL, reason="久拖未办", due_at=due
    )
    services.reply_assignment(assignment, actor=handler, result="resolved", content="已处理。")
    services.record_callback(
        case, actor=agent, reached=True, resolved=True, satisfaction=Satisfaction.SATISFIED
    )
    Attachment.objects.create(case=case, file="attachments/photo.jpg", name="photo.jpg")
    seed_demo_policies()  # the reply-review rules (issue 14)
    disputed, returned = dispatched(agent, departments["scjgj"])
    services.return_assignment(returned, actor=users["handler2"], reason="不归我们管")
    services.open_dispute(disputed, actor=supervisor, reason="两个部门都说不归自己")
    article = kb.create_article(
        actor=users["editor"], department=departments["sub-12333"], title="社保卡挂失", answer="..."
    )
    kb.submit_article(article, actor=users["editor"])
    kb.publish_article(article, actor=users["reviewer"])
    kb.record_feedback(article, actor=agent, helpful=True)
    # a mistyped password: the sign-in lockout's rows (django-axes) have an admin too
    Client().post(reverse("login"), {"username": "agent", "password": "not-the-password"})
    AccessFailureLog.objects.create(  # axes writes this log only when told to
        username="agent", ip_address="127.0.0.1", user_agent="", http_accept="", path_info="/"
    )
    # a citizen's SMS asking for no more messages: an inbound row and an opt-out
    sms_survey.receive(message_id="in-1", phone="13911112222", content="TD")
    rule_services.create_rule(
        actor=supervisor,
        fields={"name": "路灯归城管", "department": departments["cgj"], "include_words": ["路灯"]},
        reason="三定方案",
    )


@pytest.fixture
def some_cases(departments, users):
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
    _a_row_of_every_model(users, departments)
    return cases


def _first_row(app_label: str, model_name: str):
    """The model's first row; ours always have one here (a library's may have none yet)."""
    obj = apps.get_model(app_label, model_name).objects.order_by("pk").first()
    assert obj is not None or app_label not in OUR_APPS, f"no {app_label}.{model_name} row"
    return obj


def _admin_pages():
    """The index, then every registered model's changelist and the change page of its first row."""
    yield reverse("admin:index")
    for app_label, model_name in MODEL_ADMINS:
        yield reverse(f"admin:{app_label}_{model_name}_changelist")
        obj = _first_row(app_label, model_name)
        if obj is not None:
            yield reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])


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


# --- who gets in ------------------------------------------------------------------------------


def test_only_the_supervisor_has_a_staff_account(users):
    assert {name for name, user in users.items() if user.is_staff} == {"supervisor"}


@pytest.mark.parametrize("username", NOT_THE_ADMINS)
def test_no_one_but_the_center_opens_an_admin_page(client, users, some_cases, username):
    client.force_login(users[username])
    for url in _admin_pages():
        assert client.get(url).status_code in (302, 403), url


@pytest.mark.parametrize("username", NOT_THE_ADMINS)
def test_a_staff_flag_alone_opens_no_admin_page(client, users, some_cases, username):
    """A department account made staff by hand (as every demo user was) still gets nothing."""
    user = users[username]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    for url in _admin_pages():
        assert client.get(url).status_code in (302, 403), url


@pytest.mark.parametrize("username", NOT_THE_ADMINS)
def test_model_admins_refuse_non_center_users_themselves(rf, users, username):
    """Each ModelAdmin asks the policy itself, not only the site: nothing to view, no rows."""
    user = users[username]
    user.is_staff = True
    request = rf.get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.has_view_permission(request), model
        assert not model_admin.has_module_permission(request), model
        if model._meta.app_label in OUR_APPS - {"auth"}:
            assert not model_admin.get_queryset(request).exists(), model


def test_department_roles_hold_no_admin_permission():
    for role in ("agent", "handler", "dept_admin", "editor", "reviewer"):
        assert not Group.objects.get(name=role).permissions.exists(), role


def test_the_migration_clears_staff_outside_the_center_and_the_department_grants(users):
    # given: accounts and groups as every demo before this change had them
    for user in users.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    Group.objects.get(name="handler").permissions.add(Permission.objects.get(codename="view_case"))
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    migration = importlib.import_module("hotline.migrations.0006_admin_center_only")
    # when
    migration.close_the_admin(apps, None)
    # then
    staff = set(get_user_model().objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"supervisor", root.username}
    assert not Group.objects.get(name="handler").permissions.exists()
    supervisor_perms = set(
        Group.objects.get(name="supervisor").permissions.values_list("codename", flat=True)
    )
    assert {"view_case", "view_membership", "change_category"} <= supervisor_perms
    assert not supervisor_perms & {"add_case", "change_case", "add_membership", "change_apitoken"}


# --- the supervisor, within the rules ----------------------------------------------------------


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_supervisor_pages_load_with_bounded_queries(
    client, users, some_cases, django_assert_max_num_queries, app_label, model_name
):
    supervisor = users["supervisor"]
    client.force_login(supervisor)
    may_view = supervisor.has_perm(f"{app_label}.view_{model_name}")
    obj = _first_row(app_label, model_name)
    urls = [reverse(f"admin:{app_label}_{model_name}_changelist")]
    if obj is not None:
        urls.append(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
        assert response.status_code == (200 if may_view else 403), url


def test_supervisor_reads_a_case_but_changes_nothing_of_it(client, users, some_cases):
    client.force_login(users["supervisor"])
    case = Case.objects.get(citizen_phone="13911112222")
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert "13911112222" not in page.content.decode()  # identities are revealed on the case page
    assert 'name="status"' not in page.content.decode()
    before = Case.objects.get(pk=case.pk)
    posted = client.post(
        reverse("admin:cases_case_change", args=[case.pk]), {"status": "closed", "content": "x"}
    )
    assert posted.status_code == 403
    assert Case.objects.get(pk=case.pk).content == before.content
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.post(reverse("admin:cases_case_delete", args=[case.pk])).status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    "model_name", ["case", "assignment", "caseevent", "callback", "extension", "supervisionorder"]
)
def test_lifecycle_rows_are_never_added_changed_or_deleted(
    superuser_client, some_cases, model_name
):
    obj = apps.get_model("cases", model_name).objects.order_by("pk").first()
    change = reverse(f"admin:cases_{model_name}_change", args=[obj.pk])
    assert superuser_client.get(reverse(f"admin:cases_{model_name}_add")).status_code == 403
    assert superuser_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:cases_{model_name}_delete", args=[obj.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_a_rule_changed_in_the_admin_goes_through_the_rule_services(client, users, some_cases):
    client.force_login(users["supervisor"])
    rule = ResponsibilityRule.objects.get(name="路灯归城管")
    response = client.post(
        reverse("admin:departments_responsibilityrule_change", args=[rule.pk]),
        {
            "name": "路灯归城管局",
            "department": rule.department_id,
            "request_types": "[]",
            "include_words": '["路灯"]',
            "exclude_words": "[]",
            "territorial": rule.territorial,
            "priority": "100",
            "revisions-TOTAL_FORMS": "1",
            "revisions-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "路灯归城管局"
    assert rule.revisions.order_by("-pk").first().action == "changed"


def test_supervisor_still_edits_the_classification(client, users, some_cases):
    client.force_login(users["supervisor"])
    category = apps.get_model("cases", "Category").objects.order_by("pk").first()
    page = client.get(reverse("admin:cases_category_change", args=[category.pk]))
    assert page.status_code == 200
    assert 'name="name"' in page.content.decode()


# --- memberships, tokens and webhooks live on the department pages -----------------------------


@pytest.fixture
def staff_deptadmin(client, users):
    """The department admin of 城管局 with the staff flag every demo user used to have."""
    user = users["deptadmin"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def test_a_department_admin_cannot_make_himself_supervisor(staff_deptadmin, users, departments):
    response = staff_deptadmin.post(
        reverse("admin:departments_membership_add"),
        {
            "user": users["deptadmin"].pk,
            "department": departments["center"].pk,
            "role": "supervisor",
        },
    )
    assert response.status_code in (302, 403)
    assert not Membership.objects.filter(user=users["deptadmin"], role="supervisor").exists()


@pytest.mark.parametrize("who", ["supervisor", "root"])
def test_in_the_admin_memberships_tokens_and_webhooks_are_view_only(client, users, superuser, who):
    user = users.get(who) or superuser
    # every model permission on them, as a careless group edit might grant: the admin still says no
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="departments",
            content_type__model__in=["membership", "apitoken", "webhookendpoint"],
        )
    )
    client.force_login(user)
    allowed = who == "root"  # memberships: superusers only (there is no membership page yet)
    assert (client.get(reverse("admin:departments_membership_add")).status_code == 200) is allowed
    assert client.get(reverse("admin:departments_apitoken_add")).status_code == 403
    assert client.get(reverse("admin:departments_webhookendpoint_add")).status_code == 403


@pytest.mark.parametrize("who", ["deptadmin", "supervisor", "root"])
def test_nobody_changes_a_tokens_user_or_department_in_the_admin(
    client, users, departments, superuser, who
):
    token, _key = issue_token(departments["cgj"], actor=users["deptadmin"], name="城管系统")
    user = users.get(who) or superuser
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.post(
        reverse("admin:departments_apitoken_change", args=[token.pk]),
        {
            "name": token.name,
            "department": departments["center"].pk,
            "user": users["supervisor"].pk,
            "scope": token.scope,
        },
    )
    assert response.status_code in (302, 403)
    token.refresh_from_db()
    assert (token.department, token.user.username) == (departments["cgj"], "api-cgj")


@pytest.mark.parametrize("who", ["deptadmin", "supervisor", "root"])
def test_nobody_adds_a_webhook_endpoint_in_the_admin(client, users, departments, superuser, who):
    user = users.get(who) or superuser
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.post(
        reverse("admin:departments_webhookendpoint_add"),
        {"department": departments["scjgj"].pk, "url": "http://evil.example/", "is_active": "on"},
    )
    assert response.status_code in (302, 403)
    assert not WebhookEndpoint.objects.filter(department=departments["scjgj"]).exists()


def test_a_department_admin_deletes_no_token_of_another_department(
    staff_deptadmin, departments, users
):
    theirs, _key = issue_token(departments["scjgj"], actor=None, name="市场监管系统")
    in_admin = staff_deptadmin.post(
        reverse("admin:departments_apitoken_delete", args=[theirs.pk]), {"post": "yes"}
    )
    on_page = staff_deptadmin.post(reverse("departments:token-revoke", args=[theirs.pk]))
    rotated = staff_deptadmin.post(reverse("departments:token-rotate", args=[theirs.pk]))
    assert (in_admin.status_code in (302, 403), on_page.status_code, rotated.status_code) == (
        True,
        403,
        403,
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_department_admin_cannot_rotate_a_colleagues_personal_token(client, users, departments):
    # given: the handler's own token (as the sign-in endpoint issues it)
    personal, _key = issue_token(
        departments["cgj"], actor=users["handler"], name="张承办的脚本", user=users["handler"]
    )
    client.force_login(users["deptadmin"])
    # when
    response = client.post(reverse("departments:token-rotate", args=[personal.pk]))
    # then: a new key acting as the handler is never handed out; switching it off is allowed
    assert response.status_code == 403
    assert ApiToken.objects.get(pk=personal.pk).key_hash == personal.key_hash
    own, _key = issue_token(departments["cgj"], actor=users["deptadmin"], name="城管系统")
    assert client.post(reverse("departments:token-rotate", args=[own.pk])).status_code == 200
    assert client.post(reverse("departments:token-revoke", args=[personal.pk])).status_code == 302


def test_the_webhook_page_registers_only_for_ones_own_department_with_https_and_a_secret(
    client, users, departments
):
    client.force_login(users["deptadmin"])
    url = reverse("departments:webhooks")
    plain = client.post(url, {"department": "scjgj", "url": "http://evil.example/hook"})
    assert plain.status_code == 400
    client.post(url, {"department": "scjgj", "url": "https://evil.example/hook"})
    assert not WebhookEndpoint.objects.filter(department=departments["scjgj"]).exists()
    endpoint = WebhookEndpoint.objects.get(department=departments["cgj"], is_active=True)
    assert len(endpoint.secret) == 64


def test_a_department_admin_cannot_reach_another_departments_token_page(client, users):
    client.force_login(users["deptadmin"])
    page = client.get(reverse("departments:tokens"), {"department": "scjgj"})
    assert page.status_code == 200
    assert page.context["department"].code == "cgj"


# --- the knowledge workflow ---------------------------------------------------------------------


def _published(users, departments) -> Article:
    article = kb.create_article(
        actor=users["editor"],
        department=departments["sub-12333"],
        title="养老保险",
        answer="旧答案",
    )
    kb.submit_article(article, actor=users["editor"])
    return kb.publish_article(article, actor=users["reviewer"])


def _article_form(article: Article, **changes) -> dict:
    data = {
        "title": article.title,
        "questions": "[]",
        "answer": article.answer,
        "kind": article.kind,
        "keywords": "[]",
        "category": "",
        "policy_document": "",
        "effective_date": "",
        "review_by": "",
        "regions": [],
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_an_editor_cannot_publish_by_editing_in_the_admin(client, users, departments):
    article = _published(users, departments)
    editor = users["editor"]
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    url = reverse("admin:knowledgebase_article_change", args=[article.pk])
    response = client.post(url, _article_form(article, answer="未经审核的答案"))
    assert response.status_code in (302, 403)
    article.refresh_from_db()
    assert (article.answer, article.status) == ("旧答案", Article.Status.PUBLISHED)


def test_a_published_articles_content_is_read_only_even_for_a_superuser(
    superuser_client, users, departments
):
    article = _published(users, departments)
    url = reverse("admin:knowledgebase_article_change", args=[article.pk])
    assert 'name="answer"' not in superuser_client.get(url).content.decode()
    superuser_client.post(url, _article_form(article, answer="未经审核的答案"))
    article.refresh_from_db()
    assert (article.answer, article.status, article.version) == ("旧答案", "published", 1)


def test_a_draft_corrected_in_the_admin_goes_through_the_service(
    superuser_client, users, departments
):
    article = kb.create_article(
        actor=users["editor"], department=departments["sub-12333"], title="医保", answer="草稿"
    )
    url = reverse("admin:knowledgebase_article_change", args=[article.pk])
    response = superuser_client.post(url, _article_form(article, answer="  改过的草稿  "))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.answer, article.status, article.version) == ("改过的草稿", "draft", 0)
    empty = superuser_client.post(url, _article_form(article, title="   "))
    assert empty.status_code in (200, 302)
    article.refresh_from_db()
    assert article.title == "医保"
