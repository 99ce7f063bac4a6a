"""bench_routing reads the whole country's regions from --regions and says when they are absent."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from departments.models import Region, ResponsibilityRule


def test_a_missing_regions_folder_names_the_flag(db, tmp_path):
    with pytest.raises(CommandError, match=r"not at .*absent.*pass their folder with --regions"):
        call_command("bench_routing", "--regions", str(tmp_path / "absent"))


def test_the_benchmark_runs_on_a_regions_folder_and_rolls_back(db):
    # given the demo city's own regions as the "country"
    regions = settings.DEMO_DATA_DIR / "regions"
    before = (Region.objects.count(), ResponsibilityRule.objects.count())
    out = StringIO()

    # when
    call_command(
        "bench_routing", "--regions", str(regions), "--rules", "20", "--suggestions", "10",
        stdout=out,
    )  # fmt: skip

    # then it timed the suggestions and left the database as it was
    assert "suggest (address + rules): n=10" in out.getvalue()
    assert "Rolled back" in out.getvalue()
    assert (Region.objects.count(), ResponsibilityRule.objects.count()) == before
