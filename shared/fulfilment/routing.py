"""Routing rules as data, and the one function that reads them.

A rule is a value; the rules of a deployment are an ordered tuple of them. Two kinds:
- filters (:class:`OnlyShipFromStore`, :class:`DailyCapacity`) decide which locations may supply
  at all; their place in the tuple does not matter;
- rankings (:class:`PreferPickupStore`, :class:`SingleSourceFirst`, :class:`Nearest`,
  :class:`FewestSplits`) order the candidate allocations; earlier rules weigh more, the way a
  sort on several keys does. Ties after every rule go to the earliest date, then the ids.

Whatever the rules, a line is split across locations only when no single allowed location has
all of it, no location is asked for more than it has available, and the basket is covered exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared.errors import InvalidRequest, NotFound
from shared.fulfilment.model import (
    Basket,
    Delivery,
    Destination,
    FulfilmentOption,
    FulfilmentOptions,
    Method,
    Network,
    Pick,
    Reroute,
    Shipment,
    ShipmentKind,
)
from shared.geo import distance_km
from shared.locations.model import Coordinates, Location, LocationType, Service
from shared.reservations.model import Line


@dataclass(frozen=True)
class PreferPickupStore:
    """Rank: fewer units brought in from elsewhere than the pickup store (no effect on delivery)."""


@dataclass(frozen=True)
class SingleSourceFirst:
    """Rank: one location with everything before any combination of locations."""


@dataclass(frozen=True)
class Nearest:
    """Rank: the farthest source closest to the destination (the farthest parcel travels longest)."""


@dataclass(frozen=True)
class FewestSplits:
    """Rank: fewer source locations (parcels), then fewer lines split across locations."""


@dataclass(frozen=True)
class OnlyShipFromStore:
    """Filter: a store other than the pickup store supplies only when it offers ship-from-store.
    A warehouse ships by trade; the pickup store's own shelves need no shipping."""


@dataclass(frozen=True)
class DailyCapacity:
    """Filter: a location whose orders for today have reached its daily capacity takes no new one
    (it counts what it ships: the pickup store's own shelves, shipping nothing, are not limited)."""


Rule = PreferPickupStore | SingleSourceFirst | Nearest | FewestSplits | OnlyShipFromStore | DailyCapacity

# The order: prefer the pickup store, then one location with everything, then nearest,
# then fewest splits; only ship-from-store locations, within their daily capacity.
DEFAULT_RULES: tuple[Rule, ...] = (
    OnlyShipFromStore(), DailyCapacity(), PreferPickupStore(), SingleSourceFirst(), Nearest(), FewestSplits(),
)

# A transfer rides the replenishment van: a store on a nearby route has it the next day; farther
# away it changes vans at the hub, a day more for each leg. (upper bound in km, days)
TRANSFER_DAYS_BY_DISTANCE: tuple[tuple[float, int], ...] = ((30.0, 1), (100.0, 2))
TRANSFER_DAYS_BEYOND = 3
# The carrier collects at warehouses every evening (delivered next day); a store packs between
# customers and the carrier collects there the next morning (a day more).
DELIVERY_DAYS = {LocationType.WAREHOUSE: 1, LocationType.STORE: 2}
DELIVERY_DAYS_OTHERWISE = 2
# Enough alternatives to choose from (faster but split, slower but one parcel), few enough for a screen.
MAX_OPTIONS = 5


def transfer_days(distance: float) -> int:
    return next((days for bound, days in TRANSFER_DAYS_BY_DISTANCE if distance <= bound), TRANSFER_DAYS_BEYOND)


@dataclass(frozen=True)
class _Context:
    destination: Destination
    network: Network
    rules: tuple[Rule, ...]
    today: date
    pickup: Location | None
    target: Coordinates

    def distance(self, location_id: str) -> float:
        here = self.network.locations[location_id].coordinates
        return distance_km(here.lat, here.lon, self.target.lat, self.target.lon)

    def is_pickup(self, location_id: str) -> bool:
        return self.pickup is not None and self.pickup.location_id == location_id

    def preference(self, location_id: str) -> tuple[int, float, str]:
        """The order in which locations are tried: the pickup store, then the nearest."""
        return (0 if self.is_pickup(location_id) else 1, self.distance(location_id), location_id)

    def stock(self, location_id: str, sku: str) -> int:
        return self.network.stock(location_id, sku)


