"""Every stock effect is one rule: ``StockLevel.apply`` in memory and the DynamoDB update built
from the same definition give the same level, and refuse the same changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.topology import TOPOLOGY
from local.provision import Provisioned
from shared.adapters import items
from shared.adapters.dynamodb_stock import DynamoDBStockStore
from shared.adapters.dynamodb_transaction import DynamoDBTransactions
from shared.errors import InsufficientStock
from shared.stock.model import DERIVED, EFFECTS, Effect, StockCount, StockLevel, StockMove
from shared.stock.ports import ChangeReceipt
from shared.transactions import Refused

LOC = "effect-store"
AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
_skus = count()

levels = st.builds(
    StockLevel, sku=st.just("-"), location_id=st.just(LOC), on_hand=st.integers(-3, 12),
    reserved=st.integers(0, 8), safety_stock=st.integers(0, 4), damaged=st.integers(0, 3),
    quality_check=st.integers(0, 3), in_transit=st.integers(0, 6), low_stock_threshold=st.integers(0, 3),
    version=st.integers(1, 9))
AGREE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _store(level: StockLevel) -> None:
    """The item as the adapter keeps it: the counters and the sums the conditions read."""
    values = {name: getattr(level, name) for name in ("on_hand", "reserved", "safety_stock", "damaged",
                                                      "quality_check", "in_transit", "low_stock_threshold",
                                                      "version")}
    values |= {name: sum(weight * getattr(level, part) for part, weight in parts.items())
               for name, parts in DERIVED.items()}
    if level.counted_as_of is not None:
        values["counted_as_of"] = items.stamp(level.counted_as_of)
    boto3.client("dynamodb").put_item(TableName=TOPOLOGY.table.name, Item=items.stock_key(
        level.sku, LOC) | items.to_item({"sku": level.sku, "location_id": LOC, **values}))


def _stored(sku: str) -> tuple[StockLevel | None, dict[str, int]]:
    item = boto3.client("dynamodb").get_item(TableName=TOPOLOGY.table.name, Key=items.stock_key(sku, LOC),
                                             ConsistentRead=True).get("Item")
    if item is None:
        return None, {}
    return items.stock_level_from_item(item), {name: int(item[name]["N"]) for name in DERIVED}


def _change(sku: str) -> ChangeReceipt:
    return ChangeReceipt(change_id="c", sku=sku, location_id=LOC, kind="test", on_hand_delta=None,
                         on_hand=None, applied_at=AT, source="test")


def _commit_move(move: StockMove) -> Refused | None:
    tx = DynamoDBTransactions(TOPOLOGY.table.name).begin()
    DynamoDBStockStore(TOPOLOGY.table.name).add_move(tx, move=move, change=_change(move.sku), default_threshold=2)
    try:
        tx.commit()
    except Refused as refused:
        return refused
    return None


def _sums_match(level: StockLevel, stored: dict[str, int]) -> None:
    assert stored == {name: sum(weight * getattr(level, part) for part, weight in parts.items())
                      for name, parts in DERIVED.items()}


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda effect: effect.name)
def test_an_effect_gives_the_same_level_or_the_same_refusal_in_memory_and_in_dynamodb(
        aws: Provisioned, effect: Effect) -> None:
    @AGREE
    @given(start=st.none() | levels, quantity=st.integers(1, 6))
    def agree(start: StockLevel | None, quantity: int) -> None:
        sku = f"EFF-{next(_skus):05d}"
        if start is not None:
            start = replace(start, sku=sku)
            _store(start)
        before = start or StockLevel(sku=sku, location_id=LOC, low_stock_threshold=2)
        move = StockMove(sku, LOC, effect, quantity)
        try:
            expected: StockLevel | None = before.apply(effect, quantity)
        except InsufficientStock:
            expected = None
        refused = _commit_move(move)
        after, sums = _stored(sku)
        if expected is None:
            assert refused is not None and [f.subject for f in refused] == [move]
            assert refused.failures[0].current == start and after == start  # nothing written
        else:
            assert refused is None and after == expected
            _sums_match(after, sums)

    agree()


def test_a_count_gives_the_same_level_or_is_ignored_the_same_way(aws: Provisioned) -> None:
    @AGREE
    @given(start=st.none() | levels, counted=st.integers(0, 12), earlier=st.none() | st.integers(-2, 2))
    def agree(start: StockLevel | None, counted: int, earlier: int | None) -> None:
        sku = f"CNT-{next(_skus):05d}"
        if start is not None:
            as_of = AT + timedelta(hours=earlier) if earlier is not None else None
            start = replace(start, sku=sku, counted_as_of=as_of)
            _store(start)
        before = start or StockLevel(sku=sku, location_id=LOC, low_stock_threshold=2)
        expected = before.with_count(counted, AT)
        tx = DynamoDBTransactions(TOPOLOGY.table.name).begin()
        DynamoDBStockStore(TOPOLOGY.table.name).add_count(
            tx, count=StockCount(sku, LOC, counted, AT), change=_change(sku), default_threshold=2)
        try:
            tx.commit()
            refused = False
        except Refused:
            refused = True
        after, sums = _stored(sku)
        assert refused == (expected is None)
        assert after == (start if expected is None else expected)
        if after is not None:
            _sums_match(after, sums)

    agree()


def test_settings_give_the_same_level_in_memory_and_in_dynamodb(aws: Provisioned) -> None:
    @AGREE
    @given(start=st.none() | levels, safety=st.integers(0, 5), threshold=st.integers(0, 5))
    def agree(start: StockLevel | None, safety: int, threshold: int) -> None:
        sku = f"SET-{next(_skus):05d}"
        if start is not None:
            start = replace(start, sku=sku)
            _store(start)
        before = start or StockLevel(sku=sku, location_id=LOC, low_stock_threshold=threshold)
        written = DynamoDBStockStore(TOPOLOGY.table.name).apply_settings(
            sku=sku, location_id=LOC, safety_stock=safety, low_stock_threshold=threshold, change=_change(sku))
        after, sums = _stored(sku)
        assert written == after == before.with_settings(safety, threshold)
        assert after is not None
        _sums_match(after, sums)

    agree()
