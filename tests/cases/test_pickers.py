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


def test_an_action_forms_department_options_are_built_once_and_follow_new_departments(
    register, users, departments
):
    """The case page's department pickers keep their options per process (the list filters'
    choices build): the second form renders them without reading the departments, marks its
    own choice, and a department saved afterwards appears in the next form."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.views.filter_panel import keep_department_options
    from departments.models import Department

    case = register()
    first = DispatchForm(case=case, user=users["agent"])
    keep_department_options(first)
    assert "长沙市城市管理和综合执法局" in str(first["department"])
    second = DispatchForm(case=case, user=users["agent"], initial={"department": None})
    second.initial["department"] = departments["cgj"].pk
    keep_department_options(second)
    with CaptureQueriesContext(connection) as queries:
        html = str(second["department"])
    assert not any("departments_department" in q["sql"] for q in queries.captured_queries)
    chosen = re.findall(r'<option value="(\d+)"[^>]*selected', html)
    assert chosen == [str(departments["cgj"].pk)]
    Department.objects.create(
        code="newdept",
        name="新设部门",
        kind=Department.Kind.FUNCTIONAL,
        parent=departments["cgj"].parent,
    )
    third = DispatchForm(case=case, user=users["agent"])
    keep_department_options(third)
    assert "新设部门" in str(third["department"])


def test_every_department_field_of_the_case_forms_is_a_department_picker():
    """Taking back and reassigning, a consultation's invitations and its decision offer the
    same ~200 departments as the dispatch: a bare listbox of them is what issue 17 removed."""
    import inspect

    from django import forms

    from cases import forms as case_forms
    from cases.forms import DepartmentPicker, DepartmentPickerMultiple
    from cases.selectors import transfer_targets
    from departments.models import Department

    checked = []
    for name, form_class in inspect.getmembers(case_forms, inspect.isclass):
        if not issubclass(form_class, forms.BaseForm):
            continue
        for field_name, field in form_class.base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or queryset.model is not Department:
                continue
            if str(queryset.query) == str(transfer_targets().query):
                continue  # 12333, 110, 119, 120, 122: five buttons' worth, a plain select
            multiple = isinstance(field, forms.ModelMultipleChoiceField)
            wanted = DepartmentPickerMultiple if multiple else DepartmentPicker
            assert isinstance(field.widget, wanted), f"{name}.{field_name}"
            checked.append(f"{name}.{field_name}")
    assert {"TakeBackForm.department", "OpenConsultationForm.departments",
            "DecideConsultationForm.co_departments"} <= set(checked)  # fmt: skip