def _context(destination: Destination, network: Network, rules: Sequence[Rule], today: date) -> _Context:
    if isinstance(destination, Delivery):
        return _Context(destination, network, tuple(rules), today, None, destination.coordinates)
    pickup = network.locations.get(destination.location_id)
    if pickup is None or not pickup.active:
        raise NotFound(f"No open location {destination.location_id} to collect at.")
    if pickup.type is not LocationType.PICKUP_POINT and not pickup.offers(Service.CLICK_AND_COLLECT):
        raise InvalidRequest(f"{pickup.location_id} does not offer click & collect.", field="location_id")
    return _Context(destination, network, tuple(rules), today, pickup, pickup.coordinates)


def _allowed(location: Location, ctx: _Context, *, already_sourcing: bool = False) -> bool:
    """May this location supply? ``already_sourcing``: it supplies this order already, so its
    capacity counted the order once (a re-routed line adds no order there)."""
    if not location.active:
        return False
    if location.type is LocationType.PICKUP_POINT and not ctx.is_pickup(location.location_id):
        return False  # a pickup point hands out what arrives; it sends nothing on
    for rule in ctx.rules:
        if isinstance(rule, OnlyShipFromStore):
            if (location.type is LocationType.STORE and not ctx.is_pickup(location.location_id)
                    and not location.offers(Service.SHIP_FROM_STORE)):
                return False
        elif isinstance(rule, DailyCapacity) and not already_sourcing and not ctx.is_pickup(location.location_id):
            capacity = ctx.network.capacity.get(location.location_id)
            if capacity is not None and not capacity.has_room:
                return False
    return True


def _candidates(lines: Sequence[Line], eligible: Sequence[str], ctx: _Context) -> list[tuple[Pick, ...]]:
    """One allocation per anchor location: start there, then add the location that has the most
    remaining lines whole (nearest first on a tie). Lines no single location has whole are split,
    from the chosen locations first. Duplicates removed; the rules rank what remains."""
    ordered = sorted(eligible, key=ctx.preference)
    whole = [line for line in lines if any(ctx.stock(loc, line.sku) >= line.quantity for loc in ordered)]
    split = [line for line in lines if line not in whole]
    found: dict[tuple[Pick, ...], None] = {}
    for anchor in ordered:
        chosen, picks, todo = [anchor], [], list(whole)
        while todo:
            for line in list(todo):
                holder = next((loc for loc in chosen if ctx.stock(loc, line.sku) >= line.quantity), None)
                if holder is not None:
                    picks.append(Pick(line.sku, holder, line.quantity))
                    todo.remove(line)
            if todo:
                # Some unchosen location has each remaining line whole (a chosen one would have taken it).
                chosen.append(min((loc for loc in ordered if loc not in chosen), key=lambda loc: (
                    -sum(ctx.stock(loc, line.sku) >= line.quantity for line in todo), ctx.preference(loc))))
        for line in split:
            need = line.quantity
            for loc in [*chosen, *(loc for loc in ordered if loc not in chosen)]:
                take = min(need, ctx.stock(loc, line.sku))
                if take > 0:
                    picks.append(Pick(line.sku, loc, take))
                    need -= take
                if need == 0:
                    break
        found.setdefault(tuple(sorted(picks)), None)
    return list(found)


def _option(picks: Iterable[Pick], ctx: _Context, *, previous: Mapping[str, date] | None = None,
            touched: frozenset[str] | None = None) -> FulfilmentOption:
    """Dates for an allocation. In a re-route, a source left ``untouched`` keeps its ``previous``
    date; a source given new units arrives no earlier than before nor than its lead time from today."""
    ordered = tuple(sorted(picks))
    previous = previous or {}
    shipments, own_stock = [], False
    for source in sorted({pick.location_id for pick in ordered}):
        if ctx.is_pickup(source):
            own_stock = True
            continue
        location = ctx.network.locations[source]
        if ctx.pickup is not None:
            kind, days = ShipmentKind.TRANSFER, transfer_days(ctx.distance(source))
        else:
            kind, days = ShipmentKind.DELIVERY, DELIVERY_DAYS.get(location.type, DELIVERY_DAYS_OTHERWISE)
        arrives = ctx.today + timedelta(days=days)
        if source in previous:
            arrives = previous[source] if touched is not None and source not in touched else max(
                previous[source], arrives)
        shipments.append(Shipment(source, kind, arrives))
    dates = [shipment.earliest_date for shipment in shipments] + ([ctx.today] if own_stock else [])
    if ctx.pickup is None:
        method = Method.HOME_DELIVERY
    else:
        method = Method.SHIP_TO_STORE if shipments else Method.CLICK_AND_COLLECT
    return FulfilmentOption(method, ordered, tuple(shipments), max(dates))


