"""Who may do and see what: `can(user, action, obj)` and `scope(user, queryset)`.

The foundation holds only the entry points and a registry; the rules live on the floor of the
models they judge (`departments/policy.py`, `cases/policy.py`, `knowledgebase/policy.py`,
`hotline/policy.py`) and register themselves when their app is ready. Pages, API views,
services, dashboards, exports, search and webhooks ask here; none of them decides by itself.

An action nobody registered is a programming error (LookupError), never a silent "yes".
A queryset of a model nobody registered a scope for is refused the same way.
"""

from collections.abc import Callable

from django.db.models import Model, QuerySet

from core.errors import ActionForbidden

Rule = Callable[..., bool]
Scope = Callable[..., QuerySet]

_rules: dict[str, Rule] = {}
_scopes: dict[str, Scope] = {}
_windows: dict[str, Scope] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register `fn(user, obj) -> bool` as the answer to `can(user, action, obj)`."""

    def register(fn: Rule) -> Rule:
        if _rules.get(action, fn) is not fn:
            raise ValueError(f"two rules for {action!r}")
        _rules[action] = fn
        return fn

    return register


def scope_rule(model: type[Model] | str) -> Callable[[Scope], Scope]:
    """Register `fn(user, queryset) -> queryset` as the scope of one model."""
    label = model if isinstance(model, str) else model._meta.label_lower

    def register(fn: Scope) -> Scope:
        if _scopes.get(label, fn) is not fn:
            raise ValueError(f"two scopes for {label!r}")
        _scopes[label] = fn
        return fn

    return register


def window_rule(model: type[Model] | str) -> Callable[[Scope], Scope]:
    """Register `fn(user, queryset, *, size, after) -> queryset` as the bounded form of one
    model's scope for lists read newest first (see `scope_window`)."""
    label = model if isinstance(model, str) else model._meta.label_lower

    def register(fn: Scope) -> Scope:
        if _windows.get(label, fn) is not fn:
            raise ValueError(f"two windows for {label!r}")
        _windows[label] = fn
        return fn

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether `user` may take `action` (on `obj`, when the action concerns one object)."""
    try:
        decide = _rules[action]
    except KeyError:
        raise LookupError(f"no policy rule for {action!r}") from None
    if user is None or not user.is_authenticated:
        return False
    return bool(decide(user, obj))


def ensure(user, action: str, obj=None, *, message: str) -> None:
    """`can`, or ActionForbidden (403) with `message`."""
    if not can(user, action, obj):
        raise ActionForbidden(message)


def scope(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` the user may see (nothing at all for anonymous users)."""
    label = queryset.model._meta.label_lower
    try:
        narrow = _scopes[label]
    except KeyError:
        raise LookupError(f"no policy scope for {label!r}") from None
    if user is None or not user.is_authenticated:
        return queryset.none()
    return narrow(user, queryset)


def scope_window(user, queryset: QuerySet, *, size: int, after: tuple | None = None) -> QuerySet:
    """`scope` for one page of a list read newest first (`created_at`, then id, descending).

    `after` is the position the page starts after: `(created_at, id)`, or `(created_at, None)`
    for the rows strictly before that instant. Ordered by (-created_at, -id), filtered by
    `after` and cut to `size` rows, the answer holds exactly the rows `scope` would give;
    uncut it may hold fewer (that is the point: it reads a page, not the whole history).
    Filter `queryset` before, never after: the rule reads its filters into the window (a
    filter added afterwards would cut the page short). A model without a window rule gets
    its plain scope.
    """
    label = queryset.model._meta.label_lower
    if label not in _windows:
        return scope(user, queryset)
    if user is None or not user.is_authenticated:
        return queryset.none()
    return _windows[label](user, queryset, size=size, after=after)


def actions() -> frozenset[str]:
    """Every registered action (for the docs and the tests)."""
    return frozenset(_rules)
