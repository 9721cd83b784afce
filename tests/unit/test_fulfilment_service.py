"""Fulfilment options on the fakes: a basket and a pickup store or postcode give the ways to fulfil
it (who supplies what, parcels, earliest date), each with its cost and the destination's open slots
from that date for a week. Given/When/Then; every moment is fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from local.seed import LOCATIONS
from shared.errors import InvalidRequest, NotFound
from shared.fulfilment import service
from shared.fulfilment.model import Delivery, Method, Pick, Pickup, ShipmentKind
from shared.locations.directory import LocationDirectory
from shared.locations.model import LocationType, Service
from shared.reservations.model import Line
from shared.slots.calendar import CALENDAR, DELIVERY_CAPACITY, PICKUP_LOCATIONS, ZONES
from shared.slots.model import SlotKind, SlotOwner, postcode_area, slot_id_for
from shared.stock.model import StockLevel
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.slots import MemorySlotStore
from tests.fakes.stock import MemoryStockStore

MONDAY = date(2026, 11, 30)
AT = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 07:00 in the Netherlands
UTRECHT_ZONE, UTRECHT_POSTCODE = SlotOwner.delivery("utrecht"), "3512 AB"


class CountingStock(MemoryStockStore):
    """The memory store, counting its batch reads and the keys each asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[tuple[str, str]]] = []

    def get_many(self, keys: list[tuple[str, str]]) -> list[StockLevel]:
        self.batches.append(list(keys))
        return super().get_many(keys)


