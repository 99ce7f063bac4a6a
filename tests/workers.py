"""Which pytest-xdist worker runs this test: for resources each worker needs its own of."""

import os


def worker_number() -> int:
    """0 for the first worker (and without xdist), 1 for the second …"""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
