"""The demo city: reference data from ../shared/data, demo users and demo cases."""
