"""The templates' variables: the seeded texts are valid, and a text is filled and checked."""

import pytest

from core.errors import InvalidInput
from notifications import catalog
from notifications.models import TemplateKey

pytestmark = pytest.mark.django_db


def test_every_event_has_a_chinese_default_using_only_its_variables():
    # the texts migration 0002 seeds (a transactional test's flush may have emptied the table)
    assert set(catalog.SPECS) == set(TemplateKey.values)
    for key, spec in catalog.SPECS.items():
        assert catalog.check_text(key, spec.text) == spec.text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.text)  # written in Chinese


def test_department_messages_offer_no_variable_of_the_citizens_identity():
    for spec in catalog.SPECS.values():
        assert not any(name.startswith(("citizen", "phone", "name")) for name in spec.variables)


def test_a_missing_value_is_left_empty_and_braces_can_be_written():
    assert catalog.render("工单{number}{{备注}}", {}) == "工单{备注}"


def test_the_refusal_lists_the_allowed_variables():
    with pytest.raises(InvalidInput) as refused:
        catalog.check_text(TemplateKey.SURVEY, "{reply}")
    assert "{number}" in refused.value.message and "{days}" in refused.value.message
