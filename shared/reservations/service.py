"""Reservation use cases: hold, read, extend, cancel, and expire what is overdue."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.catalog.ports import PriceLists
from shared.errors import Conflict, InsufficientStock, InvalidRequest, NotFound
from shared.geo import distance_km
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Location, Service
from shared.pricing import priced
from shared.reservations import holding
from shared.reservations.limits import limits_for
from shared.reservations.model import Channel, Line, Reservation, ReservationStatus, hold_until, merge_lines
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.stock.ports import StockStore
from shared.transactions import Transactions

_RESERVATION_NAMESPACE = uuid.UUID("3d4f7a9e-1c2b-4e5f-8a6b-7c8d9e0f1a2b")
ALTERNATIVES = 3


def _now() -> datetime:
    return datetime.now(UTC)


def _customer_of(caller: Caller, customer_id: str | None) -> str:
    """Customers reserve for themselves; staff, integrations and admins name the customer."""
    if caller.role == "customer":
        if customer_id not in (None, caller.subject):
            raise NotFound("There is no such customer.")
        return caller.subject
    caller.require({"staff", "admin", "integration"})
    if not customer_id:
        raise InvalidRequest("customer_id is required when reserving on behalf of a customer.",
                             field="customer_id")
    return customer_id


def _visible(caller: Caller, reservation: Reservation | None, reservation_id: str) -> Reservation:
    """Only the customer, staff of its location and head office see a reservation; others get 404."""
    if reservation is not None and caller.sees(reservation.customer_id, reservation.location_id):
        return reservation
    raise NotFound(f"Reservation {reservation_id!r} was not found.")


def alternatives(*, stock: StockStore, directory: LocationDirectory, origin: Location, lines: tuple[Line, ...],
                 service: Service) -> list[dict[str, object]]:
    """Other locations that could hold the whole request, nearest to the asked one first."""
    candidates: dict[str, int] | None = None
    for line in lines:
        able = {lvl.location_id for lvl in stock.list_for_sku(line.sku) if lvl.available >= line.quantity}
        candidates = {loc: 0 for loc in able} if candidates is None else {
            loc: 0 for loc in candidates if loc in able}
    found = []
    for location in directory.all():
        if location.location_id in (candidates or {}) and location.location_id != origin.location_id \
                and location.active and location.offers(service):
            distance = distance_km(origin.coordinates.lat, origin.coordinates.lon,
                                   location.coordinates.lat, location.coordinates.lon)
            found.append({"location_id": location.location_id, "name": location.name,
                          "distance_km": round(distance, 1)})
    return sorted(found, key=lambda f: float(str(f["distance_km"])))[:ALTERNATIVES]


def reserve(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
            transactions: Transactions, directory: LocationDirectory, caller: Caller, location_id: str,
            lines: list[Line], channel: Channel, idempotency_key: str, customer_id: str | None = None,
            catalog: PriceLists, hold_seconds: int | None = None, order_id: str | None = None,
            service: Service = Service.RESERVATIONS) -> tuple[Reservation, bool]:
    """Hold the units, each line priced by the server from the catalog now (unknown SKU: 422)."""
    customer = _customer_of(caller, customer_id)
    location = directory.get(location_id)
    if caller.role == "staff":
        caller.require_location(location_id)
    if not location.offers(service):
        raise InvalidRequest(f"{location.name} does not offer {service.value}.", field="location_id")
    merged = merge_lines(lines)
    claim = IdempotencyClaim.for_request(caller.principal, idempotency_key, {
        "op": "reserve", "loc": location_id, "customer": customer, "channel": channel.value,
        "hold": hold_seconds, "order": order_id, "lines": [(line.sku, line.quantity) for line in merged]})
    created_at = _now()
    _, prices = priced(catalog, (line.sku for line in merged), created_at)
    limits = limits_for(caller, location)
    reservation = Reservation(
        reservation_id=str(uuid.uuid5(_RESERVATION_NAMESPACE, f"{claim.scope}\n{claim.key}")),
        customer_id=customer, location_id=location_id, lines=merged, channel=channel,
        status=ReservationStatus.ACTIVE, created_at=created_at,
        expires_at=hold_until(created_at, location.pickup_hold_hours, hold_seconds),
        fingerprint=claim.fingerprint, order_id=order_id, limited=limits is not None,
        prices=tuple(prices[line.sku] for line in merged),
    )
    try:
        return holding.hold(transactions=transactions, reservations=reservations, counters=counters, stock=stock,
                            reservation=reservation, limits=limits, default_threshold=location.low_stock_threshold)
    except InsufficientStock as refused:
        refused.extra["alternatives"] = alternatives(stock=stock, directory=directory, origin=location, lines=merged,
                                                     service=service)
        raise


def get(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore, transactions: Transactions,
        caller: Caller, reservation_id: str) -> Reservation:
    """Reading an overdue hold expires it on the spot: stock never waits for the sweep."""
    reservation = _visible(caller, reservations.get(reservation_id), reservation_id)
    if reservation.overdue(_now()) and not reservation.order_id:  # an order's hold ends with its order
        reservation, _ = holding.end(transactions=transactions, reservations=reservations, counters=counters,
                                     stock=stock, reservation=reservation, status=ReservationStatus.EXPIRED,
                                     overdue_at=_now())
    return reservation


def list_mine(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
              transactions: Transactions, caller: Caller, limit: int = 50,
              cursor: str | None = None) -> tuple[list[Reservation], str | None]:
    caller.require({"customer"})
    now = _now()
    found, next_cursor = reservations.list_for_customer(caller.subject, limit, cursor)
    return [holding.end(transactions=transactions, reservations=reservations, counters=counters, stock=stock,
                        reservation=r, status=ReservationStatus.EXPIRED, overdue_at=now)[0]
            if r.overdue(now) and not r.order_id else r for r in found], next_cursor


def _not_an_orders(reservation: Reservation, action: str) -> None:
    """An order's hold lives and ends with its order: it is changed through the order only."""
    if reservation.order_id:
        raise Conflict(f"This hold belongs to order {reservation.order_id}; {action} the order instead.",
                       order_id=reservation.order_id)


