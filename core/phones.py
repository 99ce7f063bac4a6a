"""Citizens' phone numbers: one reading of what people type, one stored form.

Numbers are read with `phonenumbers` (Google's libphonenumber) for region CN: mobiles, fixed
lines with their area code, 400/800 service numbers and the 95xxx short service numbers; `+86`
or `0086`, spaces, dashes, dots, brackets and full-width digits are accepted. The stored form is
the national number in digits, as people in China write it: `13912345678`, `01062345678` (the
trunk 0 kept), `4008123123`, `95588`; a number of another country is stored as E.164
(`+85291234567`). Every spelling of a number thus stores one value, so the caller history and
the duplicate hints find it, and the phone filter matches on the digits of what was typed.

Intake, the API, the /ask/ dialogue and Open311 all use `normalize_phone` (or the form and
serializer fields below, which call it).
"""

import re
import unicodedata

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult, shortnumberinfo
from rest_framework import serializers

REGION = "CN"
_COUNTRY_CODE = phonenumbers.country_code_for_region(REGION)  # 86
MAX_LENGTH = 20  # Case.citizen_phone: a national number has at most 12 digits, E.164 16 chars
# Digits and the separators people write between them; letters (vanity numbers) are refused.
_SPELLING = re.compile(r"^\+?[0-9 ()\-.]+$")
_NATIONAL_MIN = 10  # a fixed line has 10 to 12 digits with its area code
_MOBILE_LENGTH = 11

DIGITS_ONLY = _("A phone number has digits only (a leading +86, spaces and dashes are fine).")
TOO_SHORT = _(
    "This phone number is too short: a mobile number has 11 digits, and a fixed line needs its "
    "area code (such as 010-62345678)."
)
TOO_LONG = _(
    "This phone number is too long: a mobile number has 11 digits, a fixed line at most 12 "
    "with its area code."
)
NOT_IN_USE = _("This is not a phone number in use: check the digits.")


def normalize_phone(raw: str) -> str:
    """The stored form of a typed phone number ("" for nothing); ValidationError if it is none."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return ""
    if not _SPELLING.match(text):
        raise ValidationError(DIGITS_ONLY, code="phone_characters")
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        raise ValidationError(NOT_IN_USE, code="phone_invalid") from None
    if phonenumbers.is_valid_number(number):
        if number.country_code != _COUNTRY_CODE:
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
        return re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    national = phonenumbers.national_significant_number(number)
    if national.startswith("95") and shortnumberinfo.is_valid_short_number_for_region(
        number, REGION
    ):
        return national
    raise ValidationError(_refusal(number, national), code="phone_invalid")


def _refusal(number, national: str):
    reason = phonenumbers.is_possible_number_with_reason(number)
    mobile = national.startswith("1") and number.country_code == _COUNTRY_CODE
    if reason == ValidationResult.TOO_LONG or (mobile and len(national) > _MOBILE_LENGTH):
        return TOO_LONG
    too_short = len(national) < (_MOBILE_LENGTH if mobile else _NATIONAL_MIN)
    if reason == ValidationResult.TOO_SHORT or too_short:
        return TOO_SHORT
    return NOT_IN_USE


def phone_search_digits(typed: str) -> str:
    """The digits to look for in stored numbers when someone types (part of) a number."""
    try:
        normalized = normalize_phone(typed)
    except ValidationError:
        normalized = ""
    if normalized:
        return normalized.lstrip("+")
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", typed or ""))
    text = (typed or "").strip()
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            return digits[len(prefix.lstrip("+")) :]
    return digits


class PhoneFormField(forms.CharField):
    """A form field that cleans to the stored form of a phone number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # typed, with its separators; stored much shorter
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class PhoneSerializerField(serializers.CharField):
    """An API field that validates a phone number and gives its stored form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return normalize_phone(super().to_internal_value(data))
        except ValidationError as refusal:
            raise serializers.ValidationError(refusal.messages, code=refusal.code) from None


def is_mobile(stored: str) -> bool:
    """Whether a stored number is a mainland mobile (the only kind an SMS reaches)."""
    if not stored or stored.startswith("+"):
        return False
    try:
        number = phonenumbers.parse(stored, REGION)
    except NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
