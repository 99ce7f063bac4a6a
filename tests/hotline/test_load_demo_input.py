"""load_demo says where it looked when the shared data is missing, and writes nothing."""

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case


@pytest.mark.django_db
def test_missing_shared_data_is_named_and_nothing_is_written(settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path
    before = Case.objects.count()
    with pytest.raises(CommandError, match=f"The shared data is not at {tmp_path}"):
        call_command("load_demo")
    assert Case.objects.count() == before
