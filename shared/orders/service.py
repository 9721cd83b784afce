"""Click & collect use cases: place, the store's steps, collection, and the pickup deadline."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared import pricing
from shared.catalog.model import PriceList, UnitPrice
from shared.catalog.ports import PriceLists
from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock, InvalidRequest, NotFound
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Service
from shared.loyalty import model as loyalty_model
from shared.loyalty import service as loyalty_service
from shared.loyalty.model import NotEnoughPoints, PointsEntry
from shared.loyalty.ports import LoyaltyStore
from shared.orders.fulfilments import BEFORE_SHIPPING, ON_THE_WAY, Fulfilment, FulfilmentKind, FulfilmentStatus
from shared.orders.model import MAX_CODE_ATTEMPTS, REMIND_BEFORE, Contact, Order, OrderLine, OrderStatus, Payment
from shared.orders.ports import OrderStore
from shared.pricing import PriceChanged
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.purchases.ports import PurchaseStore
from shared.purchases.service import purchase_id_for
from shared.reservations import holding
from shared.reservations.limits import limits_for
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus, merge_lines
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.reservations.service import alternatives
from shared.stock.model import INCREASE, TRANSFER_ARRIVED, StockMove
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import Refused, Transaction, Transactions

if TYPE_CHECKING:
    from shared.slots.ports import SlotStore

_ORDER_NAMESPACE = uuid.UUID("c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
PREPARE_WITHIN = timedelta(days=14)  # the hold's own limit; the order's deadline is set when ready
_POINTS_BACK = frozenset({OrderStatus.CANCELLED, OrderStatus.NOT_COLLECTED})  # ended without the goods


def _now() -> datetime:
    return datetime.now(UTC)


def _visible(caller: Caller, order: Order | None, order_id: str) -> Order:
    if order is not None and (caller.sees(order.customer_id, order.location_id) or (
            caller.role == "staff" and caller.location_id is not None and order.involves(caller.location_id))):
        return order
    raise NotFound(f"Order {order_id!r} was not found.")


def _staff_order(orders: OrderStore, caller: Caller, order_id: str) -> Order:
    order = _visible(caller, orders.get(order_id), order_id)
    if caller.role == "customer" or not caller.may_manage_location(order.location_id):
        raise NotFound(f"Order {order_id!r} was not found.")  # the pickup store's steps: not a customer's or a source's
    return order


# -- what an order writes together -----------------------------------------------------------


def save(*, orders: OrderStore, transactions: Transactions, before: Order, after: Order) -> Order:
    """A change with no stock effect (accept, start picking, reminder, re-send)."""
    tx = transactions.begin()
    orders.add_saved(tx, before=before, after=after)
    try:
        tx.commit()
    except Refused:
        raise Conflict(f"Order {before.order_id} changed meanwhile; read it and retry.") from None
    return after


def hold_for(*, order: Order, reservation_id: str, location_id: str, lines: tuple[Line, ...], channel: Channel,
             at: datetime, limited: bool = False) -> Reservation:
    """A hold that belongs to the order: it lives and ends with it (never on its own)."""
    return Reservation(
        reservation_id=reservation_id, customer_id=order.customer_id, location_id=location_id,
        lines=merge_lines(list(lines)), channel=channel, status=ReservationStatus.ACTIVE, created_at=at,
        expires_at=at + PREPARE_WITHIN, fingerprint=order.fingerprint, order_id=order.order_id, limited=limited)


def _holds_of(order: Order) -> list[tuple[str, bool]]:
    """Every hold the order may still have: (reservation id, held at the pickup store). The
    pickup store's own, each received transfer's there, and each source's before it ships."""
    found = [(order.reservation_id, True)]
    for f in order.fulfilments:
        if f.status in BEFORE_SHIPPING:
            found.append((f.reservation_id, False))
        elif f.status is FulfilmentStatus.RECEIVED:
            found.append((f.arrival_reservation_id, True))
    return found


