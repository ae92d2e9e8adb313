"""The demo's outside lists: a police list and a platform list, with matches, rows to review and people
not found, so every page of the lists has something to show; loading twice adds nothing."""

from __future__ import annotations

import pytest

from langso.outside_lists.models import EntryStatus, ListEntry, OutsideEvidence, OutsideList

pytestmark = pytest.mark.django_db


def test_the_demo_has_lists_with_matches_reviews_and_people_not_found(settings):
    from langso.outside_lists.demo import load_demo_outside_lists
    from langso.site.demo import load_demo_data

    settings.DEMO_MODE = True
    load_demo_data(households_per_village=3)
    assert OutsideList.objects.count() == 2
    statuses = set(ListEntry.objects.values_list("status", flat=True))
    assert {EntryStatus.MATCHED, EntryStatus.REVIEW, EntryStatus.UNMATCHED} <= statuses
    assert OutsideEvidence.objects.filter(source="police").exists()
    assert OutsideEvidence.objects.filter(source="platform").exists()
    assert load_demo_outside_lists() == 0
