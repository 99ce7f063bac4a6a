"""Domain errors: every refusal names what was wrong, with a stable machine-readable code.

Services raise these; the DRF exception handler (core.api_errors) and the page views turn them into
answers (400, 403, 404, 409) and form messages. Never a traceback for a refusal.
"""

import logging

logger = logging.getLogger("hotline.refusals")


class ApplicationError(Exception):
    """A request the domain refuses; `message` is for people, `code` for machines."""

    code = "invalid"
    status_code = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(ApplicationError):
    """The input itself is wrong (names the field when there is one)."""

    code = "invalid"
    status_code = 400


class TransitionNotAllowed(ApplicationError):
    """The case or assignment is not in a state that allows this action."""

    code = "transition_not_allowed"
    status_code = 409


class ActionForbidden(ApplicationError):
    """The actor's role does not allow this action (on something they may see)."""

    code = "forbidden"
    status_code = 403


class NotFound(ApplicationError):
    """Missing, or outside the actor's scope: the two are never told apart."""

    code = "not_found"
    status_code = 404


def log_refusal(error: ApplicationError) -> None:
    """One log line per refusal given to a user: its code only (a message may quote input)."""
    logger.info("refused: %s", error.code, extra={"code": error.code})
