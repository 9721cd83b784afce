"""A fact took units that were held: the newest holds give way until the books add up again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.identity import Caller
from shared.orders import service as orders
from shared.orders.model import Contact, Order, OrderStatus, Payment
from shared.orders.shortfall import resolve_shortfall
from shared.reservations import service as reservations
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus
from shared.slots.calendar import CALENDAR
from shared.stock import service as stock
from shared.stock.model import ChangeKind
from tests.holds_machine import ERP, STORE, World, memory_world

SHOPPER = Caller(role="customer", subject="shopper-1")
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    minutes = iter(range(1000))  # every hold or order a minute after the one before
    monkeypatch.setattr(reservations, "_now", lambda: START + timedelta(minutes=next(minutes)))
    monkeypatch.setattr(orders, "_now", lambda: START + timedelta(minutes=next(minutes)))
    return memory_world("SF-1", "SF-2", "SF-3", "SF-4")


def change(world: World, kind: ChangeKind, sku: str, quantity: int, key: str) -> None:
    stock.record_change(store=world.stock, transactions=world.transactions, directory=world.directory, caller=ERP,
                        sku=sku, location_id=STORE, kind=kind, quantity=quantity, idempotency_key=key, source="test")


def hold(world: World, lines: list[tuple[str, int]], key: str) -> Reservation:
    held, _ = reservations.reserve(**world.holds(), directory=world.directory, caller=SHOPPER, location_id=STORE,
                                   lines=[Line(sku, qty) for sku, qty in lines], channel=Channel.APP,
                                   idempotency_key=key, hold_seconds=3600, catalog=world.catalog)
    return held


def order(world: World, lines: list[tuple[str, int]], key: str) -> Order:
    placed, _ = orders.place(**world.holds(), orders=world.orders, directory=world.directory, caller=SHOPPER,
                             location_id=STORE, lines=[Line(sku, qty) for sku, qty in lines],
                             payment=Payment.PAY_AT_PICKUP, contact=Contact("a@example.nl"), channel=Channel.WEB,
                             idempotency_key=key, catalog=world.catalog)
    return placed


def resolve(world: World, sku: str) -> list[str]:
    return resolve_shortfall(stock=world.stock, reservations=world.reservations, counters=world.counters,
                             orders=world.orders, transactions=world.transactions, directory=world.directory,
                             calendar=CALENDAR, sku=sku, location_id=STORE)


def test_a_sale_of_held_units_ends_the_newest_hold_and_keeps_the_older_one(world: World) -> None:
    # given 3 units, held by an older hold (1) and a newer one (2)
    change(world, ChangeKind.RECEIPT, "SF-1", 3, "receipt-sf-1")
    older = hold(world, [("SF-1", 1)], "hold-older-1")
    newer = hold(world, [("SF-1", 2)], "hold-newer-1")
    # when the till sells 2 of them (a fact: recorded, leaving 2 held units the books no longer have)
    change(world, ChangeKind.SALE, "SF-1", 2, "sale-sf-1")
    assert world.stock.get("SF-1", STORE).shortfall == 2  # type: ignore[union-attr]
    ended = resolve(world, "SF-1")
    # then the newer hold is cancelled, the older one still holds its unit, and the books add up
    assert ended == [newer.reservation_id]
    assert world.reservations.get(newer.reservation_id).status is ReservationStatus.CANCELLED  # type: ignore[union-attr]
    assert world.reservations.get(older.reservation_id).is_active  # type: ignore[union-attr]
    level = world.stock.get("SF-1", STORE)
    assert level is not None and (level.on_hand, level.reserved, level.shortfall) == (1, 1, 0)


def test_an_order_loses_only_the_short_line_and_is_cancelled_when_nothing_is_left(world: World) -> None:
    # given an order of two SKUs and a newer one of only the short SKU
    change(world, ChangeKind.RECEIPT, "SF-2", 2, "receipt-sf-2")
    change(world, ChangeKind.RECEIPT, "SF-3", 1, "receipt-sf-3")
    both = order(world, [("SF-2", 1), ("SF-3", 1)], "order-both-1")
    only = order(world, [("SF-2", 1)], "order-only-1")
    # when a count finds none of SF-2 left
    stock.record_count(store=world.stock, transactions=world.transactions, directory=world.directory, caller=ERP,
                       sku="SF-2", location_id=STORE, on_hand=0, as_of=START + timedelta(hours=1),
                       idempotency_key="count-sf-2", source="test")
    ended = resolve(world, "SF-2")
    # then both orders lose SF-2: the newer one had nothing else and is cancelled, the older goes on
    assert ended == [only.order_id, both.order_id]
    assert world.orders.get(only.order_id).status is OrderStatus.CANCELLED  # type: ignore[union-attr]
    kept = world.orders.get(both.order_id)
    assert kept is not None and kept.is_open and [(x.sku, x.short) for x in kept.lines] == [("SF-2", True),
                                                                                            ("SF-3", False)]
    assert world.stock.get("SF-3", STORE).reserved == 1  # type: ignore[union-attr]
    assert world.stock.get("SF-2", STORE).reserved == 0  # type: ignore[union-attr]


def test_resolving_again_changes_nothing(world: World) -> None:
    change(world, ChangeKind.RECEIPT, "SF-4", 1, "receipt-sf-4")
    hold(world, [("SF-4", 1)], "hold-sf-4")
    change(world, ChangeKind.SALE, "SF-4", 1, "sale-sf-4")
    first = resolve(world, "SF-4")
    # when the same shortfall is resolved again (a redelivered event)
    again = resolve(world, "SF-4")
    # then nothing more ends
    assert len(first) == 1 and again == []
