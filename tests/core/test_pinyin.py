"""Pinyin for the pickers: initials and spelling find a Chinese name."""

import pytest

from core.pinyin import matches, search_key, sort_key


def test_a_name_is_found_by_its_initials_and_its_spelling():
    assert search_key("城管局") == "cgj chengguanju"
    assert matches("cgj", "城管局") and matches("chengguan", "城管局") and matches("城管", "城管局")
    assert not matches("zjj", "城管局") and not matches("", "城管局")


@pytest.mark.parametrize(
    "name,key", [("长沙县", "csx changshaxian"), ("12345热线", "12345rx 12345rexian")]
)
def test_heteronyms_and_latin_letters(name, key):
    assert search_key(name) == key


def test_names_sort_as_in_a_chinese_index():
    names = ["住建局", "城管局", "财政局", "公安局"]
    assert sorted(names, key=sort_key) == ["财政局", "城管局", "公安局", "住建局"]
