"""A case as a printable work order (A4 page and PDF), for offices that keep paper files.

The same selector as the case page decides whether the viewer may see the case (404 when
not), and the same template filters decide what they see of the citizen: never more.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.privacy import name_shown, no_store, phone_shown, sees_identity
from cases.templatetags.workbench import event_label, label
from cases.templatetags.workbench import person as person_name
from cases.views.detail import assignment_rows, case_for, timeline
from core import pdf
from core.spreadsheets import attachment


def work_order(user, number: str) -> dict:
    """Everything a printed work order shows, as the viewer may see it."""
    case = case_for(user, number)
    center = sees_identity(user)
    return {
        "case": case,
        "center": center,
        "assignments": assignment_rows(case, timezone.now()),
        "events": timeline(case, center, user),
        "printed_at": timezone.localtime(),
    }


@login_required
def print_case(request, number: str):
    """The work order as an A4 page (the browser's print dialog makes the paper copy)."""
    return no_store(render(request, "cases/print.html", work_order(request.user, number)))


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _summary(case, user) -> list[list]:
    return [
        [_("Number"), case.number, _("Registered"), _when(case.created_at)],
        [_("Channel"), label(case.channel, "channel"), _("Request type"),
         label(case.request_type, "request_type")],
        [_("Status"), label(case.status, "status"), _("Urgency"), label(case.urgency, "urgency")],
        [_("Caller"), name_shown(case, user), _("Phone"), phone_shown(case, user)],
        [_("Category"), case.category or "—", _("Region"), case.region or "—"],
        [_("Address"), case.address or "—", _("Reply due"), _when(case.reply_due_at)],
        [_("Main department"), case.main_department or "—", "", ""],
    ]  # fmt: skip


def work_order_pdf(order: dict, user) -> bytes:
    """The work order as an A4 PDF (reportlab, the built-in Chinese font)."""
    case = order["case"]
    story = [pdf.para(_("12345 Hotline work order"), pdf.HEADING),
             pdf.grid(_summary(case, user), header=False)]  # fmt: skip
    if case.title:
        story.append(pdf.para(case.title, pdf.SUBHEADING))
    story += [pdf.para(case.content)]
    if case.answer:
        story += [pdf.para(_("Direct answer"), pdf.SUBHEADING), pdf.para(case.answer)]
    story.append(pdf.para(_("Assignments"), pdf.SUBHEADING))
    rows = [[_("Department"), _("Role"), _("Status"), _("Sign due"), _("Reply due"), _("Reply")]]
    for row in order["assignments"]:
        a = row["assignment"]
        rows.append([a.department, a.get_role_display(), a.get_status_display(),
                     _when(a.sign_due_at), _when(a.reply_due_at), a.reply_content])  # fmt: skip
    story.append(pdf.grid(rows) if len(rows) > 1 else pdf.para(_("Not dispatched.")))
    story.append(pdf.para(_("Timeline"), pdf.SUBHEADING))
    rows = [[_("Time"), _("Event"), _("By"), _("Details")]]
    for event in order["events"]:
        details = event.sentence
        rows.append([_when(event.created_at), event_label(event.type), person_name(event.actor),
                     details])  # fmt: skip
    story.append(pdf.grid(rows, widths=[80, 80, 70, 250]))
    story.append(pdf.para(_("Printed %(time)s") % {"time": _when(order["printed_at"])}, pdf.SMALL))
    return pdf.build(story, title=f"{_('Work order')} {case.number}")


@login_required
def print_case_pdf(request, number: str):
    """The work order as a PDF download."""
    order = work_order(request.user, number)
    response = HttpResponse(work_order_pdf(order, request.user), content_type="application/pdf")
    response["Content-Disposition"] = attachment(f"{_('Work order')}_{number}.pdf")
    return no_store(response)
