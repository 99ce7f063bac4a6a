"""The lean FilterSets (`cases.filtersets.LeanFilterSet`): built from shared filters and one
form class per FilterSet class, yet each request's filterset and form are its own."""

from django.http import QueryDict

from cases.filtersets import AssignmentFilterSet, CaseFilterSet
from cases.models import Assignment, Case
from cases.views.filter_panel import tidy_filter_form


def test_each_filterset_filters_with_its_own_values(register, departments):
    noisy = register(content="工地夜间施工噪音扰民")
    register(content="路灯不亮")
    searched = CaseFilterSet(QueryDict("q=噪音"), queryset=Case.objects.all())
    unfiltered = CaseFilterSet(QueryDict(""), queryset=Case.objects.all())
    # a method filter calls its own filterset (a shared proxy called the class's filters,
    # which have none)
    assert [c.pk for c in searched.qs] == [noisy.pk]
    assert unfiltered.qs.count() == 2
    assert searched.filters["q"].parent is searched
    assert unfiltered.filters["q"].parent is unfiltered
    assert searched.filters["q"].extra is not unfiltered.filters["q"].extra


def test_a_form_and_its_widgets_stay_in_their_request(db):
    first = CaseFilterSet(QueryDict(""), queryset=Case.objects.all()).form
    second = CaseFilterSet(QueryDict(""), queryset=Case.objects.all()).form
    assert type(first) is type(second)  # the class is built once ...
    assert first.fields["status"] is not second.fields["status"]  # ... the fields are not shared
    tidy_filter_form(first)
    tidy_filter_form(second)
    first.fields["region"].widget.attrs["data-test"] = "first"
    first.fields["status"].widget.attrs["data-test"] = "first"
    assert first.fields["region"].widget is not second.fields["region"].widget
    assert "data-test" not in second.fields["region"].widget.attrs
    assert "data-test" not in second.fields["status"].widget.attrs


def test_the_phone_filter_is_refused_to_a_department_and_not_to_the_center(rf, users, db):
    def form_for(username):
        request = rf.get("/")
        request.user = users[username]
        filterset = CaseFilterSet(
            QueryDict("phone=13800138000"), queryset=Case.objects.all(), request=request
        )
        return filterset.is_valid(), filterset

    # alternately: a kept form class must not carry one viewer's refusal to the other
    for _ in range(2):
        assert form_for("agent")[0] is True
        valid, filterset = form_for("handler")
        assert valid is False and "phone" in filterset.errors


def test_the_assignment_filterset_reads_its_own_values(dispatched, departments):
    matching = AssignmentFilterSet(
        QueryDict(f"department={departments['cgj'].pk}"), queryset=Assignment.objects.all()
    )
    other = AssignmentFilterSet(
        QueryDict(f"department={departments['center'].pk}"), queryset=Assignment.objects.all()
    )
    assert matching.qs.count() == 1
    assert other.qs.count() == 0
