"""A hypothesis state machine over orders from any location: routing, rejection and re-routing,
transfers, deliveries, cancellations, payment and till facts, run on the in-memory stores.

After every step: units are conserved (per SKU, on hand plus in transit everywhere equals what
came in less what the tills sold and customers took away), ``reserved`` at every location is
the sum of the active holds there, ``in_transit`` at every source is what its dispatched
transfers still carry, and no slot has more places taken than its capacity or than its active
bookings. Everything derives from the draws and the machine's own counters, so a replay takes
the same path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from shared.carriers.ports import Carrier
from shared.errors import Conflict, DomainError, NotFound
from shared.identity import Caller
from shared.locations.model import Coordinates
from shared.orders import fulfilling, placing, rerouting, service
from shared.orders.fulfilments import ON_THE_WAY, DeliveryAddress, FulfilmentKind, FulfilmentStatus
from shared.orders.model import Contact, OrderStatus, Payment
from shared.reservations.model import Channel, Line
from shared.slots.model import DeliveryZone, PostcodeRange, SlotCalendar, SlotOwner, SlotTemplate
from shared.slots.ports import SlotStore
from shared.stock import service as stock
from shared.stock.model import ChangeKind, StockLevel
from tests.fakes.carriers import MemoryCarrier
from tests.fakes.slots import MemorySlotStore
from tests.holds_machine import World, memory_world

SKUS = ("F-1", "F-2")
PICKUP = "amsterdam-kalverstraat"
SOURCES = ("utrecht-oudegracht", "dc-tilburg")
LOCATIONS = (PICKUP, *SOURCES)
ERP = Caller(role="integration", subject="erp")
SHOPPER = Caller(role="customer", subject="machine-shopper")
ASSOCIATE = Caller(role="staff", subject="sam", location_id=PICKUP)
STAFF = {loc: Caller(role="staff", subject=f"staff-{loc}", location_id=loc) for loc in LOCATIONS}
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
CAPACITY = 2
CALENDAR = SlotCalendar(
    zones=(DeliveryZone("amsterdam", (PostcodeRange(1000, 1109),), centre=Coordinates(lat=52.37, lon=4.89)),),
    templates=tuple(SlotTemplate(SlotOwner.delivery("amsterdam"), day, time(9), time(12), capacity=CAPACITY)
                    for day in range(6)))
SLOTS = ("delivery.amsterdam.20260305.0900", "delivery.amsterdam.20260306.0900")
HOME = DeliveryAddress(name="M. Achine", street="Damrak", house_number="1", postal_code="1012 LG", city="Amsterdam")


@dataclass(frozen=True)
class FulfilmentWorld:
    """The stores the machine drives: those of holds and orders, the slots and the carrier."""

    world: World
    slots: SlotStore
    carrier: Carrier


def memory_fulfilment_world() -> FulfilmentWorld:
    return FulfilmentWorld(world=memory_world(*SKUS), slots=MemorySlotStore(), carrier=MemoryCarrier())


class FulfilmentMachine(RuleBasedStateMachine):
    make_world: Callable[[], FulfilmentWorld] = staticmethod(memory_fulfilment_world)

    def __init__(self) -> None:
        super().__init__()
        made = type(self).make_world()
        self.world, self.slots, self.carrier = made.world, made.slots, made.carrier
        self.order_ids: list[str] = []
        self.keys = 0
        self.came_in = {sku: 0 for sku in SKUS}
        self.sold = {sku: 0 for sku in SKUS}
        self.clock = NOW

    def teardown(self) -> None:
        self.world.stop()

    def _key(self) -> str:
        self.keys += 1
        return f"machine-{self.keys}"

    def _fulfilments(self, wanted):  # type: ignore[no-untyped-def]
        """(order, fulfilment) of every order whose fulfilment is ``wanted``, in a stable order."""
        return [(order, f) for order_id in self.order_ids if (order := self.world.orders.get(order_id))
                for f in order.fulfilments if wanted(f)]

    def _order(self, n: int):  # type: ignore[no-untyped-def]
        return self.world.orders.get(self.order_ids[n % len(self.order_ids)])

    def _fact(self, sku: str, location_id: str, kind: ChangeKind, quantity: int) -> None:
        stock.record_change(store=self.world.stock, transactions=self.world.transactions,
                            directory=self.world.directory, caller=ERP, sku=sku, location_id=location_id, kind=kind,
                            quantity=quantity, idempotency_key=self._key(), source="machine")

    @initialize(stocked=st.lists(st.tuples(st.sampled_from(SKUS), st.sampled_from(LOCATIONS), st.integers(1, 4)),
                                 min_size=2, max_size=6))
    def stock_up(self, stocked: list[tuple[str, str, int]]) -> None:
        for sku, location_id, quantity in stocked:
            self.receipt(sku, location_id, quantity)

    @rule(sku=st.sampled_from(SKUS), location_id=st.sampled_from(LOCATIONS), quantity=st.integers(1, 3))
    def receipt(self, sku: str, location_id: str, quantity: int) -> None:
        self._fact(sku, location_id, ChangeKind.RECEIPT, quantity)
        self.came_in[sku] += quantity

    @rule(sku=st.sampled_from(SKUS), location_id=st.sampled_from(LOCATIONS), quantity=st.integers(1, 2))
    def till_sale(self, sku: str, location_id: str, quantity: int) -> None:
        """A fact: recorded even when it takes held units."""
        self._fact(sku, location_id, ChangeKind.SALE, quantity)
        self.sold[sku] += quantity

    @rule(delivery=st.booleans(), quantities=st.tuples(st.integers(0, 3), st.integers(0, 3)),
          slot=st.sampled_from(SLOTS), in_store=st.booleans())
    def place(self, delivery: bool, quantities: tuple[int, int], slot: str, in_store: bool) -> None:
        lines = [Line(sku, qty) for sku, qty in zip(SKUS, quantities, strict=True) if qty]
        if not lines:
            return
        caller = ASSOCIATE if in_store else SHOPPER
        try:
            order, _ = placing.place_anywhere(
                **self.world.holds(), orders=self.world.orders, directory=self.world.directory,
                catalog=self.world.catalog, calendar=CALENDAR, slots=self.slots, caller=caller,
                where=placing.Where(address=HOME) if delivery else placing.Where(location_id=PICKUP), lines=lines,
                payment=Payment.PAY_IN_STORE if in_store else Payment.PAID_ONLINE, contact=Contact("m@example.nl"),
                channel=Channel.STORE if in_store else Channel.WEB, idempotency_key=self._key(),
                customer_id="machine-shopper" if in_store else None, slot_id=slot if delivery else None,
                now=self.clock)
        except DomainError:
            return  # not enough stock, a full slot: nothing held (the invariants check it)
        self.order_ids.append(order.order_id)

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50))
    def pay(self, n: int) -> None:
        order = self._order(n)
        if order.awaits_payment and order.is_open:
            fulfilling.pay(orders=self.world.orders, transactions=self.world.transactions, caller=ASSOCIATE,
                           order_id=order.order_id, amount_cents=order.amount_due_cents, reference="till")

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50), which=st.integers(0, 3))
    def ship(self, n: int, which: int) -> None:
        """Mostly a parcel that is due (REQUESTED); sometimes any (repeats, refusals)."""
        due = self._fulfilments(lambda f: f.status is FulfilmentStatus.REQUESTED)
        if which and due:
            order, f = due[n % len(due)]
        else:
            order = self._order(n)
            if not order.fulfilments:
                return
            f = order.fulfilments[which % len(order.fulfilments)]
        try:
            fulfilling.ship(**self.world.holds(), orders=self.world.orders, carrier=self.carrier,
                            caller=STAFF[f.source_id], order_id=order.order_id, fulfilment_id=f.fulfilment_id)
        except Conflict:
            assert f.status is FulfilmentStatus.WAITING or not order.is_open or f.status in (
                FulfilmentStatus.REJECTED, FulfilmentStatus.CANCELLED)

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50), which=st.integers(0, 3), sku=st.sampled_from(SKUS))
    def reject(self, n: int, which: int, sku: str) -> None:
        order = self._order(n)
        if not order.fulfilments:
            return
        f = order.fulfilments[which % len(order.fulfilments)]
        with contextlib.suppress(Conflict, NotFound):  # shipped already, or not a line of it
            rerouting.reject_line(**self.world.holds(), orders=self.world.orders, directory=self.world.directory,
                                  calendar=CALENDAR, caller=STAFF[f.source_id], order_id=order.order_id,
                                  fulfilment_id=f.fulfilment_id, sku=sku, slots=self.slots)

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50), which=st.integers(0, 3))
    def receive(self, n: int, which: int) -> None:
        transfers = self._fulfilments(lambda f: f.kind is FulfilmentKind.TRANSFER and f.status in ON_THE_WAY)
        if not transfers:
            return
        order, f = transfers[(n + which) % len(transfers)]
        fulfilling.receive(orders=self.world.orders, reservations=self.world.reservations, stock=self.world.stock,
                           transactions=self.world.transactions, directory=self.world.directory,
                           caller=STAFF[PICKUP], order_id=order.order_id, fulfilment_id=f.fulfilment_id)

    @rule(redeliver=st.booleans())
    def carrier_advances(self, redeliver: bool) -> None:
        """The carrier's parcels take their next step (a report sent twice changes nothing)."""
        self.clock += timedelta(hours=12)
        for update in self.carrier.due(self.clock + timedelta(days=30)):
            for _ in range(2 if redeliver else 1):
                fulfilling.carrier_update(**self.world.holds(), orders=self.world.orders,
                                          purchases=self.world.purchases, loyalty=None, update=update)
            self.carrier.advanced(update)

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50))
    def collect(self, n: int) -> None:
        order = self._order(n)
        if order.status is OrderStatus.READY_FOR_PICKUP:
            service.collect(**self.world.holds(), orders=self.world.orders, purchases=self.world.purchases,
                            caller=STAFF[PICKUP], order_id=order.order_id, pickup_code=order.pickup_code or "")

    @precondition(lambda self: self.order_ids)
    @rule(n=st.integers(0, 50))
    def cancel(self, n: int) -> None:
        if n % 3:
            return  # customers cancel now and then, not at every other step
        order = self._order(n)
        try:
            service.cancel(**self.world.holds(), orders=self.world.orders, caller=ASSOCIATE if order.placed_by
                           else SHOPPER, order_id=order.order_id, slots=self.slots)
        except Conflict:
            assert not order.is_open or order.status is OrderStatus.SHIPPED or any(
                f.status in ON_THE_WAY for f in order.fulfilments)

    # -- what must always hold -------------------------------------------------------------

    def _level(self, sku: str, location_id: str) -> StockLevel:
        return self.world.stock.get(sku, location_id) or StockLevel(sku=sku, location_id=location_id)

    def _orders(self):  # type: ignore[no-untyped-def]
        return [self.world.orders.get(order_id) for order_id in self.order_ids]

    def _holds(self):  # type: ignore[no-untyped-def]
        """Every hold the orders made: the pickup store's own, each source's and each arrival's."""
        ids = {order.reservation_id for order in self._orders()}
        ids |= {rid for order in self._orders() for f in order.fulfilments
                for rid in (f.reservation_id, f.arrival_reservation_id)}
        return [hold for rid in sorted(ids) if (hold := self.world.reservations.get(rid)) is not None]

    @invariant()
    def units_are_conserved(self) -> None:
        taken = dict.fromkeys(SKUS, 0)
        for order in self._orders():
            for f in order.fulfilments:
                if f.kind is FulfilmentKind.DELIVERY and f.shipped_at is not None:
                    for line in f.lines:
                        taken[line.sku] += line.quantity  # left the network with the carrier
            if order.status is OrderStatus.COLLECTED:
                for line in order.lines:
                    if not line.short:
                        taken[line.sku] += line.quantity
        for sku in SKUS:
            present = sum(self._level(sku, loc).on_hand + self._level(sku, loc).in_transit for loc in LOCATIONS)
            assert present == self.came_in[sku] - self.sold[sku] - taken[sku], (sku, present)

    @invariant()
    def reserved_is_what_the_active_holds_hold(self) -> None:
        held: dict[tuple[str, str], int] = {}
        for hold in self._holds():
            if hold.is_active:
                for line in hold.lines:
                    held[line.sku, hold.location_id] = held.get((line.sku, hold.location_id), 0) + line.quantity
        for sku in SKUS:
            for loc in LOCATIONS:
                assert self._level(sku, loc).reserved == held.get((sku, loc), 0), (sku, loc)

    @invariant()
    def in_transit_is_what_dispatched_transfers_carry(self) -> None:
        carried: dict[tuple[str, str], int] = {}
        for order in self._orders():
            for f in order.fulfilments:
                if f.kind is FulfilmentKind.TRANSFER and f.shipped_at is not None \
                        and f.status is not FulfilmentStatus.RECEIVED:
                    for line in f.lines:
                        carried[line.sku, f.source_id] = carried.get((line.sku, f.source_id), 0) + line.quantity
        for sku in SKUS:
            for loc in LOCATIONS:
                assert self._level(sku, loc).in_transit == carried.get((sku, loc), 0), (sku, loc)

    @invariant()
    def no_slot_is_oversold(self) -> None:
        booked = self.slots.booked(list(SLOTS))
        active = {slot: 0 for slot in SLOTS}
        for order in self._orders():
            if order.slot_id and order.status is not OrderStatus.CANCELLED:
                active[order.slot_id] += 1
        for slot in SLOTS:
            assert booked[slot] == active[slot] <= CAPACITY, (slot, booked[slot], active[slot])
