"""Orders from any location to any destination, on the in-memory stores: an associate's endless
aisle order delivered home in a slot, ship-to-store, a rejected line re-routed, payment at a till,
the carrier's reports, cancellation. Each test is a short story (given, when, then)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from shared.carriers.model import ParcelStatus, StatusUpdate
from shared.errors import Conflict, InsufficientStock, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.model import Coordinates
from shared.orders import fulfilling, placing, rerouting, service
from shared.orders.fulfilments import DeliveryAddress, FulfilmentKind, FulfilmentStatus
from shared.orders.model import Contact, Order, OrderStatus, Payment
from shared.purchases.model import PurchaseChannel
from shared.reservations.model import Channel, Line
from shared.slots.model import DeliveryZone, PostcodeRange, SlotCalendar, SlotFull, SlotOwner, SlotTemplate
from shared.stock.model import StockLevel
from tests.fakes.carriers import MemoryCarrier
from tests.fakes.slots import MemorySlotStore
from tests.holds_machine import PRICE_CENTS, World, memory_world
from tests.unit.test_reservations_service import receive

AMSTERDAM, UTRECHT, TILBURG = "amsterdam-kalverstraat", "utrecht-oudegracht", "dc-tilburg"
ASSOCIATE = Caller(role="staff", subject="sam", location_id=AMSTERDAM)
UTRECHT_STAFF = Caller(role="staff", subject="uma", location_id=UTRECHT)
TILBURG_STAFF = Caller(role="staff", subject="tom", location_id=TILBURG)
SHOPPER = Caller(role="customer", subject="cust-c")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
ZONE = DeliveryZone("amsterdam", (PostcodeRange(1000, 1109),), centre=Coordinates(lat=52.37, lon=4.89))
CALENDAR = SlotCalendar(zones=(ZONE,), templates=tuple(
    SlotTemplate(SlotOwner.delivery("amsterdam"), weekday, time(9), time(12), capacity=2) for weekday in range(6)))
SLOT = "delivery.amsterdam.20260304.0900"  # Wednesday: a store's parcel arrives two days after today
HOME = DeliveryAddress(name="C. Klant", street="Damrak", house_number="1", postal_code="1012 LG", city="Amsterdam")


class Stores:
    def __init__(self) -> None:
        self.world: World = memory_world("JKT-M", "JKT-L")
        self.slots = MemorySlotStore()
        self.carrier = MemoryCarrier()


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> Stores:
    for module in (service, fulfilling, rerouting, placing):
        monkeypatch.setattr(module, "_now", lambda: NOW)
    return Stores()


def place(stores: Stores, *, caller: Caller = ASSOCIATE, location_id: str | None = None,
          address: DeliveryAddress | None = HOME, slot_id: str | None = SLOT, payment: Payment = Payment.PAY_IN_STORE,
          lines: tuple[tuple[str, int], ...] = (("JKT-M", 1),), key: str = "order-c-1") -> Order:
    world = stores.world
    order, _ = placing.place_anywhere(
        **world.holds(), orders=world.orders, directory=world.directory, catalog=world.catalog, calendar=CALENDAR,
        slots=stores.slots, caller=caller, where=placing.Where(location_id=location_id,
                                                               address=None if location_id else address),
        lines=[Line(sku, qty) for sku, qty in lines], payment=payment, contact=Contact("c@example.nl", "en"),
        channel=Channel.STORE, idempotency_key=key, customer_id="cust-c" if caller.role == "staff" else None,
        slot_id=slot_id, now=NOW)
    return order


def level(stores: Stores, sku: str, location_id: str) -> StockLevel:
    return stores.world.stock.get(sku, location_id) or StockLevel(sku=sku, location_id=location_id)


def units(stores: Stores, sku: str) -> int:
    """What conservation counts: on hand and in transit, everywhere."""
    return sum(level(stores, sku, loc).on_hand + level(stores, sku, loc).in_transit
               for loc in (AMSTERDAM, UTRECHT, TILBURG))


def ship(stores: Stores, order: Order, caller: Caller = UTRECHT_STAFF, fulfilment_id: str = "f1") -> Order:
    return fulfilling.ship(**stores.world.holds(), orders=stores.world.orders, carrier=stores.carrier, caller=caller,
                           order_id=order.order_id, fulfilment_id=fulfilment_id)


def carrier_says(stores: Stores, order: Order, status: ParcelStatus, fulfilment_id: str = "f1") -> str:
    label = order.fulfilment(fulfilment_id).label
    assert label is not None
    return fulfilling.carrier_update(
        **stores.world.holds(), orders=stores.world.orders, purchases=stores.world.purchases, loyalty=None,
        update=StatusUpdate(label.carrier, label.tracking_number, status, NOW + timedelta(days=2), f"e-{status}"))


def pay(stores: Stores, order: Order, amount: int | None = None) -> Order:
    return fulfilling.pay(orders=stores.world.orders, transactions=stores.world.transactions, caller=ASSOCIATE,
                          order_id=order.order_id, amount_cents=order.amount_due_cents if amount is None else amount,
                          reference="till-7/0042")


def test_an_associate_orders_a_size_only_another_store_has_for_home_delivery_in_a_slot(stores: Stores) -> None:
    # given: the size is only in Utrecht
    receive(stores.world, "JKT-M", 3, UTRECHT)
    # when
    order = place(stores)
    # then: held in Utrecht, the slot booked, waiting for the till
    assert order.is_delivery and order.placed_by == AMSTERDAM and order.location_id == AMSTERDAM
    (f,) = order.fulfilments
    assert (f.source_id, f.kind, f.status, f.lines) == (UTRECHT, FulfilmentKind.DELIVERY, FulfilmentStatus.WAITING,
                                                        (Line("JKT-M", 1),))
    assert order.earliest_date == date(2026, 3, 4) and order.slot_id == SLOT
    assert level(stores, "JKT-M", UTRECHT).reserved == 1
    assert stores.slots.booked([SLOT]) == {SLOT: 1}
    assert order.amount_due_cents == PRICE_CENTS + order.delivery_fee_cents
    assert order.tasks() == frozenset()  # Utrecht does nothing before it is paid


def test_the_till_pays_then_the_source_ships_and_the_carrier_delivers_a_purchase(stores: Stores) -> None:
    # given
    receive(stores.world, "JKT-M", 3, UTRECHT)
    order = place(stores)
    with pytest.raises(Conflict):
        ship(stores, order)  # not paid yet
    with pytest.raises(InvalidRequest):
        pay(stores, order, amount=1)  # the server says what is due
    # when
    paid = pay(stores, order)
    assert paid.tasks() == {(UTRECHT, "f1")} and pay(stores, paid) == paid  # paying again changes nothing
    shipped = ship(stores, paid)
    # then
    assert shipped.status is OrderStatus.SHIPPED and shipped.fulfilments[0].label is not None
    assert level(stores, "JKT-M", UTRECHT).on_hand == 2 and level(stores, "JKT-M", UTRECHT).reserved == 0
    assert ship(stores, shipped) == shipped  # shipping again changes nothing
    assert carrier_says(stores, shipped, ParcelStatus.IN_TRANSIT) == "applied"
    assert carrier_says(stores, shipped, ParcelStatus.DELIVERED) == "applied"
    assert carrier_says(stores, shipped, ParcelStatus.DELIVERED) == "ignored"
    delivered = stores.world.orders.get(order.order_id)
    assert delivered is not None and delivered.status is OrderStatus.DELIVERED
    (purchase,) = stores.world.purchases.purchases.values()
    assert purchase.channel is PurchaseChannel.HOME_DELIVERY and purchase.reference == order.order_id


def test_ship_to_store_conserves_units_from_source_to_pickup_and_collection(stores: Stores) -> None:
    # given
    receive(stores.world, "JKT-L", 2, UTRECHT)
    before = units(stores, "JKT-L")
    # when: collected in Amsterdam, the units come from Utrecht
    order = place(stores, caller=SHOPPER, location_id=AMSTERDAM, slot_id=None, payment=Payment.PAID_ONLINE,
                  lines=(("JKT-L", 2),))
    (f,) = order.fulfilments
    assert f.kind is FulfilmentKind.TRANSFER and f.destination_location_id == AMSTERDAM
    assert order.tasks() == {(UTRECHT, "f1")}
    shipped = ship(stores, order)
    # then: in transit, counted at the source
    assert level(stores, "JKT-L", UTRECHT).in_transit == 2 and units(stores, "JKT-L") == before
    assert shipped.tasks() == {(AMSTERDAM, "f1")}
    with pytest.raises(NotFound):
        fulfilling.receive(orders=stores.world.orders, reservations=stores.world.reservations,
                           stock=stores.world.stock, transactions=stores.world.transactions,
                           directory=stores.world.directory, caller=UTRECHT_STAFF, order_id=order.order_id,
                           fulfilment_id="f1")
    received = fulfilling.receive(orders=stores.world.orders, reservations=stores.world.reservations,
                                  stock=stores.world.stock, transactions=stores.world.transactions,
                                  directory=stores.world.directory, caller=ASSOCIATE, order_id=order.order_id,
                                  fulfilment_id="f1")
    assert received.status is OrderStatus.READY_FOR_PICKUP and received.pickup_code
    assert level(stores, "JKT-L", UTRECHT).in_transit == 0 and level(stores, "JKT-L", AMSTERDAM).reserved == 2
    assert units(stores, "JKT-L") == before and received.tasks() == frozenset()
    collected = service.collect(**stores.world.holds(), orders=stores.world.orders,
                                purchases=stores.world.purchases, caller=ASSOCIATE, order_id=order.order_id,
                                pickup_code=received.pickup_code or "")
    assert collected.status is OrderStatus.COLLECTED
    assert units(stores, "JKT-L") == before - 2 and level(stores, "JKT-L", AMSTERDAM).reserved == 0


def test_a_rejected_line_is_rerouted_to_the_next_location_and_the_customer_is_told_of_a_later_date(
        stores: Stores) -> None:
    # given: Utrecht is nearest, Tilburg's warehouse has it too
    receive(stores.world, "JKT-M", 1, UTRECHT)
    receive(stores.world, "JKT-M", 1, TILBURG)
    order = pay(stores, place(stores, slot_id="delivery.amsterdam.20260305.0900"))
    assert order.fulfilments[0].source_id in (UTRECHT, TILBURG)
    first = order.fulfilments[0]
    other = TILBURG if first.source_id == UTRECHT else UTRECHT
    staff = UTRECHT_STAFF if first.source_id == UTRECHT else TILBURG_STAFF
    # when
    after = rerouting.reject_line(**stores.world.holds(), orders=stores.world.orders,
                                  directory=stores.world.directory, calendar=CALENDAR, caller=staff,
                                  order_id=order.order_id, fulfilment_id="f1", sku="JKT-M", reason="not_found")
    # then
    assert after.fulfilments[0].status is FulfilmentStatus.REJECTED
    assert after.fulfilments[1].source_id == other and after.fulfilments[1].status is FulfilmentStatus.REQUESTED
    assert level(stores, "JKT-M", first.source_id).reserved == 0 and level(stores, "JKT-M", other).reserved == 1
    assert after.tasks() == {(other, "f2")}


def test_a_line_nobody_else_has_is_dropped_and_an_order_left_with_nothing_is_cancelled(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 1, UTRECHT)
    order = pay(stores, place(stores))
    after = rerouting.reject_line(**stores.world.holds(), orders=stores.world.orders,
                                  directory=stores.world.directory, calendar=CALENDAR, caller=UTRECHT_STAFF,
                                  order_id=order.order_id, fulfilment_id="f1", sku="JKT-M", slots=stores.slots)
    assert after.status is OrderStatus.CANCELLED and level(stores, "JKT-M", UTRECHT).reserved == 0
    assert stores.slots.booked([SLOT]) == {SLOT: 0}


def test_a_full_slot_an_address_outside_every_zone_and_missing_stock_hold_nothing(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 5, UTRECHT)
    place(stores, key="k1")
    place(stores, key="k2")
    with pytest.raises(SlotFull):
        place(stores, key="k3")
    with pytest.raises(InvalidRequest):
        place(stores, key="k4", address=DeliveryAddress("X", "Y", "1", "9999 ZZ", "Z"))
    with pytest.raises(InsufficientStock):
        place(stores, key="k5", lines=(("JKT-L", 1),))
    assert level(stores, "JKT-M", UTRECHT).reserved == 2 and stores.slots.booked([SLOT]) == {SLOT: 2}


def test_cancelling_gives_back_the_holds_and_the_slot_and_a_retry_is_the_same_order(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 1, UTRECHT)
    order = place(stores)
    assert place(stores) == order
    cancelled = service.cancel(**stores.world.holds(), orders=stores.world.orders, caller=ASSOCIATE,
                               order_id=order.order_id, slots=stores.slots)
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.fulfilments[0].status is FulfilmentStatus.CANCELLED
    assert level(stores, "JKT-M", UTRECHT).reserved == 0 and stores.slots.booked([SLOT]) == {SLOT: 0}


def test_a_parcel_the_carrier_cannot_deliver_goes_back_to_its_source_when_the_order_is_cancelled(
        stores: Stores) -> None:
    receive(stores.world, "JKT-M", 1, UTRECHT)
    shipped = ship(stores, pay(stores, place(stores)))
    assert carrier_says(stores, shipped, ParcelStatus.FAILED) == "applied"
    failed = stores.world.orders.get(shipped.order_id)
    assert failed is not None and failed.fulfilments[0].status is FulfilmentStatus.FAILED
    assert level(stores, "JKT-M", UTRECHT).on_hand == 0
    cancelled = service.cancel(**stores.world.holds(), orders=stores.world.orders, caller=ASSOCIATE,
                               order_id=shipped.order_id, slots=stores.slots)
    assert cancelled.status is OrderStatus.CANCELLED and stores.slots.booked([SLOT]) == {SLOT: 0}
    assert level(stores, "JKT-M", UTRECHT).on_hand == 1 and level(stores, "JKT-M", UTRECHT).reserved == 0


def test_a_source_store_can_neither_cancel_the_order_nor_take_the_pickup_store_s_steps(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 1, UTRECHT)
    order = pay(stores, place(stores))
    with pytest.raises(NotFound):
        service.cancel(**stores.world.holds(), orders=stores.world.orders, caller=UTRECHT_STAFF,
                       order_id=order.order_id)
    with pytest.raises(NotFound):
        fulfilling.pay(orders=stores.world.orders, transactions=stores.world.transactions,
                       caller=Caller(role="staff", subject="x", location_id="groningen-herestraat"),
                       order_id=order.order_id, amount_cents=order.amount_due_cents, reference="till-9")


def test_a_line_rejected_at_one_source_never_joins_another_parcel_of_the_same_sku(stores: Stores) -> None:
    # given two jackets: one from Utrecht, one from Tilburg's warehouse; Amsterdam has one too
    receive(stores.world, "JKT-M", 1, UTRECHT)
    receive(stores.world, "JKT-M", 1, TILBURG)
    order = pay(stores, place(stores, lines=(("JKT-M", 2),), slot_id="delivery.amsterdam.20260305.0900"))
    assert sorted(f.source_id for f in order.fulfilments) == [TILBURG, UTRECHT]
    receive(stores.world, "JKT-M", 2, AMSTERDAM)
    tilburg = next(f for f in order.fulfilments if f.source_id == TILBURG)
    # when Tilburg rejects: Utrecht holds one already, so the unit comes from Amsterdam
    after = rerouting.reject_line(**stores.world.holds(), orders=stores.world.orders,
                                  directory=stores.world.directory, calendar=CALENDAR, caller=TILBURG_STAFF,
                                  order_id=order.order_id, fulfilment_id=tilburg.fulfilment_id, sku="JKT-M")
    held = {loc: level(stores, "JKT-M", loc).reserved for loc in (AMSTERDAM, UTRECHT, TILBURG)}
    assert held == {AMSTERDAM: 1, UTRECHT: 1, TILBURG: 0}
    assert sum(f.quantity("JKT-M") for f in after.fulfilments if f.is_live) == 2


def test_an_order_not_paid_at_the_till_within_a_day_ends_and_frees_its_holds_and_slot(stores: Stores) -> None:
    receive(stores.world, "JKT-M", 1, UTRECHT)
    order = place(stores)
    sweep = {**stores.world.holds(), "orders": stores.world.orders, "slots": stores.slots}
    assert service.sweep(**sweep, now=NOW + timedelta(hours=23))["unpaid_cancelled"] == 0  # type: ignore[arg-type]
    assert service.sweep(**sweep, now=NOW + timedelta(hours=24))["unpaid_cancelled"] == 1  # type: ignore[arg-type]
    ended = stores.world.orders.get(order.order_id)
    assert ended is not None and ended.status is OrderStatus.CANCELLED
    assert level(stores, "JKT-M", UTRECHT).reserved == 0 and stores.slots.booked([SLOT]) == {SLOT: 0}
    assert service.sweep(**sweep, now=NOW + timedelta(hours=25))["unpaid_cancelled"] == 0  # type: ignore[arg-type]


def test_a_re_route_that_misses_the_booked_slot_gives_its_place_back_and_keeps_the_new_date(stores: Stores) -> None:
    # given a parcel from Tilburg's warehouse (a day) in Tuesday's slot
    receive(stores.world, "JKT-M", 1, TILBURG)
    tuesday = "delivery.amsterdam.20260303.0900"
    order = pay(stores, place(stores, slot_id=tuesday))
    assert order.fulfilments[0].source_id == TILBURG and order.earliest_date == date(2026, 3, 3)
    receive(stores.world, "JKT-M", 1, UTRECHT)
    # when Tilburg cannot find it: Utrecht's store needs two days
    after = rerouting.reject_line(**stores.world.holds(), orders=stores.world.orders,
                                  directory=stores.world.directory, calendar=CALENDAR, caller=TILBURG_STAFF,
                                  order_id=order.order_id, fulfilment_id="f1", sku="JKT-M", slots=stores.slots)
    # then the promise is Wednesday and Tuesday's place is free again
    assert after.earliest_date == date(2026, 3, 4) and after.slot_id is None
    assert stores.slots.booked([tuesday]) == {tuesday: 0}
