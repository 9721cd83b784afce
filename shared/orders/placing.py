"""Placing an order for any destination from any locations (endless aisle, ship-from-store,
ship-to-store, home delivery in a time slot).

The server routes the basket (``shared.fulfilment.routing``), prices it, and writes in one
transaction: a hold at every source (the pickup store's own shelves included), the order with
one fulfilment per other source, the booked slot, the points paid with and, at a source with a
daily capacity, one more fulfilment taken on today. Should stock move (or a source's capacity
fill up) meanwhile, the refused transaction changes nothing and the basket is routed again on
what is there now; a retry of the same request gets the first order back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from shared import pricing
from shared.catalog.ports import PriceLists
from shared.customers.ports import CustomerStore
from shared.errors import Conflict, IdempotencyKeyReused, InsufficientStock, InvalidRequest
from shared.fulfilment import service as fulfilment
from shared.fulfilment.model import Basket, Delivery, FulfilmentOption, ShipmentKind
from shared.fulfilment.ports import CapacityTaken, ShipCapacity
from shared.fulfilment.routing import DEFAULT_RULES, Rule, options_for
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.loyalty import model as loyalty_model
from shared.loyalty import service as loyalty_service
from shared.loyalty.model import NotEnoughPoints
from shared.loyalty.ports import LoyaltyStore
from shared.orders.fulfilments import (
    DeliverTo,
    DeliveryAddress,
    Fulfilment,
    FulfilmentKind,
    FulfilmentStatus,
    OrderDestination,
    PickupAt,
)
from shared.orders.model import Contact, Order, OrderStatus, Payment
from shared.orders.ports import OrderStore
from shared.orders.service import hold_for, ordered_line
from shared.reservations import holding
from shared.reservations.limits import limits_for
from shared.reservations.model import Channel, Line, merge_lines
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.slots import service as slot_service
from shared.slots.model import LOCAL_TIME, SlotBooking, SlotCalendar, SlotOwner
from shared.slots.ports import SlotStore
from shared.stock.ports import StockStore
from shared.transactions import MAX_WRITES, Refused, Transaction, Transactions

_NAMESPACE = uuid.UUID("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d")
ATTEMPTS = 3  # routings tried when stock moves between reading it and holding it
MAX_SOURCES = 5  # parcels an order may be split into


def _now() -> datetime:
    return datetime.now(UTC)


def hold_id(order_id: str, part: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{order_id}\n{part}"))


@dataclass(frozen=True)
class Where:
    """Where the customer wants it: collected at ``location_id``, or delivered to ``address``."""

    location_id: str | None = None
    address: DeliveryAddress | None = None

    def __post_init__(self) -> None:
        if (self.location_id is None) == (self.address is None):
            raise InvalidRequest("Give either a pickup location or a delivery address.", field="destination")


def _customer(caller: Caller, customer_id: str | None, customers: CustomerStore | None) -> str:
    if caller.role == "customer":
        if customer_id not in (None, caller.subject):
            raise InvalidRequest("A customer orders for themselves.", field="customer_id")
        return caller.subject
    caller.require({"staff", "admin"})
    if not customer_id:
        raise InvalidRequest("Whom is it for? An associate orders for a customer (customer_id).", field="customer_id")
    if customers is not None:
        found = customers.get(customer_id)
        if found is None or found.erased:
            raise InvalidRequest("There is no such customer.", field="customer_id")
    return customer_id


def _writes(option: FulfilmentOption, slot: bool, points: bool) -> int:
    holds = len({p.location_id for p in option.picks})
    capacity = len(option.shipments)  # at most one count per source
    return len(option.picks) + 2 * holds + 1 + (2 if slot else 0) + (1 if points else 0) + capacity


def _fulfilments(option: FulfilmentOption, *, order_id: str, pickup_id: str | None,
                 status: FulfilmentStatus) -> tuple[Fulfilment, ...]:
    made = []
    for n, shipment in enumerate(option.shipments, start=1):
        lines = tuple(Line(p.sku, p.quantity) for p in option.picks if p.location_id == shipment.source_id)
        made.append(Fulfilment(
            fulfilment_id=f"f{n}", source_id=shipment.source_id,
            kind=FulfilmentKind.TRANSFER if shipment.kind is ShipmentKind.TRANSFER else FulfilmentKind.DELIVERY,
            lines=lines, reservation_id=hold_id(order_id, f"f{n}"), status=status,
            earliest_date=shipment.earliest_date, destination_location_id=pickup_id))
    return tuple(made)


def place_anywhere(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
                   transactions: Transactions, directory: LocationDirectory, catalog: PriceLists,
                   calendar: SlotCalendar, slots: SlotStore, caller: Caller, where: Where, lines: list[Line],
                   payment: Payment, contact: Contact, channel: Channel, idempotency_key: str,
                   customer_id: str | None = None, slot_id: str | None = None, prices: dict[str, int] | None = None,
                   redeem_points: int = 0, loyalty: LoyaltyStore | None = None,
                   customers: CustomerStore | None = None, rules: Sequence[Rule] = DEFAULT_RULES,
                   now: datetime | None = None, capacity: ShipCapacity | None = None) -> tuple[Order, bool]:
    """Route, hold everywhere and record the order with its slot, in one transaction. Returns
    (order, created); a retry returns the first order. ``capacity``: the sources' daily counts
    (None: no daily capacity is counted or kept)."""
    for_customer = _customer(caller, customer_id, customers)
    destination, owner = fulfilment.destination_for(calendar=calendar, directory=directory,
                                                    location_id=where.location_id,
                                                    postal_code=where.address.postal_code if where.address else None)
    if isinstance(destination, Delivery) and slot_id is None:
        raise InvalidRequest("A home delivery needs a time slot (GET /slots).", field="slot_id")
    if payment is Payment.PAY_AT_PICKUP and isinstance(destination, Delivery):
        raise InvalidRequest("A delivery is paid online or in a store.", field="payment")
    if payment is Payment.PAY_IN_STORE and caller.role == "customer":
        raise InvalidRequest("Paying in a store is for orders an associate places.", field="payment")
    if payment is Payment.PAID_ONLINE and caller.role != "customer":
        raise InvalidRequest("An associate's order is paid at the till (pay_in_store) or at pickup.", field="payment")
    merged = merge_lines(lines)
    address = where.address
    claim = IdempotencyClaim.for_request(caller.principal, idempotency_key, {
        "op": "order-anywhere", "for": for_customer, "loc": where.location_id, "slot": slot_id,
        "to": [address.name, address.street, address.house_number, address.postal_code, address.city]
        if address else None, "payment": payment.value, "email": contact.email, "phone": contact.phone,
        "lang": contact.language, "name": contact.name, "channel": channel.value,
        "lines": [(line.sku, line.quantity) for line in merged], "prices": sorted((prices or {}).items()),
        "points": redeem_points})
    order_id = str(uuid.uuid5(_NAMESPACE, f"order\n{claim.scope}\n{claim.key}"))
    existing = orders.get(order_id)
    if existing is not None:
        if existing.fingerprint != claim.fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.")
        return existing, False
    moment = now or _now()
    price_list, priced_now = pricing.priced(catalog, (line.sku for line in merged), moment)
    pricing.check_shown(priced_now, prices)
    pickup = directory.get(where.location_id) if where.location_id else None
    order_destination: OrderDestination
    if pickup is not None:
        order_destination = PickupAt(pickup.location_id)
    else:
        assert address is not None  # a Where holds a pickup location or an address
        order_destination = DeliverTo(address, owner.owner_id)
    basket = Basket(merged)
    today = moment.astimezone(LOCAL_TIME).date()
    for _ in range(ATTEMPTS):
        network = fulfilment.network(directory=directory, stock=stock, skus=[line.sku for line in merged],
                                     capacity=capacity, today=today)
        found = options_for(basket=basket, destination=destination, network=network, rules=rules, today=today)
        if not found.options:
            raise InsufficientStock("Not every line can be supplied from the locations that ship.",
                                    lines=[{"sku": sku, "requested": basket.quantity(sku)}
                                           for sku in found.unavailable])
        option = found.options[0]
        if len(option.shipments) > MAX_SOURCES or _writes(option, slot_id is not None, redeem_points > 0) > MAX_WRITES:
            raise InvalidRequest("This basket would travel in too many parcels: split it into two orders.",
                                 field="lines")
        local = tuple(Line(p.sku, p.quantity) for p in option.picks if pickup and p.location_id == pickup.location_id)
        goods = sum(line.quantity * priced_now[line.sku].price_cents for line in merged)
        order = Order(
            order_id=order_id, customer_id=for_customer,
            location_id=pickup.location_id if pickup else (caller.location_id or option.shipments[0].source_id),
            lines=tuple(ordered_line(line=line, price=priced_now[line.sku], price_list=price_list) for line in merged),
            payment=payment, contact=contact, reservation_id=hold_id(order_id, "local"), status=OrderStatus.PLACED,
            placed_at=moment, fingerprint=claim.fingerprint, redeemed_points=redeem_points,
            destination=order_destination,
            fulfilments=_fulfilments(option, order_id=order_id, pickup_id=pickup.location_id if pickup else None,
                                     status=FulfilmentStatus.WAITING if payment is Payment.PAY_IN_STORE
                                     else FulfilmentStatus.REQUESTED),
            earliest_date=option.earliest_date,
            delivery_fee_cents=fulfilment.delivery_fee_cents(method=option.method, goods_cents=goods),
            placed_by=caller.location_id if caller.role == "staff" else None)
        try:
            return _commit(order=order, local=local, channel=channel, slot_id=slot_id, owner=owner, moment=moment,
                           orders=orders, reservations=reservations, counters=counters, stock=stock,
                           transactions=transactions, directory=directory, calendar=calendar, slots=slots,
                           caller=caller, loyalty=loyalty, capacity=capacity), True
        except _RouteAgain:
            continue
    raise InsufficientStock("The stock moved while the order was placed; not every line can be held now.",
                            lines=[{"sku": line.sku, "requested": line.quantity} for line in merged])


class _RouteAgain(Exception):
    """A source's stock (or its room for today) changed between routing and holding: route again."""


