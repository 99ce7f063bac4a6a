"""The monthly report page: pick a month, download it as Excel or PDF."""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.dashboards import monthly
from hotline.dashboards.views import XLSX, center_only

FORMATS = {"xlsx": (XLSX, monthly.report_xlsx), "pdf": ("application/pdf", monthly.report_pdf)}


@center_only
def monthly_report(request):
    """The month's report (last month by default); `format=xlsx|pdf` downloads it."""
    default = monthly.previous_month(timezone.localdate())
    error = ""
    try:
        month = monthly.parse_month(request.GET.get("month") or default.strftime("%Y-%m"))
    except ValueError:
        month, error = default, _("Give the month as YYYY-MM, for example 2026-11.")
    kind = request.GET.get("format", "")
    if kind in FORMATS and not error:
        report = monthly.build_report(month)
        content_type, render_report = FORMATS[kind]
        response = HttpResponse(render_report(report), content_type=content_type)
        response["Content-Disposition"] = monthly.download_name(report, kind)
        return response
    months = [default]
    while len(months) < 12:
        months.append(monthly.previous_month(months[-1]))
    context = {"month": month.strftime("%Y-%m"), "months": [m.strftime("%Y-%m") for m in months],
               "error": error, "page": "monthly", "title": _("Monthly report"),
               "scheduled": monthly.first_working_day(month_after(month))}  # fmt: skip
    return render(request, "dashboards/monthly.html", context, status=400 if error else 200)


def month_after(first: datetime.date) -> datetime.date:
    return monthly.month_last(first) + datetime.timedelta(days=1)
