"""The case actions of the workbench: one small form each, one service call each.

`ACTIONS` maps the names `cases.services.allowed_actions` returns to the form that collects the
input and the service call that performs the action. A page shows only the allowed ones.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases import forms, services
from cases.choices import ConsultationStatus, Status
from cases.forms import yes_no
from core.errors import TransitionNotAllowed


@dataclass(frozen=True)
class CaseAction:
    """An action a viewer may take on a case: its label, its form and what it does."""

    name: str
    label: str
    form: type[forms.CaseActionForm]
    run: Callable
    done: str


def _callback(case, user, d):
    services.complete_callback(
        case,
        actor=user,
        reached=yes_no(d["reached"]),
        resolved=yes_no(d["resolved"]),
        satisfaction=d["satisfaction"],
        note=d["note"],
        then=d["then"],
    )


def _a(d):
    return d["assignment"]


def with_file(run: Callable) -> Callable:
    """The action and the file sent with it, in one transaction (the file first: a reply
    finishes the assignment, after which the department adds no more files)."""

    def both(case, user, d):
        with transaction.atomic():
            if d.get("file"):
                services.add_attachment(case, actor=user, upload=d["file"])
            return run(case, user, d)

    return both


def _consultation(case):
    """The case's open joint consultation (the page offers its steps only while there is one)."""
    consultation = case.consultations.filter(status=ConsultationStatus.OPEN).first()
    if consultation is None:
        raise TransitionNotAllowed(
            _("case %(number)s has no open joint consultation") % {"number": case.number}
        )
    return consultation


def _park(case, user, d):
    """From the decision queue a supervisor parks by hand; elsewhere past the reopen cap."""
    park = services.park_case if case.status == Status.DECISION else services.reopen_case
    park(case, actor=user, reason=d["reason"])


ACTION_LIST = [
    CaseAction(
        "sign",
        _("Sign for this case"),
        forms.SignForm,
        lambda c, u, d: services.sign_assignment(_a(d), actor=u),
        _("Signed."),
    ),
    CaseAction(
        "reply",
        _("Reply"),
        forms.ReplyForm,
        with_file(
            lambda c, u, d: services.reply_assignment(
                _a(d), actor=u, result=d["result"], content=d["content"]
            )
        ),
        _("Reply sent to the center."),
    ),
    CaseAction(
        "add_progress",
        _("Add a progress note"),
        forms.ProgressForm,
        with_file(lambda c, u, d: services.add_progress(_a(d), actor=u, note=d["note"])),
        _("Progress noted."),
    ),
    CaseAction(
        "return",
        _("Return: not ours"),
        forms.ReturnForm,
        lambda c, u, d: services.return_assignment(
            _a(d), actor=u, reason=d["reason"], suggested_department=d["suggested_department"]
        ),
        _("Return requested; the center will review it."),
    ),
    CaseAction(
        "request_extension",
        _("Ask for more time"),
        forms.ExtensionRequestForm,
        lambda c, u, d: services.request_extension(
            _a(d), actor=u, reason=d["reason"], days=d["days"]
        ),
        _("Extension requested."),
    ),
    CaseAction(
        "answer_supervision",
        _("Answer the supervision order"),
        forms.AnswerSupervisionForm,
        lambda c, u, d: services.answer_supervision(d["order"], actor=u, answer=d["answer"]),
        _("Supervision order answered."),
    ),
    CaseAction(
        "dispatch",
        _("Dispatch"),
        forms.DispatchForm,
        lambda c, u, d: services.dispatch_case(
            c,
            actor=u,
            department=d["department"],
            co_departments=d["co_departments"],
            note=d["note"],
        ),
        _("Dispatched."),
    ),
    CaseAction(
        "answer",
        _("Answer directly"),
        forms.AnswerForm,
        lambda c, u, d: services.answer_case(c, actor=u, answer=d["answer"]),
        _("Answered."),
    ),
    CaseAction(
        "transfer",
        _("Transfer to another hotline"),
        forms.TransferForm,
        lambda c, u, d: services.transfer_case(c, actor=u, to=d["to"], reason=d["reason"]),
        _("Transferred."),
    ),
    CaseAction(
        "merge",
        _("Merge into another case"),
        forms.MergeForm,
        lambda c, u, d: services.merge_case(c, actor=u, parent=d["parent"]),
        _("Merged."),
    ),
    CaseAction(
        "invalidate",
        _("Mark invalid"),
        forms.ReasonForm,
        lambda c, u, d: services.invalidate_case(c, actor=u, reason=d["reason"]),
        _("Marked invalid."),
    ),
    CaseAction(
        "accept_return",
        _("Accept the return"),
        forms.ReviewReturnForm,
        lambda c, u, d: services.review_return(_a(d), actor=u, accept=True, note=d["note"]),
        _("Return accepted: the case can be dispatched again."),
    ),
    CaseAction(
        "reject_return",
        _("Reject the return"),
        forms.ReviewReturnForm,
        lambda c, u, d: services.review_return(_a(d), actor=u, accept=False, note=d["note"]),
        _("Return rejected: the case is back with the department."),
    ),
    CaseAction(
        "redispatch",
        _("Re-dispatch"),
        forms.RedispatchForm,
        lambda c, u, d: services.redispatch_assignment(
            _a(d), actor=u, department=d["department"], note=d["note"]
        ),
        _("Re-dispatched."),
    ),
    CaseAction(
        "decide_extension",
        _("Decide the extension"),
        forms.DecideExtensionForm,
        lambda c, u, d: services.decide_extension(
            d["extension"], actor=u, approve=d["decision"] == "approve", note=d["note"]
        ),
        _("Extension decided."),
    ),
    CaseAction(
        "open_dispute",
        _("Open a jurisdiction dispute"),
        forms.ReasonForm,
        lambda c, u, d: services.open_dispute(c, actor=u, reason=d["reason"]),
        _("Dispute opened."),
    ),
    CaseAction(
        "decide_dispute",
        _("Decide the dispute"),
        forms.DecideDisputeForm,
        lambda c, u, d: services.decide_dispute(
            d["dispute"], actor=u, department=d["department"], note=d["note"]
        ),
        _("Dispute decided."),
    ),
    CaseAction(
        "callback", _("Record a callback"), forms.CallbackForm, _callback, _("Callback recorded.")
    ),
    CaseAction(
        "reopen",
        _("Reopen"),
        forms.ReasonForm,
        lambda c, u, d: services.reopen_case(c, actor=u, reason=d["reason"]),
        _("Reopened."),
    ),
    CaseAction(
        "close",
        _("Close"),
        forms.CloseForm,
        lambda c, u, d: services.close_case(c, actor=u, note=d["note"]),
        _("Closed."),
    ),
    CaseAction(
        "urge",
        _("Urge"),
        forms.UrgeForm,
        lambda c, u, d: services.urge_assignment(_a(d), actor=u, note=d["note"]),
        _("Urged."),
    ),
    CaseAction(
        "supervise",
        _("Open a supervision order"),
        forms.SuperviseForm,
        lambda c, u, d: services.supervise_case(
            c, actor=u, level=d["level"], reason=d["reason"], due_at=d["due_at"]
        ),
        _("Supervision order opened."),
    ),
]
# issue 14 (helper A): reply review, take back and reassign
ACTION_LIST += [
    CaseAction(
        "approve_reply",
        _("Approve the reply"),
        forms.ApproveReplyForm,
        lambda c, u, d: services.approve_reply(c, actor=u, note=d["note"]),
        _("Reply approved: the case waits for the callback."),
    ),
    CaseAction(
        "send_back_reply",
        _("Send the reply back"),
        forms.SendBackReplyForm,
        lambda c, u, d: services.send_back_reply(c, actor=u, reason=d["reason"]),
        _("Reply sent back: the department handles the case again."),
    ),
    CaseAction(
        "take_back",
        _("Take back and reassign"),
        forms.TakeBackForm,
        lambda c, u, d: services.take_back_case(
            c,
            actor=u,
            reason=d["reason"],
            department=d["department"],
            co_departments=d["co_departments"],
            note=d["note"],
        ),
        _("Taken back."),
    ),
]

