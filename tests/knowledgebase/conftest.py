"""Knowledge-base fixtures: articles written and published through the services."""

import datetime

import pytest
from django.utils import timezone

from core.roles import MEMBERSHIPS_CACHE
from knowledgebase import index, services


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test builds its index from its own articles."""
    index.clear()
    yield
    index.clear()


@pytest.fixture
def publish(users, departments):
    """A factory: publish(title, answer, **fields) → a published article (editor + reviewer)."""

    def _publish(title, answer, *, department="sub-12333", regions=(), **fields):
        department = departments[department]
        editor = users["editor"]
        if department.code != "sub-12333":
            editor = users["editor"]
            editor.memberships.get_or_create(department=department, role="editor")
            editor.__dict__.pop(MEMBERSHIPS_CACHE, None)  # the new membership counts
        article = services.create_article(
            actor=editor, department=department, title=title, answer=answer, **fields
        )
        article.regions.set(regions)
        services.submit_article(article, actor=editor)
        return services.publish_article(article, actor=users["reviewer"])

    return _publish


@pytest.fixture
def past():
    return timezone.localdate() - datetime.timedelta(days=1)
