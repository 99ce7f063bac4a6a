"""Progress bars for the long management commands, shown only to a person at a terminal.

tqdm with `disable=None` draws on standard error when it is a terminal and stays silent
otherwise, so CI logs, cron mails and Celery workers see nothing of it.
"""

from collections.abc import Iterable

from tqdm import tqdm


def progress(iterable: Iterable | None = None, *, desc: str, total: int | None = None, unit="it"):
    """A tqdm bar over `iterable` (or one updated by hand) that draws only on a terminal."""
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=None, dynamic_ncols=True)
