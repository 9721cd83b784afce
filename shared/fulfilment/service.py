"""Fulfilment use cases: where a basket can come from, for a pickup store or a postcode, what it
costs, by when, and in which time slots it can be collected or delivered.

Pure except through the ports: locations (the directory), stock and slot counts. ``at`` is
always passed in; "today" is its date in the Netherlands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.errors import InvalidRequest
from shared.fulfilment.model import (
    Basket,
    Capacity,
    Delivery,
    Destination,
    Method,
    Network,
    Pick,
    Pickup,
    Shipment,
    normalise_postcode,
)
from shared.fulfilment.ports import ShipCapacity
from shared.fulfilment.routing import options_for
from shared.locations.directory import LocationDirectory
from shared.locations.model import LocationType, Service
from shared.reservations.model import Line
from shared.slots import service as slots_service
from shared.slots.model import LOCAL_TIME, AvailableSlot, SlotCalendar, SlotOwner
from shared.slots.ports import SlotStore
from shared.stock.ports import StockStore

DELIVERY_FEE_CENTS = 495
FREE_DELIVERY_FROM_CENTS = 5000
SLOT_DAYS = 7  # the slots shown with an option: from its earliest date, a week


@dataclass(frozen=True)
class OptionAnswer:
    """One way to fulfil the basket: who supplies what, in which parcels, by when, at what cost,
    and the destination's slots that can still be booked from that day on."""

    method: Method
    picks: tuple[Pick, ...]
    shipments: tuple[Shipment, ...]
    earliest_date: date
    cost_cents: int
    slots: tuple[AvailableSlot, ...]

    @property
    def parcels(self) -> int:
        return len(self.shipments)


@dataclass(frozen=True)
class OptionsAnswer:
    """Best first; no options when ``unavailable`` names SKUs nobody allowed can supply in full."""

    destination: Destination
    slot_owner: SlotOwner
    options: tuple[OptionAnswer, ...]
    unavailable: tuple[str, ...] = ()


def network(*, directory: LocationDirectory, stock: StockStore, skus: Sequence[str],
            capacity: ShipCapacity | None = None, today: date | None = None) -> Network:
    """Every active location with what it has available of ``skus`` (one batch read of the SKUs
    at every location, 100 keys at a time) and, with ``capacity``, how many fulfilments each
    location with a ``ship_capacity_per_day`` took on ``today`` (one batch read of their counts)."""
    locations = [location for location in directory.all() if location.active]
    wanted = list(dict.fromkeys(skus))
    levels = stock.get_many([(sku, location.location_id) for sku in wanted for location in locations])
    limited = {loc.location_id: loc.ship_capacity_per_day for loc in locations if loc.ship_capacity_per_day is not None}
    if capacity is None or not limited:
        return Network.of(locations=locations, levels=levels)
    if today is None:
        raise ValueError("Daily capacity is counted per day: pass today.")
    used = capacity.used_on(today, sorted(limited))
    return Network.of(locations=locations, levels=levels, capacity={
        location_id: Capacity(per_day=per_day, used=used.get(location_id, 0))
        for location_id, per_day in limited.items()})


def destination_for(*, calendar: SlotCalendar, directory: LocationDirectory, location_id: str | None,
                    postal_code: str | None) -> tuple[Destination, SlotOwner]:
    """A pickup location or a delivery postcode (exactly one), and who offers its slots. A
    postcode is delivered to as if to its zone's centre; outside every zone: 422 on postal_code."""
    if (location_id is None) == (postal_code is None):
        raise InvalidRequest("Give either a location_id to collect at or a postal_code to deliver to.",
                             field="destination")
    if location_id is not None:
        location = directory.get(location_id)  # NotFound when unknown or closed
        if location.type is not LocationType.PICKUP_POINT and not location.offers(Service.CLICK_AND_COLLECT):
            raise InvalidRequest(f"{location_id} does not offer click & collect.", field="location_id")
        return Pickup(location_id), SlotOwner.pickup(location_id)
    assert postal_code is not None
    normalised = normalise_postcode(postal_code)
    zone = calendar.zone_for(normalised, field="postal_code")
    if zone.centre is None:
        raise InvalidRequest("We do not deliver to this postcode.", field="postal_code")
    return Delivery(normalised, coordinates=zone.centre), SlotOwner.delivery(zone.zone_id)


def delivery_fee_cents(*, method: Method, goods_cents: int) -> int:
    """Home delivery costs a fee below the free-delivery amount; collecting costs nothing."""
    if method is not Method.HOME_DELIVERY or goods_cents >= FREE_DELIVERY_FROM_CENTS:
        return 0
    return DELIVERY_FEE_CENTS


def local_today(*, at: datetime) -> date:
    return at.astimezone(LOCAL_TIME).date()


def options(*, directory: LocationDirectory, stock: StockStore, calendar: SlotCalendar, slots: SlotStore,
            lines: Sequence[Line], location_id: str | None, postal_code: str | None, at: datetime,
            goods_cents: int = 0, capacity: ShipCapacity | None = None) -> OptionsAnswer:
    """The ways to fulfil ``lines`` at the destination, best first, each with its cost and the
    slots open at ``at`` from its earliest date for a week (one read of the slot counts for all).
    ``goods_cents``: the basket's value, for free delivery (0: unknown, the fee applies)."""
    basket = Basket(tuple(lines))
    destination, owner = destination_for(calendar=calendar, directory=directory, location_id=location_id,
                                         postal_code=postal_code)
    found = options_for(basket=basket, destination=destination,
                        network=network(directory=directory, stock=stock, skus=[line.sku for line in basket.lines],
                                        capacity=capacity, today=local_today(at=at)),
                        today=local_today(at=at))
    if not found.options:
        return OptionsAnswer(destination, owner, (), found.unavailable)
    first = min(option.earliest_date for option in found.options)
    last = max(option.earliest_date for option in found.options) + timedelta(days=SLOT_DAYS - 1)
    open_slots = slots_service.offered(calendar=calendar, slots=slots, owner=owner, first_day=first, last_day=last,
                                       at=at)
    answers = tuple(OptionAnswer(
        method=option.method, picks=option.picks, shipments=option.shipments, earliest_date=option.earliest_date,
        cost_cents=delivery_fee_cents(method=option.method, goods_cents=goods_cents),
        slots=tuple(a for a in open_slots
                    if option.earliest_date <= a.slot.day < option.earliest_date + timedelta(days=SLOT_DAYS)))
        for option in found.options)
    return OptionsAnswer(destination, owner, answers, found.unavailable)
