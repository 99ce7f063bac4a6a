"""The demo city: reference data from hotline/demo/data, demo users and demo cases."""

from pathlib import Path

from django.conf import settings

# The files the demo reads, relative to settings.DEMO_DATA_DIR (data/README.md names sources).
AREAS = "regions/areas.csv"
STREETS = "regions/streets.csv"
CATEGORIES = "categories/db44t2479-2024.csv"
CASE_MESSAGES = "messages/messages_with_replies_city.jsonl"
SYNTHETIC_MESSAGES = "messages/messages_with_votes_sample.jsonl"
DATA_FILES = (AREAS, STREETS, CATEGORIES, CASE_MESSAGES, SYNTHETIC_MESSAGES)


def data_path(relative: str) -> Path:
    return Path(settings.DEMO_DATA_DIR) / relative


def missing_data_files() -> list[str]:
    """The demo files that are not in the data folder (none in a complete checkout)."""
    return [name for name in DATA_FILES if not data_path(name).is_file()]
