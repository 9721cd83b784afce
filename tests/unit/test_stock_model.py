from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import InsufficientStock, InvalidRequest
from shared.stock.model import (
    DISPATCH,
    HOLD,
    RECEIVE_HELD,
    TRANSFER_ARRIVED,
    ChangeKind,
    StockLevel,
    on_hand_delta,
)
from shared.stock.signals import StockSignal, signals_for

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def level(**kw: int) -> StockLevel:
    return StockLevel(sku="S", location_id="l1", **kw)


@pytest.mark.parametrize(("kind", "qty", "delta"), [
    (ChangeKind.SALE, 2, -2), (ChangeKind.RECEIPT, 3, 3), (ChangeKind.TRANSFER_IN, 1, 1),
    (ChangeKind.TRANSFER_OUT, 4, -4), (ChangeKind.CORRECTION, -5, -5), (ChangeKind.CORRECTION, 5, 5),
])
def test_the_kind_decides_the_sign(kind: ChangeKind, qty: int, delta: int) -> None:
    assert on_hand_delta(kind, qty) == delta


@pytest.mark.parametrize(("kind", "qty"), [(ChangeKind.SALE, 0), (ChangeKind.SALE, -1), (ChangeKind.CORRECTION, 0)])
def test_meaningless_quantities_are_refused(kind: ChangeKind, qty: int) -> None:
    with pytest.raises(InvalidRequest):
        on_hand_delta(kind, qty)


def test_available_subtracts_holds_and_safety_stock_and_never_shows_below_zero() -> None:
    assert level(on_hand=10, reserved=3, safety_stock=2).available == 5
    assert level(on_hand=2, reserved=1, safety_stock=5).available == 0
    assert level(on_hand=2, reserved=1, safety_stock=5).sellable == -4


def test_a_change_that_is_not_a_fact_may_not_take_reserved_units() -> None:
    with pytest.raises(InsufficientStock) as refused:
        level(on_hand=5, reserved=4).with_delta(-2)
    assert refused.value.extra == {"requested": 2, "on_hand": 5, "reserved": 4}
    assert level(on_hand=5, reserved=4).with_delta(-1).on_hand == 4


def test_a_sale_is_a_fact_recorded_even_when_it_takes_held_or_absent_units() -> None:
    sold = level(on_hand=5, reserved=4).with_delta(-2, fact=True)
    assert (sold.on_hand, sold.reserved, sold.available, sold.shortfall) == (3, 4, 0, 1)
    beyond = level(on_hand=1, reserved=1).with_delta(-3, fact=True)
    assert (beyond.on_hand, beyond.available, beyond.shortfall) == (-2, 0, 1)  # held units short, not 3
    beyond.check_invariants()
    assert beyond.with_delta(1).on_hand == -1  # a receipt onto books below 0 applies (as in DynamoDB)


def test_older_or_equal_counts_are_ignored_and_newer_ones_applied() -> None:
    counted = level(on_hand=3).with_count(7, T0)
    assert counted is not None and counted.on_hand == 7 and counted.counted_as_of == T0
    assert counted.with_count(1, T0) is None
    assert counted.with_count(1, T0 - timedelta(seconds=1)) is None
    newer = counted.with_count(1, T0 + timedelta(seconds=1))
    assert newer is not None and newer.on_hand == 1


def test_a_count_below_what_is_held_is_recorded_and_shows_the_shortfall() -> None:
    counted = level(on_hand=5, reserved=3).with_count(2, T0)
    assert counted is not None
    assert (counted.on_hand, counted.reserved, counted.available, counted.shortfall) == (2, 3, 0, 1)


def test_a_growing_shortfall_is_signalled_once_per_change_that_grows_it() -> None:
    held = level(on_hand=2, reserved=2)
    short = held.with_delta(-1, fact=True)
    assert StockSignal.SHORTFALL in signals_for(held, short)
    assert StockSignal.SHORTFALL in signals_for(short, short.with_delta(-1, fact=True))
    assert StockSignal.SHORTFALL not in signals_for(short, short.with_delta(1))


def test_every_change_bumps_the_version() -> None:
    assert level().with_delta(1).with_settings(1, 1).version == 2


@pytest.mark.parametrize(("before", "after", "expected"), [
    (None, level(on_hand=5, low_stock_threshold=2), [StockSignal.CHANGED]),
    (level(on_hand=5, low_stock_threshold=2), level(on_hand=2, low_stock_threshold=2),
     [StockSignal.CHANGED, StockSignal.LOW]),
    (level(on_hand=2, low_stock_threshold=2), level(on_hand=1, low_stock_threshold=2), [StockSignal.CHANGED]),
    (level(on_hand=1, low_stock_threshold=2), level(on_hand=0, low_stock_threshold=2),
     [StockSignal.CHANGED, StockSignal.OUT]),
    (level(on_hand=5, low_stock_threshold=2), level(on_hand=0, low_stock_threshold=2),
     [StockSignal.CHANGED, StockSignal.OUT]),
    (level(on_hand=0, low_stock_threshold=2), level(on_hand=4, low_stock_threshold=2),
     [StockSignal.CHANGED, StockSignal.BACK]),
    (level(on_hand=3, safety_stock=0), level(on_hand=3, safety_stock=3),
     [StockSignal.CHANGED, StockSignal.OUT]),
    (level(on_hand=9, low_stock_threshold=0), level(on_hand=1, low_stock_threshold=0), [StockSignal.CHANGED]),
])
def test_threshold_signals_fire_on_crossing_only(
    before: StockLevel | None, after: StockLevel, expected: list[StockSignal]
) -> None:
    assert signals_for(before, after) == expected


def _units(*levels: StockLevel) -> int:
    return sum(lv.on_hand + lv.in_transit for lv in levels)


@pytest.mark.parametrize("quantity", [1, 3])
def test_a_transfer_conserves_units_and_arrives_held_for_the_same_order(quantity: int) -> None:
    source = StockLevel(sku="S", location_id="source", on_hand=5).apply(HOLD, quantity)
    destination = StockLevel(sku="S", location_id="pickup", on_hand=2)
    units = _units(source, destination)

    source = source.apply(DISPATCH, quantity)
    assert (source.on_hand, source.reserved, source.in_transit) == (5 - quantity, 0, quantity)
    assert _units(source, destination) == units  # on the road: still counted, once

    source = source.apply(TRANSFER_ARRIVED, quantity)
    destination = destination.apply(RECEIVE_HELD, quantity)
    assert (source.on_hand, source.reserved, source.in_transit) == (5 - quantity, 0, 0)
    assert (destination.on_hand, destination.reserved) == (2 + quantity, quantity)  # held for the order
    assert destination.available == 2  # what the pickup store had free before
    assert _units(source, destination) == units
    for lv in (source, destination):
        lv.check_invariants()


def test_only_held_units_are_dispatched_and_only_units_in_transit_arrive() -> None:
    with pytest.raises(InsufficientStock):
        level(on_hand=5, reserved=1).apply(DISPATCH, 2)
    with pytest.raises(InsufficientStock, match="in transit"):
        level(on_hand=5, in_transit=1).apply(TRANSFER_ARRIVED, 2)
    assert level(on_hand=-1).apply(RECEIVE_HELD, 2).reserved == 2  # a fact: whatever the books say
