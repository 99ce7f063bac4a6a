"""Sign in, sign out and each role's home page; each app adds its own pages under its prefix.

Home shows the queues of the roles the user holds: the agent's (the inbox of what came in by
itself, my registered cases, callbacks due), the supervisor's (returns to review, extensions to
decide, disputes, the figures of the reply-review and decision queues), for both the inbox's
three figures (new cases, answered transfers, unread notices), the department handler's (to
sign, due soon, overdue) and the knowledge editor's and reviewer's (drafts, articles to review,
stale articles), and the personal-data auditor's (the latest reveals of a caller's identity).
Each queue is one bounded query, each figure one capped count.
"""

import datetime

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from cases.choices import OWING_ASSIGNMENT_STATUSES as WORKING
from cases.choices import AssignmentStatus, Decision, DisputeStatus, Status
from cases.models import Dispute, Extension
from cases.models.case import overdue_q
from cases.privacy import no_store
from cases.selectors import (
    identity_reveals,
    replies_in_review,
    visible_assignments,
    visible_cases,
    waiting_for_a_decision,
    waiting_for_the_center,
)
from cases.views.paging import COUNT_CAP, capped_count
from core import policy
from hotline.workbench.inbox import inbox_figures
from knowledgebase.selectors import my_drafts, review_queue, stale_articles

QUEUE_SIZE = 20
DUE_SOON = datetime.timedelta(days=2)


def agent_queues(user) -> dict:
    """What waits for the center (oldest first), my registered cases (newest first) and the
    replied cases waiting for a callback."""
    cases = visible_cases(user)
    return {
        "inbox": list(waiting_for_the_center(user).order_by("created_at", "pk")[:QUEUE_SIZE]),
        "my_cases": list(cases.filter(created_by=user).order_by("-created_at")[:QUEUE_SIZE]),
        "callbacks_due": list(
            cases.filter(status=Status.REPLIED).order_by("replied_at", "pk")[:QUEUE_SIZE]
        ),
    }


def supervisor_queues(user) -> dict:
    """Returns to review, extensions to decide, open disputes and overdue cases, oldest first."""
    assignments = visible_assignments(user)
    cases = visible_cases(user)
    return {
        "returns": list(
            assignments.filter(status=AssignmentStatus.RETURN_REQUESTED)
            .select_related("return_suggested_department")
            .order_by("returned_at")[:QUEUE_SIZE]
        ),
        "extensions": list(
            Extension.objects.filter(status=Decision.PENDING, assignment__in=assignments)
            .select_related("assignment__case", "assignment__department")
            .order_by("requested_at")[:QUEUE_SIZE]
        ),
        "disputes": list(
            Dispute.objects.filter(status=DisputeStatus.OPEN, case__in=cases)
            .select_related("case")
            .order_by("raised_at")[:QUEUE_SIZE]
        ),
        "overdue": list(cases.filter(overdue_q()).order_by("reply_due_at")[:QUEUE_SIZE]),
        # figures that open exactly the cases they count: the review and decision queues
        "in_review": capped_count(replies_in_review(user)),
        "to_decide": capped_count(waiting_for_a_decision(user)),
        "cap": COUNT_CAP,
    }


def handler_queues(user, now) -> dict:
    """To sign (by sign deadline), due within two days, and overdue assignments."""
    mine = visible_assignments(user).filter(status__in=WORKING)
    return {
        "to_sign": list(
            mine.filter(status=AssignmentStatus.DISPATCHED).order_by("sign_due_at")[:QUEUE_SIZE]
        ),
        "due_soon": list(
            mine.filter(reply_due_at__gte=now, reply_due_at__lt=now + DUE_SOON).order_by(
                "reply_due_at"
            )[:QUEUE_SIZE]
        ),
        "overdue": list(mine.filter(reply_due_at__lt=now).order_by("reply_due_at")[:QUEUE_SIZE]),
    }


def knowledge_queues(user) -> dict:
    """An editor's drafts, a reviewer's articles to review, and the stale articles."""
    queues = {"stale": list(stale_articles(user)[:QUEUE_SIZE])}
    if policy.can(user, "knowledgebase.draft"):
        queues["drafts"] = list(my_drafts(user)[:QUEUE_SIZE])
    if policy.can(user, "knowledgebase.review_queue"):
        queues["review"] = list(review_queue(user)[:QUEUE_SIZE])
    return queues


@login_required
def home(request):
    """Each role's starting page: the queues of the roles the user holds."""
    user, now = request.user, timezone.now()
    context = {"now": now}
    if policy.can(user, "hotline.agent_queues"):
        context["agent"] = agent_queues(user)
    if policy.can(user, "hotline.supervisor_queues"):
        context["supervisor"] = supervisor_queues(user)
    if "agent" in context or "supervisor" in context:
        context["figures"] = inbox_figures(request)
    if policy.can(user, "hotline.handler_queues"):
        context["handler"] = handler_queues(user, now)
    if policy.can(user, "knowledgebase.work_queues"):
        context["knowledge"] = knowledge_queues(user)
    if policy.can(user, "cases.read_access_log"):  # the auditor's: the latest reveals
        context["reveals"] = list(identity_reveals(user)[:QUEUE_SIZE])
    response = render(request, "hotline/home.html", context)
    # the reveals name cases and reasons, as the access log does: never kept by a browser
    return no_store(response) if "reveals" in context else response


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home, name="home"),
]