class CountingSlots(MemorySlotStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def booked(self, slot_ids):  # type: ignore[no-untyped-def]
        self.reads += 1
        return super().booked(slot_ids)


@pytest.fixture
def directory() -> LocationDirectory:
    store = MemoryLocationStore()
    for location in LOCATIONS:
        store.put(location)
    store.put(LOCATIONS[0].model_copy(update={"location_id": "closed-store", "active": False}))
    return LocationDirectory(store)


@pytest.fixture
def stock() -> CountingStock:
    return CountingStock()


@pytest.fixture
def slots() -> CountingSlots:
    return CountingSlots()


def given_stock(stock: MemoryStockStore, location_id: str, **on_hand: int) -> None:
    for sku, units in on_hand.items():
        stock.levels[(sku, location_id)] = StockLevel(sku=sku, location_id=location_id, on_hand=units)


def ask(directory: LocationDirectory, stock: MemoryStockStore, slots: MemorySlotStore, lines: dict[str, int], *,
        location_id: str | None = None, postal_code: str | None = None, at: datetime = AT,
        goods_cents: int = 0) -> service.OptionsAnswer:
    return service.options(directory=directory, stock=stock, calendar=CALENDAR, slots=slots,
                           lines=[Line(sku, qty) for sku, qty in lines.items()], location_id=location_id,
                           postal_code=postal_code, at=at, goods_cents=goods_cents)


# -- the calendar ---------------------------------------------------------------------------


def test_every_seeded_city_is_a_delivery_zone_with_its_centre() -> None:
    for location in LOCATIONS:
        assert CALENDAR.zone_for(location.address.postal_code).centre is not None, location.location_id
    assert {z.zone_id: (str(z.ranges[0]), z.centre is not None) for z in ZONES if z.zone_id in {
        "amsterdam", "utrecht"}} == {"amsterdam": ("1000-1109", True), "utrecht": ("3500-3585", True)}
    assert CALENDAR.zone_for("1109 AA").zone_id == "amsterdam" and CALENDAR.zone_for("3585 ZZ").zone_id == "utrecht"


def test_delivery_runs_monday_to_saturday_in_three_windows_of_20() -> None:
    made = CALENDAR.slots(owner=UTRECHT_ZONE, first_day=MONDAY, last_day=MONDAY + timedelta(days=6))
    assert {slot.day.weekday() for slot in made} == set(range(6))  # no Sunday
    assert [(s.start, s.end) for s in made if s.day == MONDAY] == [(time(9), time(12)), (time(13), time(17)),
                                                                  (time(18), time(21))]
    assert {s.capacity for s in made} == {DELIVERY_CAPACITY} == {20}
    first = made[0]
    assert first.cutoff_at == datetime(2026, 11, 29, 21, 0, tzinfo=UTC)  # the day before, 22:00 local


def test_every_location_offering_click_and_collect_has_pickup_slots() -> None:
    collecting = {loc.location_id for loc in LOCATIONS
                  if loc.offers(Service.CLICK_AND_COLLECT) or loc.type is LocationType.PICKUP_POINT}
    assert collecting == set(PICKUP_LOCATIONS)
    owners = {t.owner for t in CALENDAR.templates if t.owner.kind is SlotKind.PICKUP}
    assert owners == {SlotOwner.pickup(location_id) for location_id in collecting}


# -- destinations and fees ------------------------------------------------------------------


def test_a_postcode_is_delivered_to_its_zone_centre(directory: LocationDirectory) -> None:
    destination, owner = service.destination_for(calendar=CALENDAR, directory=directory, location_id=None,
                                                 postal_code="3512ab")
    zone = CALENDAR.zone_for("3512 AB")
    assert destination == Delivery("3512 AB", coordinates=zone.centre)  # type: ignore[arg-type]
    assert owner == UTRECHT_ZONE


def test_a_pickup_location_collects_in_its_own_slots(directory: LocationDirectory) -> None:
    destination, owner = service.destination_for(calendar=CALENDAR, directory=directory,
                                                 location_id="pickup-utrecht-centraal", postal_code=None)
    assert (destination, owner) == (Pickup("pickup-utrecht-centraal"), SlotOwner.pickup("pickup-utrecht-centraal"))


@pytest.mark.parametrize(("location_id", "postal_code", "error", "field"), [
    (None, None, InvalidRequest, "destination"),
    ("utrecht-oudegracht", "3512 AB", InvalidRequest, "destination"),
    (None, "9999 ZZ", InvalidRequest, "postal_code"),  # outside every zone
    (None, "3512", InvalidRequest, "postal_code"),  # a delivery needs the letters too
    ("dc-tilburg", None, InvalidRequest, "location_id"),  # a warehouse hands nothing out
    ("nowhere", None, NotFound, None),
    ("closed-store", None, NotFound, None),
])
def test_a_destination_is_one_known_place(directory: LocationDirectory, location_id: str | None,
                                          postal_code: str | None, error: type[Exception], field: str | None) -> None:
    with pytest.raises(error) as raised:
        service.destination_for(calendar=CALENDAR, directory=directory, location_id=location_id,
                                postal_code=postal_code)
    if field is not None:
        assert raised.value.extra["field"] == field  # type: ignore[attr-defined]
        assert "9999" not in str(raised.value)  # the postcode is never echoed


def test_home_delivery_costs_a_fee_below_the_free_delivery_amount() -> None:
    fee = service.delivery_fee_cents
    assert fee(method=Method.HOME_DELIVERY, goods_cents=4999) == 495
    assert fee(method=Method.HOME_DELIVERY, goods_cents=5000) == 0
    assert fee(method=Method.CLICK_AND_COLLECT, goods_cents=100) == fee(method=Method.SHIP_TO_STORE,
                                                                        goods_cents=100) == 0


def test_the_network_reads_every_sku_at_every_active_location_in_one_batch(directory: LocationDirectory,
                                                                           stock: CountingStock) -> None:
    given_stock(stock, "utrecht-oudegracht", A=3)
    given_stock(stock, "closed-store", A=9)
    network = service.network(directory=directory, stock=stock, skus=["A", "B", "A"])
    assert "closed-store" not in network.locations and len(network.locations) == len(LOCATIONS)
    assert len(stock.batches) == 1 and len(stock.batches[0]) == 2 * len(LOCATIONS)
    assert network.stock("utrecht-oudegracht", "A") == 3


# -- options --------------------------------------------------------------------------------


def test_click_and_collect_from_the_stores_own_shelves_today_with_todays_slots(
        directory: LocationDirectory, stock: CountingStock, slots: CountingSlots) -> None:
    # given the pickup store has everything
    given_stock(stock, "utrecht-oudegracht", A=2, B=1)
    given_stock(stock, "dc-tilburg", A=50, B=50)
    # when a customer asks at 07:00 on Monday
    answer = ask(directory, stock, slots, {"A": 2, "B": 1}, location_id="utrecht-oudegracht")
    # then the best option is the store's own stock, today, free, in today's slots onwards
    best = answer.options[0]
    assert (best.method, best.earliest_date, best.cost_cents, best.parcels) == (Method.CLICK_AND_COLLECT, MONDAY, 0,
                                                                                 0)
    assert best.picks == (Pick("A", "utrecht-oudegracht", 2), Pick("B", "utrecht-oudegracht", 1))
    assert best.slots[0].slot.slot_id == slot_id_for(SlotOwner.pickup("utrecht-oudegracht"), MONDAY, time(10))
    assert {a.slot.day for a in best.slots} == {MONDAY + timedelta(days=n) for n in range(6)}  # Sunday closed
    assert answer.unavailable == () and slots.reads == 1  # one read of the counts for every option


def test_ship_to_store_when_the_pickup_store_lacks_stock(directory: LocationDirectory, stock: CountingStock,
                                                         slots: CountingSlots) -> None:
    given_stock(stock, "amsterdam-kalverstraat", A=5)
    answer = ask(directory, stock, slots, {"A": 1}, location_id="utrecht-oudegracht")
    (option,) = answer.options
    assert option.method is Method.SHIP_TO_STORE and option.shipments[0].kind is ShipmentKind.TRANSFER
    assert option.earliest_date > MONDAY and option.cost_cents == 0
    assert min(a.slot.day for a in option.slots) >= option.earliest_date


def test_home_delivery_from_the_warehouse_with_the_zones_slots_from_its_date(
        directory: LocationDirectory, stock: CountingStock, slots: CountingSlots) -> None:
    # given only the warehouse has it, and Tuesday's morning van is full
    given_stock(stock, "dc-tilburg", A=10)
    tuesday_morning = slot_id_for(UTRECHT_ZONE, MONDAY + timedelta(days=1), time(9))
    slots.counts[tuesday_morning] = DELIVERY_CAPACITY
    # when a customer in Utrecht asks for a basket below the free-delivery amount
    answer = ask(directory, stock, slots, {"A": 2}, postal_code=UTRECHT_POSTCODE, goods_cents=3000)
    # then it comes from the warehouse tomorrow, for the fee, in tomorrow's open slots and the week after
    (option,) = answer.options
    assert option.method is Method.HOME_DELIVERY and option.picks == (Pick("A", "dc-tilburg", 2),)
    assert option.earliest_date == MONDAY + timedelta(days=1) and option.cost_cents == 495
    days = sorted({a.slot.day for a in option.slots})
    assert days[0] == option.earliest_date and days[-1] < option.earliest_date + timedelta(days=7)
    assert tuesday_morning not in {a.slot.slot_id for a in option.slots}
    assert all(a.slot.owner == UTRECHT_ZONE for a in option.slots)
    assert answer.slot_owner == UTRECHT_ZONE


def test_free_delivery_from_the_free_delivery_amount(directory: LocationDirectory, stock: CountingStock,
                                                     slots: CountingSlots) -> None:
    given_stock(stock, "dc-tilburg", A=10)
    answer = ask(directory, stock, slots, {"A": 1}, postal_code=UTRECHT_POSTCODE, goods_cents=5000)
    assert [o.cost_cents for o in answer.options] == [0]


def test_a_basket_nobody_can_supply_in_full_has_no_options(directory: LocationDirectory, stock: CountingStock,
                                                           slots: CountingSlots) -> None:
    given_stock(stock, "dc-tilburg", A=10, B=1)
    answer = ask(directory, stock, slots, {"A": 1, "B": 2}, postal_code=UTRECHT_POSTCODE)
    assert (answer.options, answer.unavailable, slots.reads) == ((), ("B",), 0)


def test_today_is_the_date_in_the_netherlands(directory: LocationDirectory, stock: CountingStock,
                                              slots: CountingSlots) -> None:
    given_stock(stock, "utrecht-oudegracht", A=1)
    sunday_night_utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already Monday 00:30 in Utrecht
    answer = ask(directory, stock, slots, {"A": 1}, location_id="utrecht-oudegracht", at=sunday_night_utc)
    assert answer.options[0].earliest_date == MONDAY


def test_an_empty_or_repeated_basket_is_refused(directory: LocationDirectory, stock: CountingStock,
                                                slots: CountingSlots) -> None:
    with pytest.raises(InvalidRequest):
        ask(directory, stock, slots, {}, location_id="utrecht-oudegracht")
    with pytest.raises(InvalidRequest):
        service.options(directory=directory, stock=stock, calendar=CALENDAR, slots=slots,
                        lines=[Line("A", 1), Line("A", 1)], location_id="utrecht-oudegracht", postal_code=None, at=AT)


def test_postcode_area_of_every_zone_is_its_own() -> None:
    for zone in ZONES:
        for r in zone.ranges:
            assert CALENDAR.zone_for(f"{r.first} AA").zone_id == zone.zone_id
            assert postcode_area(f"{r.last} ZZ", field="postal_code") == r.last
