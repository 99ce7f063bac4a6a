"""Every number on every dashboard page opens a case list whose stated total is that number.

The pages are rendered on crafted data, every link to the case list is followed with the test
client, and the list's stated total is compared with the linked number: the cases it lists
("N cases match"), or, for a number that counts assignments, callbacks or events, the rows it
says the number counts ("The number counts M assignments"). A rate shows its numerator and
denominator as two such links, so both are checked.
"""

import datetime
import html as htmllib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Assignment, Case
from core.roles import Role
from departments.models import Department, Membership, Region
from hotline.models import DeadlineReminder
from tests.hotline.crafted import (
    make_assignment,
    make_callback,
    make_case,
    make_extension,
    make_reopen,
)

LINK = re.compile(r'<a href="(/cases/\?[^"]*)">([^<]+)</a>')
COUNT = re.compile(r'id="case-count" data-total="(\d*)"(?: data-counted="(\d*)")?')


@pytest.fixture
def city(departments, users):
    """A few weeks of work in two bureaus, a district center and one of its street offices."""
    from hotline.dashboards.stats import refresh_stats

    now = timezone.now()
    hours = lambda n: now - datetime.timedelta(hours=n)  # noqa: E731
    cgj, scjgj = departments["cgj"], departments["scjgj"]
    district, street = departments["d-430103"], departments["s-430103002"]
    tianxin = Region.objects.filter(level=5, parent__parent__code="430103").first().code
    agent = users["agent"]

    # c1: signed late, replied on time, called back: resolved and satisfied.
    c1 = make_case(hours(50), department=cgj, status="replied")
    make_assignment(c1, cgj, hours(49), sign_due=hours(47), reply_due=hours(20),
                    signed_at=hours(46), replied_at=hours(30), status="replied",
                    reply_result="resolved")  # fmt: skip
    make_callback(c1, hours(26), resolved=True, satisfaction="satisfied", agent=agent)
    # c2: cgj main (signed, reply overdue, an extension waiting), scjgj co-handler (sign overdue).
    c2 = make_case(hours(75), department=cgj, status="in_progress")
    a2 = make_assignment(c2, cgj, hours(74), sign_due=hours(73), reply_due=hours(1),
                         signed_at=hours(73.5), status="signed")  # fmt: skip
    make_extension(a2, hours(5), actor=users["handler"])
    make_assignment(c2, scjgj, hours(74), sign_due=hours(72), reply_due=hours(-100), role="co")
    # c3: registered today, sign overdue, flagged by the deadline watch.
    c3 = make_case(hours(1), department=scjgj, channel="web")
    a3 = make_assignment(c3, scjgj, now - datetime.timedelta(minutes=50),
                         sign_due=now - datetime.timedelta(minutes=10))  # fmt: skip
    DeadlineReminder.objects.create(assignment=a3, stage="sign", threshold="overdue",
                                    due_at=a3.sign_due_at)  # fmt: skip
    # c4: the district center returned it in time; its street office replied; reopened against
    # the street office's assignment; a callback: basically satisfied, not resolved.
    c4 = make_case(hours(100), department=street, status="in_progress", region=tianxin)
    make_assignment(c4, district, hours(99), sign_due=hours(97), returned_at=hours(98),
                    status="returned")  # fmt: skip
    a4 = make_assignment(c4, street, hours(96), sign_due=hours(94), reply_due=hours(40),
                         signed_at=hours(95), replied_at=hours(60), status="replied",
                         reply_result="explained")  # fmt: skip
    make_callback(c4, hours(50), resolved=False, satisfaction="basically_satisfied", agent=agent)
    make_reopen(c4, hours(45), assignment=a4)
    # c5 answered directly, c6 a consultation dispatched, c7 registered and waiting.
    make_case(hours(2), request_type="consultation", status="answered", answer="按政策办理")
    c6 = make_case(hours(3), department=cgj, request_type="consultation")
    make_assignment(c6, cgj, hours(2.5), sign_due=hours(-1))
    make_case(hours(0.5))
    # c8: cgj was dispatched twice (the first assignment withdrawn): one case, two dispatches.
    c8 = make_case(hours(130), department=cgj, status="in_progress")
    make_assignment(c8, cgj, hours(129), sign_due=hours(128), signed_at=hours(128.5),
                    status="withdrawn")  # fmt: skip
    make_assignment(c8, cgj, hours(110), sign_due=hours(108), signed_at=hours(109),
                    reply_due=hours(-50), status="signed")  # fmt: skip
    # c9: a return waiting for review; c10 from last month (whole months on long periods).
    c9 = make_case(hours(30), department=scjgj, status="return_review")
    make_assignment(c9, scjgj, hours(29), sign_due=hours(27), status="return_requested")
    c10 = make_case(hours(24 * 45), department=cgj, status="closed")
    make_assignment(c10, cgj, hours(24 * 45 - 1), sign_due=hours(24 * 45 - 3),
                    reply_due=hours(24 * 40), signed_at=hours(24 * 45 - 2),
                    replied_at=hours(24 * 41), status="replied",
                    reply_result="resolved")  # fmt: skip
    make_callback(c10, hours(24 * 40), resolved=True, satisfaction="unsatisfied", agent=agent)
    today = timezone.localdate()
    refresh_stats(today - datetime.timedelta(days=130), today)
    return {"now": now, "c8": c8}


