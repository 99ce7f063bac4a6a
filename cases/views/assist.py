"""What appears beside the intake form as the agent types: articles, duplicates, routing.

Knowledge search (knowledgebase.search) and routing (cases.routing) belong to their
own modules; this module only puts their answers beside the form.
"""

import difflib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from cases.choices import DEAD_END_STATUSES
from cases.forms import IntakeForm
from cases.routing.suggestions import suggest
from cases.selectors import visible_cases
from departments.memberships import is_center_staff
from knowledgebase.search import search_articles

DUPLICATE_DAYS = 30
DUPLICATE_CANDIDATES = 50
DUPLICATE_MIN_SIMILARITY = 0.3
MIN_TEXT = 4


def knowledge_hits(text: str, region, user) -> list:
    """Knowledge articles matching what the caller says, for the case's region (imported ones
    only where they apply: knowledgebase.search)."""
    return search_articles(text, region=region, limit=5, user=user, local=True)


def routing_suggestions(fields: dict) -> list:
    """Where the routing rules would send a case like this (cases.routing)."""
    return suggest(fields, limit=3)


def likely_duplicates(user, *, region, category, content: str, limit: int = 5) -> list:
    """Recent cases of the same region and category with similar text, most similar first."""
    if not (region and category):
        return []
    since = timezone.now() - timezone.timedelta(days=DUPLICATE_DAYS)
    candidates = (
        visible_cases(user)
        .filter(region=region, category=category, created_at__gte=since)
        .exclude(status__in=DEAD_END_STATUSES)  # offered to merge into: only live cases
        .order_by("-created_at")[:DUPLICATE_CANDIDATES]
    )
    scored = []
    for case in candidates:
        ratio = difflib.SequenceMatcher(None, content, case.content).ratio()
        if ratio >= DUPLICATE_MIN_SIMILARITY:
            scored.append((ratio, case))
    scored.sort(key=lambda pair: -pair[0])
    return [case for _ratio, case in scored[:limit]]


@login_required
def intake_assist(request):
    """The assist panel for the intake form as typed so far (an htmx fragment)."""
    if not is_center_staff(request.user):
        raise PermissionDenied
    form = IntakeForm(request.GET, user=request.user)
    form.is_valid()  # only to read what parses; errors are the form's business on saving
    data = form.cleaned_data
    content = data.get("content") or request.GET.get("content", "")
    region, category = data.get("region"), data.get("category")
    context = {"articles": [], "duplicates": [], "routes": []}
    if len(content.strip()) >= MIN_TEXT:
        fields = {
            "content": content,
            "title": data.get("title", ""),
            "address": data.get("address", ""),
            "request_type": data.get("request_type", ""),
            "region": region,
            "category": category,
        }
        context["articles"] = knowledge_hits(content, region, request.user)
        context["routes"] = routing_suggestions(fields)
        context["duplicates"] = likely_duplicates(
            request.user, region=region, category=category, content=content
        )
    return render(request, "cases/_assist.html", context)
