"""Dashboard pages for supervisors and center staff; `?export=xlsx` downloads the tables."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy
from core.spreadsheets import attachment
from hotline.dashboards import charts, hotspots, selectors, supervision
from hotline.dashboards.filters import DashboardFilterForm, Slice, WeightsForm, render_fields
from hotline.dashboards.stats import data_as_of
from hotline.dashboards.tables import Table, export_workbook
from hotline.policy import dashboard_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def center_only(view):
    """Signed-in center staff (agents, supervisors) only; others get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not policy.can(request.user, "hotline.view_dashboards"):
            raise PermissionDenied(_("Dashboards are for the hotline center."))
        return view(request, *args, **kwargs)

    return wrapper


def _respond(request, page: str, form, tables: list[Table], **context):
    weights_form = context.get("weights_form")
    invalid = bool(form.errors or (weights_form is not None and weights_form.errors))
    if request.GET.get("export") == "xlsx" and not invalid:
        response = HttpResponse(export_workbook(tables), content_type=XLSX)
        name = f"{context.get('title') or page}-{_period(page, form, context)}.xlsx"
        response["Content-Disposition"] = attachment(name)
        return response
    export = request.GET.copy()
    export["export"] = "xlsx"
    fields = "" if context.get("no_filters") else render_fields(form)
    context.setdefault("data_as_of", data_as_of())
    context |= {"page": page, "form": form, "tables": tables, "export_query": export.urlencode(),
                "filter_fields": fields}  # fmt: skip
    return render(request, "dashboards/page.html", context, status=400 if invalid else 200)


def _period(page: str, form, context: dict) -> str:
    """The period an export covers, for its file name: the filtered dates, else today."""
    if page == "today" or context.get("no_filters"):
        return timezone.localdate().isoformat()
    return f"{form.cleaned_data['date_from']}_{form.cleaned_data['date_to']}"


def _slice(request) -> tuple[DashboardFilterForm, Slice | None]:
    form = DashboardFilterForm(request.GET or None)
    if not request.GET:
        form = DashboardFilterForm({})
    return form, (form.slice() if form.is_valid() else None)


@center_only
def today(request):
    """Today: intake by channel and hour, backlog, overdue and waiting work."""
    form, s = _slice(request)
    if s is None:
        return _respond(request, "today", form, [])
    tables, _hours = selectors.today_tables(s)
    return _respond(request, "today", form, tables, charts=charts.page_charts("today", tables),
                    title=_("Today"))  # fmt: skip


def own_scope(view):
    """Signed-in center, district-center and department staff, each seeing their own scope."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        scope = dashboard_scope(request.user)
        if scope is None:
            raise PermissionDenied(_("Dashboards are for the hotline center and departments."))
        return view(request, scope, *args, **kwargs)

    return wrapper


@own_scope
def assessment(request, scope):
    """Assessment of departments or districts over the period, with the league table.

    Departments and district centers see their own numbers and rows, ranked among all.
    """
    form, s = _slice(request)
    weights_form = WeightsForm(request.GET)
    if s is None or not weights_form.is_valid():
        return _respond(request, "assessment", form, [], weights_form=weights_form)
    by = "district" if request.GET.get("by") == "district" else "department"
    if scope.department is not None:
        by = "department"
    weights = weights_form.weights()
    league = selectors.assessment_tables(s, by, weights, weights_form.min_volume_value(),
                                         only=scope.league_rows(by))  # fmt: skip
    tables = [selectors.overall_table(scope.narrow(s), weights), *league]
    return _respond(request, "assessment", form, tables, weights_form=weights_form, by=by,
                    title=_("Assessment"))  # fmt: skip


@own_scope
def trends(request, scope):
    """Daily intake against the previous period; change per category and district.

    Departments and district centers see the trends of their own cases.
    """
    form, s = _slice(request)
    if s is None:
        return _respond(request, "trends", form, [])
    tables, _current, _previous = selectors.trend_tables(scope.narrow(s))
    return _respond(request, "trends", form, tables, charts=charts.page_charts("trends", tables),
                    title=_("Trends"))  # fmt: skip


@center_only
def hotspots_page(request):
    """Rising categories and streets, and clusters of similar complaints about one place."""
    form = DashboardFilterForm({})
    form.is_valid()
    tables = [hotspots.rising_table(hotspots.rising()),
              hotspots.cluster_table(hotspots.clusters())]  # fmt: skip
    return _respond(request, "hotspots", form, tables, title=_("Hotspots"), no_filters=True)


@center_only
def supervision_orders(request, state: str = "open"):
    """Supervision orders: open, overdue, answered; and overdue cases flagged by the sweep."""
    queryset = supervision.orders(state)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    table = supervision.orders_table(state, page.object_list)
    form = DashboardFilterForm({})
    form.is_valid()
    return _respond(request, f"supervision-{state}", form, [table], page_obj=page, state=state,
                    states=supervision.STATES, title=_("Supervision"), no_filters=True)  # fmt: skip
