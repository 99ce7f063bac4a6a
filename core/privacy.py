"""The foundation's entry to the privacy filter: what a payload leaving the hotline may carry.

The filter itself lives with the cases (`cases.privacy.without_identity`), which registers it
when the app is ready; integrations below the cases (the departments' webhooks) call
`payload_data` here. Without a registered filter nothing of the data leaves (fail closed).
"""

from collections.abc import Callable

_payload_filter: list[Callable[[dict], dict]] = []


def register_payload_filter(fn: Callable[[dict], dict]) -> None:
    """Set the function that strips a citizen's identity from event data."""
    _payload_filter[:] = [fn]


def payload_data(data: dict | None) -> dict:
    """The event data a payload may carry: no identity, or nothing at all when unsure."""
    if not _payload_filter:
        return {}
    return _payload_filter[0](dict(data or {}))
