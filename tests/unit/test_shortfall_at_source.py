"""A fact at a source takes units it holds for another store's order (ship-from-store,
ship-to-store): the fulfilment's line is rejected there and re-routed, as when its staff reject
it, so the customer keeps the order when another location has the units."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.orders import fulfilling, placing, rerouting, service
from shared.orders.fulfilments import FulfilmentStatus
from shared.orders.model import Order, OrderStatus
from shared.orders.publishing import events_for_order
from shared.orders.shortfall import resolve_shortfall
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.holds_machine import ERP
from tests.unit.test_orders_anywhere import (
    CALENDAR,
    NOW,
    TILBURG,
    UTRECHT,
    Stores,
    level,
    pay,
    place,
)
from tests.unit.test_reservations_service import receive


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> Stores:
    for module in (service, fulfilling, rerouting, placing):
        monkeypatch.setattr(module, "_now", lambda: NOW)
    return Stores()


def sold_at(stores: Stores, location_id: str, sku: str, quantity: int, key: str) -> None:
    """A till sale: a fact, recorded even though the units were held."""
    world = stores.world
    stock_service.record_change(store=world.stock, transactions=world.transactions, directory=world.directory,
                                caller=ERP, sku=sku, location_id=location_id, kind=ChangeKind.SALE,
                                quantity=quantity, idempotency_key=key, source="test")


def resolve(stores: Stores, location_id: str, sku: str = "JKT-M") -> list[str]:
    world = stores.world
    return resolve_shortfall(**world.holds(), orders=world.orders, directory=world.directory, calendar=CALENDAR,
                             slots=stores.slots, sku=sku, location_id=location_id)


def source_of(order: Order) -> tuple[str, str]:
    first = order.fulfilments[0].source_id
    return first, TILBURG if first == UTRECHT else UTRECHT


def test_a_sale_at_the_source_of_a_waiting_delivery_reroutes_its_line_to_the_next_location(stores: Stores) -> None:
    # given a delivery the till has not paid for yet, held at one source, and the other has a unit too
    receive(stores.world, "JKT-M", 1, UTRECHT)
    receive(stores.world, "JKT-M", 1, TILBURG)
    order = place(stores, slot_id="delivery.amsterdam.20260305.0900")
    assert order.fulfilments[0].status is FulfilmentStatus.WAITING
    source, other = source_of(order)
    # when that source's till sells the held unit (a fact) and the shortfall is resolved
    sold_at(stores, source, "JKT-M", 1, "sale-at-source-1")
    assert level(stores, "JKT-M", source).shortfall == 1
    ended = resolve(stores, source)
    # then the line is rejected there for the shortfall and held at the other location, still waiting for the till
    after = stores.world.orders.get(order.order_id)
    assert ended == [order.order_id] and after is not None and after.status is OrderStatus.PLACED
    rejected, new = after.fulfilments
    assert (rejected.status, rejected.rejection_reason) == (FulfilmentStatus.REJECTED, "shortfall")
    assert (new.source_id, new.status, new.quantity("JKT-M")) == (other, FulfilmentStatus.WAITING, 1)
    assert level(stores, "JKT-M", source).shortfall == 0 and level(stores, "JKT-M", source).reserved == 0
    assert level(stores, "JKT-M", other).reserved == 1
    assert not any(line.short for line in after.lines)
    # and the source is told why, the new source is asked (events from the order's change)
    told = {e.detail_type: e.detail["data"] for e in events_for_order(order, after, NOW)}
    assert told["LineRejected"]["reason"] == "shortfall" and told["LineRejected"]["rerouted"] is True
    assert told["LineRejected"]["location_id"] == source
    # and a redelivered event resolves nothing twice
    assert resolve(stores, source) == [] and stores.world.orders.get(order.order_id) == after


def test_a_sale_at_the_source_of_a_requested_parcel_nobody_else_can_send_cancels_the_order(stores: Stores) -> None:
    # given a paid delivery whose only unit is held at Utrecht
    receive(stores.world, "JKT-M", 1, UTRECHT)
    order = pay(stores, place(stores))
    assert order.fulfilments[0].status is FulfilmentStatus.REQUESTED
    # when Utrecht's till sells it
    sold_at(stores, UTRECHT, "JKT-M", 1, "sale-at-source-2")
    ended = resolve(stores, UTRECHT)
    # then the line is dropped, the order (left with nothing) is cancelled and its slot is free again
    after = stores.world.orders.get(order.order_id)
    assert ended == [order.order_id] and after is not None and after.status is OrderStatus.CANCELLED
    assert after.fulfilments[0].rejection_reason == "shortfall"
    assert level(stores, "JKT-M", UTRECHT).reserved == 0 and level(stores, "JKT-M", UTRECHT).shortfall == 0
    assert stores.slots.booked([after.slot_id or ""]) == {after.slot_id: 0}


def test_a_count_at_the_source_ends_the_hold_of_a_parcel_still_to_ship(stores: Stores) -> None:
    # given a paid delivery held at Utrecht
    receive(stores.world, "JKT-M", 2, UTRECHT)
    order = pay(stores, place(stores))
    # when a count there finds nothing on the shelf, then the parcel's hold gives way
    stock_service.record_count(store=stores.world.stock, transactions=stores.world.transactions,
                               directory=stores.world.directory, caller=ERP, sku="JKT-M", location_id=UTRECHT,
                               on_hand=0, as_of=NOW + timedelta(hours=1), idempotency_key="count-utrecht",
                               source="test")
    assert resolve(stores, UTRECHT) == [order.order_id]
    assert level(stores, "JKT-M", UTRECHT).reserved == 0
