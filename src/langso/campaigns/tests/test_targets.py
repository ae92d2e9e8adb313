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


# --- Each level against its own share ----------------------------------------------------------------


def test_a_province_count_is_split_to_communes_in_whole_numbers_that_add_up_to_it():
    from decimal import Decimal

    from langso.campaigns.targets import split_whole

    shares = split_whole(Decimal(20), {"a": 3, "b": 1, "c": 1}, whole=True)
    assert shares == {"a": Decimal(12), "b": Decimal(4), "c": Decimal(4)}
    odd = split_whole(Decimal(10), {"a": 1, "b": 1, "c": 1}, whole=True)
    assert sum(odd.values()) == 10 and sorted(odd.values()) == [3, 3, 4]


@pytest.mark.django_db
def test_each_commune_is_judged_against_its_share_of_a_province_count_not_the_whole_count(world):
    """ "20 home visits a week" for the province: Nghĩa Tá (3 of the province's 4 adults) gets 15, the
    ward 5, and a commune of the province with no adults 0; the province is judged against 20."""
    from decimal import Decimal

    from langso.campaigns.dashboards import build_boards
    from langso.campaigns.models import Indicator, Split, Target

    visits = Indicator.objects.get(code="visits_week")
    target = Target.objects.create(
        campaign=world["campaign"], indicator=visits, value=20, deadline=world["campaign"].ends_on
    )
    board = next(b for b in build_boards(world["campaign"]) if b.target.pk == target.pk)
    shares = {row.unit: row.target.value for row in board.rows}

    assert shares[str(world["nghia_ta"].code)] == Decimal(15)
    assert shares[str(world["ward"].code)] == Decimal(5)
    assert sum(shares.values()) == 20
    assert board.total.target.value == 20
    commune_board = next(
        b for b in build_boards(world["campaign"], commune=world["nghia_ta"]) if b.target.pk == target.pk
    )
    assert commune_board.total.target.value == 15
    villages = {row.name: row.target.value for row in commune_board.rows}
    assert villages == {"Thôn Bản Cáu": 10, "Thôn Nà Mò": 5}

    Target.objects.create(
        campaign=world["campaign"],
        indicator=visits,
        value=8,
        deadline=world["campaign"].ends_on,
        commune=world["ward"],
    )
    target.split = Split.MANUAL
    target.save()
    board = next(b for b in build_boards(world["campaign"]) if b.target.pk == target.pk)
    by_hand = {row.unit: row.target for row in board.rows}
    assert by_hand[str(world["ward"].code)].value == 8
    assert by_hand[str(world["nghia_ta"].code)] is None  # by hand, and none set: no share, no verdict


@pytest.mark.django_db
def test_a_rate_target_applies_to_every_level_as_it_is(world):
    from langso.campaigns.dashboards import build_boards

    board = next(b for b in build_boards(world["campaign"]) if b.target.pk == world["target"].pk)
    assert {float(row.target.value) for row in board.rows} == {60.0}
