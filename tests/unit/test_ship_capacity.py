"""A source's daily capacity, on the in-memory stores: each fulfilment it is given today counts,
in the order's own transaction, never past ``ship_capacity_per_day``; routing reads the counts and
passes a full source by, and a count that fills up meanwhile routes the order again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from local.seed import LOCATIONS
from shared.errors import InsufficientStock
from shared.fulfilment import service as fulfilment
from shared.fulfilment.model import Capacity
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.orders import fulfilling, placing, rerouting, service
from shared.orders.fulfilments import FulfilmentStatus
from shared.orders.model import Contact, Order, Payment
from shared.reservations.model import Channel, Line
from tests.fakes.capacity import MemoryShipCapacity
from tests.fakes.locations import MemoryLocationStore
from tests.unit.test_orders_anywhere import AMSTERDAM, CALENDAR, HOME, NOW, TILBURG, UTRECHT, Stores, level
from tests.unit.test_reservations_service import receive

TODAY = date(2026, 3, 2)  # NOW's date in the Netherlands
SLOT = "delivery.amsterdam.20260305.0900"
ASSOCIATE = Caller(role="staff", subject="sam", location_id=AMSTERDAM)
TILBURG_STAFF = Caller(role="staff", subject="tom", location_id=TILBURG)


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> Stores:
    for module in (service, fulfilling, rerouting, placing):
        monkeypatch.setattr(module, "_now", lambda: NOW)
    return Stores()


def with_capacity(**per_day: int) -> LocationDirectory:
    """The demo locations, some with a daily capacity (location id with _ for -)."""
    locations = MemoryLocationStore()
    for location in LOCATIONS:
        limit = per_day.get(location.location_id.replace("-", "_"))
        locations.put(location.model_copy(update={"ship_capacity_per_day": limit}) if limit is not None else location)
    return LocationDirectory(locations)


def place(stores: Stores, directory: LocationDirectory, capacity: MemoryShipCapacity, key: str,
          sku: str = "JKT-M", location_id: str | None = None) -> Order:
    world = stores.world
    order, _ = placing.place_anywhere(
        **world.holds(), orders=world.orders, directory=directory, catalog=world.catalog, calendar=CALENDAR,
        slots=stores.slots, caller=ASSOCIATE,
        where=placing.Where(location_id=location_id, address=None if location_id else HOME),
        lines=[Line(sku, 1)], payment=Payment.PAY_IN_STORE, contact=Contact("c@example.nl"), channel=Channel.STORE,
        idempotency_key=key, customer_id="cust-c", slot_id=None if location_id else SLOT, now=NOW,
        capacity=capacity)
    return order


def test_the_network_reads_the_counts_of_the_locations_with_a_capacity_only() -> None:
    capacity = MemoryShipCapacity()
    capacity.used[UTRECHT, TODAY] = 2
    directory = with_capacity(utrecht_oudegracht=3, dc_tilburg=0)
    stores = Stores()
    net = fulfilment.network(directory=directory, stock=stores.world.stock, skus=["JKT-M"], capacity=capacity,
                             today=TODAY)
    assert net.capacity == {UTRECHT: Capacity(per_day=3, used=2), TILBURG: Capacity(per_day=0, used=0)}
    assert fulfilment.network(directory=directory, stock=stores.world.stock, skus=["JKT-M"]).capacity == {}


def test_a_full_source_is_passed_by_and_its_count_never_goes_past_its_capacity(stores: Stores) -> None:
    # given Utrecht (nearest) ships one parcel a day, Tilburg has no limit; both have the jacket
    receive(stores.world, "JKT-M", 5, UTRECHT)
    receive(stores.world, "JKT-M", 5, TILBURG)
    directory, capacity = with_capacity(utrecht_oudegracht=1), MemoryShipCapacity()
    # when two orders are placed today
    first = place(stores, directory, capacity, "cap-1")
    second = place(stores, directory, capacity, "cap-2")
    # then the first takes Utrecht's one place and the second goes to Tilburg (not counted: no limit)
    assert [f.source_id for f in first.fulfilments] == [UTRECHT]
    assert [f.source_id for f in second.fulfilments] == [TILBURG]
    assert capacity.used == {(UTRECHT, TODAY): 1}


def test_a_count_that_fills_up_between_routing_and_holding_routes_the_order_again(stores: Stores) -> None:
    # given Utrecht's last place is taken by another order after this one read the counts
    receive(stores.world, "JKT-M", 5, UTRECHT)
    receive(stores.world, "JKT-M", 5, TILBURG)
    directory = with_capacity(utrecht_oudegracht=1)

    class Stale(MemoryShipCapacity):
        def used_on(self, day: date, location_ids: Sequence[str]) -> dict[str, int]:
            seen = super().used_on(day, location_ids)
            if not self.used:
                self.used[UTRECHT, TODAY] = 1  # the other order commits right after this read
            return seen

    capacity = Stale()
    # when
    order = place(stores, directory, capacity, "cap-3")
    # then the refused transaction held nothing; routed again, the order goes to Tilburg
    assert [f.source_id for f in order.fulfilments] == [TILBURG]
    assert capacity.used == {(UTRECHT, TODAY): 1}
    assert level(stores, "JKT-M", UTRECHT).reserved == 0 and level(stores, "JKT-M", TILBURG).reserved == 1


def test_when_only_full_sources_have_it_the_order_is_refused_and_holds_nothing(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 5, UTRECHT)
    directory, capacity = with_capacity(utrecht_oudegracht=1), MemoryShipCapacity()
    place(stores, directory, capacity, "cap-4")
    with pytest.raises(InsufficientStock):
        place(stores, directory, capacity, "cap-5")
    assert capacity.used == {(UTRECHT, TODAY): 1} and level(stores, "JKT-M", UTRECHT).reserved == 1


def test_the_pickup_stores_own_shelves_are_not_limited(stores: Stores) -> None:
    # given Utrecht ships nothing today, but a customer collects there what it has
    receive(stores.world, "JKT-M", 1, UTRECHT)
    directory, capacity = with_capacity(utrecht_oudegracht=0), MemoryShipCapacity()
    order = place(stores, directory, capacity, "cap-6", location_id=UTRECHT)
    assert order.fulfilments == () and level(stores, "JKT-M", UTRECHT).reserved == 1 and capacity.used == {}


def test_a_rerouted_line_counts_at_its_new_source_and_passes_a_full_one_by(stores: Stores) -> None:
    # given a parcel from Tilburg; Amsterdam (nearest, full today) and Utrecht have the jacket too
    receive(stores.world, "JKT-M", 1, TILBURG)
    directory, capacity = with_capacity(dc_tilburg=5, amsterdam_kalverstraat=0, utrecht_oudegracht=1), \
        MemoryShipCapacity()
    order = place(stores, directory, capacity, "cap-7")
    assert [f.source_id for f in order.fulfilments] == [TILBURG] and capacity.used == {(TILBURG, TODAY): 1}
    receive(stores.world, "JKT-M", 1, UTRECHT)
    receive(stores.world, "JKT-M", 1, AMSTERDAM)
    # when Tilburg rejects the line
    after = rerouting.reject_line(**stores.world.holds(), orders=stores.world.orders, directory=directory,
                                  calendar=CALENDAR, caller=TILBURG_STAFF, order_id=order.order_id,
                                  fulfilment_id="f1", sku="JKT-M", capacity=capacity)
    # then it goes to Utrecht, not to full Amsterdam, and Utrecht's count takes it
    new = after.fulfilments[1]
    assert (new.source_id, new.status) == (UTRECHT, FulfilmentStatus.WAITING)  # paid in the store: not yet
    assert capacity.used == {(TILBURG, TODAY): 1, (UTRECHT, TODAY): 1}
