"""The outbox hook: integrations add their rows in the transaction that writes a case event.

The case core does not know who listens. An integration (the departments' webhooks now, the
notifications later) registers a writer from its `AppConfig.ready()`; `cases.events` calls
`write(event)` right after it saves the `CaseEvent`, inside the transition's transaction, so
every writer's rows commit with the change or roll back with it. A writer only adds rows and
defers whatever leaves the machine (`transaction.on_commit`); if it raises, the transition fails.
"""

from collections.abc import Callable

Writer = Callable[[object], object]

_writers: list[Writer] = []


def register(writer: Writer) -> Writer:
    """Have `writer(event)` called for every case event from now on (once, however often asked)."""
    if writer not in _writers:
        _writers.append(writer)
    return writer


def unregister(writer: Writer) -> None:
    """Stop calling `writer` (for tests that register one of their own)."""
    if writer in _writers:
        _writers.remove(writer)


def writers() -> tuple[Writer, ...]:
    """The registered writers, in registration order."""
    return tuple(_writers)


def write(event) -> None:
    """Let every registered writer add its rows for `event`, in the caller's transaction."""
    for writer in _writers:
        writer(event)
