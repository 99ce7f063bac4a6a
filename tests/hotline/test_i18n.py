"""The interface speaks Chinese first: the catalog is complete, compiled, and used by default."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
ENTRY = re.compile(
    r'^(?P<flags>(?:#.*\n)*)(?:msgctxt (?P<ctx>".*"\n(?:".*"\n)*))?'
    r'msgid (?P<id>".*"\n(?:".*"\n)*)(?:msgid_plural (?P<plural>".*"\n(?:".*"\n)*))?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? ".*"\n(?:".*"\n)*)+)',
    re.MULTILINE,
)


def unquote(block: str) -> str:
    parts = re.findall(r'"(.*)"', block)
    return "".join(parts).encode("latin-1", "backslashreplace").decode("unicode_escape")


def entries(catalog: Path = CATALOG) -> list[dict]:
    text = catalog.read_text(encoding="utf-8")
    found = []
    for match in ENTRY.finditer(text):
        if match["id"].strip() == '""':
            continue  # the header
        strs = re.findall(r'msgstr(?:\[\d\])? (".*"\n(?:".*"\n)*)', match["strs"])
        found.append(
            {
                "context": unquote(match["ctx"]) if match["ctx"] else None,
                "id": unquote(match["id"]),
                "plural": match["plural"] is not None,
                "strs": [unquote(s) for s in strs],
                "fuzzy": "fuzzy" in (match["flags"] or ""),
            }
        )
    return found


def test_every_string_is_translated():
    missing = [e["id"] for e in entries() if e["fuzzy"] or not all(e["strs"])]
    assert missing == []


def test_the_compiled_catalog_matches_the_source():
    stale = []
    with translation.override("zh-hans"):
        for entry in entries():
            if entry["plural"]:
                continue
            if entry["context"]:
                shown = translation.pgettext(entry["context"], entry["id"])
            else:
                shown = translation.gettext(entry["id"])
            if shown != entry["strs"][0]:
                stale.append(entry["id"])
    assert stale == [], "run `make messages` to compile locale/zh_Hans/LC_MESSAGES/django.mo"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    assert "登录" in client.get("/login/").content.decode()
    english = client.get("/login/", headers={"accept-language": "en"}).content.decode()
    assert "Sign in" in english


@pytest.mark.slow
def test_the_catalog_covers_every_string_in_the_code(tmp_path):
    # given a copy of the source with today's catalog
    root = CATALOG.parents[3]
    copy = tmp_path / "src"
    shutil.copytree(
        root, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "tests", "__pycache__")
    )
    # when the strings are extracted again from the code
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=os.environ | {"DEBUG": "1"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    # then no extracted string lacks a translation
    extracted = copy / CATALOG.relative_to(root)
    untranslated = [e["id"] for e in entries(extracted) if e["fuzzy"] or not all(e["strs"])]
    assert untranslated == [], "run `make messages` and translate the new strings"