def _add_returned_to_source(tx: Transaction, *, stock: StockStore, order: Order, fulfilment: Fulfilment) -> None:
    """A parcel the carrier could not deliver goes back to its source: booked in there again when
    its order ends (out of transit first, for a transfer)."""
    now = _now()
    effects = (TRANSFER_ARRIVED, INCREASE) if fulfilment.kind is FulfilmentKind.TRANSFER else (INCREASE,)
    for line in fulfilment.lines:
        for effect in effects:
            move = StockMove(line.sku, fulfilment.source_id, effect, line.quantity)
            stock.add_move(tx, move=move, default_threshold=0, change=ChangeReceipt.of_move(
                move, change_id=f"{fulfilment.reservation_id}:returned:{effect.name}", kind="returned", at=now,
                source=f"order:{order.order_id}"))


def finish(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
           transactions: Transactions, before: Order, after: Order, hold_ends_as: ReservationStatus,
           purchases: PurchaseStore | None = None, purchase: Purchase | None = None,
           loyalty: LoyaltyStore | None = None, slots: SlotStore | None = None) -> Order:
    """Collected or delivered (units handed over), cancelled or not collected (units back on
    sale, parcels not yet sent stay home, the slot is free again), with the purchase a
    collection becomes and the points it earns, in one transaction."""
    if not after.is_open and after.status is not OrderStatus.DELIVERED:
        after = replace(after, fulfilments=tuple(f.cancelled() for f in after.fulfilments))
    tx = transactions.begin()
    orders.add_saved(tx, before=before, after=after)
    for hold_id, at_pickup in _holds_of(before):
        hold = reservations.get(hold_id)
        if hold is None or not hold.is_active:  # nothing held there (any more)
            continue
        ends_as = hold_ends_as if at_pickup or hold_ends_as is not ReservationStatus.FULFILLED \
            else ReservationStatus.CANCELLED  # handed over at the pickup store: what never left is freed
        holding.add_end(tx, reservations=reservations, counters=counters, stock=stock, before=hold,
                        after=hold.ended(ends_as))
    if after.status is OrderStatus.CANCELLED:
        for f in before.fulfilments:
            if f.status is FulfilmentStatus.FAILED:
                _add_returned_to_source(tx, stock=stock, order=before, fulfilment=f)
    if slots is not None and before.slot_id and after.status is OrderStatus.CANCELLED:
        from shared.slots import service as slot_service  # orders with a slot only: the rest never load it

        slot_service.add_release(tx=tx, slots=slots, order_id=before.order_id, at=_now())
    if purchases is not None and purchase is not None:
        purchases.add_recorded(tx, purchase=purchase, fingerprint=before.fingerprint)
        loyalty_service.add_earned(tx=tx, loyalty=loyalty, customer_id=purchase.customer_id,
                                   purchase_id=purchase.purchase_id,
                                   paid_cents=purchase.total_cents - before.points_discount_cents,
                                   at=purchase.purchased_at)
    elif loyalty is not None and before.redeemed_points and after.status in _POINTS_BACK:
        loyalty.add_entry(tx, entry=loyalty_model.restored(
            customer_id=before.customer_id, order_id=before.order_id, points=before.redeemed_points, at=_now()))
    try:
        tx.commit()
    except Refused:
        raise Conflict("The order changed meanwhile; read it and retry.") from None
    return after


def release_line(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters,
                 stock: StockStore, transactions: Transactions, before: Order, after: Order, sku: str) -> Order:
    """One line's units back on sale (short), the rest still held for the order."""
    hold = reservations.get(before.reservation_id)
    if hold is None or not any(line.sku == sku for line in hold.lines):
        return save(orders=orders, transactions=transactions, before=before, after=after)  # already released
    tx = transactions.begin()
    orders.add_saved(tx, before=before, after=after)
    holding.add_line_released(tx, reservations=reservations, counters=counters, stock=stock, before=hold, sku=sku)
    try:
        tx.commit()
    except Refused:
        raise Conflict("The order changed meanwhile; read it and retry.") from None
    return after


# -- use cases -----------------------------------------------------------------------------------


def ordered_line(*, line: Line, price: UnitPrice, price_list: PriceList) -> OrderLine:
    """A line as the customer ordered it: priced now, named and described (the variant) for staff and mails."""
    return OrderLine(line.sku, line.quantity, price.price_cents, list_price_cents=price.list_price_cents,
                     promotion_id=price.promotion_id, vat_rate_percent=price.vat_rate_percent,
                     name=pricing.name_of(price_list, line.sku), attributes=pricing.attributes_of(price_list, line.sku))