# issue 14 (B): the decision queue (研判), supervision review, joint consultation (会商)
ACTION_LIST += [
    CaseAction(
        "refer_decision",
        _("Send to the supervisors' decision"),
        forms.NoteForm,
        lambda c, u, d: services.refer_to_decision(c, actor=u, note=d["note"]),
        _("Sent to the supervisors' decision queue."),
    ),
    CaseAction(
        "conclude",
        _("Close with a reason"),
        forms.ReasonForm,
        lambda c, u, d: services.conclude_case(c, actor=u, reason=d["reason"]),
        _("Closed by the supervisor's decision."),
    ),
    CaseAction("park", _("Park as unresolvable"), forms.ReasonForm, _park, _("Parked.")),
    CaseAction(
        "accept_supervision",
        _("Accept the supervision answer"),
        forms.ReviewSupervisionForm,
        lambda c, u, d: services.review_supervision(
            d["order"], actor=u, accept=True, note=d["note"]
        ),
        _("Answer accepted: the supervision order is closed."),
    ),
    CaseAction(
        "reject_supervision",
        _("Send the supervision answer back"),
        forms.ReviewSupervisionForm,
        lambda c, u, d: services.review_supervision(
            d["order"], actor=u, accept=False, note=d["note"]
        ),
        _("Answer sent back: the department answers again."),
    ),
    CaseAction(
        "open_consultation",
        _("Open a joint consultation"),
        forms.OpenConsultationForm,
        lambda c, u, d: services.open_consultation(
            c, actor=u, topic=d["topic"], departments=d["departments"]
        ),
        _("Joint consultation opened: the departments are invited."),
    ),
    CaseAction(
        "record_position",
        _("Record our position"),
        forms.PositionForm,
        lambda c, u, d: services.record_position(_consultation(c), actor=u, position=d["position"]),
        _("Position recorded."),
    ),
    CaseAction(
        "decide_consultation",
        _("Decide the joint consultation"),
        forms.DecideConsultationForm,
        lambda c, u, d: services.decide_consultation(
            _consultation(c),
            actor=u,
            department=d["department"],
            co_departments=d["co_departments"],
            decision=d["decision"],
        ),
        _("Decided: the departments are dispatched."),
    ),
]
ACTIONS = {action.name: action for action in ACTION_LIST}
