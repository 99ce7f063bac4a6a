"""One vocabulary: open and overdue mean the same on a case's page, in lists and in filters.

Every status is reached through the services, then the case's reply deadline is put in the past:
`Case.is_open` / `Case.is_overdue` (the page), `Case.objects.open()` / `.overdue()` (the
dashboards and queues) and `?overdue=true` (the FilterSet of the API and list pages) must agree,
and agree with what the words mean: a replied case waits for the callback, not for a
department, and a parked case is parked; neither is overdue.
"""

import datetime

import pytest
from django.utils import timezone

from cases.choices import (
    CALLBACK_STATUSES,
    DEAD_END_STATUSES,
    DECISION_STATUSES,
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Status,
)
from cases.filtersets import CaseFilterSet
from cases.models import Case, Category
from cases.selectors import likely_duplicates
from departments.models import Region
from tests.cases.lifecycle_world import case_in

# What the words mean, written out: a change of the definitions in cases.choices fails here.
OVERDUE_WHEN_LATE = {
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RETURN_REVIEW,
    Status.DISPUTED,
    Status.REPLY_REVIEW,  # issue 14: the citizen still waits while the center reviews
}


def past_its_deadline(case: Case) -> Case:
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        created_at=now - datetime.timedelta(days=30), reply_due_at=now - datetime.timedelta(hours=1)
    )
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("status", list(Status))
def test_the_predicates_the_querysets_and_the_filter_agree(status, world, settings):
    # given a case in `status` whose reply deadline has passed
    case = past_its_deadline(case_in(status, world, settings))
    overdue_filter = CaseFilterSet({"overdue": "true"}, queryset=Case.objects.all()).qs
    not_overdue_filter = CaseFilterSet({"overdue": "false"}, queryset=Case.objects.all()).qs
    # then the page, the lists and the filter say the same
    assert case.is_open == Case.objects.open().filter(pk=case.pk).exists()
    assert case.is_overdue == Case.objects.overdue().filter(pk=case.pk).exists()
    assert case.is_overdue == overdue_filter.filter(pk=case.pk).exists()
    assert case.is_overdue != not_overdue_filter.filter(pk=case.pk).exists()
    # and what they say is what the words mean
    assert case.is_overdue == (status in OVERDUE_WHEN_LATE)
    assert case.is_open == (status in OVERDUE_WHEN_LATE)


def test_a_case_before_its_deadline_is_open_and_not_overdue(world, settings):
    case = case_in(Status.IN_PROGRESS, world, settings)
    assert case.reply_due_at > timezone.now()
    assert case.is_open and not case.is_overdue
    assert not Case.objects.overdue().filter(pk=case.pk).exists()


def test_every_status_is_open_waiting_for_a_callback_or_finished():
    groups = [set(OPEN_STATUSES), set(CALLBACK_STATUSES), set(FINISHED_STATUSES)]
    groups.append(set(DECISION_STATUSES))  # issue 14 (B): waiting for the supervisors
    assert sum(len(g) for g in groups) == len(Status)
    assert set().union(*groups) == set(Status)
    assert Status.PARKED in FINISHED_STATUSES and Status.REPLIED in CALLBACK_STATUSES


def test_a_dead_end_case_is_not_offered_to_merge_into(world, settings):
    # given a transferred and a dispatched case of the same place, kind and text
    dead, live = (case_in(s, world, settings) for s in (Status.TRANSFERRED, Status.DISPATCHED))
    region, category = Region.objects.order_by("id").first(), Category.objects.first()
    Case.objects.filter(pk__in=[dead.pk, live.pk]).update(region=region, category=category)
    # when the intake looks for duplicates to merge into, then only the live one is offered
    found = likely_duplicates(world.agent, region=region, category=category, content=live.content)
    assert live in found and dead not in found
    assert dead.status in DEAD_END_STATUSES
