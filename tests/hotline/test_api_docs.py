"""docs/api.md's walk-through, run exactly as written (bash, curl, jq) against a live server."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Case

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"


def walkthrough_script() -> str:
    """The shell blocks between the walk-through markers, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 4
    return "\n".join(blocks)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_documented_walkthrough_closes_a_case(transactional_city, live_server):
    script = "set -euo pipefail\n" + walkthrough_script()
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "HOST": live_server.url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.split()
    number = lines[lines.index("registered") + 1]
    assert lines[2:8] == ["dispatched", "138****5678", "signed", "replied", "satisfied", "closed"]
    assert lines[8:] == [
        "case_registered",
        "case_dispatched",
        "assignment_signed",
        "assignment_replied",
        "callback_recorded",
        "case_closed",
    ]
    case = Case.objects.get(number=number)
    assert (case.status, case.satisfaction, case.channel) == ("closed", "satisfied", "phone")
