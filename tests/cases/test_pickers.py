"""The department picker: grouped by kind, sorted by pinyin, found by initials or short name."""

import re

import pytest

from cases.forms import DispatchForm

pytestmark = pytest.mark.django_db


def test_departments_are_grouped_sorted_and_carry_their_pinyin(register, users):
    form = DispatchForm(case=register(), user=users["agent"])
    html = str(form["department"])

    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert groups[0] == "Functional department"  # the ones dispatched to most, first
    assert "Street office" in groups
    assert 'data-picker="true"' in html
    cgj = re.search(r'<option value="\d+" data-py="([^"]*)"[^>]*>长沙市城市管理和综合执法局<', html)
    assert cgj and "cgj chengguanju" in cgj.group(1)  # its short name 城管局, and its code
    functional = html.split("</optgroup>")[0]
    names = re.findall(r'data-py="[^"]*? ([a-z]+)"[^>]*>([^<]+)<', functional)
    spelled = [n for n, _label in names]
    assert spelled == sorted(spelled)  # by the spelling of the full name


def test_co_handlers_are_a_multiple_picker(register, users):
    html = str(DispatchForm(case=register(), user=users["agent"])["co_departments"])
    assert "multiple" in html and 'data-picker="true"' in html
