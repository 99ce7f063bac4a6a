"""The satisfaction survey by SMS (一事一评): a citizen's answer becomes a callback.

The platform posts each inbound message to `/notifications/sms/inbound/` (signed:
`sms.verify_inbound`). The reply is matched to the latest open survey sent to that phone:

- "1", "2" or "3" (满意 / 基本满意 / 不满意) is recorded through the callback service
  (`cases.services.complete_callback`), as a callback reached by SMS, by the center's SMS account:
  exactly the rules of a phone callback; a satisfied answer closes the case as a phone callback
  would, an unsatisfied one is left to the phone callback's rules (the decision queue);
- "TD" (or 退订) opts the number out of every further message;
- anything else is kept (the survey, the inbound row, the timeline) and the case waits in the
  phone callback queue; so does a case whose survey got no answer within
  HOTLINE_SMS_SURVEY_DAYS working days (`expire_surveys`, run with each delivery pass).
"""

import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import events, services
from cases.choices import CallbackChannel, Satisfaction
from core.errors import ApplicationError
from core.phones import normalize_phone
from core.roles import Role
from departments.models import Department, Membership
from notifications.models import InboundSms, OptOut, SmsSurvey

SURVEY_USERNAME = "sms-survey"
ANSWERS = {
    "1": Satisfaction.SATISFIED,
    "2": Satisfaction.BASICALLY_SATISFIED,
    "3": Satisfaction.UNSATISFIED,
}
# What follows each rating, as an agent's phone callback would choose it.
FOLLOW_UP = {
    Satisfaction.SATISFIED: "close",
    Satisfaction.BASICALLY_SATISFIED: "close",
    Satisfaction.UNSATISFIED: "decision",  # never closed silently: the supervisors decide
}
OPT_OUT_WORDS = {"TD", "T", "N", "退订", "取消"}


def survey_user():
    """The center's account that records the answers citizens send by SMS."""
    user, created = get_user_model().objects.get_or_create(
        username=SURVEY_USERNAME, defaults={"first_name": "短信回访", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    center = Department.objects.get(code="center")
    Membership.objects.get_or_create(user=user, department=center, role=Role.AGENT)
    return user


def _words(content: str) -> str:
    return unicodedata.normalize("NFKC", content or "").strip().upper().rstrip("。.!！")


@transaction.atomic
def receive(*, message_id: str, phone: str, content: str, received_at=None) -> str:
    """Record one inbound message and act on it; returns what became of it."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:  # a sender id we cannot read: kept, matched to nothing
        phone = (phone or "")[:20]
    at = received_at or timezone.now()
    try:
        with transaction.atomic():
            inbound = InboundSms.objects.create(
                message_id=message_id[:100], phone=phone, content=content[:500], received_at=at
            )
    except IntegrityError:
        return "duplicate"  # the platform posted it again: done the first time
    inbound.outcome = _act(inbound, at)
    inbound.save(update_fields=["outcome", "survey"])
    return inbound.outcome


def _act(inbound: InboundSms, at) -> str:
    words = _words(inbound.content)
    if words in OPT_OUT_WORDS:
        OptOut.objects.get_or_create(phone=inbound.phone, defaults={"source": "sms"})
        return "opted_out"
    survey = (
        SmsSurvey.objects.select_for_update()
        .select_related("case")
        .filter(phone=inbound.phone, status=SmsSurvey.Status.OPEN)
        .order_by("-sent_at", "-id")
        .first()
    )
    if survey is None:
        return "unmatched"
    inbound.survey = survey
    survey.reply, survey.answered_at = inbound.content[:500], at
    if words not in ANSWERS:
        survey.status = SmsSurvey.Status.UNCLEAR
        survey.save(update_fields=["status", "reply", "answered_at"])
        events.sms_survey_closed(survey.case, outcome="unclear", reply=survey.reply, at=at)
        return "unclear"
    return _rate(survey, ANSWERS[words], at)


def _rate(survey: SmsSurvey, satisfaction: str, at) -> str:
    try:
        with transaction.atomic():
            survey.callback = services.complete_callback(
                survey.case,
                actor=survey_user(),
                reached=True,
                satisfaction=satisfaction,
                note=f"短信回访：市民回复“{survey.reply}”",
                then=FOLLOW_UP[satisfaction],
                channel=CallbackChannel.SMS,
            )
    except ApplicationError:  # called back by phone meanwhile, or closed: the answer is kept
        survey.status = SmsSurvey.Status.LATE
        survey.save(update_fields=["status", "reply", "answered_at"])
        return "late"
    survey.status = SmsSurvey.Status.ANSWERED
    survey.save(update_fields=["status", "reply", "answered_at", "callback"])
    return "recorded"


def expire_surveys(now=None) -> int:
    """Surveys past their answer deadline: the case waits for a phone callback."""
    now = now or timezone.now()
    expired = 0
    for survey in SmsSurvey.objects.select_related("case").filter(
        status=SmsSurvey.Status.OPEN, due_at__lt=now
    ):
        with transaction.atomic():
            taken = SmsSurvey.objects.filter(pk=survey.pk, status=SmsSurvey.Status.OPEN).update(
                status=SmsSurvey.Status.EXPIRED
            )
            if taken:
                events.sms_survey_closed(survey.case, outcome="expired", reply="", at=now)
                expired += 1
    return expired
