"""The timeline in words: each event a Chinese sentence, names not codes, 是/否 not True/False."""

import pytest
from django.utils import translation

from cases import services, timeline
from cases.models import CaseEvent
from tests.cases.workbench import main_assignment

pytestmark = pytest.mark.django_db


def told(case) -> dict[str, str]:
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    names = timeline.names_for([e.data for e in events])
    with translation.override("zh-hans"):
        return {e.type: timeline.sentence(e.type, e.data, names) for e in events}


def test_a_case_from_dispatch_to_callback_reads_as_chinese_sentences(register, users, departments):
    # given a case dispatched with a co-handler, signed, replied and called back
    case = register()
    services.dispatch_case(
        case, actor=users["agent"], department=departments["cgj"],
        co_departments=[departments["zjj"]],
    )  # fmt: skip
    assignment = main_assignment(case)
    services.sign_assignment(assignment, actor=users["handler"])
    services.reply_assignment(
        assignment, actor=users["handler"], result="resolved", content="已处理"
    )
    case.refresh_from_db()
    services.record_callback(
        case, actor=users["agent"], reached=True, resolved=False, satisfaction="unsatisfied"
    )

    # when the timeline is told in Chinese
    sentences = told(case)

    # then each step is a sentence with names and labels, never a code or a raw value
    assert sentences["case_registered"] == "经电话受理，类型：投诉，紧急程度：一般。"
    assert "城管局" in sentences["case_dispatched"] and "住建局" in sentences["case_dispatched"]
    assert sentences["assignment_signed"] == "以主办身份签收，按时。"
    assert sentences["callback_recorded"] == "已联系上市民；是否解决：否。满意度：不满意。"
    for sentence in sentences.values():
        assert not any(raw in sentence for raw in ("cgj", "zjj", "False", "True", "unsatisfied"))


def test_a_sentence_for_every_event_type_the_code_writes():
    from cases.events import EventType

    types = {v for k, v in vars(EventType).items() if k.isupper()}
    assert types <= set(timeline.SENTENCES), types - set(timeline.SENTENCES)
