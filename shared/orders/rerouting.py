"""A source that cannot supply a line rejects it; the line is re-routed to the next location.

The rejected units go back on sale at the source, the next location by the routing rules holds
them in a new fulfilment, and the order's promise moves only if it must (the customer is told by
``OrderPromiseChanged``), all in one transaction. When no other location has them, the units
are dropped from the order (the line goes short), and an order left with nothing is cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from shared.errors import Conflict, InvalidRequest
from shared.fulfilment import routing
from shared.fulfilment import service as fulfilment
from shared.fulfilment.model import FulfilmentOption, Method, Network, Pick, Shipment, ShipmentKind
from shared.fulfilment.ports import ShipCapacity
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.loyalty.ports import LoyaltyStore
from shared.orders import placing, service
from shared.orders.fulfilling import _again, _at, _Changed, _commit, _order
from shared.orders.fulfilments import BEFORE_SHIPPING, Fulfilment, FulfilmentKind, FulfilmentStatus
from shared.orders.model import Order, OrderStatus
from shared.orders.placing import hold_id
from shared.orders.ports import OrderStore
from shared.purchases.ports import PurchaseStore
from shared.reservations import holding
from shared.reservations.model import Line, ReservationStatus
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.slots import service as slot_service
from shared.slots.model import LOCAL_TIME, SlotCalendar
from shared.slots.ports import SlotStore
from shared.stock.ports import StockStore
from shared.transactions import Transactions

STAFF_REASONS = ("not_found", "damaged", "other")  # what a source's staff give for a line they reject
SHORTFALL = "shortfall"  # a till sale or count took the held units at the source (shared.orders.shortfall)
REASONS = (*STAFF_REASONS, SHORTFALL)


def _now() -> datetime:
    return datetime.now(UTC)


def allocation_of(order: Order, local: Sequence[Line]) -> FulfilmentOption:
    """The order's current allocation as routing sees it: the pickup store's held lines and
    every fulfilment still to ship."""
    live = [f for f in order.fulfilments if f.status in BEFORE_SHIPPING]
    picks = [Pick(line.sku, order.location_id, line.quantity) for line in local]
    picks += [Pick(line.sku, f.source_id, line.quantity) for f in live for line in f.lines]
    kind = ShipmentKind.DELIVERY if order.is_delivery else ShipmentKind.TRANSFER
    shipments = tuple(sorted((Shipment(f.source_id, kind, f.earliest_date) for f in live),
                             key=lambda s: s.source_id))
    method = Method.HOME_DELIVERY if order.is_delivery else (
        Method.SHIP_TO_STORE if order.fulfilments else Method.CLICK_AND_COLLECT)
    return FulfilmentOption(method, tuple(sorted(picks)), shipments, order.earliest_date or order.placed_at.date())


def reject_line(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
                transactions: Transactions, directory: LocationDirectory, calendar: SlotCalendar,
                caller: Caller, order_id: str, fulfilment_id: str, sku: str, reason: str = "not_found",
                loyalty: LoyaltyStore | None = None, slots: SlotStore | None = None,
                capacity: ShipCapacity | None = None, purchases: PurchaseStore | None = None) -> Order:
    """The source cannot supply ``sku``: back on sale there, re-routed elsewhere (or dropped)."""
    if reason not in STAFF_REASONS:
        raise InvalidRequest(f"A reason is one of {', '.join(STAFF_REASONS)}.", field="reason")
    order, _ = _reject(orders=orders, reservations=reservations, counters=counters, stock=stock,
                       transactions=transactions, directory=directory, calendar=calendar, caller=caller,
                       order_id=order_id, fulfilment_id=fulfilment_id, sku=sku, reason=reason, loyalty=loyalty,
                       slots=slots, capacity=capacity, purchases=purchases)
    return order


def reject_for_shortfall(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters,
                         stock: StockStore, transactions: Transactions, directory: LocationDirectory,
                         calendar: SlotCalendar, order_id: str, fulfilment_id: str, sku: str,
                         loyalty: LoyaltyStore | None = None, slots: SlotStore | None = None,
                         capacity: ShipCapacity | None = None) -> bool:
    """A fact took the units the source held for this fulfilment: the line is rejected there and
    re-routed exactly as when its staff reject it (reason ``shortfall``). False: it was already."""
    _, changed = _reject(orders=orders, reservations=reservations, counters=counters, stock=stock,
                         transactions=transactions, directory=directory, calendar=calendar, caller=None,
                         order_id=order_id, fulfilment_id=fulfilment_id, sku=sku, reason=SHORTFALL, loyalty=loyalty,
                         slots=slots, capacity=capacity)
    return changed


def _reject(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
            transactions: Transactions, directory: LocationDirectory, calendar: SlotCalendar, caller: Caller | None,
            order_id: str, fulfilment_id: str, sku: str, reason: str, loyalty: LoyaltyStore | None,
            slots: SlotStore | None, capacity: ShipCapacity | None = None,
            purchases: PurchaseStore | None = None) -> tuple[Order, bool]:
    """(the order after, whether this call changed it); ``caller`` None: the system itself."""

    def step() -> tuple[Order, bool]:
        order = _order(orders, order_id)
        before = order.fulfilment(fulfilment_id)
        if caller is not None:
            _at(caller, before.source_id, order_id)
        if before.quantity(sku) == 0 and any(line.sku == sku for line in before.rejected):
            return order, False  # rejected before
        rejected = before.without(sku, reason)
        if not order.is_open:
            return order, False
        now = _now()
        local_hold = reservations.get(order.reservation_id)
        local = local_hold.lines if local_hold is not None and local_hold.is_active else ()
        current = allocation_of(order, local)
        today = now.astimezone(LOCAL_TIME).date()
        network = _network_for_reroute(order, fulfilment.network(directory=directory, stock=stock, skus=[sku],
                                                                    capacity=capacity, today=today), sku)
        destination, _ = fulfilment.destination_for(
            calendar=calendar, directory=directory, location_id=None if order.is_delivery else order.location_id,
            postal_code=order.delivery_postcode)
        found = routing.reroute(option=current, rejected_sku=sku, rejected_location_id=before.source_id,
                                destination=destination, network=network, today=today)
        after = order.with_fulfilment(rejected)
        new: list[Fulfilment] = []
        if found.option is not None:
            new = _new_fulfilments(after, current=current, routed=found.option, rejected_sku=sku,
                                   rejected_at=before.source_id)
            after = replace(after, fulfilments=(*after.fulfilments, *new),
                            earliest_date=found.option.earliest_date)
        else:
            after = _dropped(after, sku=sku, quantity=before.quantity(sku))
        missed_slot = slots is not None and _misses_its_slot(after)
        if missed_slot:  # the parcel cannot make the booked slot: its place goes back, the new date stands
            after = replace(after, slot_id=None, slot_starts_at=None, slot_ends_at=None)
        after = after.after_shipping()  # the dropped line was the last one not yet on its way
        if after.status is OrderStatus.DELIVERED:
            try:
                return service.finish(
                    orders=orders, reservations=reservations, counters=counters, stock=stock,
                    transactions=transactions, before=order, after=after, hold_ends_as=ReservationStatus.FULFILLED,
                    purchases=purchases, purchase=service.purchase_of(order=after, purchased_at=now) if purchases
                    else None, loyalty=loyalty), True
            except Conflict:
                raise _Changed() from None
        if not any(not line.short for line in after.lines):
            try:
                return service.finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                                      transactions=transactions, before=order,
                                      after=after.moved_to(OrderStatus.CANCELLED),
                                      hold_ends_as=ReservationStatus.CANCELLED, loyalty=loyalty, slots=slots), True
            except Conflict:
                raise _Changed() from None
        tx = transactions.begin()
        orders.add_saved(tx, before=order, after=after)
        if missed_slot and slots is not None:
            slot_service.add_release(tx=tx, slots=slots, order_id=order.order_id, at=now)
        hold = reservations.get(before.reservation_id)
        if hold is not None and hold.is_active:
            holding.add_line_released(tx, reservations=reservations, counters=counters, stock=stock, before=hold,
                                      sku=sku)
        for f in new:
            holding.add_hold(tx, reservations=reservations, counters=counters, stock=stock, limits=None,
                             default_threshold=directory.get(f.source_id).low_stock_threshold,
                             reservation=service.hold_for(order=order, reservation_id=f.reservation_id,
                                                          location_id=f.source_id, lines=f.lines,
                                                          channel=order.channel, at=now))
        # a source new to this order takes on one more fulfilment today (one already supplying it counted it)
        sourcing = {p.location_id for p in current.picks if (p.sku, p.location_id) != (sku, before.source_id)}
        placing.add_capacity_taken(tx, capacity=capacity, directory=directory, day=today,
                                   fulfilments=[f for f in new if f.source_id not in sourcing])
        _commit(tx)
        return after, True
    return _again(step)


def _misses_its_slot(order: Order) -> bool:
    """The promise moved past the day of the booked slot."""
    if order.slot_starts_at is None or order.earliest_date is None:
        return False
    return order.earliest_date > order.slot_starts_at.astimezone(LOCAL_TIME).date()


def _network_for_reroute(order: Order, network: Network, sku: str) -> Network:
    """Where a re-routed line may come from: not the pickup store (it had its chance when the order
    was placed), and not a source already holding this SKU for the order (its parcel would carry two
    holds of one SKU, which routing would count as one)."""
    taken = {f.source_id for f in order.fulfilments if f.status in BEFORE_SHIPPING and f.quantity(sku)}
    if not order.is_delivery:
        taken.add(order.location_id)
    available = {loc: dict(skus) for loc, skus in network.available.items()}
    for location_id in taken:
        available.setdefault(location_id, {})[sku] = 0
    return replace(network, available=available)


def _new_fulfilments(order: Order, *, current: FulfilmentOption, routed: FulfilmentOption, rejected_sku: str,
                     rejected_at: str) -> list[Fulfilment]:
    """One new fulfilment per location that supplies more than before (new holds there)."""
    kept = {(p.sku, p.location_id): p.quantity for p in current.picks
            if (p.sku, p.location_id) != (rejected_sku, rejected_at)}
    extra: dict[str, list[Line]] = {}
    for pick in routed.picks:
        more = pick.quantity - kept.get((pick.sku, pick.location_id), 0)
        if more > 0:
            extra.setdefault(pick.location_id, []).append(Line(pick.sku, more))
    dates = {s.source_id: s.earliest_date for s in routed.shipments}
    made, n = [], len(order.fulfilments)
    for source_id, lines in sorted(extra.items()):
        n += 1
        made.append(Fulfilment(
            fulfilment_id=f"f{n}", source_id=source_id,
            kind=FulfilmentKind.DELIVERY if order.is_delivery else FulfilmentKind.TRANSFER,
            lines=tuple(lines), reservation_id=hold_id(order.order_id, f"f{n}"),
            status=FulfilmentStatus.WAITING if order.awaits_payment else FulfilmentStatus.REQUESTED,
            earliest_date=dates.get(source_id, routed.earliest_date),
            destination_location_id=None if order.is_delivery else order.location_id))
    return made


def _dropped(order: Order, *, sku: str, quantity: int) -> Order:
    """No location can supply the units: the line loses them (short when none are left)."""
    lines = []
    for line in order.lines:
        if line.sku == sku and not line.short:
            left = line.quantity - quantity
            line = replace(line, short=True) if left <= 0 else replace(line, quantity=left)
        lines.append(line)
    return replace(order, lines=tuple(lines))
