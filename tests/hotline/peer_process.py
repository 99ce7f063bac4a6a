"""A second running process of the installation, for the cross-process cache tests.

Started by tests/hotline/test_cross_process.py with the test database and the shared cache in its
environment; it reads one question per line on stdin and answers one JSON line on stdout, from
its own in-memory caches (the deadline clock, the compiled rules, the gazetteer, the knowledge
index).
"""

import datetime
import json
import os
import sys

import django


def answer(question: dict):
    from cases import sla
    from cases.routing import suggestions as routing
    from departments.gazetteer import resolve_address
    from knowledgebase.search import search_articles

    ask = question["ask"]
    if ask == "workday":
        return sla.is_workday(datetime.date.fromisoformat(question["date"]))
    if ask == "policy":
        policy = sla.policy_for("reply", request_type=question["request_type"])
        return [policy.limit, policy.unit]
    if ask == "route":
        fields = {"request_type": "complaint", "content": question["text"], "title": ""}
        suggestions = routing.suggest(fields)
        return suggestions[0].department.code if suggestions else None
    if ask == "address":
        match = resolve_address(question["text"])
        return match.region.path if match.region else None
    if ask == "search":
        return [hit.article.pk for hit in search_articles(question["query"], limit=3)]
    raise ValueError(ask)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    django.setup()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps({"answer": answer(json.loads(line))}), flush=True)


if __name__ == "__main__":
    main()
