"""Resolving a shortfall: holds a location can no longer serve after a fact took their units.

A till sale or a count is recorded even when it leaves fewer units than are held
(``StockLevel.shortfall``). The stock stream then publishes ``StockShortfall``; the stock
consumer calls :func:`resolve_shortfall`, which ends the newest holds of that SKU there until
``reserved`` fits in ``on_hand`` again: an order's line goes short (the customer is told by
``OrderLineShort``; an order left with nothing becomes CANCELLED), a plain reservation is
cancelled (``ReservationCancelled``). It reads the current state on every step, so a
redelivered event, or two consumers at once, resolve nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.errors import Conflict
from shared.orders.model import Order, OrderStatus
from shared.orders.ports import OrderStore
from shared.reservations.model import ReservationStatus
from shared.reservations.ports import ReservationStore
from shared.stock.ports import StockStore

MAX_ATTEMPTS = 5  # per hold, when it changes between reading and resolving it


@dataclass(frozen=True)
class Affected:
    """One hold of the SKU at the location, with what resolving it gives back."""

    created_at: datetime
    hold_id: str
    quantity: int
    order_id: str | None


def _affected(reservations: ReservationStore, orders: OrderStore, sku: str, location_id: str) -> list[Affected]:
    """Every active hold of the SKU at the location, newest first (the last promise goes first)."""
    found = [Affected(r.created_at, r.reservation_id, line.quantity, None)
             for r in reservations.active_at(location_id) if not r.order_id  # orders' holds: below
             for line in r.lines if line.sku == sku]
    found += [Affected(o.placed_at, o.reservation_id, line.quantity, o.order_id)
              for o in _open_at(orders, location_id) for line in o.lines if line.sku == sku and not line.short]
    return sorted(found, key=lambda a: (a.created_at, a.hold_id), reverse=True)


def _open_at(orders: OrderStore, location_id: str) -> list[Order]:
    """Every open order at the location, page after page."""
    found, cursor = orders.list_open_at(location_id, 100)
    while cursor:
        page, cursor = orders.list_open_at(location_id, 100, cursor)
        found += page
    return found


def _short_order(orders: OrderStore, order: Order, sku: str) -> None:
    after = order.without_line(sku)
    if not after.held_lines:  # nothing left to serve: the order ends and the customer is told
        orders.finish(order, after.moved_to(OrderStatus.CANCELLED), ReservationStatus.CANCELLED)
    else:
        orders.mark_short(order, after, sku)


def _resolve_one(reservations: ReservationStore, orders: OrderStore, hold: Affected, sku: str) -> bool:
    """End one hold's claim on the SKU; False when it had ended already (nothing to do)."""
    for _ in range(MAX_ATTEMPTS):
        try:
            if hold.order_id:
                order = orders.get(hold.order_id)
                if order is None or not order.is_open or not any(
                        line.sku == sku and not line.short for line in order.lines):
                    return False
                _short_order(orders, order, sku)
            else:
                held = reservations.get(hold.hold_id)
                if held is None or not held.is_active:
                    return False
                reservations.end(held, ReservationStatus.CANCELLED)
            return True
        except Conflict:
            continue  # changed meanwhile: read again
    raise Conflict(f"Hold {hold.hold_id} kept changing; the shortfall is resolved on the next delivery.")


def resolve_shortfall(*, stock: StockStore, reservations: ReservationStore, orders: OrderStore, sku: str,
                      location_id: str) -> list[str]:
    """Ends the newest holds until ``reserved <= on_hand``; returns the ids of what it ended."""
    ended: list[str] = []
    for hold in _affected(reservations, orders, sku, location_id):
        level = stock.get(sku, location_id, consistent=True)
        if level is None or level.shortfall == 0:
            break
        if _resolve_one(reservations, orders, hold, sku):
            ended.append(hold.order_id or hold.hold_id)
    return ended
