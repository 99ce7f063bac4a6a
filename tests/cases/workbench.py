"""Helpers for the workbench page tests (their fixtures are in conftest.py)."""

PHONE = "13812345678"

INTAKE = {
    "channel": "phone",
    "request_type": "complaint",
    "citizen_phone": "13900001111",
    "citizen_name": "Li Lei",
    "address": "天心区坡子街道 12号",
    "title": "Barbecue smoke",
    "content": "A barbecue stall smokes out the whole building every night.",
    "urgency": "normal",
}


def main_assignment(case):
    """The case's main assignment while it is being handled."""
    return case.assignments.get(role="main", status__in=["dispatched", "signed"])
