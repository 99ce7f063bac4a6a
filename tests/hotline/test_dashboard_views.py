"""Dashboard pages: who may see them, bad filters, links to the case list, bounded queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hotline.dashboards.stats import refresh_stats
from tests.hotline.crafted import make_assignment, make_callback, make_case

PAGES = [
    "dashboards:today",
    "dashboards:assessment",
    "dashboards:trends",
    "dashboards:hotspots",
    "dashboards:supervision",
]


def busy_days(departments, users, per_day: int, days: int = 10) -> None:
    """`per_day` dispatched, signed, replied and called-back cases on each of the last days."""
    # Each case inside its own local day and, today, before now: "an hour ago" fell on
    # yesterday in the first hour after midnight (the test failed when CI ran at 00:10 in
    # Beijing).
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for d in range(days):
        for i in range(per_day):
            created = today - datetime.timedelta(days=d) + (now - today) * (i + 1) / (per_day + 1)
            department = departments["cgj" if i % 2 else "scjgj"]
            case = make_case(created, department=department, channel=["phone", "web"][i % 2])
            make_assignment(case, department, created + datetime.timedelta(minutes=5),
                            signed_at=created + datetime.timedelta(minutes=30),
                            status="signed")  # fmt: skip
            if d:
                make_callback(case, created + datetime.timedelta(hours=20), resolved=True,
                              satisfaction="satisfied", agent=users["agent"])  # fmt: skip
    refresh_stats(timezone.localdate() - datetime.timedelta(days=days + 1), timezone.localdate())


@pytest.fixture
def supervisor_client(client, users):
    client.force_login(users["supervisor"])
    return client


# Departments see their own assessment and trends (tests/hotline/test_drilldown.py).
CENTER_ONLY_PAGES = ["dashboards:today", "dashboards:hotspots", "dashboards:supervision"]


@pytest.mark.parametrize("url_name", CENTER_ONLY_PAGES)
def test_department_staff_are_refused(client, users, url_name):
    client.force_login(users["handler"])

    assert client.get(reverse(url_name)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboards:today"))

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("url_name", PAGES)
def test_pages_answer_with_fixed_query_counts(supervisor_client, departments, users, url_name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert supervisor_client.get(reverse(url_name)).status_code == 200
        return len(captured)

    busy_days(departments, users, per_day=1)
    few = queries()
    busy_days(departments, users, per_day=6)
    many = queries()

    assert few == many
    assert many <= 16


def test_every_number_on_today_links_to_the_case_list(supervisor_client, departments, users):
    busy_days(departments, users, per_day=3, days=1)

    html = supervisor_client.get(reverse("dashboards:today")).content.decode()

    phone = re.search(r'<a href="(/cases/\?[^"]*channel=phone[^"]*)">(\d+)</a>', html)
    assert phone and int(phone.group(2)) == 2  # two of today's three cases came by phone
    listed = supervisor_client.get(phone.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200


def test_assessment_marks_top_and_bottom(supervisor_client, departments, users):
    # 15 dispatches each: above the league's default minimum volume of 10.
    busy_days(departments, users, per_day=10, days=3)

    response = supervisor_client.get(reverse("dashboards:assessment"), {"by": "department"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="top"' in html and 'class="bottom"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-03-10", "date_to": "2026-03-01"},
        {"date_from": "yesterday"},
        {"district": "999999"},
        {"date_from": "2020-01-01", "date_to": "2026-01-01"},
    ],
)
def test_bad_filters_get_a_clear_answer(supervisor_client, params):
    response = supervisor_client.get(reverse("dashboards:trends"), params)

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert response.context["form"]["date_from"].value() == params.get("date_from")


def test_bad_weights_are_refused(supervisor_client):
    response = supervisor_client.get(reverse("dashboards:assessment"), {"basic_weight": "2"})

    assert response.status_code == 400


def test_filters_narrow_the_numbers(supervisor_client, departments, users):
    busy_days(departments, users, per_day=4, days=2)

    everything = supervisor_client.get(reverse("dashboards:assessment"))
    web_only = supervisor_client.get(reverse("dashboards:assessment"), {"channel": "web"})

    def registered(response):
        return response.context["tables"][0].rows[0][1].value

    assert registered(everything) == 8
    assert registered(web_only) == 4


def test_supervision_orders_have_their_own_lists(supervisor_client, users, departments):
    from cases import services
    from tests.hotline.test_sweep import dispatched

    now = timezone.now()
    cases = [dispatched(users, departments, now - datetime.timedelta(days=3)).case
             for _ in range(3)]  # fmt: skip
    orders = [
        services.supervise_case(case, actor=users["supervisor"], level=level, reason="群众反映强烈",
                                instruction="限期解决", due_at=now + due,
                                at=now - datetime.timedelta(days=2))
        for case, level, due in zip(cases, ["normal", "important", "leader"],
                                    [datetime.timedelta(days=2), -datetime.timedelta(days=1),
                                     datetime.timedelta(days=5)], strict=True)
    ]  # fmt: skip
    services.answer_supervision(orders[2], actor=users["handler"], answer="已处理")

    def numbers(state):
        response = supervisor_client.get(reverse("dashboards:supervision_state", args=[state]))
        assert response.status_code == 200
        return [row[0].value for row in response.context["tables"][0].rows]

    assert numbers("open") == [cases[0].number]
    assert numbers("overdue") == [cases[1].number]
    assert numbers("answered") == [cases[2].number]


def test_the_department_filter_is_a_picker_found_by_pinyin(supervisor_client, departments):
    """~200 departments: typed by name or initials (cgj: 城管局), listed as a Chinese index is,
    and the chosen one stays chosen."""
    from core import pinyin

    cgj = departments["cgj"]
    page = supervisor_client.get(reverse("dashboards:today"), {"department": cgj.code})
    html = page.content.decode()
    select = re.search(r'<select name="department" data-picker="true">(.*?)</select>', html, re.S)
    assert select, "the department filter is not a picker"
    options = re.findall(
        r'<option value="([^"]*)"(?: data-py="([^"]*)")?( selected)?>([^<]*)<', select[1]
    )
    assert options[0][:3] == ("", "", "")  # "—": every department
    names = [name for _code, _py, _chosen, name in options[1:]]
    assert names == sorted(names, key=pinyin.sort_key) and len(names) > 1
    assert [code for code, _py, chosen, _name in options if chosen] == [cgj.code]
    searched = {code: py for code, py, _chosen, _name in options}
    assert searched[cgj.code].startswith("cgj ")  # its short name 城管局