def place(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
          transactions: Transactions, directory: LocationDirectory, caller: Caller, location_id: str,
          lines: list[Line], payment: Payment, contact: Contact, channel: Channel, idempotency_key: str,
          catalog: PriceLists, prices: dict[str, int] | None = None, redeem_points: int = 0,
          loyalty: LoyaltyStore | None = None) -> tuple[Order, bool]:
    """Hold the stock and record the order in one transaction (with the points redeemed on it); a
    retry returns the same order.

    Each line is priced by the server from the catalog now (promotions included); ``prices`` are
    the prices the customer was shown: one that differs is a 409 ``price-changed``, nothing held.
    """
    caller.require({"customer"})
    location = directory.get(location_id)
    if not location.offers(Service.CLICK_AND_COLLECT):
        raise InvalidRequest(f"{location.name} does not offer click & collect.", field="location_id")
    merged = merge_lines(lines)
    claim = IdempotencyClaim.for_request(caller.principal, idempotency_key, {
        "op": "order", "loc": location_id, "payment": payment.value, "email": contact.email,
        "phone": contact.phone, "lang": contact.language, "channel": channel.value,
        **({"name": contact.name} if contact.name else {}),
        "lines": [(line.sku, line.quantity) for line in merged], "prices": sorted((prices or {}).items()),
        **({"points": redeem_points} if redeem_points else {})})
    order_id = str(uuid.uuid5(_ORDER_NAMESPACE, f"order\n{claim.scope}\n{claim.key}"))
    now = _now()
    price_list, priced_now = pricing.priced(catalog, (line.sku for line in merged), now)
    try:
        pricing.check_shown(priced_now, prices)
    except PriceChanged:
        existing = orders.get(order_id)  # a retry of an order placed before the price changed
        if existing is not None and existing.fingerprint == claim.fingerprint:
            return existing, False
        raise
    limits = limits_for(caller, location)
    hold = Reservation(
        reservation_id=str(uuid.uuid5(_ORDER_NAMESPACE, f"hold\n{claim.scope}\n{claim.key}")),
        customer_id=caller.subject, location_id=location_id, lines=merged, channel=channel,
        status=ReservationStatus.ACTIVE, created_at=now, expires_at=now + PREPARE_WITHIN,
        fingerprint=claim.fingerprint, order_id=order_id, limited=limits is not None,
        prices=tuple(priced_now[line.sku] for line in merged),
    )
    order = Order(
        order_id=order_id, customer_id=caller.subject, location_id=location_id,
        lines=tuple(ordered_line(line=line, price=priced_now[line.sku], price_list=price_list) for line in merged),
        payment=payment, contact=contact,
        reservation_id=hold.reservation_id, status=OrderStatus.PLACED, placed_at=now,
        fingerprint=claim.fingerprint, redeemed_points=redeem_points,
    )
    redemption = _redemption(orders=orders, loyalty=loyalty, order=order, now=now) if redeem_points else None
    if isinstance(redemption, Order):
        return redemption, False  # a retry: its points were taken the first time
    tx = transactions.begin()
    if redemption is not None:
        assert loyalty is not None
        loyalty.add_entry(tx, entry=redemption)
    holding.add_hold(tx, reservations=reservations, counters=counters, stock=stock, reservation=hold, limits=limits,
                     default_threshold=location.low_stock_threshold)
    orders.add_placed(tx, order=order)
    try:
        tx.commit()
    except Refused as refusal:
        if refusal.about(hold) is not None or refusal.about(order) is not None:  # a retry of the first
            held = holding.first_hold(refusal, reservations=reservations, reservation=hold)
            existing = orders.get(order_id)
            if existing is None or existing.fingerprint != order.fingerprint \
                    or (held is not None and held.order_id != order_id):
                raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.") from None
            return existing, False
        if loyalty_service.refused_by_points(refused=refusal):
            raise NotEnoughPoints("The points were spent meanwhile.", balance=loyalty.account(caller.subject).balance
                                  if loyalty else 0) from None
        error = holding.hold_refused(refusal, reservation=hold, limits=limits)
        if isinstance(error, InsufficientStock):
            error.extra["alternatives"] = alternatives(stock=stock, directory=directory, origin=location, lines=merged,
                                                       service=Service.CLICK_AND_COLLECT)
        raise error from None
    return order, True


