"""200 orders from any location at once, through the placing use case on the real DynamoDB code:
(a) one delivery slot with room for 10 and stock for 50: exactly 10 orders placed, 10 places
booked, 10 units held, every other order told the slot is full with nothing held for it;
(b) 10 units of a SKU spread over three locations that ship: exactly 10 orders of one unit,
never more held at a location than it had.

In-process moto does not lock (two threads can read one old item and both write), so this runs
against moto's server behind ``local.emulator``, which applies one DynamoDB request at a time:
atomic per request, as DynamoDB is per item."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time
from typing import Any

import boto3
import pytest

from infra.topology import TOPOLOGY
from local.seed import LOCATIONS
from shared import wiring
from shared.errors import DomainError, InsufficientStock
from shared.identity import Caller
from shared.locations.model import Coordinates
from shared.orders import placing
from shared.orders.fulfilments import DeliveryAddress
from shared.orders.model import Contact, Order, Payment
from shared.reservations.model import Channel, Line
from shared.slots.model import DeliveryZone, PostcodeRange, SlotCalendar, SlotFull, SlotOwner, SlotTemplate
from shared.stock import service as stock
from shared.stock.model import ChangeKind, StockLevel
from tests.pricing import price_skus

ORDERS = 200
AMSTERDAM, UTRECHT, TILBURG = "amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday morning: Thursday's slot is open and reachable
SLOT = "delivery.utrecht.20261203.0900"
CALENDAR = SlotCalendar(
    zones=(DeliveryZone("utrecht", (PostcodeRange(3500, 3585),), centre=Coordinates(lat=52.09, lon=5.12)),),
    templates=tuple(SlotTemplate(SlotOwner.delivery("utrecht"), day, time(9), time(12), capacity=10)
                    for day in range(6)))
HOME = DeliveryAddress(name="D. Ruk", street="Neude", house_number="11", postal_code="3512 AE", city="Utrecht")
ERP = Caller(role="integration", subject="erp")


@pytest.fixture
def seeded(emulated: str) -> None:
    """The emulated system with the demo locations (and the SKUs it sells priced)."""
    for location in LOCATIONS:
        wiring.location_store().put(location)
    price_skus(wiring.catalog(), ["RUSH-1", "RUSH-2"], 1500)


def receive(sku: str, location_id: str, quantity: int) -> None:
    stock.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                        directory=wiring.location_directory(), caller=ERP, sku=sku, location_id=location_id,
                        kind=ChangeKind.RECEIPT, quantity=quantity, idempotency_key=f"rush-{sku}-{location_id}",
                        source="test")


def level(sku: str, location_id: str) -> StockLevel:
    return wiring.stock_store().get(sku, location_id) or StockLevel(sku=sku, location_id=location_id)


def place(n: int, *, sku: str, where: placing.Where, slot_id: str | None) -> Order | DomainError:
    """One shopper's order of one unit (each shopper their own key)."""
    try:
        order, created = placing.place_anywhere(
            **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(),
            catalog=wiring.catalog(), calendar=CALENDAR, slots=wiring.slot_store(),
            caller=Caller(role="customer", subject=f"shopper-{n:03d}"), where=where, lines=[Line(sku, 1)],
            payment=Payment.PAID_ONLINE, contact=Contact(f"shopper-{n:03d}@example.nl"), channel=Channel.WEB,
            idempotency_key=f"rush-{n:03d}", slot_id=slot_id, now=NOW)
    except DomainError as refused:
        return refused
    assert created
    return order


def stored(prefix: str) -> list[dict[str, Any]]:
    """Every main item whose key starts with ``prefix`` (orders ORD#, holds RES#): a scan of the small table."""
    client = boto3.session.Session().client("dynamodb")
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": TOPOLOGY.table.name}
    while True:
        page = client.scan(**kwargs)
        found += [it for it in page["Items"] if it["pk"]["S"].startswith(prefix) and it["sk"]["S"] == "#"]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_200_orders_for_one_delivery_slot_with_room_for_10_place_exactly_10(seeded: None) -> None:
    # given stock for 50 in Tilburg's warehouse and one slot with room for 10
    receive("RUSH-1", TILBURG, 50)
    # when 200 shoppers order one unit for delivery in that slot at once
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda n: place(n, sku="RUSH-1", where=placing.Where(address=HOME), slot_id=SLOT),
                                 range(ORDERS)))
    # then exactly 10 are placed; every other one was told the slot is full
    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if not isinstance(o, Order)]
    assert len(placed) == 10, {type(o).__name__ for o in refused}
    assert all(type(o) is SlotFull for o in refused), {type(o).__name__ for o in refused}
    assert all(o.slot_id == SLOT and o.fulfilments[0].source_id == TILBURG for o in placed)
    # and 10 places booked, 10 units held, nothing held or stored for the refused ones
    assert wiring.slot_store().booked([SLOT]) == {SLOT: 10}
    assert all(wiring.slot_store().booking(o.order_id) is not None for o in placed)
    assert (level("RUSH-1", TILBURG).reserved, level("RUSH-1", TILBURG).on_hand) == (10, 50)
    assert len(stored("ORD#")) == 10
    holds = stored("RES#")
    assert len(holds) == 10 and {h["order_id"]["S"] for h in holds} == {o.order_id for o in placed}


def test_200_orders_of_one_unit_for_10_units_over_three_locations_place_exactly_10(seeded: None) -> None:
    # given 10 units spread over the three locations that ship: 3 + 3 + 4
    spread = {AMSTERDAM: 3, UTRECHT: 3, TILBURG: 4}
    for location_id, quantity in spread.items():
        receive("RUSH-2", location_id, quantity)
    # when 200 shoppers order one unit at once, to collect at Utrecht Centraal's pickup point
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda n: place(n, sku="RUSH-2", where=placing.Where(
            location_id="pickup-utrecht-centraal"), slot_id=None), range(ORDERS)))
    # then exactly 10 are placed, the rest refused for want of stock
    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if not isinstance(o, Order)]
    assert len(placed) == 10, {type(o).__name__ for o in refused}
    assert all(isinstance(o, InsufficientStock) for o in refused), {type(o).__name__ for o in refused}
    # and every unit is held once, at no location more than it had
    for location_id, quantity in spread.items():
        here = level("RUSH-2", location_id)
        assert (here.reserved, here.on_hand) == (quantity, quantity), location_id
    sources = [f.source_id for o in placed for f in o.fulfilments]
    assert sorted(sources) == sorted(loc for loc, quantity in spread.items() for _ in range(quantity))
    assert len(stored("ORD#")) == 10 and len(stored("RES#")) == 10
