"""Settings come from the environment, and a production start without secrets stops clearly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_server(**env) -> subprocess.CompletedProcess:
    """Load the WSGI application the way a production server does."""
    return run_python(command=["-c", "import hotline.wsgi"], **env)


def run_python(command=("manage.py", "check"), **env) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_stops_with_a_message():
    result = start_server(DEBUG="0", ALLOWED_HOSTS="hotline.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_message():
    result = start_server(DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_maintenance_commands_need_no_secret():
    result = run_python(command=("manage.py", "makemigrations", "--check", "--dry-run"), DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_debug_runs_on_the_embedded_database_without_configuration():
    result = run_python(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_defaults_are_chinese_first_in_shanghai():
    environment = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE_CODE", "TIME_ZONE"}}
    shown = (
        "from django.conf import settings as s; print(s.LANGUAGE_CODE, s.TIME_ZONE, s.LANGUAGES)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", shown],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment | {"DEBUG": "1"},
    )
    assert "zh-hans Asia/Shanghai [('zh-hans', " in result.stdout, result.stderr