def _redemption(*, orders: OrderStore, loyalty: LoyaltyStore | None, order: Order,
                now: datetime) -> PointsEntry | Order:
    """The points off the balance for this order, or the order itself when this is a retry of it
    (its points are gone from the balance already: checking them again would refuse the retry)."""
    if loyalty is None:
        raise InvalidRequest("Points cannot be redeemed here.", field="redeem_points")
    existing = orders.get(order.order_id)
    if existing is not None:
        if existing.fingerprint != order.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.")
        return existing
    total = sum(line.quantity * line.unit_price_cents for line in order.lines)
    return loyalty_model.redeemed(account=loyalty.account(order.customer_id), order_id=order.order_id,
                                  points=order.redeemed_points, total_cents=total, at=now)


def get(*, orders: OrderStore, caller: Caller, order_id: str) -> Order:
    return _visible(caller, orders.get(order_id), order_id)


def list_mine(*, orders: OrderStore, caller: Caller, limit: int = 50,
              cursor: str | None = None) -> tuple[list[Order], str | None]:
    caller.require({"customer"})
    return orders.list_for_customer(caller.subject, limit, cursor)


def list_open(*, orders: OrderStore, caller: Caller, location_id: str, limit: int = 50,
              cursor: str | None = None) -> tuple[list[Order], str | None]:
    caller.require_location(location_id)
    return orders.list_open_at(location_id, limit, cursor)


def advance(*, orders: OrderStore, transactions: Transactions, caller: Caller, order_id: str,
            status: OrderStatus) -> Order:
    """Accept or start picking: no stock effect. Asking for the current state again is a no-op."""
    order = _staff_order(orders, caller, order_id)
    if order.status is status:
        return order
    return save(orders=orders, transactions=transactions, before=order, after=order.moved_to(status))


def mark_short(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
               transactions: Transactions, caller: Caller, order_id: str, sku: str,
               loyalty: LoyaltyStore | None = None, slots: SlotStore | None = None) -> Order:
    """A line not found at picking: its units go back, the order goes on, the customer is told."""
    order = _staff_order(orders, caller, order_id)
    if any(line.sku == sku and line.short for line in order.lines):
        return order
    after = order.with_short_line(sku)
    if not after.held_lines:  # nothing left to collect
        return finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                      transactions=transactions, before=order, after=after.moved_to(OrderStatus.CANCELLED),
                      hold_ends_as=ReservationStatus.CANCELLED, loyalty=loyalty, slots=slots)
    return release_line(orders=orders, reservations=reservations, counters=counters, stock=stock,
                        transactions=transactions, before=order, after=after, sku=sku)


def ready(*, orders: OrderStore, transactions: Transactions, directory: LocationDirectory, caller: Caller,
          order_id: str) -> Order:
    order = _staff_order(orders, caller, order_id)
    if order.status is OrderStatus.READY_FOR_PICKUP:
        return order
    location = directory.get(order.location_id)
    return save(orders=orders, transactions=transactions, before=order,
                after=order.ready(_now(), location.pickup_hold_hours))


def resend_ready(*, orders: OrderStore, transactions: Transactions, caller: Caller, order_id: str) -> Order:
    order = _staff_order(orders, caller, order_id)
    if order.status is not OrderStatus.READY_FOR_PICKUP:
        raise Conflict(f"Order {order_id} is {order.status.value}, not ready for pickup.",
                       current_status=order.status.value)
    return save(orders=orders, transactions=transactions, before=order,
                after=replace(order, ready_notices=order.ready_notices + 1, version=order.version + 1))


def new_pickup_code(*, orders: OrderStore, transactions: Transactions, caller: Caller, order_id: str) -> Order:
    """Staff of the pickup store void the code (e.g. locked after wrong guesses) and send a new one."""
    order = _staff_order(orders, caller, order_id)
    return save(orders=orders, transactions=transactions, before=order, after=order.with_new_code())