def cancel(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
           transactions: Transactions, caller: Caller, reservation_id: str) -> Reservation:
    reservation = get(reservations=reservations, counters=counters, stock=stock, transactions=transactions,
                      caller=caller, reservation_id=reservation_id)
    if reservation.status is ReservationStatus.CANCELLED:
        return reservation  # cancelling twice is the same as once
    _not_an_orders(reservation, "cancel")
    return holding.end(transactions=transactions, reservations=reservations, counters=counters, stock=stock,
                       reservation=reservation, status=ReservationStatus.CANCELLED)[0]


def extend(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
           transactions: Transactions, directory: LocationDirectory, caller: Caller, reservation_id: str,
           hold_seconds: int) -> Reservation:
    reservation = get(reservations=reservations, counters=counters, stock=stock, transactions=transactions,
                      caller=caller, reservation_id=reservation_id)
    _not_an_orders(reservation, "change")
    location = directory.get(reservation.location_id)
    until = _now() + timedelta(seconds=hold_seconds)
    return reservations.extend(before=reservation,
                               after=reservation.extended(until, timedelta(hours=location.pickup_hold_hours) * 2))


def expire_due(*, reservations: ReservationStore, counters: HoldCounters, stock: StockStore,
               transactions: Transactions, now: datetime | None = None) -> int:
    """The sweep: ends every overdue hold once, however many sweeps run at the same time."""
    moment = now or _now()
    expired = 0
    for reservation in reservations.due(moment):
        if reservation.order_id:
            continue  # an order's hold ends with the order (not collected), not here
        try:
            _, changed = holding.end(transactions=transactions, reservations=reservations, counters=counters,
                                     stock=stock, reservation=reservation, status=ReservationStatus.EXPIRED,
                                     overdue_at=moment)
            expired += changed
        except Conflict:
            continue  # cancelled or collected meanwhile: nothing to expire
    return expired