def _commit(*, order: Order, local: tuple[Line, ...], channel: Channel, slot_id: str | None, owner: SlotOwner,
            moment: datetime, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters,
            stock: StockStore, transactions: Transactions, directory: LocationDirectory, calendar: SlotCalendar,
            slots: SlotStore, caller: Caller, loyalty: LoyaltyStore | None,
            capacity: ShipCapacity | None = None) -> Order:
    tx = transactions.begin()
    booking = None
    if slot_id is not None:
        booking, _ = slot_service.add_booking(tx=tx, calendar=calendar, slots=slots, order_id=order.order_id,
                                              slot_id=slot_id, destination=owner, at=moment)
        if booking.slot.day < (order.earliest_date or booking.slot.day):
            raise Conflict(f"The goods can be there on {order.earliest_date} at the earliest: choose a later slot.",
                           earliest_date=str(order.earliest_date), slot_id=slot_id)
        order = _with_slot(order, booking)
    if order.redeemed_points:
        if loyalty is None:
            raise InvalidRequest("Points cannot be redeemed here.", field="redeem_points")
        loyalty.add_entry(tx, entry=loyalty_model.redeemed(
            account=loyalty.account(order.customer_id), order_id=order.order_id, points=order.redeemed_points,
            total_cents=order.goods_cents, at=moment))
    local_hold, limits = None, None
    if local:
        location = directory.get(order.location_id)
        limits = limits_for(caller, location)
        local_hold = hold_for(order=order, reservation_id=order.reservation_id, location_id=order.location_id,
                              lines=local, channel=channel, at=moment, limited=limits is not None)
        holding.add_hold(tx, reservations=reservations, counters=counters, stock=stock, reservation=local_hold,
                         limits=limits, default_threshold=location.low_stock_threshold)
    for f in order.fulfilments:
        hold = hold_for(order=order, reservation_id=f.reservation_id, location_id=f.source_id, lines=f.lines,
                        channel=channel, at=moment)
        holding.add_hold(tx, reservations=reservations, counters=counters, stock=stock, reservation=hold,
                         limits=None, default_threshold=directory.get(f.source_id).low_stock_threshold)
    add_capacity_taken(tx, capacity=capacity, directory=directory, fulfilments=order.fulfilments,
                       day=moment.astimezone(LOCAL_TIME).date())
    orders.add_placed(tx, order=order)
    try:
        tx.commit()
    except Refused as refusal:
        if refusal.about(order) is not None:  # a concurrent retry of the same request placed it first
            first = orders.get(order.order_id)
            if first is None or first.fingerprint != order.fingerprint:
                raise IdempotencyKeyReused("This Idempotency-Key was used before for a different request.") from None
            return first
        if booking is not None:
            refused_slot = slot_service.booking_refusal(refused=refusal, booking=booking)
            if refused_slot is not None:
                raise refused_slot from None
        if refusal.of(CapacityTaken):  # a source's day filled up meanwhile: route again without it
            raise _RouteAgain() from None
        if loyalty_service.refused_by_points(refused=refusal):
            raise NotEnoughPoints("The points were spent meanwhile.",
                                  balance=loyalty.account(order.customer_id).balance if loyalty else 0) from None
        if local_hold is not None and limits is not None:
            over_limits = holding.hold_refused(refusal, reservation=local_hold, limits=limits)
            if not isinstance(over_limits, InsufficientStock):
                raise over_limits from None  # the customer's hold limits at the pickup store (429)
        raise _RouteAgain() from None
    return order


def add_capacity_taken(tx: Transaction, *, capacity: ShipCapacity | None, directory: LocationDirectory,
                       fulfilments: Sequence[Fulfilment], day: date) -> None:
    """One fulfilment more today at each source with a daily capacity, refused once it is full."""
    if capacity is None:
        return
    for f in fulfilments:
        per_day = directory.get(f.source_id).ship_capacity_per_day
        if per_day is not None:
            capacity.add_taken(tx, taken=CapacityTaken(location_id=f.source_id, day=day, per_day=per_day))


def _with_slot(order: Order, booking: SlotBooking) -> Order:
    return replace(order, slot_id=booking.slot.slot_id, slot_starts_at=booking.slot.starts_at.astimezone(UTC),
                   slot_ends_at=booking.slot.ends_at.astimezone(UTC))
