"""The lookups beside the intake form as the agent types: the caller's history, the regions an
address names, the categories. The form itself and its knowledge panel are on the center's floor
(hotline/workbench/), because they read the knowledge base.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render

from cases.models import Category
from cases.routing.classifier import suggest_categories
from cases.routing.synonyms import matching_categories
from cases.selectors import visible_cases
from core import pinyin, policy
from core.phones import normalize_phone
from departments.gazetteer import resolve_address
from departments.models import Region

CALLER_HISTORY = 10
# An address resolved this surely fills the region by itself; below, the agent picks.
FILL_CONFIDENCE = 0.7


def center_only(view):
    """Intake is the center's work: agents and supervisors."""

    def wrapped(request, *args, **kwargs):
        if not policy.can(request.user, "cases.work_as_center"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


@center_only
def caller_history(request):
    """The caller's earlier and open cases, by the phone number typed so far."""
    phone = request.GET.get("citizen_phone", "").strip()
    try:
        stored = normalize_phone(phone)  # every spelling of the number finds its cases
    except ValidationError:
        stored = ""  # not (yet) a whole number
    cases = []
    if stored:
        cases = list(visible_cases(request.user).filter(citizen_phone=stored)[:CALLER_HISTORY])
    return render(request, "cases/_caller_history.html", {"cases": cases, "phone": phone})


def regions_in(text: str) -> tuple[list, Region | None]:
    """Regions named in an address (most specific first) and the one to fill in, if certain."""
    match = resolve_address(text)
    candidates = list(match.candidates or ([match.region] if match.region else []))
    certain = match.region if match.confidence >= FILL_CONFIDENCE and not match.ambiguous else None
    return candidates, certain


@center_only
def region_suggestions(request):
    """Regions matching the address; a confident match fills the region field."""
    text = request.GET.get("address", "").strip()
    regions, certain = regions_in(text) if len(text) >= 2 else ([], None)
    chosen = request.GET.get("region", "")
    fill = certain if not chosen else None
    if fill or chosen in {r.code for r in regions}:
        regions = []  # the region is chosen: the box closes
    return render(request, "cases/_regions.html", {"regions": regions, "fill": fill})


@center_only
def category_suggestions(request):
    """Third-level categories whose name matches the search, then the classifier's guesses."""
    query = request.GET.get("category_search", "").strip()
    found = matching_categories(query)  # everyday words too (噪音 → 噪声)
    if query.isascii() and query.isalpha() and len(found) < 12:
        found += categories_by_pinyin(query, limit=12 - len(found), besides=found)
    guesses = classifier_guesses(request.GET.get("content", ""))
    context = {"categories": found, "guesses": guesses}
    return render(request, "cases/_categories.html", context)


def categories_by_pinyin(query: str, *, limit: int, besides: list) -> list:
    """Categories whose pinyin initials or spelling hold the query (`zs` finds 噪声), the most
    specific first."""
    known = {c.pk for c in besides}
    names = Category.objects.filter(is_active=True).order_by("-level", "code")
    hits = [pk for pk, name in names.values_list("pk", "name") if pinyin.matches(query, name)]
    hits = [pk for pk in hits if pk not in known][:limit]
    found = Category.objects.filter(pk__in=hits).select_related("parent").in_bulk()
    return [found[pk] for pk in hits]


def classifier_guesses(text: str) -> list:
    if len(text.strip()) < 4:
        return []
    return [category for category, _probability in suggest_categories(text, k=3)]
