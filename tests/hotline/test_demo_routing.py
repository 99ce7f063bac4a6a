"""The demo's responsibility list routes the demo's own cases where they were handled."""

import io
import re

import pytest
from django.core.management import call_command

from cases.routing import ruleset
from hotline.demo.cases import build_demo_cases
from hotline.demo.rules import load_rules


@pytest.mark.slow
def test_the_top_suggestion_names_the_handling_department_for_nine_cases_in_ten(db):
    # given the demo rules and the demo cases built through the services
    load_rules()
    ruleset.invalidate()
    build_demo_cases()

    # when route_check compares the top suggestion with where each dispatched case went
    out = io.StringIO()
    call_command("route_check", stdout=out)

    # then at least 90 % agree (the figure is printed for the report)
    report = out.getvalue()
    print(report)
    agree, total = map(int, re.match(r"(\d+) of (\d+)", report).groups())
    assert total >= 150 and agree / total >= 0.9
