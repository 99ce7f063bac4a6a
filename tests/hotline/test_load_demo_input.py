"""load_demo names the demo data folder and its missing files when broken, and writes nothing."""

import shutil

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from cases.models import Case
from departments.models import Region
from hotline.demo import DATA_FILES, missing_data_files


def test_the_repository_holds_every_demo_file():
    assert missing_data_files() == []


@pytest.mark.django_db
def test_a_missing_demo_data_folder_is_named_and_nothing_is_written(settings, tmp_path):
    settings.DEMO_DATA_DIR = tmp_path / "absent"
    before = Case.objects.count()
    with pytest.raises(CommandError, match=f"The demo data at {tmp_path / 'absent'} is incomplete"):
        call_command("load_demo")
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_broken_demo_data_folder_names_the_missing_file(settings, tmp_path):
    # given a copy of the demo data without its streets
    shutil.copytree(django_settings.DEMO_DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "regions" / "streets.csv").unlink()
    settings.DEMO_DATA_DIR = tmp_path / "data"
    regions = Region.objects.count()

    # when / then
    with pytest.raises(CommandError, match=r"regions/streets\.csv missing") as error:
        call_command("load_demo")
    assert [name for name in DATA_FILES if name in str(error.value)] == ["regions/streets.csv"]
    assert Region.objects.count() == regions
