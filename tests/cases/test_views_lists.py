"""List pages: filters, keyset paging, scope, and a query count that does not grow with the rows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Assignment
from cases.views import filter_panel, lists, paging
from departments.models import Department
from tests.cases.workbench import main_assignment


@pytest.fixture
def many_cases(register, users, departments):
    cases = [register(content=f"Case {i}: loud music at night.") for i in range(105)]
    for case in cases[:30]:
        services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    return cases


@pytest.mark.parametrize("username", ["agent", "handler", "supervisor"])
def test_case_list_queries_do_not_grow_with_the_page_size(
    client_for, many_cases, django_assert_max_num_queries, username
):
    client = client_for(username)
    client.get(reverse("cases:list"))  # the filter options are built once per process
    counts = []
    for size in (10, 100):
        with django_assert_max_num_queries(12) as captured:
            response = client.get(reverse("cases:list"), {"per_page": size})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_case_list_pages_with_a_cursor(client_for, many_cases):
    client = client_for("agent")

    first = client.get(reverse("cases:list"), {"per_page": 10})
    second = client.get(
        reverse("cases:list"), {"per_page": 10, "after": first.context["page"].next_cursor}
    )

    first_numbers = [c.number for c in first.context["page"].items]
    second_numbers = [c.number for c in second.context["page"].items]
    assert len(second_numbers) == 10
    assert not set(first_numbers) & set(second_numbers)
    assert first_numbers[-1] > second_numbers[0]


def test_case_list_filters_by_status_and_text(client_for, many_cases):
    response = client_for("agent").get(
        reverse("cases:list"), {"status": "dispatched", "q": "Case 1"}
    )

    items = response.context["page"].items
    assert items
    assert all(c.status == "dispatched" and "Case 1" in c.content for c in items)


@pytest.mark.parametrize("username", ["agent", "handler"])
def test_a_text_search_counts_to_its_own_lower_cap(
    client_for, many_cases, username, settings, monkeypatch
):
    """A text search's total stops at TEXT_COUNT_CAP (its matches cost a probe each); other
    lists count to COUNT_CAP. The page says which cap it stopped at, in Chinese."""
    settings.LANGUAGE_CODE = "zh-hans"
    client = client_for(username)
    searched = client.get(reverse("cases:list"), {"q": "loud music", "per_page": 10})
    page = searched.context["page"]
    assert page.cap == paging.TEXT_COUNT_CAP
    assert page.total == (30 if username == "handler" else 105)
    monkeypatch.setattr(lists, "TEXT_COUNT_CAP", 5)
    searched = client.get(reverse("cases:list"), {"q": "loud music", "per_page": 10})
    page = searched.context["page"]
    assert (page.total, page.total_capped, page.cap) == (6, True, 5)
    assert "符合条件的工单超过 5 件。" in searched.content.decode()
    plain = client.get(reverse("cases:list"), {"per_page": 10}).context["page"]
    assert plain.cap == paging.COUNT_CAP and not plain.total_capped


def test_case_list_bad_filter_shows_errors_not_a_traceback(client_for, db):
    response = client_for("agent").get(reverse("cases:list"), {"created_after": "yesterday-ish"})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "yesterday-ish" in response.content.decode()


def test_handler_list_shows_only_their_departments_cases(client_for, many_cases):
    response = client_for("handler").get(reverse("cases:list"), {"per_page": 100})

    assert len(response.context["page"].items) == 30


def test_callback_queue_queries_are_bounded(
    client_for, register, users, departments, django_assert_max_num_queries
):
    for i in range(12):
        case = register(content=f"Case {i}: broken street light.")
        services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
        assignment = main_assignment(case)
        services.sign_assignment(assignment, actor=users["handler"])
        services.reply_assignment(
            assignment, actor=users["handler"], result="resolved", content="Fixed."
        )
    client = client_for("agent")
    counts = []
    for size in (10, 25):
        with django_assert_max_num_queries(10) as captured:
            response = client.get(reverse("cases:callbacks"), {"per_page": size})
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(response.context["page"].items) == 12

    # and the queue is paged, oldest reply first, with no case on two pages
    first = client.get(reverse("cases:callbacks"), {"per_page": 10})
    after = {"per_page": 10, "after": first.context["page"].next_cursor}
    second = client.get(reverse("cases:callbacks"), after)
    first_cases, second_cases = first.context["page"].items, second.context["page"].items
    assert len(first_cases) == 10 and len(second_cases) == 2
    replied = [c.replied_at for c in first_cases + second_cases]
    assert replied == sorted(replied)
    assert not {c.pk for c in first_cases} & {c.pk for c in second_cases}


def test_the_inbox_holds_what_came_in_by_itself_and_waits(
    client_for, register, users, departments, django_assert_max_num_queries
):
    # given cases from the web, the app and Open311, one by phone, and one already dispatched
    waiting = [register(channel=channel) for channel in ("web", "app", "open311", "web")]
    phoned = register(channel="phone")
    handled = register(channel="web")
    services.dispatch_case(handled, actor=users["agent"], department=departments["cgj"])
    client = client_for("agent")

    # when the agent opens the inbox, in pages of 10 (with a bounded number of queries)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cases:inbox"), {"per_page": 10})

    # then it lists what waits, oldest first, and not the phone call nor the handled case
    numbers = [c.number for c in response.context["page"].items]
    assert numbers == [c.number for c in waiting]
    assert phoned.number not in numbers and handled.number not in numbers
    assert waiting[0].number in client.get(reverse("home")).content.decode()


def test_the_inbox_is_the_centers(client_for, register):
    register(channel="web")
    assert client_for("handler").get(reverse("cases:inbox")).status_code == 403


def test_home_queries_are_bounded(client_for, many_cases, django_assert_max_num_queries):
    for username in ("agent", "handler", "supervisor", "editor", "reviewer"):
        client = client_for(username)
        with django_assert_max_num_queries(12):
            assert client.get(reverse("home")).status_code == 200


def test_a_departments_home_costs_the_same_queries_with_more_work(
    client_for, register, users, departments
):
    """Its queues (to sign, due within two days, overdue) read the department's open work
    through one index whatever it holds; the rows shown grow, the queries do not."""
    client = client_for("handler")

    def add(n):
        for i in range(n):
            case = register(content=f"Case {i}: a blocked drain.")
            services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
            assignment = main_assignment(case)
            now = timezone.now()
            if i % 3 == 1:  # signed, due within the day
                due = now + timedelta(hours=12)
            elif i % 3 == 2:  # signed, overdue by two hours (dispatched three days ago)
                due = now - timedelta(hours=2)
            else:
                continue  # waiting to be signed
            Assignment.objects.filter(pk=assignment.pk).update(
                status="signed",
                dispatched_at=now - timedelta(days=3),
                sign_due_at=now - timedelta(days=2),
                signed_at=now - timedelta(days=2, hours=1),
                reply_due_at=due,
            )

    counts = []
    for n in (3, 30):
        add(n)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert "Case 29" in response.content.decode()
    assert counts[0] == counts[1]


def test_case_list_takes_the_browser_datetime_format(client_for, register):
    case = register()

    response = client_for("agent").get(
        reverse("cases:list"), {"created_after": "2000-01-01T00:00", "region": "", "overdue": ""}
    )

    assert [c.number for c in response.context["page"].items] == [case.number]


def test_filter_options_are_built_once_and_follow_the_reference_data(
    client_for, many_cases, departments
):
    # given a process whose filter options were built by a first request
    client = client_for("agent")
    filter_panel.forget_filter_choices()
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("cases:list"))

    # when the same page is asked again, then region, category and department lists are not read
    with CaptureQueriesContext(connection) as again:
        page = client.get(reverse("cases:list"))
    assert len(again) < len(first)
    assert not any('FROM "departments_region"' in q["sql"] for q in again.captured_queries)
    assert "<option" in page.content.decode()

    # when a department is added, then the next page offers it
    Department.objects.create_node(code="bench-new", name="新设的局", kind="functional")
    assert "新设的局" in client.get(reverse("cases:list")).content.decode()


# The per-row template the list used before `case_list_rows` (issue 18): the cells must agree.
ROW_TEMPLATE = """{% load workbench %}{% for case in cases %}
    <tr>
      <td><a href="{% url 'cases:detail' case.number %}">{{ case.number }}</a>
        {% if case.urgency != "normal" %}<span class="badge {{ case.urgency }}">{{ case.urgency|label:"urgency" }}</span>{% endif %}</td>
      <td class="num">{{ case.created_at|date:"Y-m-d H:i" }}</td>
      <td>{{ case.request_type|label:"request_type" }}</td>
      <td>{{ case.category|default:"—" }}</td>
      <td>{{ case.region|default:"—" }}</td>
      <td>{{ case.title|default:case.content|truncatechars:48 }}</td>
      <td>{{ case.status|label:"status" }}</td>
      <td>{{ case.main_department.short_name|default:case.main_department|default:"—" }}</td>
      <td class="num{% if case.is_overdue %} overdue{% endif %}">{{ case.reply_due_at|date:"Y-m-d H:i"|default:"—" }}</td>
    </tr>{% endfor %}"""  # noqa: E501


def _cells(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_built_in_one_pass_say_what_the_row_template_said(
    language, register, users, departments
):
    from django.template import Context, Template
    from django.utils import translation

    from cases.models import Case
    from cases.templatetags.workbench import case_list_rows

    register(content="<b>escaped</b> & more " + "A" * 60, urgency="urgent")
    register(title="Short <title>", content="ignored", region=None)
    case = register(content="Dispatched", urgency="extra_urgent")
    services.dispatch_case(case, actor=users["agent"], department=departments["cgj"])
    Case.objects.filter(pk=case.pk).update(
        created_at=case.created_at - timedelta(days=40),
        reply_due_at=case.created_at - timedelta(days=1),
    )
    cases = list(
        Case.objects.select_related("category", "region", "main_department").order_by("id")
    )
    with translation.override(language):
        expected = Template(ROW_TEMPLATE).render(Context({"cases": cases}))
        built = case_list_rows(cases)
    assert _cells(built) == _cells(expected)
    assert "&lt;b&gt;escaped&lt;/b&gt;" in built and "overdue" in built


def test_the_kept_filter_panel_follows_the_values_the_language_and_the_errors(client_for, db):
    """The filter fields' HTML is kept per process (`filter_fields_html`); every page must
    still show its own selection, its own errors and its own language."""
    client = client_for("agent")
    url = reverse("cases:list")
    closed = re.compile(r'<option value="closed"[^>]* selected>')

    assert closed.search(client.get(url, {"status": "closed"}).content.decode())
    plain = client.get(url).content.decode()
    assert not closed.search(plain) and 'value="closed"' in plain
    assert closed.search(
        client.get(url, {"status": "closed"}).content.decode()
    )  # kept, still right

    refused = client.get(url, {"created_after": "yesterday-ish"}).content.decode()
    assert "errorlist" in refused and "yesterday-ish" in refused
    assert "errorlist" not in client.get(url).content.decode()

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">Closed</option>" in english and ">Closed</option>" not in chinese


def test_the_kept_filter_panel_shows_each_viewer_its_own_refusal(client_for, db):
    """The same filter values are refused for a department (a phone search is the center's
    alone) and not for an agent: the kept panel must not carry one viewer's errors to another."""
    url, params = reverse("cases:list"), {"phone": "13800000000"}
    refusal = "Only the hotline center searches cases by phone number."
    for who, refused in [("agent", False), ("handler", True), ("agent", False)]:
        page = client_for(who).get(url, params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert (refusal in page) is refused, who


@pytest.mark.parametrize("query", [{}, {"status": "registered"}])
def test_the_region_and_category_filters_are_named_for_the_names_they_offer(client_for, query):
    """The pickers offer names, not codes; a filtered (bound) list said 区域编码 (its fields'
    labels had been copied while validating)."""
    page = client_for("agent").get(reverse("cases:list"), query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert '<label for="id_region">区域:' in html and '<label for="id_category">分类:' in html
