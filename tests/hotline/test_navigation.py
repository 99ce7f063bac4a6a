"""Each role's menu shows its pages, and only pages that open for it (issue 17)."""

import re

import pytest

from tests.hotline import test_matrix as matrix

pytestmark = pytest.mark.django_db

# What each role must find in its menu (by address), besides home.
MUST_SHOW = {
    "agent": {"/cases/new/", "/cases/inbox/", "/cases/callbacks/", "/kb/"},
    "supervisor": {"/cases/inbox/", "/routing/rules/", "/kb/"},
    "handler": {"/cases/", "/kb/"},
    "editor": {"/kb/", "/kb/?queue=drafts", "/kb/stale/"},
    "reviewer": {"/kb/", "/kb/?queue=review", "/kb/stale/"},
}


def menu_links(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


@pytest.fixture
def world(users, departments):
    return matrix.build_world(users, departments)


@pytest.mark.parametrize("role", sorted(matrix.LOGGED_IN))
def test_every_menu_entry_opens_for_the_role(role, world):
    client = matrix.client_for(role, world)
    links = menu_links(client.get("/").content.decode())

    assert links, f"{role} has no menu"
    assert MUST_SHOW.get(role, set()) <= set(links), MUST_SHOW[role] - set(links)
    refused = {link: client.get(link).status_code for link in links}
    assert {link: s for link, s in refused.items() if s != 200} == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_its_own_words(client, language):
    page = client.get("/login/", headers={"accept-language": language}).content.decode()

    options = re.findall(r'<option value="([\w-]+)" lang="[\w-]+"[^>]*>([^<]+)</option>', page)
    assert dict(options) == {"zh-hans": "简体中文", "en": "English"}
