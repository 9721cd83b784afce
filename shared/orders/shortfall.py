"""Resolving a shortfall: holds a location can no longer serve after a fact took their units.

A till sale or a count is recorded even when it leaves fewer units than are held
(``StockLevel.shortfall``). The stock stream then publishes ``StockShortfall``; the stock
consumer calls :func:`resolve_shortfall`, which ends the newest holds of that SKU there until
``reserved`` fits in ``on_hand`` again: the pickup store's own line of an order goes short (the
customer is told by ``OrderLineShort``; an order left with nothing becomes CANCELLED); a
fulfilment's hold at a source (ship-from-store, ship-to-store) is rejected there and re-routed
as when the source's staff reject it (``LineRejected`` with reason ``shortfall``), so the
customer keeps the order when another location has the units; a plain reservation is cancelled
(``ReservationCancelled``). It reads the current state on every step, so a redelivered event,
or two consumers at once, resolve nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from shared.errors import Conflict
from shared.locations.directory import LocationDirectory
from shared.loyalty.ports import LoyaltyStore
from shared.orders import service
from shared.orders.fulfilments import BEFORE_SHIPPING
from shared.orders.model import Order, OrderStatus
from shared.orders.ports import OrderStore
from shared.reservations import holding
from shared.reservations.model import ReservationStatus
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.stock.ports import StockStore
from shared.transactions import Transactions

if TYPE_CHECKING:
    from shared.fulfilment.ports import ShipCapacity
    from shared.slots.model import SlotCalendar
    from shared.slots.ports import SlotStore

MAX_ATTEMPTS = 5  # per hold, when it changes between reading and resolving it


@dataclass(frozen=True)
class Affected:
    """One hold of the SKU at the location, with what resolving it gives back."""

    created_at: datetime
    hold_id: str
    quantity: int
    order_id: str | None
    fulfilment_id: str | None = None  # the order's fulfilment whose hold (at its source) this is


def _affected(reservations: ReservationStore, orders: OrderStore, sku: str, location_id: str) -> list[Affected]:
    """Every active hold of the SKU at the location, newest first (the last promise goes first)."""
    found = [Affected(r.created_at, r.reservation_id, line.quantity, None)
             for r in reservations.active_at(location_id) if not r.order_id  # orders' holds: below
             for line in r.lines if line.sku == sku]
    found += [Affected(o.placed_at, o.reservation_id, line.quantity, o.order_id)
              for o in _open_at(orders, location_id) for line in o.local_lines if line.sku == sku]
    for order in orders.supplied_from(location_id):
        for f in order.fulfilments:
            if f.source_id != location_id or f.status not in BEFORE_SHIPPING or not f.quantity(sku):
                continue
            hold = reservations.get(f.reservation_id)
            if hold is not None and hold.is_active:  # a re-routed fulfilment's hold is newer than its order
                found.append(Affected(hold.created_at, f.reservation_id, f.quantity(sku), order.order_id,
                                      f.fulfilment_id))
    return sorted(found, key=lambda a: (a.created_at, a.hold_id), reverse=True)


def _open_at(orders: OrderStore, location_id: str) -> list[Order]:
    """Every open order at the location, page after page."""
    found, cursor = orders.list_open_at(location_id, 100)
    while cursor:
        page, cursor = orders.list_open_at(location_id, 100, cursor)
        found += page
    return found


@dataclass(frozen=True)
class _Stores:
    """What resolving a shortfall writes to, passed along its steps."""

    stock: StockStore
    reservations: ReservationStore
    counters: HoldCounters
    orders: OrderStore
    transactions: Transactions
    directory: LocationDirectory  # where a source's rejected line is re-routed to
    calendar: SlotCalendar
    loyalty: LoyaltyStore | None = None  # an ended order's redeemed points go back
    slots: SlotStore | None = None  # a cancelled delivery's slot is free again
    capacity: ShipCapacity | None = None  # the daily counts of the sources a line is re-routed to


def _short_order(stores: _Stores, order: Order, sku: str) -> None:
    after = order.without_line(sku)
    if not after.held_lines:  # nothing left to serve: the order ends and the customer is told
        service.finish(orders=stores.orders, reservations=stores.reservations, counters=stores.counters,
                       stock=stores.stock, transactions=stores.transactions, before=order,
                       after=after.moved_to(OrderStatus.CANCELLED), hold_ends_as=ReservationStatus.CANCELLED,
                       loyalty=stores.loyalty, slots=stores.slots)
    else:
        service.release_line(orders=stores.orders, reservations=stores.reservations, counters=stores.counters,
                             stock=stores.stock, transactions=stores.transactions, before=order, after=after,
                             sku=sku)


def _reject_at_source(stores: _Stores, hold: Affected, sku: str) -> bool:
    """The source's hold for a fulfilment gives way: its line is re-routed (or dropped)."""
    assert hold.order_id is not None and hold.fulfilment_id is not None
    order = stores.orders.get(hold.order_id)
    f = next((x for x in order.fulfilments if x.fulfilment_id == hold.fulfilment_id), None) if order else None
    if order is None or not order.is_open or f is None or f.status not in BEFORE_SHIPPING or not f.quantity(sku):
        return False  # shipped, rejected or ended meanwhile
    from shared.orders import rerouting  # routing loads only when a source's hold is short

    return rerouting.reject_for_shortfall(
        orders=stores.orders, reservations=stores.reservations, counters=stores.counters, stock=stores.stock,
        transactions=stores.transactions, directory=stores.directory, calendar=stores.calendar,
        order_id=order.order_id, fulfilment_id=f.fulfilment_id, sku=sku, loyalty=stores.loyalty, slots=stores.slots,
        capacity=stores.capacity)


def _resolve_one(stores: _Stores, hold: Affected, sku: str) -> bool:
    """End one hold's claim on the SKU; False when it had ended already (nothing to do)."""
    for _ in range(MAX_ATTEMPTS):
        try:
            if hold.fulfilment_id:
                return _reject_at_source(stores, hold, sku)
            if hold.order_id:
                order = stores.orders.get(hold.order_id)
                if order is None or not order.is_open or not any(
                        line.sku == sku and not line.short for line in order.lines):
                    return False
                _short_order(stores, order, sku)
            else:
                held = stores.reservations.get(hold.hold_id)
                if held is None or not held.is_active:
                    return False
                holding.end(transactions=stores.transactions, reservations=stores.reservations,
                            counters=stores.counters, stock=stores.stock, reservation=held,
                            status=ReservationStatus.CANCELLED)
            return True
        except Conflict:
            continue  # changed meanwhile: read again
    raise Conflict(f"Hold {hold.hold_id} kept changing; the shortfall is resolved on the next delivery.")


def resolve_shortfall(*, stock: StockStore, reservations: ReservationStore, counters: HoldCounters,
                      orders: OrderStore, transactions: Transactions, directory: LocationDirectory,
                      calendar: SlotCalendar, sku: str, location_id: str, loyalty: LoyaltyStore | None = None,
                      slots: SlotStore | None = None, capacity: ShipCapacity | None = None) -> list[str]:
    """Ends the newest holds until ``reserved <= on_hand``; returns the ids of what it ended
    (an order's id for its line, plain or at a source)."""
    stores = _Stores(stock, reservations, counters, orders, transactions, directory, calendar, loyalty, slots,
                     capacity)
    ended: list[str] = []
    for hold in _affected(reservations, orders, sku, location_id):
        level = stock.get(sku, location_id, consistent=True)
        if level is None or level.shortfall == 0:
            break
        if _resolve_one(stores, hold, sku):
            ended.append(hold.order_id or hold.hold_id)
    return ended
