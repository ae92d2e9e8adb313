from __future__ import annotations

import datetime

import pytest

from langso.campaigns.targets import Status, judge

TODAY = datetime.date(2026, 9, 1)
DEADLINE = datetime.date(2026, 10, 23)


@pytest.mark.parametrize(
    ("current", "earlier", "target", "higher", "expected"),
    [
        (60.0, None, 58.0, True, Status.DONE),
        (None, None, 58.0, True, Status.NO_DATA),
        (40.0, None, 58.0, True, Status.BEHIND),  # no trend to project
        (40.0, (datetime.date(2026, 8, 1), 20.0), 58.0, True, Status.ON_TRACK),  # +20 a month
        (40.0, (datetime.date(2026, 8, 1), 38.0), 58.0, True, Status.BEHIND),  # +2 a month
        (40.0, (datetime.date(2026, 8, 1), 45.0), 58.0, True, Status.BEHIND),  # going down
        (3.0, (datetime.date(2026, 8, 1), 10.0), 0.0, False, Status.ON_TRACK),  # fewer overdue reports
        (0.0, None, 0.0, False, Status.DONE),
    ],
)
def test_a_target_is_judged_from_the_trend_carried_to_the_deadline(
    current, earlier, target, higher, expected
):
    assert (
        judge(
            current=current,
            earlier=earlier,
            target=target,
            deadline=DEADLINE,
            today=TODAY,
            higher_is_better=higher,
        )
        == expected
    )


def test_a_passed_deadline_with_the_target_unmet_is_behind_whatever_the_trend():
    late = DEADLINE + datetime.timedelta(days=1)
    assert (
        judge(current=57.9, earlier=(TODAY, 10.0), target=58.0, deadline=DEADLINE, today=late)
        == Status.BEHIND
    )
