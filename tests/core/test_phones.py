"""Phone numbers: every spelling stores one value; what is no number is refused, saying why."""

import pytest
from django.core.exceptions import ValidationError

from core.phones import (
    DIGITS_ONLY,
    NOT_IN_USE,
    TOO_LONG,
    TOO_SHORT,
    normalize_phone,
    phone_search_digits,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width digits from a Chinese keyboard
        ("010-62345678", "01062345678"),
        ("(010) 6234 5678", "01062345678"),
        ("+86 10 6234 5678", "01062345678"),
        ("+86 010 6234 5678", "01062345678"),
        ("0755-8888 6666", "075588886666"),
        ("400-812-3123", "4008123123"),
        ("800 810 8888", "8008108888"),
        ("95588", "95588"),
        ("+86 95598", "95598"),
        ("+852 9123 4567", "+85291234567"),  # another country: E.164
        ("", ""),
        ("   ", ""),
    ],
)
def test_every_spelling_of_a_number_stores_one_value(typed, stored):
    assert normalize_phone(typed) == stored
    assert normalize_phone(stored) == stored  # the stored form reads back as itself


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567", TOO_SHORT),
        ("6234 5678", TOO_SHORT),  # a fixed line without its area code
        ("1391234567", TOO_SHORT),  # a mobile number one digit short
        ("12345", TOO_SHORT),  # the hotline itself is no citizen's number
        ("00000000000", NOT_IN_USE),
        ("139123456789", TOO_LONG),
        ("1-800-FLOWERS", DIGITS_ONLY),
        ("call me", DIGITS_ONLY),
        ("139\x0012345678", DIGITS_ONLY),
    ],
)
def test_what_is_no_phone_number_is_refused_naming_the_problem(typed, message):
    with pytest.raises(ValidationError) as refusal:
        normalize_phone(typed)
    assert refusal.value.messages == [str(message)]


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("139 1234", "1391234"),
        ("+86 139", "139"),
        ("0086-139", "139"),
        ("6234-5678", "62345678"),
        ("+86 10 6234 5678", "01062345678"),
        ("abc", ""),
    ],
)
def test_a_search_looks_for_the_digits_of_any_part_typed(typed, digits):
    assert phone_search_digits(typed) == digits
