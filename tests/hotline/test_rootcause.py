"""Hotspots in a supervisor's words, their exact cases, and root-cause tasks (每月一题)."""

import datetime
from urllib.parse import parse_qsl, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.filtersets import CaseFilterSet
from cases.models import Case
from core.errors import ActionForbidden, NotFound, TransitionNotAllowed
from hotline import rootcause
from hotline.dashboards import hotspots
from hotline.models import RootCauseTask


@pytest.fixture
def spike(city_noise):
    return next(r for r in hotspots.rising() if r.dimension == "category")


def test_a_hotspot_reads_as_a_sentence_with_the_statistics_in_a_tooltip(client, users, spike):
    client.force_login(users["supervisor"])

    page = client.get(reverse("dashboards:hotspots")).content.decode()

    sentence = f"{spike.ratio:.1f} times the usual of the last 8 weeks (significant)"
    assert sentence in page
    assert "q (BH) = " in page.split(sentence)[0].rsplit("<td", 1)[1]  # the cell's title
    assert "p-value" not in page


def test_the_link_selects_exactly_the_cases_the_hotspot_counts(spike):
    cases = CaseFilterSet(hotspots.case_params(spike), queryset=Case.objects.all()).qs

    assert cases.count() == spike.recent


def test_the_hotspot_link_on_the_page_is_the_same_filter(client, users, spike):
    client.force_login(users["supervisor"])
    table = hotspots.rising_table([spike])

    url = table.rows[0][1].url
    listed = client.get(url).content.decode()

    assert dict(parse_qsl(urlparse(url).query)) == hotspots.case_params(spike)
    assert str(spike.recent) in listed


def hand_over(client, spike, department, due=None):
    due = due or timezone.localdate() + datetime.timedelta(days=20)
    url = f"{reverse('dashboards:rootcause_new')}?dimension=category&code={spike.obj.code}"
    return client.post(url, {"department": department.pk, "due_date": due.isoformat(),
                             "title": "路灯问题"})  # fmt: skip


def test_a_supervisor_hands_a_hotspot_to_a_department_who_answers(client, users, departments,
                                                                  spike):  # fmt: skip
    client.force_login(users["supervisor"])
    response = hand_over(client, spike, departments["cgj"])
    task = RootCauseTask.objects.get()
    assert response.status_code == 302
    assert task.cases.count() == spike.recent and task.status == "open"
    assert "q (BH)" in task.finding

    client.force_login(users["handler"])
    listed = client.get(reverse("dashboards:rootcause")).content.decode()
    assert "路灯问题" in listed
    client.post(reverse("dashboards:rootcause_detail", args=[task.pk]),
                {"action": "answer", "answer": "路灯线路老化，已全部更换"})  # fmt: skip
    task.refresh_from_db()
    assert (task.status, task.answered_by) == ("answered", users["handler"])

    client.force_login(users["supervisor"])
    client.post(reverse("dashboards:rootcause_detail", args=[task.pk]), {"action": "close"})
    task.refresh_from_db()
    assert task.status == "closed"


def test_another_department_never_sees_the_task(client, users, departments, spike):
    task = rootcause.create_root_cause_task(
        actor=users["supervisor"], department=departments["cgj"], title="t", finding="",
        due_date=timezone.localdate(), cases=Case.objects.none(),
    )  # fmt: skip
    client.force_login(users["handler2"])

    assert client.get(reverse("dashboards:rootcause_detail", args=[task.pk])).status_code == 404
    assert "t</a>" not in client.get(reverse("dashboards:rootcause")).content.decode()
    with pytest.raises(NotFound):
        rootcause.answer_root_cause_task(task, actor=users["handler2"], answer="x")


def test_only_supervisors_hand_over_and_close(client, users, departments, spike):
    client.force_login(users["agent"])
    assert hand_over(client, spike, departments["cgj"]).status_code == 403
    with pytest.raises(ActionForbidden):
        rootcause.create_root_cause_task(
            actor=users["handler"], department=departments["cgj"], title="t", finding="",
            due_date=timezone.localdate(), cases=Case.objects.none(),
        )  # fmt: skip
    task = rootcause.create_root_cause_task(
        actor=users["supervisor"], department=departments["cgj"], title="t", finding="",
        due_date=timezone.localdate(), cases=Case.objects.none(),
    )  # fmt: skip
    with pytest.raises(TransitionNotAllowed):  # nothing answered yet
        rootcause.close_root_cause_task(task, actor=users["supervisor"])
    assert RootCauseTask.objects.get().status == "open"


def test_a_due_date_in_the_past_is_refused_on_the_form(client, users, departments, spike):
    client.force_login(users["supervisor"])

    response = hand_over(client, spike, departments["cgj"], due=datetime.date(2020, 1, 1))

    assert response.status_code == 200
    assert "The due date is in the past." in response.content.decode()
    assert not RootCauseTask.objects.exists()
