"""A till sale at a source takes units held for another store's delivery, on moto: the stock
consumer resolves the shortfall by re-routing the fulfilment's line, and an order waiting for
payment in a store is found at its source by its WAITING# listing (the work list stays as it was)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from events.contracts import ChangeInfo, StockShortfall
from functions.stock_updates_consumer import handler as consumer
from shared import wiring
from shared.identity import Caller
from shared.orders import fulfilling, placing
from shared.orders.fulfilments import DeliveryAddress, FulfilmentStatus
from shared.orders.model import Contact, Order, OrderStatus, Payment
from shared.reservations.model import Channel, Line
from shared.stock import service as stock_service
from shared.stock.model import ChangeKind
from tests.integration.test_reservations import ERP, stock
from tests.names import Names

unique = Names("shortfall-at-source")
pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM, UTRECHT, TILBURG = "amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg"
ASSOCIATE = Caller(role="staff", subject="sam", location_id=AMSTERDAM)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
SLOT = "delivery.amsterdam.20260305.0900"
HOME = DeliveryAddress(name="C. Klant", street="Damrak", house_number="1", postal_code="1012 LG", city="Amsterdam")


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    priced(["SAS-1", "SAS-2"], 2995)


def place(sku: str) -> Order:
    order, _ = placing.place_anywhere(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(), catalog=wiring.catalog(),
        calendar=wiring.slot_calendar(), slots=wiring.slot_store(), caller=ASSOCIATE, where=placing.Where(address=HOME),
        lines=[Line(sku, 1)], payment=Payment.PAY_IN_STORE, contact=Contact("c@example.nl"), channel=Channel.STORE,
        idempotency_key=unique("order"), customer_id="cust-1", slot_id=SLOT, now=NOW)
    return order


def sold_and_resolved(sku: str, location_id: str) -> None:
    """A till sells the held unit (a fact); the stream's StockShortfall comes back to the consumer."""
    stock_service.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                                directory=wiring.location_directory(), caller=ERP, sku=sku, location_id=location_id,
                                kind=ChangeKind.SALE, quantity=1, idempotency_key=unique("sale"), source="test")
    level = wiring.stock_store().get(sku, location_id, consistent=True)
    assert level is not None and level.shortfall == 1
    consumer.resolve(StockShortfall(sku=sku, location_id=location_id, version=level.version, on_hand=level.on_hand,
                                    reserved=level.reserved, shortfall=level.shortfall,
                                    change=ChangeInfo(change_id=unique("change"), kind="sale", source="test")))


def test_a_sale_at_the_source_reroutes_a_waiting_delivery_to_the_next_location(aws: object) -> None:
    # given a delivery waiting for the till, held at one source, the other source has a unit too
    stock("SAS-1", UTRECHT, 1)
    stock("SAS-1", TILBURG, 1)
    order = place("SAS-1")
    (f,) = order.fulfilments
    other = TILBURG if f.source_id == UTRECHT else UTRECHT
    assert f.status is FulfilmentStatus.WAITING
    assert wiring.order_store().tasks_at(f.source_id) == ([], None)  # nothing to do there before it is paid
    assert [o.order_id for o in wiring.order_store().supplied_from(f.source_id)] == [order.order_id]
    # when the source's till sells the held unit
    sold_and_resolved("SAS-1", f.source_id)
    # then the line is held at the other location, the order goes on, the books add up at the source
    after = wiring.order_store().get(order.order_id)
    assert after is not None and after.status is OrderStatus.PLACED
    rejected, new = after.fulfilments
    assert (rejected.status, rejected.rejection_reason) == (FulfilmentStatus.REJECTED, "shortfall")
    assert (new.source_id, new.status) == (other, FulfilmentStatus.WAITING)
    source_level = wiring.stock_store().get("SAS-1", f.source_id)
    other_level = wiring.stock_store().get("SAS-1", other)
    assert source_level is not None and (source_level.reserved, source_level.shortfall) == (0, 0)
    assert other_level is not None and other_level.reserved == 1
    assert wiring.order_store().supplied_from(f.source_id) == []
    assert [o.order_id for o in wiring.order_store().supplied_from(other)] == [order.order_id]
    # and a redelivered event changes nothing
    consumer.resolve(StockShortfall(sku="SAS-1", location_id=f.source_id, version=1, on_hand=0, reserved=1,
                                    shortfall=1, change=ChangeInfo(change_id="again", kind="sale", source="test")))
    assert wiring.order_store().get(order.order_id) == after


def test_a_paid_parcel_nobody_else_can_send_is_dropped_and_the_order_cancelled(aws: object) -> None:
    # given a delivery whose only unit is in Utrecht, paid at the till (Utrecht's work list has it)
    stock("SAS-2", UTRECHT, 1)
    placed = place("SAS-2")
    order = fulfilling.pay(orders=wiring.order_store(), transactions=wiring.transactions(), caller=ASSOCIATE,
                           order_id=placed.order_id, amount_cents=placed.amount_due_cents, reference="till-1/0001")
    assert [(o.order_id, f) for o, f in wiring.order_store().tasks_at(UTRECHT)[0]] == [(order.order_id, "f1")]
    # when Utrecht's till sells it
    sold_and_resolved("SAS-2", UTRECHT)
    # then the order is cancelled (nothing left), Utrecht's hold is gone and so is its task
    after = wiring.order_store().get(order.order_id)
    assert after is not None and after.status is OrderStatus.CANCELLED
    assert after.fulfilments[0].rejection_reason == "shortfall"
    assert wiring.order_store().tasks_at(UTRECHT) == ([], None)
    level = wiring.stock_store().get("SAS-2", UTRECHT)
    assert level is not None and (level.reserved, level.shortfall) == (0, 0)
