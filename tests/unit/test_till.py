"""The till's collection of a pay-at-pickup order (``_collect_at_till``), on the in-memory stores.

Each test is a short story (given, when, then).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.identity import Caller
from shared.orders import service as orders
from shared.orders.model import Order, OrderStatus
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.purchases.till import record_till_sale
from shared.reservations.model import ReservationStatus
from shared.stock.model import StockLevel
from tests.holds_machine import STORE, World, memory_world
from tests.unit.test_orders_service import PRICE_CENTS, place
from tests.unit.test_reservations_service import receive

STAFF = Caller(role="staff", subject="anna", location_id=STORE)
RUNG_UP = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    world = memory_world()
    world.catalog.stock_up(["T-1"], price_cents=PRICE_CENTS)
    return world


def ring_up(world: World, order: Order, lines: list[PurchasedLine], receipt_id: str = "till-0001",
            location_id: str = STORE) -> tuple[Purchase, bool]:
    return record_till_sale(**world.holds(), purchases=world.purchases, orders=world.orders,
                            directory=world.directory, caller=STAFF, location_id=location_id, receipt_id=receipt_id,
                            lines=lines, purchased_at=RUNG_UP, order_id=order.order_id, catalog=world.catalog)


def level(world: World, sku: str) -> StockLevel:
    return world.stock.get(sku, STORE) or StockLevel(sku=sku, location_id=STORE)


def test_ringing_up_an_open_order_collects_it_once(world: World) -> None:
    # given: an order still being picked
    receive(world, "T-1", 5)
    order, _ = place(world, [("T-1", 2)])
    orders.advance(orders=world.orders, transactions=world.transactions, caller=STAFF, order_id=order.order_id,
                   status=OrderStatus.ACCEPTED)
    # when: the till rings it up, and the same sale arrives again
    first, created = ring_up(world, order, [PurchasedLine("T-1", 2, 250)])
    again, created_again = ring_up(world, order, [PurchasedLine("T-1", 2, 250)])
    # then: handed over once, as the order's purchase
    assert created and not created_again and again == first
    assert first.channel is PurchaseChannel.CLICK_AND_COLLECT and first.reference == order.order_id
    assert world.orders.get(order.order_id).status is OrderStatus.COLLECTED  # type: ignore[union-attr]
    hold = world.reservations.get(order.reservation_id)
    assert hold is not None and hold.status is ReservationStatus.FULFILLED
    assert (level(world, "T-1").on_hand, level(world, "T-1").reserved) == (3, 0)
    assert world.counters.held_by(order.customer_id, STORE) == (0, {"T-1": 0})


def test_an_order_collected_with_its_code_is_not_handed_over_again_at_the_till(world: World) -> None:
    # given
    receive(world, "T-1", 5)
    order, _ = place(world, [("T-1", 1)])
    for status in (OrderStatus.ACCEPTED, OrderStatus.PICKING):
        orders.advance(orders=world.orders, transactions=world.transactions, caller=STAFF, order_id=order.order_id,
                       status=status)
    waiting = orders.ready(orders=world.orders, transactions=world.transactions, directory=world.directory,
                           caller=STAFF, order_id=order.order_id)
    orders.collect(**world.holds(), orders=world.orders, purchases=world.purchases, caller=STAFF,
                   order_id=order.order_id, pickup_code=waiting.pickup_code or "")
    # when
    purchase, created = ring_up(world, order, [PurchasedLine("T-1", 1, 250)])
    # then
    assert not created and purchase.reference == order.order_id
    assert level(world, "T-1").on_hand == 4
