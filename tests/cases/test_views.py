"""The workbench pages: who may open them, what each role sees and may do, bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.choices import Status
from cases.models import Assignment, Case, Category
from departments.models import Region
from tests.cases.workbench import INTAKE, PHONE, main_assignment

# --- anonymous users ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("home", []),
        ("cases:list", []),
        ("cases:callbacks", []),
        ("cases:new", []),
        ("cases:intake_caller", []),
        ("cases:intake_regions", []),
        ("cases:intake_categories", []),
        ("cases:intake_assist", []),
        ("cases:detail", ["2026010100001"]),
        ("cases:action_form", ["2026010100001", "sign"]),
    ],
)
def test_every_page_sends_anonymous_users_to_sign_in(client, db, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_actions_refuse_anonymous_posts(client, dispatched):
    url = reverse("cases:action", args=[dispatched.number, "sign"])

    response = client.post(url, {"assignment": main_assignment(dispatched).pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert main_assignment(dispatched).status == "dispatched"


def test_sign_in_page_renders_with_the_local_htmx_script(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b"django_htmx/htmx-2.min.js" in response.content
    assert b"css/workbench.css" in response.content


# --- home per role -------------------------------------------------------------------------


def test_agent_home_lists_my_cases_and_callbacks_due(client_for, register):
    mine = register(content="Noise from a building site at night.")

    response = client_for("agent").get(reverse("home"))

    assert response.status_code == 200
    assert mine.number in response.content.decode()
    assert "agent-queues" in response.content.decode()
    assert "handler-queues" not in response.content.decode()


def test_handler_home_lists_what_to_sign_and_hides_other_departments(
    client_for, dispatched, register, users, departments
):
    other = register(content="Expired food sold in a supermarket.")
    services.dispatch_case(other, actor=users["agent"], department=departments["scjgj"])

    page = client_for("handler").get(reverse("home")).content.decode()

    assert dispatched.number in page
    assert other.number not in page
    assert "agent-queues" not in page


def test_supervisor_home_lists_returns_to_review(client_for, dispatched, users):
    services.return_assignment(
        main_assignment(dispatched), actor=users["handler"], reason="Not a city management matter."
    )

    page = client_for("supervisor").get(reverse("home")).content.decode()

    assert "supervisor-queues" in page
    assert dispatched.number in page


# --- scope and actions per role ----------------------------------------------------------


def test_a_department_gets_404_for_a_case_that_is_not_theirs(client_for, dispatched):
    response = client_for("handler2").get(reverse("cases:detail", args=[dispatched.number]))

    assert response.status_code == 404


def test_a_department_cannot_act_on_a_case_that_is_not_theirs(client_for, dispatched):
    url = reverse("cases:action", args=[dispatched.number, "sign"])

    response = client_for("handler2").post(url, {"assignment": main_assignment(dispatched).pk})

    assert response.status_code == 404
    assert main_assignment(dispatched).status == "dispatched"


def action_names(response) -> set[str]:
    return {name for action, _form in response.context["actions"] for name in [action.name]}


def test_handler_sees_exactly_the_department_actions(client_for, dispatched):
    response = client_for("handler").get(reverse("cases:detail", args=[dispatched.number]))

    assert response.status_code == 200
    assert action_names(response) == {"sign", "return"}


def test_agent_sees_center_actions_but_not_the_departments(client_for, dispatched):
    response = client_for("agent").get(reverse("cases:detail", args=[dispatched.number]))

    names = action_names(response)
    assert "sign" not in names
    assert "return" not in names
    assert "urge" in names


def test_only_the_supervisor_reviews_a_return(client_for, dispatched, users):
    services.return_assignment(
        main_assignment(dispatched), actor=users["handler"], reason="Not a city matter."
    )
    url = reverse("cases:detail", args=[dispatched.number])

    supervisor = action_names(client_for("supervisor").get(url))
    agent = action_names(client_for("agent").get(url))
    handler = action_names(client_for("handler").get(url))

    assert {"accept_return", "reject_return", "open_dispute"} <= supervisor
    assert not agent & {"accept_return", "reject_return", "open_dispute"}
    assert handler == set()


def test_agent_sees_intake_actions_on_a_registered_case(client_for, register):
    case = register()

    response = client_for("agent").get(reverse("cases:detail", args=[case.number]))

    assert {"answer", "transfer", "invalidate", "merge", "dispatch"} <= action_names(response)


def test_department_sees_a_masked_phone_and_the_center_the_whole_number(client_for, dispatched):
    url = reverse("cases:detail", args=[dispatched.number])

    handler_page = client_for("handler").get(url).content.decode()
    agent_page = client_for("agent").get(url).content.decode()

    assert PHONE not in handler_page
    assert "138****5678" in handler_page
    assert PHONE in agent_page


def test_a_confidential_reporter_is_hidden_from_the_department(
    client_for, register, users, departments
):
    case = register(confidential=True)
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])

    page = client_for("handler").get(reverse("cases:detail", args=[case.number])).content.decode()

    assert "Wang Fang" not in page
    assert "5678" not in page


def test_an_action_form_loads_on_demand_for_allowed_actions_only(client_for, dispatched):
    form_url = reverse("cases:action_form", args=[dispatched.number, "sign"])

    handler = client_for("handler").get(form_url, {"next": "/"})
    agent = client_for("agent").get(form_url)

    assert handler.status_code == 200
    assert 'name="assignment"' in handler.content.decode()
    assert 'name="next" value="/"' in handler.content.decode()
    assert agent.status_code == 404


def test_handler_signs_and_replies_through_the_page(client_for, dispatched):
    client = client_for("handler")
    assignment = main_assignment(dispatched)

    signed = client.post(
        reverse("cases:action", args=[dispatched.number, "sign"]), {"assignment": assignment.pk}
    )
    replied = client.post(
        reverse("cases:action", args=[dispatched.number, "reply"]),
        {"assignment": assignment.pk, "result": "resolved", "content": "Vendors moved on."},
    )

    assert signed.status_code == 302
    assert replied.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REPLIED


def test_an_action_not_allowed_now_is_refused_with_the_form_kept(client_for, register):
    case = register()
    url = reverse("cases:action", args=[case.number, "close"])

    response = client_for("agent").post(url, {"note": "closing too early"})

    assert response.status_code == 409
    assert "closing too early" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_a_domain_refusal_becomes_a_form_message(client_for, register, departments):
    case = register()
    url = reverse("cases:action", args=[case.number, "merge"])

    response = client_for("agent").post(url, {"parent": case.number})

    assert response.status_code in (400, 409)
    assert "Traceback" not in response.content.decode()
    assert "errorlist" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


# --- intake ------------------------------------------------------------------------------


def test_intake_saves_a_case_in_one_request(client_for, db):
    response = client_for("agent").post(reverse("cases:new"), {**INTAKE, "intent": "save"})

    case = Case.objects.get(citizen_phone="13900001111")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.status == Status.REGISTERED
    assert case.content == INTAKE["content"]


def test_intake_dispatches_in_the_same_request(client_for, departments):
    data = {**INTAKE, "intent": f"dispatch:{departments['cgj'].pk}"}

    client_for("agent").post(reverse("cases:new"), data)

    case = Case.objects.get(citizen_phone="13900001111")
    assert case.status == Status.DISPATCHED
    assert case.main_department == departments["cgj"]


def test_intake_transfers_to_an_emergency_line_with_one_click(client_for, departments):
    client_for("agent").post(reverse("cases:new"), {**INTAKE, "intent": "transfer:hotline-119"})

    case = Case.objects.get(citizen_phone="13900001111")
    assert case.status == Status.TRANSFERRED
    assert case.transferred_to == departments["hotline-119"]


def test_intake_answers_directly(client_for, db):
    data = {**INTAKE, "request_type": "consultation", "answer": "Office hours are 9-17."}

    client_for("agent").post(reverse("cases:new"), {**data, "intent": "answer"})

    case = Case.objects.get(citizen_phone="13900001111")
    assert case.status == Status.ANSWERED
    assert case.answer == "Office hours are 9-17."


def test_intake_merges_into_a_duplicate(client_for, register):
    parent = register()

    client_for("agent").post(reverse("cases:new"), {**INTAKE, "intent": f"merge:{parent.number}"})

    case = Case.objects.get(citizen_phone="13900001111")
    assert case.status == Status.MERGED
    assert case.parent == parent


def test_a_refused_second_step_leaves_no_registered_case(client_for, departments):
    # the center itself is no dispatch target: the form refuses it before any write
    data = {**INTAKE, "intent": f"dispatch:{departments['center'].pk}"}

    response = client_for("agent").post(reverse("cases:new"), data)

    assert response.status_code == 400
    assert not Case.objects.filter(citizen_phone="13900001111").exists()


def test_departments_may_not_open_intake(client_for, db):
    assert client_for("handler").get(reverse("cases:new")).status_code == 403


def test_caller_history_lists_the_callers_earlier_cases(client_for, register):
    earlier = register()

    response = client_for("agent").get(reverse("cases:intake_caller"), {"citizen_phone": PHONE})

    assert earlier.number in response.content.decode()


def test_region_suggestions_find_the_street_named_in_the_address(client_for, db):
    response = client_for("agent").get(
        reverse("cases:intake_regions"), {"address": "天心区坡子街街道 12号"}
    )

    page = response.content.decode()
    assert "坡子街" in page
    assert 'id="id_region"' in page  # a certain match fills the region (out-of-band swap)


def test_category_search_finds_categories_by_name(client_for, db):
    response = client_for("agent").get(
        reverse("cases:intake_categories"), {"category_search": "招生"}
    )

    assert "招生考试" in response.content.decode()


def test_assist_shows_likely_duplicates_with_merge_into(client_for, register, departments):
    region = departments["s-430103002"].region
    category = Category.objects.filter(level=3).first()
    earlier = register(region=region, category=category)
    elsewhere = register(region=departments["s-430102001"].region, category=category)

    response = client_for("agent").get(
        reverse("cases:intake_assist"),
        {
            "content": "Street vendors block the pavement every evening!",
            "region": region.code,
            "category": category.code,
            "request_type": "complaint",
        },
    )

    page = response.content.decode()
    assert f'value="merge:{earlier.number}"' in page
    assert elsewhere.number not in page


def test_assist_shows_matching_knowledge_articles(client_for, users, departments):
    from knowledgebase import services as kb

    article = kb.create_article(
        actor=users["editor"],
        department=departments["sub-12333"],
        title="失业保险金申领条件",
        answer="非因本人意愿中断就业且已办理失业登记的，可申领失业保险金。",
    )
    kb.publish_article(kb.submit_article(article, actor=users["editor"]), actor=users["reviewer"])

    response = client_for("agent").get(
        reverse("cases:intake_assist"),
        {"content": "请问失业保险金怎么申领？", "request_type": "consultation"},
    )

    page = response.content.decode()
    assert "失业保险金申领条件" in page
    assert f'value="answer:{article.pk}"' in page


def test_assist_shows_the_routing_suggestion_with_its_reason(client_for, users, departments):
    from departments.rule_services import create_rule

    create_rule(
        actor=users["supervisor"],
        fields={
            "name": "Food safety goes to market supervision",
            "include_words": ["过期食品"],
            "department": departments["scjgj"],
            "priority": 10,
        },
        reason="Responsibility list of the market supervision bureau",
    )

    response = client_for("agent").get(
        reverse("cases:intake_assist"),
        {"content": "超市出售过期食品，要求查处。", "request_type": "complaint"},
    )

    page = response.content.decode()
    assert f'value="dispatch:{departments["scjgj"].pk}"' in page
    assert "市场监督管理局" in page


def test_an_overdue_case_shows_on_the_supervisor_and_handler_homes(
    client_for, register, users, departments
):
    long_ago = timezone.now() - datetime.timedelta(days=40)
    case = register(at=long_ago)
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"], at=long_ago)

    supervisor = client_for("supervisor").get(reverse("home"))
    handler = client_for("handler").get(reverse("home"))

    assert case.number in [c.number for c in supervisor.context["supervisor"]["overdue"]]
    assert case.number in [a.case.number for a in handler.context["handler"]["overdue"]]
    detail = client_for("agent").get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'class="num overdue"' in detail


def test_the_region_box_closes_once_a_region_is_chosen(client_for, db):
    client = client_for("agent")
    filled = client.get(reverse("cases:intake_regions"), {"address": "天心区坡子街街道 12号"})
    assert 'id="id_region"' in filled.content.decode()
    assert 'class="suggestions"' not in filled.content.decode()  # filled: nothing to pick

    chosen = Region.objects.get(code="430103002")
    again = client.get(
        reverse("cases:intake_regions"), {"address": "天心区坡子街街道 12号", "region": chosen.code}
    )
    assert 'class="suggestions"' not in again.content.decode()


def test_category_search_takes_pinyin_initials(client_for, db):
    response = client_for("agent").get(
        reverse("cases:intake_categories"), {"category_search": "zsks"}
    )

    assert "招生考试" in response.content.decode()


def test_a_missed_signing_deadline_is_red(client_for, dispatched, users):
    # given a dispatch signed for after its deadline
    case = dispatched
    assignment = main_assignment(case)
    hours_ago = timezone.now() - datetime.timedelta(hours=3)
    Case.objects.filter(pk=case.pk).update(created_at=hours_ago)
    Assignment.objects.filter(pk=assignment.pk).update(
        dispatched_at=hours_ago, sign_due_at=hours_ago + datetime.timedelta(hours=2)
    )
    assignment.refresh_from_db()
    services.sign_assignment(assignment, actor=users["handler"])

    page = client_for("agent").get(reverse("cases:detail", args=[case.number])).content.decode()

    row = page.split('id="assignments"')[1].split("</tr>")[1]
    assert 'class="num overdue"' in row