def purchase_of(*, order: Order, purchased_at: datetime) -> Purchase:
    """The purchase a collected order becomes in the customer's timeline (its held lines)."""
    return Purchase(
        purchase_id=purchase_id_for(location_id=order.location_id, reference=order.order_id),
        channel=PurchaseChannel.HOME_DELIVERY if order.is_delivery else PurchaseChannel.CLICK_AND_COLLECT,
        location_id=order.location_id, purchased_at=purchased_at, reference=order.order_id,
        customer_id=order.customer_id, receipt_email=order.contact.email,
        points_discount_cents=order.points_discount_cents,
        lines=tuple(PurchasedLine(x.sku, x.quantity, x.unit_price_cents, list_price_cents=x.list_price_cents,
                                  promotion_id=x.promotion_id, vat_rate_percent=x.vat_rate_percent,
                                  catalog_price_cents=x.unit_price_cents if x.list_price_cents is not None else None)
                    for x in order.lines if not x.short))


def collect(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
            transactions: Transactions, purchases: PurchaseStore, caller: Caller, order_id: str,
            pickup_code: str, loyalty: LoyaltyStore | None = None) -> Order:
    """Hand over with the code: the held units leave on_hand and reserved together, and the
    order becomes a purchase in the customer's timeline, in the same transaction."""
    order = _staff_order(orders, caller, order_id)
    if order.status is OrderStatus.COLLECTED:
        return order
    if not order.check_code(pickup_code):
        raise order.wrong_code(orders.record_wrong_code(order, MAX_CODE_ATTEMPTS))
    return finish(orders=orders, reservations=reservations, counters=counters, stock=stock, transactions=transactions,
                  before=order, after=order.moved_to(OrderStatus.COLLECTED), hold_ends_as=ReservationStatus.FULFILLED,
                  purchases=purchases, purchase=purchase_of(order=order, purchased_at=_now()), loyalty=loyalty)


def cancel(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
           transactions: Transactions, caller: Caller, order_id: str, loyalty: LoyaltyStore | None = None,
           slots: SlotStore | None = None) -> Order:
    order = _visible(caller, orders.get(order_id), order_id)
    if caller.role == "staff" and caller.location_id not in (order.location_id, order.placed_by):
        raise NotFound(f"Order {order_id!r} was not found.")  # a source store rejects lines; it cannot cancel
    if order.status is OrderStatus.CANCELLED:
        return order
    if order.is_delivery and any(f.status in ON_THE_WAY for f in order.fulfilments):
        raise Conflict(f"Order {order_id} is on its way: refuse the parcel or return it instead.",
                       current_status=order.status.value)
    return finish(orders=orders, reservations=reservations, counters=counters, stock=stock, transactions=transactions,
                  before=order, after=order.moved_to(OrderStatus.CANCELLED), hold_ends_as=ReservationStatus.CANCELLED,
                  loyalty=loyalty, slots=slots)


def sweep(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
          transactions: Transactions, now: datetime | None = None,
          loyalty: LoyaltyStore | None = None, slots: SlotStore | None = None) -> dict[str, int]:
    """Reminders before the pickup window ends; NOT_COLLECTED (units back) when it has ended;
    CANCELLED (holds and slot freed) when an order to be paid in a store was not paid in time."""
    moment = now or _now()
    done = {"reminded": 0, "not_collected": 0, "unpaid_cancelled": 0}
    for order in orders.unpaid_until(moment):
        try:
            if order.payment_deadline is not None and order.payment_deadline <= moment:
                finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                       transactions=transactions, before=order, after=order.moved_to(OrderStatus.CANCELLED),
                       hold_ends_as=ReservationStatus.CANCELLED, loyalty=loyalty, slots=slots)
                done["unpaid_cancelled"] += 1
        except Conflict:
            continue  # paid or cancelled meanwhile
    for order in orders.waiting_until(moment + REMIND_BEFORE):
        try:
            if order.overdue(moment):
                finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                       transactions=transactions, before=order, after=order.moved_to(OrderStatus.NOT_COLLECTED),
                       hold_ends_as=ReservationStatus.EXPIRED, loyalty=loyalty)
                done["not_collected"] += 1
            elif order.reminder_due(moment):
                save(orders=orders, transactions=transactions, before=order,
                     after=replace(order, reminded=True, version=order.version + 1))
                done["reminded"] += 1
        except Conflict:
            continue  # collected or cancelled meanwhile, or another sweep did it
    return done
