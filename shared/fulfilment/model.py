"""What routing reads and answers: a basket, a destination, the network of locations with their
stock and capacity, and the options (which location supplies which units, in how many parcels,
by when). Pure data: no storage, no HTTP, no clock (``today`` is always passed in)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shared.errors import InvalidRequest
from shared.locations.model import Coordinates, Location
from shared.reservations.model import Line  # a basket line is what a hold's line is
from shared.stock.model import StockLevel

# Dutch postcodes: four digits (never a leading 0) and two letters; SA, SD and SS are not issued.
_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
_NOT_ISSUED = {"SA", "SD", "SS"}


def normalise_postcode(raw: str) -> str:
    """``"1012ab"`` -> ``"1012 AB"``: one spelling, so zones and keys compare equal."""
    match = _POSTCODE.match(raw.strip().upper())
    if match is None or match.group(2) in _NOT_ISSUED:
        raise InvalidRequest("A delivery postcode is four digits and two letters, e.g. 1012 AB.", field="postal_code")
    return f"{match.group(1)} {match.group(2)}"


@dataclass(frozen=True)
class Basket:
    """The lines to fulfil; one line per SKU, so a location's stock of a SKU serves one line."""

    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        if not self.lines:
            raise InvalidRequest("A basket needs at least one line.", field="lines")
        if any(line.quantity <= 0 for line in self.lines):
            raise InvalidRequest("Every line needs a positive quantity.", field="quantity")
        if len({line.sku for line in self.lines}) != len(self.lines):
            raise InvalidRequest("One line per SKU.", field="lines")

    @classmethod
    def of(cls, quantities: Mapping[str, int]) -> Basket:
        return cls(tuple(Line(sku, quantity) for sku, quantity in quantities.items()))

    def quantity(self, sku: str) -> int:
        return next((line.quantity for line in self.lines if line.sku == sku), 0)


@dataclass(frozen=True)
class Pickup:
    """Collect at a store or pickup point (click & collect, or ship-to-store when it lacks stock)."""

    location_id: str


@dataclass(frozen=True)
class Delivery:
    """Home delivery to a postcode; ``coordinates`` is the postcode area's centre (for distances)."""

    postal_code: str
    coordinates: Coordinates

    def __post_init__(self) -> None:
        object.__setattr__(self, "postal_code", normalise_postcode(self.postal_code))


Destination = Pickup | Delivery


@dataclass(frozen=True)
class Capacity:
    """How many orders a location can fulfil today, and how many it already has."""

    per_day: int
    used: int = 0

    @property
    def has_room(self) -> bool:
        return self.used < self.per_day


@dataclass(frozen=True)
class Network:
    """The candidate sources: each location, what it can supply now (``StockLevel.available`` per
    SKU, this order's own holds already taken out) and its daily capacity (absent: no limit)."""

    locations: Mapping[str, Location]
    available: Mapping[str, Mapping[str, int]]
    capacity: Mapping[str, Capacity] = field(default_factory=dict)

    @classmethod
    def of(cls, *, locations: Iterable[Location], levels: Iterable[StockLevel],
           capacity: Mapping[str, Capacity] | None = None) -> Network:
        available: dict[str, dict[str, int]] = {}
        for level in levels:
            available.setdefault(level.location_id, {})[level.sku] = level.available
        return cls({loc.location_id: loc for loc in locations}, available, dict(capacity or {}))

    def stock(self, location_id: str, sku: str) -> int:
        return self.available.get(location_id, {}).get(sku, 0)


class Method(StrEnum):
    CLICK_AND_COLLECT = "click_and_collect"  # everything from the pickup store's own shelves
    SHIP_TO_STORE = "ship_to_store"  # some units travel to the pickup store first
    HOME_DELIVERY = "home_delivery"


class ShipmentKind(StrEnum):
    TRANSFER = "transfer"  # source -> pickup store
    DELIVERY = "delivery"  # source -> the customer's address


@dataclass(frozen=True, order=True)
class Pick:
    """``quantity`` units of ``sku`` supplied by ``location_id``."""

    sku: str
    location_id: str
    quantity: int


@dataclass(frozen=True)
class Shipment:
    """One parcel from one source location, and the earliest day it arrives."""

    source_id: str
    kind: ShipmentKind
    earliest_date: date


@dataclass(frozen=True)
class FulfilmentOption:
    method: Method
    picks: tuple[Pick, ...]  # sorted; a SKU appears at several locations only when split
    shipments: tuple[Shipment, ...]  # sorted by source; none for the pickup store's own stock
    earliest_date: date  # pickup or delivery: the day the last unit is there

    @property
    def parcels(self) -> int:
        return len(self.shipments)

    @property
    def sources(self) -> frozenset[str]:
        return frozenset(pick.location_id for pick in self.picks)

    def quantity(self, sku: str, location_id: str | None = None) -> int:
        return sum(p.quantity for p in self.picks
                   if p.sku == sku and (location_id is None or p.location_id == location_id))


@dataclass(frozen=True)
class FulfilmentOptions:
    """Best first by the routing rules; ``unavailable`` names SKUs no allowed source can cover
    (then there are no options: an order is fulfilled whole or not offered)."""

    options: tuple[FulfilmentOption, ...]
    unavailable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reroute:
    """The order's next allocation after a rejected line (``None``: nobody else can supply it).
    ``promise_changed`` when the customer must be told: the earliest date moved later (or is gone)."""

    option: FulfilmentOption | None
    promise_changed: bool
