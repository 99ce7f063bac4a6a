"""The filtered case list as an Excel download (`/cases/export/`, the list's own filters).

Written in openpyxl's write-only mode into a temporary file that is streamed back, so memory
stays flat however many rows; past `HOTLINE_EXPORT_MAX_ROWS` nothing is written and the list
says why. The citizen's name and phone are what the viewer may see on the case page.
"""

import datetime
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cases.filtersets import CaseFilterSet
from cases.privacy import name_shown, no_store, phone_shown
from cases.selectors import visible_cases
from cases.templatetags.workbench import label
from core.spreadsheets import attachment, cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_FILTERS = ("export", "after", "per_page", "page")
BOLD = Font(bold=True)


def columns(user) -> list[tuple[str, object, int]]:
    """(header, value of a case, column width) for every exported column."""
    return [
        (_("Number"), lambda c: c.number, 16),
        (_("Registered"), lambda c: c.created_at, 17),
        (_("Channel"), lambda c: label(c.channel, "channel"), 8),
        (_("Request type"), lambda c: label(c.request_type, "request_type"), 8),
        (_("Urgency"), lambda c: label(c.urgency, "urgency"), 8),
        (_("Status"), lambda c: label(c.status, "status"), 10),
        (_("Category"), lambda c: c.category.name if c.category else "", 14),
        (_("Region"), lambda c: c.region.name if c.region else "", 14),
        (_("Address"), lambda c: c.address, 20),
        (_("Main department"), lambda c: c.main_department.name if c.main_department else "", 16),
        (_("Reply due"), lambda c: c.reply_due_at, 17),
        (_("Caller"), lambda c: name_shown(c, user), 10),
        (_("Phone"), lambda c: phone_shown(c, user), 14),
        (_("Title"), lambda c: c.title, 24),
        (_("Content"), lambda c: c.content, 60),
    ]


def filter_lines(filterset: CaseFilterSet) -> list[str]:
    """The filters as people read them: "状态：已派单、办理中"."""
    lines = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", []):
            continue
        if isinstance(value, list | tuple):
            choices = dict(field.choices)
            shown = "、".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, datetime.datetime):
            shown = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        else:
            shown = str(value)
        lines.append(f"{field.label}：{shown}")
    return lines


def period_text(filterset: CaseFilterSet) -> str:
    """The registration period of the filters, for the file name ("2026-11-01至2026-11-30")."""
    data = filterset.form.cleaned_data
    after, before = data.get("created_after"), data.get("created_before")
    first = timezone.localtime(after).date().isoformat() if after else ""
    if before:
        last = (timezone.localtime(before) - datetime.timedelta(microseconds=1)).date().isoformat()
    else:
        last = timezone.localdate().isoformat()
    return _("%(first)s to %(last)s") % {"first": first, "last": last} if first else (
        _("until %(last)s") % {"last": last})  # fmt: skip


def write_workbook(cases, user, lines: list[str], total: int, target) -> None:
    """Title, filters and total on top, a frozen header, one row per case, into `target`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases"))
    spec = columns(user)
    for i, (_header, _value, width) in enumerate(spec):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    top = [
        _("Case list"),
        *lines,
        _("%(total)d cases match.") % {"total": total},
        _("Exported %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    ]
    header_row = len(top) + 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for i, text in enumerate(top):
        sheet.append([cell(sheet, text, bold_font=BOLD if i == 0 else None)])
    sheet.append([cell(sheet, str(header), bold_font=BOLD) for header, _v, _w in spec])
    for case in cases.iterator(chunk_size=2000):
        sheet.append([cell(sheet, value(case)) for _h, value, _w in spec])
    workbook.save(target)


@login_required
def export_cases(request):
    """The case list with the page's filters as .xlsx; past the cap, back to the list."""
    filterset = CaseFilterSet(request.GET, queryset=visible_cases(request.user), request=request)
    back = f"{reverse('cases:list')}?{request.GET.urlencode()}"
    if not filterset.is_valid():
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect(back)
    cases = filterset.qs.order_by("-created_at", "-pk")
    total, cap = cases.count(), settings.HOTLINE_EXPORT_MAX_ROWS
    if total > cap:
        messages.error(request, _("%(total)d cases match, more than the %(cap)d an export may "
                                  "hold. Narrow the filters (a shorter period, one district) "
                                  "and export again.") % {"total": total, "cap": cap})  # fmt: skip
        return redirect(back)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_workbook(cases, request.user, filter_lines(filterset), total, target)
    target.seek(0)
    response = FileResponse(target, content_type=XLSX)
    name = f"{_('Case list')}_{period_text(filterset)}.xlsx"
    response["Content-Disposition"] = attachment(name)
    no_store(response)
    return response
