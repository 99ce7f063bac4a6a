"""Gunicorn settings for the hotline (`gunicorn -c deploy/gunicorn.conf.py hotline.wsgi`).

Everything a site may change comes from the environment (the systemd unit reads
/etc/hotline/hotline.env): GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_MAX_WORKERS,
GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG, FORWARDED_ALLOW_IPS.

Logs: gunicorn's own loggers get no handler of their own and propagate to the root logger,
which the Django settings (LOGGING, LOG_FORMAT) configure in each worker; so gunicorn's lines
come out in the same text or JSON format as the application's. The application already writes
one line per request (method, path, status, duration, request id), so gunicorn's access log is
off unless GUNICORN_ACCESS_LOG=1; when on, it logs the path without the query string (a query
could hold a phone number).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# The usual 2 × cores + 1, capped: each worker holds the router model and a database connection.
workers = _int(
    "GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, _int("GUNICORN_MAX_WORKERS", 8))
)
proc_name = "hotline-web"

# Only our proxy may say which scheme and client it saw (X-Forwarded-Proto / -For).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = 30  # a restart lets running requests finish this long
keepalive = 5  # seconds; nginx keeps upstream connections open
# Recycle each worker after about a thousand requests; the jitter keeps them from all
# restarting together.
max_requests = 1000
max_requests_jitter = 100
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat off the disk

access_log_format = "%(m)s %(U)s %(s)s %(B)s bytes %(M)s ms request_id=%({x-request-id}i)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # Before Django configures logging (the master, a worker booting): plain lines on stderr.
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {
            "level": "INFO" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else "WARNING",
            "handlers": [],
            "propagate": True,
        },
    },
}
