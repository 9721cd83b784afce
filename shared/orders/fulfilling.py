"""The steps of fulfilments at other locations: the source ships (or rejects a line, which is
re-routed), the pickup store receives a transfer, a till records payment, the carrier reports.

Each step writes the order and its stock effect in one transaction, on condition of the order's
version; a step two stores take at once on the same order is tried again on what is there now.
Repeating a step that was taken (ship, receive, pay, a carrier's status) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, TypeVar

from shared.carriers.model import ShipmentRequest, StatusUpdate
from shared.carriers.ports import Carrier
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.loyalty.ports import LoyaltyStore
from shared.orders import service
from shared.orders.fulfilments import CARRIER_STEPS, FulfilmentKind, FulfilmentStatus
from shared.orders.model import Order, OrderStatus, Payment
from shared.orders.ports import OrderStore
from shared.purchases.ports import PurchaseStore
from shared.reservations import holding
from shared.reservations.model import Line, ReservationStatus
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.stock.model import DISPATCH, INCREASE, RECEIVE_HELD, TRANSFER_ARRIVED, Effect, StockMove
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import Refused, Transaction, Transactions

ATTEMPTS = 3
T = TypeVar("T")
Applied = Literal["applied", "ignored"]  # what a carrier's report did


def _now() -> datetime:
    return datetime.now(UTC)


class _Changed(Exception):
    """The order (or stock it needs) changed between reading and writing: read again."""


def _again(step: Callable[[], T]) -> T:
    """The step on the order as it is now, up to ATTEMPTS times while it keeps changing under it."""
    for _ in range(ATTEMPTS):
        try:
            return step()
        except _Changed:
            continue
    raise Conflict("The order changed meanwhile; read it and retry.")


def _commit(tx: Transaction) -> None:
    try:
        tx.commit()
    except Refused:
        raise _Changed() from None


def _order(orders: OrderStore, order_id: str) -> Order:
    order = orders.get(order_id)
    if order is None:
        raise NotFound(f"Order {order_id!r} was not found.")
    return order


def _at(caller: Caller, location_id: str | None, order_id: str) -> None:
    """Only the store that must take the step (or head office) may; others get a 404."""
    if location_id is None or not caller.may_manage_location(location_id) or caller.role == "integration":
        raise NotFound(f"Order {order_id!r} was not found.")


# -- the source's work list and its steps --------------------------------------------------


def tasks(*, orders: OrderStore, caller: Caller, location_id: str, limit: int = 50,
          cursor: str | None = None) -> tuple[list[tuple[Order, str]], str | None]:
    """Parcels to pick, pack and ship here, and transfers on their way here to receive."""
    caller.require_location(location_id)
    return orders.tasks_at(location_id, limit, cursor)


def ship(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
         transactions: Transactions, carrier: Carrier, caller: Caller, order_id: str, fulfilment_id: str) -> Order:
    """Packed and handed to the carrier: the held units leave the source (to the customer, or in
    transit to the pickup store), with the tracking number, in one transaction."""
    def step() -> Order:
        order = _order(orders, order_id)
        before = order.fulfilment(fulfilment_id)
        _at(caller, before.source_id, order_id)
        if not before.to_ship():
            return order  # shipped before
        if not order.is_open:
            raise Conflict(f"Order {order_id} is {order.status.value}.", current_status=order.status.value)
        label = carrier.create_shipment(ShipmentRequest(shipment_id=before.shipment_id, source_id=before.source_id,
                                                        destination=order.ships_to(before)))
        shipped = before.shipped(label, _now())
        after = order.with_fulfilment(shipped).after_shipping()
        tx = transactions.begin()
        orders.add_saved(tx, before=order, after=after)
        hold = reservations.get(before.reservation_id)
        if hold is not None and hold.is_active:
            holding.add_end(tx, reservations=reservations, counters=counters, stock=stock, before=hold,
                            after=hold.ended(ReservationStatus.FULFILLED),
                            leaves_as=DISPATCH if before.kind is FulfilmentKind.TRANSFER else None)
        _commit(tx)
        return after
    return _again(step)


def receive(*, orders: OrderStore, reservations: ReservationStore, stock: StockStore, transactions: Transactions,
            directory: LocationDirectory, caller: Caller, order_id: str, fulfilment_id: str) -> Order:
    """A transfer booked in at the pickup store: out of transit at the source, on hand and held
    for the order here (or on sale, when the order ended meanwhile); with the last one in, the
    order is ready for pickup."""
    def step() -> Order:
        order = _order(orders, order_id)
        before = order.fulfilment(fulfilment_id)
        _at(caller, before.destination_location_id, order_id)
        if before.status is FulfilmentStatus.RECEIVED:
            return order
        after = order.with_fulfilment(before.received())
        now = _now()
        pickup = directory.get(order.location_id)
        tx = transactions.begin()
        _add_moves(tx, stock=stock, lines=before.lines, location_id=before.source_id, effect=TRANSFER_ARRIVED,
                   change_id=f"{before.reservation_id}:arrived", kind="transfer_arrived", at=now,
                   source=f"order:{order_id}")
        if order.is_open:
            arrival = service.hold_for(order=order, reservation_id=before.arrival_reservation_id,
                                       location_id=order.location_id, lines=before.lines, channel=order.channel,
                                       at=now)
            reservations.add_created(tx, reservation=arrival)
            holding.add_moves(tx, stock=stock, reservation=arrival, lines=arrival.lines, effect=RECEIVE_HELD,
                              kind="receive", default_threshold=pickup.low_stock_threshold)
            if after.all_arrived():
                after = after.arrived_ready(now, pickup.pickup_hold_hours)
        else:  # the order ended while the units travelled: they are simply stock here now
            _add_moves(tx, stock=stock, lines=before.lines, location_id=order.location_id, effect=INCREASE,
                       change_id=f"{before.reservation_id}:received", kind="transfer_in", at=now,
                       source=f"order:{order_id}")
        orders.add_saved(tx, before=order, after=after)
        _commit(tx)
        return after
    return _again(step)


def _add_moves(tx: Transaction, *, stock: StockStore, lines: tuple[Line, ...], location_id: str, effect: Effect,
               change_id: str, kind: str, at: datetime, source: str) -> None:
    for line in lines:
        move = StockMove(line.sku, location_id, effect, line.quantity)
        stock.add_move(tx, move=move, default_threshold=0,
                       change=ChangeReceipt.of_move(move, change_id=change_id, kind=kind, at=at, source=source))


# -- payment at a till, and what carriers report ---------------------------------------------


def pay(*, orders: OrderStore, transactions: Transactions, caller: Caller, order_id: str, amount_cents: int,
        reference: str) -> Order:
    """A till in any store took the payment of an order placed there (pay_in_store): its sources
    may start. The amount must be what the server says is due; paying again changes nothing."""
    caller.require({"staff", "admin", "integration"})
    def step() -> Order:
        order = _order(orders, order_id)
        if caller.role == "staff" and not (caller.location_id and order.involves(caller.location_id)):
            raise NotFound(f"Order {order_id!r} was not found.")
        if order.paid_at is not None:
            return order
        if order.payment is not Payment.PAY_IN_STORE:
            raise Conflict(f"Order {order_id} is paid {order.payment.value.replace('_', ' ')}.",
                           current_status=order.status.value)
        if amount_cents != order.amount_due_cents:
            raise InvalidRequest(f"The amount due is {order.amount_due_cents} cents.", field="amount_cents",
                                 amount_due_cents=order.amount_due_cents)
        after = order.paid(_now(), reference)
        tx = transactions.begin()
        orders.add_saved(tx, before=order, after=after)
        _commit(tx)
        return after
    return _again(step)


def carrier_update(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
                   transactions: Transactions, purchases: PurchaseStore, loyalty: LoyaltyStore | None,
                   update: StatusUpdate) -> Applied:
    """A carrier's status for a parcel: "applied", or "ignored" (not ours, late or repeated). The
    last parcel of a delivery delivered makes the order a purchase (points, returns)."""
    found = orders.tracked(update.carrier, update.tracking_number)
    if found is None:
        return "ignored"
    order_id, fulfilment_id = found
    if update.status.name not in CARRIER_STEPS:
        return "ignored"

    def step() -> Applied:
        order = _order(orders, order_id)
        moved = order.fulfilment(fulfilment_id).carrier_step(update.status.name)
        if moved is None:
            return "ignored"
        after = order.with_fulfilment(moved).after_shipping()
        if after.status is OrderStatus.DELIVERED and order.status is not OrderStatus.DELIVERED:
            try:
                service.finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                               transactions=transactions, before=order, after=after,
                               hold_ends_as=ReservationStatus.FULFILLED, purchases=purchases,
                               purchase=service.purchase_of(order=after, purchased_at=update.occurred_at),
                               loyalty=loyalty)
            except Conflict:
                raise _Changed() from None
            return "applied"
        tx = transactions.begin()
        orders.add_saved(tx, before=order, after=after)
        _commit(tx)
        return "applied"
    return _again(step)
