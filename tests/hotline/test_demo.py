"""The demo cases: built through the services, every status present, timelines consistent.

Each case's timeline is replayed through the transition table: starting from `registered`,
every event must be a transition the table allows from the status reached so far, and the
last status must be the case's. Times never go backwards and never lie in the future.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.choices import Status
from cases.events import EventType
from cases.models import Assignment, Callback, Case, CaseEvent, PersonalDataAccess
from cases.routing import classifier
from hotline.demo.cases import build_demo_cases
from hotline.models import DailyHotspotCount, DailyStat
from knowledgebase.models import Article, ArticleFeedback
from tests.timelines import replay, replay_assignments


def check_dates(case: Case, assignments: list[Assignment], now) -> None:
    assert (case.closed_at is not None) == (case.status in (Status.CLOSED, Status.PARKED))
    assert case.reply_due_at is None or case.reply_due_at > case.created_at
    for a in assignments:
        assert case.created_at <= a.dispatched_at < a.sign_due_at
        assert a.signed_at is None or a.dispatched_at <= a.signed_at <= now
        assert a.replied_at is None or (a.signed_at or a.dispatched_at) <= a.replied_at <= now


@pytest.mark.slow
def test_demo_cases_are_real_timelines_in_every_status(db, settings, tmp_path):
    # given the demo built once
    now = timezone.now()
    built = build_demo_cases()
    assert built >= 250
    counts = (Case.objects.count(), CaseEvent.objects.count(), Assignment.objects.count())

    # then every status is present, reply_review too (the last cases are replied once the
    # review rules are in force: the review queue is lived in)
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert Case.objects.filter(status=Status.REPLY_REVIEW).count() == 2

    # and every timeline replays through the table to the case's status, in time order
    events, assignments = {}, {}
    for event in CaseEvent.objects.select_related("assignment").order_by("case_id", "id"):
        events.setdefault(event.case_id, []).append(event)
    for assignment in Assignment.objects.order_by("id"):
        assignments.setdefault(assignment.case_id, []).append(assignment)
    for case in Case.objects.all():
        timeline = events[case.pk]
        assert replay(case, timeline) == case.status
        mine = assignments.get(case.pk, [])
        assert replay_assignments(case, timeline, mine) == {a.pk: a.status for a in mine}
        times = [e.created_at for e in timeline]
        assert times == sorted(times) and times[-1] <= now, case.number
        check_dates(case, assignments.get(case.pk, []), now)
    assert Callback.objects.filter(reached=False).exists()
    # and agents answered consultations on the call from the knowledge base, citing articles
    # published before the answer (the articles' 答复工单数 and helpfulness are lived in)
    answered = CaseEvent.objects.filter(type=EventType.ANSWERED, case__answered_with__isnull=False)
    cited = answered.values_list("created_at", "case__answered_with__published_at")
    assert len(cited) >= 30 and all(published < at for at, published in cited)
    cited_articles = Article.objects.filter(answered_cases__isnull=False).distinct()
    assert 10 <= cited_articles.count() < Article.objects.count()
    assert ArticleFeedback.objects.filter(helpful=True, created_at__lt=now).exists()
    # and the auditor has reveals to read, each of a confidential caller
    reveals = PersonalDataAccess.objects.select_related("case")
    assert reveals.count() == 3 and all(r.case.confidential for r in reveals)

    # when load_demo runs, it builds no case again but makes the city look used: the
    # dashboards' statistics, the trained category learner, one sweep's urges
    settings.ROUTER_MODEL_PATH = tmp_path / "category.joblib"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Case.objects.count() == counts[0] and Assignment.objects.count() == counts[2]
    assert DailyStat.objects.filter(dispatched__gt=0).exists()
    assert DailyHotspotCount.objects.exists()
    assert classifier.suggest_categories("小区门口的路灯坏了，晚上一片漆黑")
    assert CaseEvent.objects.filter(type=EventType.URGED).exists()

    # and when it runs again, nothing changes
    counts = (Case.objects.count(), CaseEvent.objects.count(), Assignment.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert build_demo_cases() == 0
    after = (Case.objects.count(), CaseEvent.objects.count(), Assignment.objects.count())
    assert after == counts


def test_demo_content_is_localised_to_the_city(db):
    from hotline.demo.cases.content import load_messages

    messages = load_messages(200)
    assert len(messages) == 200
    for message in messages:
        text = message["title"] + message["text"]
        assert "A市" not in text and "A2区" not in text
    assert any("天心区" in m["text"] for m in messages)