def links_of(html: str) -> list[tuple[str, str]]:
    return [(htmllib.unescape(url), text.strip()) for url, text in LINK.findall(html)]


def stated_total(client, link: str) -> tuple[str, str | None]:
    """The list's stated totals: its cases, and the rows the number counts (or None).

    Fetched as the list's own htmx refresh (the rows and the count without the filter form,
    which is what costs time here); the full page includes the same fragment.
    """
    listed = client.get(link, headers={"HX-Request": "true"})
    assert listed.status_code == 200, link
    found = COUNT.search(listed.content.decode())
    assert found, link
    return found.groups()


def check_every_link(client, url: str, params: dict | None = None) -> int:
    """Follow every case-list link on the page; return how many numbers were checked."""
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    checked = 0
    for link, text in links_of(response.content.decode()):
        if text.isdigit() and len(text) == 13:
            expected = 1  # a case number
        elif text.isdigit():
            expected = int(text)
        else:
            continue  # a name: it opens its row's volume, which the number beside it checks
        total, counted = stated_total(client, link)
        stated = counted if counted is not None else total
        assert stated != "", f"{link}: the list is capped"
        assert int(stated) == expected, f"{url} {params}: {text} opens {stated} ({link})"
        checked += 1
    return checked


PAGES = [
    ("dashboards:today", {}),
    ("dashboards:today", {"department": "cgj"}),
    ("dashboards:assessment", {}),
    ("dashboards:assessment", {"by": "district"}),
    ("dashboards:assessment", {"channel": "phone"}),
    ("dashboards:assessment", {"department": "d-430103"}),
    ("dashboards:assessment", {"min_volume": "0"}),
    ("dashboards:trends", {}),
    ("dashboards:trends", {"category": "01"}),
    ("dashboards:hotspots", {}),
    ("dashboards:supervision_state", {"state": "flagged"}),
]


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_every_number_opens_exactly_its_cases(client, users, city, name, params):
    client.force_login(users["supervisor"])
    params = dict(params)
    kwargs = {"state": params.pop("state")} if "state" in params else {}

    checked = check_every_link(client, reverse(name, kwargs=kwargs), params)

    assert checked > 0


def test_a_long_period_reads_whole_months_and_still_matches(client, users, city):
    client.force_login(users["supervisor"])
    today = timezone.localdate()
    params = {"date_from": (today - datetime.timedelta(days=120)).isoformat(), "min_volume": "0"}

    response = client.get(reverse("dashboards:assessment"), params)
    checked = check_every_link(client, reverse("dashboards:assessment"), params)

    overall = {row[0].value: row[1] for row in response.context["tables"][0].rows}
    assert overall["cases registered"].value == Case.objects.count()
    assert overall["dispatched"].value == Assignment.objects.count()
    assert checked > 20


def test_the_waiting_numbers_of_today(client, users, city):
    client.force_login(users["supervisor"])

    response = client.get(reverse("dashboards:today"))

    waiting = {str(r[0].value): r[1].value for r in response.context["tables"][3].rows}
    assert waiting == {
        "Overdue to sign": 2,  # c2's co-handler, c3
        "Overdue to reply": 1,  # c2's main assignment
        "Returns waiting for review": 1,  # c9
        "Extensions waiting for a decision": 1,  # c2
        "Callbacks waiting": 1,  # c1
    }


def test_a_dispatch_count_states_cases_and_assignments(client, users, departments, city):
    """cgj was dispatched c8 twice: the list shows one case and says it counts two."""
    client.force_login(users["supervisor"])
    start = (timezone.now() - datetime.timedelta(days=7)).isoformat()
    params = {"measure": "dispatched", "department": departments["cgj"].pk,
              "measured_after": start, "q": city["c8"].number}  # fmt: skip

    html = client.get(reverse("cases:list"), params).content.decode()

    assert COUNT.search(html).groups() == ("1", "2")
    assert "The number counts 2 assignments." in html


