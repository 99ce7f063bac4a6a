"""Routing: which department should handle a case, and why.

The responsibility rules (departments.models.ResponsibilityRule, edited through
departments.rule_services) are compiled once per process (`ruleset`), matched against a case's
facts (`suggestions`), completed by the department that handled similar cases before and by the
learned category suggestion (`classifier`); `simulation` replays a draft rule set over past
cases, `feedback` counts the returns each rule earned, and `views`/`forms`/`urls` are the rules
pages. It lives in `cases` because every part of it reads cases.
"""