def _rank(option: FulfilmentOption, ctx: _Context) -> tuple[tuple[float, ...], int, tuple[Pick, ...]]:
    key: list[float] = []
    for rule in ctx.rules:
        if isinstance(rule, PreferPickupStore):
            key.append(sum(p.quantity for p in option.picks if not ctx.is_pickup(p.location_id))
                       if ctx.pickup is not None else 0)
        elif isinstance(rule, SingleSourceFirst):
            key.append(0 if len(option.sources) == 1 else 1)
        elif isinstance(rule, Nearest):
            key.append(round(max(ctx.distance(source) for source in option.sources), 3))
        elif isinstance(rule, FewestSplits):
            skus = [p.sku for p in option.picks]
            key += [len(option.sources), len({sku for sku in skus if skus.count(sku) > 1})]
    return tuple(key), option.earliest_date.toordinal(), option.picks


def options_for(*, basket: Basket, destination: Destination, network: Network,
                rules: Sequence[Rule] = DEFAULT_RULES, today: date) -> FulfilmentOptions:
    """The ways to fulfil ``basket`` at ``destination``, best first by ``rules``."""
    ctx = _context(destination, network, rules, today)
    eligible = [loc_id for loc_id, location in network.locations.items()
                if _allowed(location, ctx) and any(ctx.stock(loc_id, line.sku) > 0 for line in basket.lines)]
    unavailable = tuple(line.sku for line in basket.lines
                        if sum(ctx.stock(loc, line.sku) for loc in eligible) < line.quantity)
    if unavailable:
        return FulfilmentOptions((), unavailable)
    options = sorted((_option(picks, ctx) for picks in _candidates(basket.lines, eligible, ctx)),
                     key=lambda option: _rank(option, ctx))
    return FulfilmentOptions(tuple(options[:MAX_OPTIONS]))


def _merge(picks: Iterable[Pick]) -> tuple[Pick, ...]:
    totals: dict[tuple[str, str], int] = {}
    for pick in picks:
        totals[pick.sku, pick.location_id] = totals.get((pick.sku, pick.location_id), 0) + pick.quantity
    return tuple(sorted(Pick(sku, loc, quantity) for (sku, loc), quantity in totals.items()))


def reroute(*, option: FulfilmentOption, rejected_sku: str, rejected_location_id: str, destination: Destination,
            network: Network, rules: Sequence[Rule] = DEFAULT_RULES, today: date) -> Reroute:
    """The order's allocation after ``rejected_location_id`` could not supply ``rejected_sku``:
    those units come from other locations (never that one, for that line); every other pick stays.
    ``network`` is what is available now: the order's own holds are already taken out of it."""
    ctx = _context(destination, network, rules, today)
    rejected = option.quantity(rejected_sku, rejected_location_id)
    if rejected == 0:
        raise InvalidRequest(f"{rejected_location_id} supplies no {rejected_sku} to this order.", field="sku")
    kept = [p for p in option.picks if (p.sku, p.location_id) != (rejected_sku, rejected_location_id)]
    sourcing = {p.location_id for p in kept}
    eligible = [loc_id for loc_id, location in network.locations.items()
                if loc_id != rejected_location_id and ctx.stock(loc_id, rejected_sku) > 0
                and _allowed(location, ctx, already_sourcing=loc_id in sourcing)]
    if sum(ctx.stock(loc, rejected_sku) for loc in eligible) < rejected:
        return Reroute(None, promise_changed=True)
    previous = {shipment.source_id: shipment.earliest_date for shipment in option.shipments}
    candidates = [_option(_merge([*kept, *new]), ctx, previous=previous, touched=frozenset(p.location_id for p in new))
                  for new in _candidates((Line(rejected_sku, rejected),), eligible, ctx)]
    best = min(candidates, key=lambda candidate: _rank(candidate, ctx))
    return Reroute(best, promise_changed=best.earliest_date > option.earliest_date)