@pytest.mark.parametrize("username", ["handler", "deptadmin"])
def test_departments_see_their_own_assessment_and_trends(client, users, departments, city,
                                                         username):  # fmt: skip
    client.force_login(users[username])

    assessment = client.get(reverse("dashboards:assessment"), {"min_volume": "0"})
    trends = client.get(reverse("dashboards:trends"))

    assert assessment.status_code == 200 and trends.status_code == 200
    league = assessment.context["tables"][1]
    names = [row[1].value for row in league.rows]
    assert names == [departments["cgj"].short_name or departments["cgj"].name]
    assert league.rows[0][0].value >= 1  # its rank among every department
    assert "市场监管局" not in assessment.content.decode()
    # The headline is cgj's own work: c1, c2, c6, c8 registered for it this month.
    assert assessment.context["tables"][0].rows[0][1].value == 4
    assert check_every_link(client, reverse("dashboards:assessment"), {"min_volume": "0"}) > 0
    assert check_every_link(client, reverse("dashboards:trends")) > 0


def test_a_district_center_sees_its_district_departments(client, users, departments, city):
    staff = users["agent"].__class__.objects.create_user("district_agent")
    Membership.objects.create(user=staff, department=departments["d-430103"], role=Role.AGENT)
    client.force_login(staff)

    response = client.get(reverse("dashboards:assessment"), {"min_volume": "0"})
    by_district = client.get(reverse("dashboards:assessment"), {"by": "district",
                                                                "min_volume": "0"})  # fmt: skip

    assert response.status_code == 200
    in_district = set(Department.objects.filter(
        region__path__startswith=departments["d-430103"].region.path).values_list(
        "short_name", "name"))  # fmt: skip
    allowed = {short or name for short, name in in_district}
    shown = {row[1].value for table in response.context["tables"][1:] for row in table.rows}
    assert shown and shown <= allowed
    assert [row[1].value for row in by_district.context["tables"][1].rows] == [
        departments["d-430103"].region.name
    ]


def test_small_departments_are_listed_apart_unranked(client, users, city):
    client.force_login(users["supervisor"])

    response = client.get(reverse("dashboards:assessment"), {"min_volume": "3"})

    ranked, apart = response.context["tables"][1], response.context["tables"][2]
    assert [row[2].value for row in ranked.rows] and all(
        row[3].value >= 3 for row in ranked.rows
    )  # dispatched ≥ 3
    assert apart.rows and all(row[3].value < 3 and row[0].value is None for row in apart.rows)
    assert "Below the minimum volume of 3" in response.content.decode()


def test_the_default_minimum_volume_comes_from_settings(client, users, city, settings):
    client.force_login(users["supervisor"])
    settings.HOTLINE_LEAGUE_MIN_VOLUME = 1

    response = client.get(reverse("dashboards:assessment"))

    assert "Below the minimum volume of 1" not in response.content.decode()
    settings.HOTLINE_LEAGUE_MIN_VOLUME = 10
    response = client.get(reverse("dashboards:assessment"))
    assert response.context["tables"][1].rows == []  # nobody had ten dispatches


def test_first_contact_resolution(client, users, city):
    """One of the two consultations (c5) was answered directly: 50 %."""
    client.force_login(users["supervisor"])

    response = client.get(reverse("dashboards:assessment"))

    rows = {str(row[0].value): row[1] for row in response.context["tables"][0].rows}
    fcr = rows["first-contact resolution rate"]
    assert fcr.value == 0.5
    assert [count for _sep, count, _url in fcr.parts] == [1, 2]


def test_every_page_says_how_old_its_data_is(client, users, city):
    client.force_login(users["supervisor"])

    for name in ("dashboards:today", "dashboards:assessment", "dashboards:trends",
                 "dashboards:hotspots", "dashboards:supervision"):  # fmt: skip
        html = client.get(reverse(name)).content.decode()
        stamp = timezone.localtime(city["now"]).strftime("%Y-%m-%d")
        assert re.search(rf'id="data-as-of">Data as of {stamp} \d\d:\d\d', html), name


def test_monthly_rows_sum_the_daily_rows(city):
    from hotline.dashboards import metrics
    from hotline.dashboards.filters import Slice
    from hotline.dashboards.selectors import _sums, period_sums
    from hotline.models import DailyStat

    today = timezone.localdate()
    year = Slice(today - datetime.timedelta(days=364), today)
    daily = metrics.Totals.from_row(_sums(DailyStat.objects.filter(year.stat_q()))[0])

    assert year.whole_months() is not None  # the sums below read the monthly rows
    assert period_sums(year)[None] == daily
    assert daily.intake == Case.objects.count() and daily.dispatched == Assignment.objects.count()


def test_a_department_page_has_fixed_query_counts(client, users, departments):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.hotline.test_dashboard_views import busy_days

    client.force_login(users["handler"])

    def queries(name) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    busy_days(departments, users, per_day=2)  # one case a day for cgj (the other for scjgj)
    few = [queries("dashboards:assessment"), queries("dashboards:trends")]
    busy_days(departments, users, per_day=6)
    many = [queries("dashboards:assessment"), queries("dashboards:trends")]

    assert few == many
    assert max(many) <= 18
