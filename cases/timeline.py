"""The timeline in words: each event type told as one sentence built from its typed data.

`cases.events` writes one `data` shape per type; `SENTENCES` reads it back for people, with
department names instead of codes, choice labels instead of stored values, 是/否 instead of
True/False, dates in the local zone. A type without a sentence shows only its name, and
`tests/hotline/test_screen_text.py` fails on it, so a new event type comes with its sentence.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases.choices import (
    AssignmentRole,
    Channel,
    ReplyResult,
    RequestType,
    Satisfaction,
    SupervisionLevel,
    Urgency,
)
from core.text import join_clauses
from departments.models import Department


@dataclass
class Names:
    """What the sentences look up once per page: department names by code."""

    departments: dict[str, str] = field(default_factory=dict)

    def department(self, code) -> str:
        return self.departments.get(code, code or "—")


def yes_no(value) -> str:
    return pgettext("answer", "yes") if value else pgettext("answer", "no")


def choice(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def when(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime.datetime):
        return "—"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _with(sentence: str, note) -> str:
    """A sentence followed by the free text someone wrote (a note, a reason), when there is one."""
    return f"{sentence}{_(': ')}{note}" if note else sentence


def _then(sentence: str, more: str) -> str:
    """Two sentences in a row: a space after an English full stop, none after a Chinese one."""
    return sentence + ("" if sentence.endswith(("。", "：", "；", "，")) else " ") + more


def _on_time(late) -> str:
    return _("late") if late else _("on time")


def registered(d: dict, names: Names) -> str:
    return _("Came in by %(channel)s as a %(type)s, urgency: %(urgency)s.") % {
        "channel": choice(Channel, d.get("channel")),
        "type": choice(RequestType, d.get("request_type")),
        "urgency": choice(Urgency, d.get("urgency")),
    }


def answered(d: dict, names: Names) -> str:
    count = len(d.get("articles") or [])
    if not count:
        return _("Answered directly by the agent.")
    return ngettext(
        "Answered directly from %(count)d knowledge article.",
        "Answered directly from %(count)d knowledge articles.",
        count,
    ) % {"count": count}


def dispatched(d: dict, names: Names) -> str:
    sentence = _("Dispatched to %(department)s as the main handler.") % {
        "department": names.department(d.get("department"))
    }
    if d.get("co"):
        co = "、".join(names.department(code) for code in d["co"])
        sentence = _then(sentence, _("Co-handlers: %(departments)s.") % {"departments": co})
    routing = d.get("routing") or {}
    if isinstance(routing, dict) and (routing.get("reasons") or routing.get("reason")):
        # the clauses are joined in the reader's language; older events kept one "; " line
        reasons = routing.get("reasons")
        if not isinstance(reasons, list) or not reasons:
            reasons = str(routing.get("reason") or "").split("; ")
        sentence = _then(sentence, _("Routing: %(reason)s") % {"reason": join_clauses(reasons)})
    elif isinstance(routing, dict) and routing.get("source") == "manual":
        sentence = _then(sentence, _("Chosen by hand, without a suggestion."))
    return _with(sentence, d.get("note"))


def redispatched(d: dict, names: Names) -> str:
    sentence = _("Re-dispatched by %(from)s to %(department)s.") % {
        "from": names.department(d.get("from")),
        "department": names.department(d.get("department")),
    }
    return _with(sentence, d.get("note"))


def signed(d: dict, names: Names) -> str:
    return _("Signed for as %(role)s, %(on_time)s.") % {
        "role": choice(AssignmentRole, d.get("role")),
        "on_time": _on_time(d.get("late")),
    }


def returned(d: dict, names: Names) -> str:
    sentence = _with(_("The department says the case is not its own"), d.get("reason"))
    if d.get("suggested_department"):
        suggested = names.department(d["suggested_department"])
        sentence = _then(sentence, _("It names %(department)s.") % {"department": suggested})
    return sentence


def return_accepted(d: dict, names: Names) -> str:
    sentence = _("The return of %(department)s is accepted; the case is dispatched again.") % {
        "department": names.department(d.get("department"))
    }
    return _with(sentence, d.get("note"))


def return_rejected(d: dict, names: Names) -> str:
    sentence = _("The return of %(department)s is rejected; the case stays with it.") % {
        "department": names.department(d.get("department"))
    }
    return _with(sentence, d.get("note"))


def dispute_opened(d: dict, names: Names) -> str:
    between = "、".join(names.department(code) for code in d.get("departments") or [])
    sentence = _("Jurisdiction dispute between %(departments)s") % {"departments": between}
    return _with(sentence, d.get("reason"))


def dispute_decided(d: dict, names: Names) -> str:
    sentence = _("Decided: %(department)s handles the case.") % {
        "department": names.department(d.get("department"))
    }
    return _with(sentence, d.get("note"))


def extension_requested(d: dict, names: Names) -> str:
    days = d.get("days") or 0
    sentence = ngettext(
        "Asks for %(days)d more working day",
        "Asks for %(days)d more working days",
        days,
    ) % {"days": days}
    return _with(sentence, d.get("reason"))


def extension_decided(d: dict, names: Names) -> str:
    if d.get("approve"):
        sentence = _("Extension approved; the reply is now due %(due)s.") % {
            "due": when(d.get("new_due_at"))
        }
    else:
        sentence = _("Extension rejected; the deadline stays.")
    return _with(sentence, d.get("note"))


def progress(d: dict, names: Names) -> str:
    return d.get("note") or "—"


def replied(d: dict, names: Names) -> str:
    return _("Replied as %(role)s: %(result)s, %(on_time)s.") % {
        "role": choice(AssignmentRole, d.get("role")),
        "result": choice(ReplyResult, d.get("result")),
        "on_time": _on_time(d.get("late")),
    }


def callback(d: dict, names: Names) -> str:
    if not d.get("reached"):
        return _("The citizen was not reached.")
    sentence = _("Citizen reached; resolved: %(resolved)s.") % {
        "resolved": yes_no(d.get("resolved"))
    }
    if d.get("satisfaction"):
        satisfaction = choice(Satisfaction, d["satisfaction"])
        sentence = _then(
            sentence, _("Satisfaction: %(satisfaction)s.") % {"satisfaction": satisfaction}
        )
    return sentence


def reopened(d: dict, names: Names) -> str:
    sentence = _("Reopened (time %(count)s), back to %(department)s") % {
        "count": d.get("reopens") or 1,
        "department": names.department(d.get("department")),
    }
    return _with(sentence, d.get("reason"))


def parked(d: dict, names: Names) -> str:
    sentence = _("Parked as unresolvable after %(count)s reopenings") % {
        "count": d.get("reopens") or 0
    }
    return _with(sentence, d.get("reason"))


def closed(d: dict, names: Names) -> str:
    return _with(_("The case is closed"), d.get("note"))


# The sweep's thresholds (`hotline.models.Reminder.Threshold`), stored as text on this floor.
THRESHOLDS = {
    "quarter_left": lambda: _("a quarter of the limit is left"),
    "overdue": lambda: _("the deadline has passed"),
}


def urged(d: dict, names: Names) -> str:
    threshold = THRESHOLDS.get(d.get("threshold") or "")
    if d.get("automatic") and threshold:
        sentence = _("Urged automatically: %(threshold)s.") % {"threshold": threshold()}
    elif d.get("automatic"):
        sentence = _("Urged automatically.")
    else:
        sentence = _("Urged by the center.")
    return _with(sentence, d.get("note"))


def supervised(d: dict, names: Names) -> str:
    sentence = _("%(level)s supervision order, to be answered by %(due)s") % {
        "level": choice(SupervisionLevel, d.get("level")),
        "due": when(d.get("due_at")),
    }
    return _with(sentence, d.get("reason"))


def supervision_answered(d: dict, names: Names) -> str:
    return _with(_("The department answers the supervision order"), d.get("answer"))


# ---------------------------------------------------------------- issues 14 and 15


def _departments(codes, names: Names) -> str:
    return _("、").join(names.department(c) for c in codes or []) or "—"


def taken_back(d: dict, names: Names) -> str:
    sentence = _("Taken back from %(departments)s") % {
        "departments": _departments(d.get("withdrawn"), names)
    }
    return _with(sentence, d.get("reason"))


def reply_sent_back(d: dict, names: Names) -> str:
    sentence = _("The reply of %(department)s is sent back") % {
        "department": names.department(d.get("department"))
    }
    return _with(sentence, d.get("reason"))


def parent_replied(d: dict, names: Names) -> str:
    sentence = _("Case %(parent)s, which this one was merged into, is replied: %(result)s") % {
        "parent": d.get("parent") or "—",
        "result": choice(ReplyResult, d.get("result")),
    }
    return _with(sentence, d.get("reply"))


def referred(d: dict, names: Names) -> str:
    sentence = _("Sent to the supervisors' decision (satisfaction: %(satisfaction)s)") % {
        "satisfaction": choice(Satisfaction, d.get("satisfaction"))
        if d.get("satisfaction")
        else "—"
    }
    return _with(sentence, d.get("note"))


def consultation_opened(d: dict, names: Names) -> str:
    sentence = _("Joint consultation with %(departments)s") % {
        "departments": _departments(d.get("departments"), names)
    }
    return _with(sentence, d.get("topic"))


def consultation_position(d: dict, names: Names) -> str:
    sentence = _("Position of %(department)s") % {
        "department": names.department(d.get("department"))
    }
    return _with(sentence, d.get("position"))


def consultation_decided(d: dict, names: Names) -> str:
    sentence = _("Decided: %(department)s handles it, with %(co)s") % {
        "department": names.department(d.get("department")),
        "co": _departments(d.get("co"), names),
    }
    return _with(sentence, d.get("decision"))


NOTIFICATION_RESULTS = {
    "sent": lambda: _("sent"),
    "retrying": lambda: _("failed, to be tried again"),
    "failed": lambda: _("failed"),
    "skipped": lambda: _("not sent"),
}


def notification_attempt(d: dict, names: Names) -> str:
    result = NOTIFICATION_RESULTS.get(d.get("result") or "")
    sentence = _("Message (try %(attempt)s): %(result)s") % {
        "attempt": d.get("attempt") or 1,
        "result": result() if result else "—",
    }
    return _with(sentence, d.get("reason"))


def survey_closed(d: dict, names: Names) -> str:
    if d.get("outcome") == "expired":
        return _("No answer to the SMS survey in time: the citizen is called back by phone.")
    return _with(
        _("The SMS answer was not 1, 2 or 3: the citizen is called back by phone"), d.get("reply")
    )


SENTENCES: dict[str, Callable[[dict, Names], str]] = {
    "case_registered": registered,
    "case_answered": answered,
    "case_transferred": lambda d, n: _with(
        _("Transferred to %(to)s") % {"to": d.get("to_name") or n.department(d.get("to"))},
        d.get("reason"),
    ),
    "case_invalidated": lambda d, n: _with(_("Marked invalid"), d.get("reason")),
    "case_merged": lambda d, n: (
        _("Merged into case %(parent)s.") % {"parent": d.get("parent") or "—"}
    ),
    "case_dispatched": dispatched,
    "assignment_redispatched": redispatched,
    "assignment_signed": signed,
    "assignment_returned": returned,
    "return_accepted": return_accepted,
    "return_rejected": return_rejected,
    "dispute_opened": dispute_opened,
    "dispute_decided": dispute_decided,
    "extension_requested": extension_requested,
    "extension_decided": extension_decided,
    "progress_added": progress,
    "assignment_replied": replied,
    "callback_recorded": callback,
    "case_reopened": reopened,
    "case_parked": parked,
    "case_closed": closed,
    "assignment_urged": urged,
    "supervision_opened": supervised,
    "supervision_answered": supervision_answered,
    "transfer_acknowledged": lambda d, n: (
        _("%(partner)s acknowledged the transfer") % {"partner": n.department(d.get("partner"))}
    ),
    "transfer_answered": lambda d, n: _with(
        _("%(partner)s answered the transfer") % {"partner": n.department(d.get("partner"))},
        d.get("answer"),
    ),
    "attachment_added": lambda d, n: _with(_("A file was added"), d.get("file")),
    "citizen_information_added": lambda d, n: _with(
        _("The citizen added information on the progress lookup"), d.get("text")
    ),
    "reply_approved": lambda d, n: _with(
        _("The reply of %(department)s is approved")
        % {"department": n.department(d.get("department"))},
        d.get("note"),
    ),
    "reply_sent_back": reply_sent_back,
    "case_taken_back": taken_back,
    "parent_replied": parent_replied,
    "case_referred": referred,
    "case_concluded": lambda d, n: _with(_("Closed by the supervisors' decision"), d.get("reason")),
    "supervision_accepted": lambda d, n: _with(
        _("The answer to the supervision order is accepted"), d.get("note")
    ),
    "supervision_sent_back": lambda d, n: _with(
        _("The answer to the supervision order is sent back"), d.get("note")
    ),
    "consultation_opened": consultation_opened,
    "consultation_position": consultation_position,
    "consultation_decided": consultation_decided,
    "notification_attempt": notification_attempt,
    "sms_survey_closed": survey_closed,
}

# Data keys holding department codes, for the one lookup per page.
_DEPARTMENT_KEYS = ("department", "from", "to", "suggested_department", "partner")
_DEPARTMENT_LISTS = ("co", "departments", "withdrawn")


def names_for(datas: list[dict]) -> Names:
    """The department names the sentences of these events need, in one query."""
    codes = set()
    for data in datas:
        codes.update(data[k] for k in _DEPARTMENT_KEYS if isinstance(data.get(k), str))
        for k in _DEPARTMENT_LISTS:
            codes.update(c for c in data.get(k) or [] if isinstance(c, str))
    rows = Department.objects.filter(code__in=codes).values_list("code", "short_name", "name")
    return Names({code: short or name for code, short, name in rows})


def sentence(event_type: str, data: dict, names: Names) -> str:
    """The event told for people; an unknown type (no sentence yet) tells nothing more."""
    tell = SENTENCES.get(event_type)
    return tell(data, names) if tell else ""
