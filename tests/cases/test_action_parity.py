"""API parity: every action the case page offers exists in the API, through the same service.

Both tables are derived, not listed by hand, so actions added later are checked too:
- the page's table is `cases.views.actions.ACTIONS` (the case detail page's action forms):
  each action and the `cases.services` functions its `run` calls;
- the API's table is every operation of the OpenAPI schema (drf-spectacular's endpoint
  enumerator, the same one `make test`'s schema run walks): each operation and the
  `cases.services` functions its view method calls.
The test fails naming each page action whose service no API operation calls.
"""

import inspect

from drf_spectacular.generators import EndpointEnumerator

from cases import services
from cases.views import actions

SERVICES = frozenset(services.__all__)


def services_called(fn) -> set[str]:
    """The `cases.services` functions a function's code names (`services.reply_assignment`),
    following the module's own helpers it calls (`_callback`)."""
    fn = inspect.unwrap(fn)
    code = fn.__code__
    names = set(code.co_names)
    for const in code.co_consts:  # lambdas and nested functions inside it
        if inspect.iscode(const):
            names |= set(const.co_names)
    found = names & SERVICES
    helpers = [fn.__globals__.get(n) for n in names - SERVICES]
    for helper in helpers:
        if inspect.isfunction(helper) and helper.__module__ == fn.__module__ and helper is not fn:
            found |= set(helper.__code__.co_names) & SERVICES
    return found


def page_table() -> dict[str, set[str]]:
    """Each action of the case page and the services it calls."""
    return {name: services_called(action.run) for name, action in actions.ACTIONS.items()}


def api_table() -> dict[str, set[str]]:
    """Each API operation ("POST /api/v1/…") and the services its view method calls."""
    table = {}
    for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints():
        view = callback.cls
        actions = getattr(callback, "actions", None) or {}
        handler = getattr(view, actions.get(method.lower(), method.lower()), None)
        if handler is not None:
            table[f"{method} {path}"] = services_called(handler)
    return table


def test_the_tables_are_derived_from_the_code():
    page, api = page_table(), api_table()
    # every page action calls a service; the API's actions and lists are all there
    assert all(page.values()), {name: s for name, s in page.items() if not s}
    assert "POST /api/v1/assignments/{pk}/sign/" in api
    assert api["POST /api/v1/assignments/{pk}/sign/"] == {"sign_assignment"}
    assert page["callback"] == {"complete_callback"}


def missing_in_api() -> list[str]:
    """The page actions whose services no API operation calls, as sentences."""
    api_services = set().union(*api_table().values())
    return [
        f"the page action {name!r} calls {sorted(called - api_services)}, "
        "which no API operation calls: add the operation (with @extend_schema)"
        for name, called in sorted(page_table().items())
        if not called <= api_services
    ]


def test_every_page_action_exists_in_the_api_through_the_same_service():
    missing = missing_in_api()
    assert not missing, "\n".join(missing)


def test_the_parity_test_can_fail(monkeypatch):
    """Break the rule once: a page action whose service the API lacks is named."""
    probe = actions.CaseAction(
        "probe", "probe", None, lambda c, u, d: services.record_callback(c, actor=u), ""
    )
    monkeypatch.setitem(actions.ACTIONS, "probe", probe)
    assert missing_in_api() == [
        "the page action 'probe' calls ['record_callback'], which no API operation calls: "
        "add the operation (with @extend_schema)"
    ]
