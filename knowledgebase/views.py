"""Pages: the agents' knowledge pages under /kb/ and the citizens' dialogue under /ask/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.models import Category
from core import policy
from core.errors import ApplicationError, NotFound
from core.http import client_address
from departments.models import Region
from knowledgebase import dialogue, selectors, services
from knowledgebase.forms import ArticleForm
from knowledgebase.policy import editor_departments
from knowledgebase.search import search_articles

PAGE_SIZE = 25
# The knowledge workers' queues, as filters of the list (`?queue=drafts`).
QUEUES = {
    "drafts": (selectors.my_drafts, _("My drafts")),
    "review": (selectors.review_queue, _("Waiting for review")),
}
SESSION_KEY = "kb_dialogue"
ACTIONS = {
    "submit": lambda article, user, post: services.submit_article(article, actor=user),
    "publish": lambda article, user, post: services.publish_article(article, actor=user),
    "send_back": lambda article, user, post: services.send_back_article(
        article, actor=user, comment=post.get("comment", "")
    ),
    "archive": lambda article, user, post: services.archive_article(article, actor=user),
}
DONE = {
    "submit": _("Sent to review."),
    "publish": _("Published."),
    "send_back": _("Sent back to the editors."),
    "archive": _("Archived."),
}


def _article_or_404(user, pk):
    try:
        return selectors.get_article_for(user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def article_list(request):
    """Search (or browse by category) the knowledge base."""
    query = request.GET.get("q", "").strip()
    raw_category = request.GET.get("category", "")
    if raw_category and not (raw_category.isascii() and raw_category.isdigit()):
        raise BadRequest("category must be a category id")  # the 400 page
    category = Category.objects.filter(pk=raw_category or None).first()
    queue = request.GET.get("queue", "")
    context = {"query": query, "category": category, "hits": [], "page": None, "queue": ""}
    if query:
        context["hits"] = search_articles(query, limit=20, user=request.user)
    else:
        articles = selectors.visible_articles(request.user).order_by("title", "pk")
        if queue in QUEUES:
            articles = QUEUES[queue][0](request.user)
            context["queue"], context["queue_title"] = queue, QUEUES[queue][1]
        if category:
            articles = articles.filter(category__path__startswith=category.path)
        context["page"] = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context["categories"] = Category.objects.filter(level=1).order_by("code")
    context["can_draft"] = policy.can(request.user, "knowledgebase.draft")
    context["cases_link"] = policy.can(request.user, "cases.see_every_case")
    return render(request, "knowledgebase/list.html", context)


@login_required
def article_detail(request, pk: int):
    """An article, its published versions, its use in cases and the agents' feedback."""
    article = _article_or_404(request.user, pk)
    user = request.user
    context = {
        "article": article,
        "versions": article.versions.select_related("published_by"),
        "can_edit": services.can_edit(user, article),
        "can_review": services.can_review(user, article),
        # The count opens the cases it counts where the viewer sees every case (the center);
        # a department's list would hold fewer.
        "cases_link": policy.can(user, "cases.see_every_case"),
    }
    return render(request, "knowledgebase/detail.html", context)


def _save_form(request, form, save):
    """Run the service on a valid form; its refusal becomes a form error (fields kept)."""
    if not form.is_valid():
        return None
    try:
        return save(form.content())
    except ApplicationError as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return None


@login_required
def article_create(request):
    """An editor drafts an article for their department."""
    departments = editor_departments(request.user)
    if not departments:
        raise Http404
    form = ArticleForm(request.POST or None)
    if request.method == "POST":
        article = _save_form(
            request,
            form,
            lambda fields: services.create_article(
                actor=request.user, department=departments[0], **fields
            ),
        )
        if article:
            messages.success(request, _("Draft saved."))
            return redirect("kb:detail", pk=article.pk)
    return render(request, "knowledgebase/form.html", {"form": form, "article": None})


@login_required
def article_edit(request, pk: int):
    """An editor edits a draft, or starts the next version of a published article."""
    article = _article_or_404(request.user, pk)
    if not services.can_edit(request.user, article):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST":
        saved = _save_form(
            request,
            form,
            lambda fields: services.update_article(article, actor=request.user, **fields),
        )
        if saved:
            messages.success(request, _("Draft saved."))
            return redirect("kb:detail", pk=saved.pk)
    return render(request, "knowledgebase/form.html", {"form": form, "article": article})


@login_required
@require_POST
def article_action(request, pk: int, action: str):
    """One workflow step (submit, publish, send back, archive) through its service."""
    article = _article_or_404(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](article, request.user, request.POST)
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, DONE[action])
    return redirect("kb:detail", pk=article.pk)


@login_required
@require_POST
def article_feedback(request, pk: int):
    """An agent says whether the article helped."""
    article = _article_or_404(request.user, pk)
    try:
        services.record_feedback(
            article, actor=request.user, helpful=request.POST.get("helpful") == "yes"
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Thank you: your feedback is recorded."))
    return redirect("kb:detail", pk=article.pk)


@login_required
def stale_list(request):
    """The articles of my departments that are past their review-by date."""
    articles = selectors.stale_articles(request.user)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledgebase/stale.html", {"page": page})


def _conversation(request) -> list[dict]:
    return request.session.get(SESSION_KEY, [])


def _region(request):
    code = request.POST.get("region") or request.GET.get("region")
    return Region.objects.filter(code=code).first() if code else None


def ask_page(request):
    """The citizens' dialogue: ask, read the answer, ask again, or ask to be called."""
    conversation = _conversation(request)
    context = {"conversation": conversation, "error": "", "question": ""}
    context["no_answer"] = dialogue.no_answer()
    if request.method == "POST":
        question = request.POST.get("question", "")
        try:
            dialogue.ask(conversation, question, region=_region(request))
        except ApplicationError as refusal:
            context.update(error=refusal.message, question=question)
        else:
            request.session[SESSION_KEY] = conversation
            if not request.htmx:
                return redirect("ask:page")
    template = "knowledgebase/_dialogue.html" if request.htmx else "knowledgebase/ask.html"
    return render(request, template, context)


@require_POST
def ask_escalate(request):
    """'This did not help': the conversation becomes a case; the citizen gets its number."""
    conversation = _conversation(request)
    form = {"name": request.POST.get("name", ""), "phone": request.POST.get("phone", "")}
    try:
        case = dialogue.escalate(
            conversation, region=_region(request), client=client_address(request), **form
        )
    except ApplicationError as refusal:
        context = {"conversation": conversation, "contact_error": refusal.message, "form": form}
        context["no_answer"] = dialogue.no_answer()
        template = "knowledgebase/_dialogue.html" if request.htmx else "knowledgebase/ask.html"
        return render(request, template, context, status=refusal.status_code)
    request.session[SESSION_KEY] = []
    template = "knowledgebase/_escalated.html" if request.htmx else "knowledgebase/ask.html"
    return render(request, template, {"case": case, "conversation": []})


@require_POST
def ask_reset(request):
    """Start a new conversation."""
    request.session.pop(SESSION_KEY, None)
    return redirect("ask:page")
