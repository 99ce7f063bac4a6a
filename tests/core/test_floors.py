"""The floors hold: no package imports one above it, and no app takes another's private names."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_import_contract_is_kept():
    result = run(str(Path(sys.executable).with_name("lint-imports")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_app_imports_another_apps_private_names():
    result = run(sys.executable, "scripts/check_private_imports.py")
    assert result.returncode == 0, result.stdout + result.stderr
