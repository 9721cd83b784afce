"""A source's daily capacity on moto: the count (pk=CAPACITY#<location>#<day>) moves in the order's
transaction, routing reads it in one batch, a full source is passed by, and a full count refuses
the write (orders placed at once: ``test_ship_capacity_concurrent``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from functions.locations_api import handler as locations_api
from local.seed import LOCATIONS
from shared import wiring
from shared.errors import InsufficientStock
from shared.fulfilment.ports import CapacityTaken
from shared.identity import Caller
from shared.orders import placing
from shared.orders.fulfilments import DeliveryAddress
from shared.orders.model import Contact, Order, Payment
from shared.reservations.model import Channel, Line
from shared.transactions import Refused
from tests.integration.conftest import http
from tests.integration.test_reservations import stock
from tests.names import Names

unique = Names("ship-capacity")
pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM, UTRECHT, TILBURG = "amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg"
ASSOCIATE = Caller(role="staff", subject="sam", location_id=AMSTERDAM)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
TODAY = date(2026, 3, 2)
SLOT = "delivery.amsterdam.20260305.0900"
HOME = DeliveryAddress(name="C. Klant", street="Damrak", house_number="1", postal_code="1012 LG", city="Amsterdam")


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    priced(["CAP-1", "CAP-2", "CAP-3"], 2995)


def limit(location_id: str, per_day: int) -> None:
    """Head office sets the location's capacity through the locations API."""
    location = next(x for x in LOCATIONS if x.location_id == location_id)
    body = location.model_dump(mode="json", exclude={"location_id"}) | {"ship_capacity_per_day": per_day}
    status, view, _ = http(locations_api, "PUT /locations/{location_id}", {"location_id": location_id}, body,
                           as_="admin")
    assert status == 200 and view["ship_capacity_per_day"] == per_day
    wiring.location_directory().invalidate()


def place(sku: str) -> Order:
    order, _ = placing.place_anywhere(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(), catalog=wiring.catalog(),
        calendar=wiring.slot_calendar(), slots=wiring.slot_store(), caller=ASSOCIATE, where=placing.Where(address=HOME),
        lines=[Line(sku, 1)], payment=Payment.PAY_IN_STORE, contact=Contact("c@example.nl"), channel=Channel.STORE,
        idempotency_key=unique("order"), customer_id="cust-1", slot_id=SLOT, now=NOW,
        capacity=wiring.ship_capacity())
    return order


def test_a_full_source_is_passed_by_and_then_nobody_else_has_it(aws: object) -> None:
    # given Utrecht ships two parcels a day; Tilburg has no limit but only one SKU
    limit(UTRECHT, 2)
    stock("CAP-1", UTRECHT, 5)
    stock("CAP-1", TILBURG, 5)
    stock("CAP-2", UTRECHT, 5)
    # when three orders of CAP-1 are placed today
    sources = [place("CAP-1").fulfilments[0].source_id for _ in range(3)]
    # then Utrecht takes two and Tilburg the third; Utrecht's count is full
    assert sources == [UTRECHT, UTRECHT, TILBURG]
    assert wiring.ship_capacity().used_on(TODAY, [UTRECHT, TILBURG]) == {UTRECHT: 2, TILBURG: 0}
    # and a SKU only Utrecht has cannot be ordered for delivery today (nothing is held for it)
    with pytest.raises(InsufficientStock):
        place("CAP-2")
    level = wiring.stock_store().get("CAP-2", UTRECHT)
    assert level is not None and level.reserved == 0


def test_the_count_refuses_past_its_capacity_in_the_transaction(aws: object) -> None:
    tx = wiring.transactions().begin()  # one taken while the capacity was 2
    wiring.ship_capacity().add_taken(tx, taken=CapacityTaken(location_id=TILBURG, day=TODAY, per_day=2))
    tx.commit()
    taken = CapacityTaken(location_id=TILBURG, day=TODAY, per_day=1)  # now it is 1: full
    tx = wiring.transactions().begin()
    wiring.ship_capacity().add_taken(tx, taken=taken)
    with pytest.raises(Refused) as refused:
        tx.commit()
    failure = refused.value.about(taken)
    assert failure is not None and failure.current == 1
    assert wiring.ship_capacity().used_on(TODAY, [TILBURG]) == {TILBURG: 1}
