"""Whatever the stock, the basket and the rules: every option stays within what each location has
available, covers the basket exactly, uses only locations the rules allow and splits a line only
when no allowed location has it whole; a re-route never goes back to the location that rejected
the line. Examples come from the hypothesis profile (tests/conftest.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from hypothesis import event, given, settings
from hypothesis import strategies as st

from shared.fulfilment.model import (
    Basket,
    Capacity,
    Delivery,
    Destination,
    FulfilmentOption,
    Network,
    Pickup,
)
from shared.fulfilment.routing import (
    DailyCapacity,
    FewestSplits,
    Nearest,
    OnlyShipFromStore,
    PreferPickupStore,
    Rule,
    SingleSourceFirst,
    options_for,
    reroute,
)
from shared.locations.model import Address, Coordinates, Location, LocationType, Service
from tests.unit.test_fulfilment_routing import PLACES, TODAY

ALL_RULES: tuple[Rule, ...] = (PreferPickupStore(), SingleSourceFirst(), Nearest(), FewestSplits(),
                               OnlyShipFromStore(), DailyCapacity())
SKUS = ("A", "B", "C", "D")
# Pure Python, a few milliseconds an example: like the state machines on the fakes
# (tests/conftest.py), it runs a multiple of the profile's examples, so even the profile's first,
# simplest ones (little stock, few options) leave many with splits and re-routes.
PURE_FACTOR = 10


@dataclass(frozen=True)
class World:
    network: Network
    basket: Basket
    destination: Destination
    rules: tuple[Rule, ...]

    @property
    def pickup_id(self) -> str | None:
        return self.destination.location_id if isinstance(self.destination, Pickup) else None

    def allowed(self, location_id: str, *, already_sourcing: bool = False) -> bool:
        """The rules' filters, restated from their definitions."""
        location = self.network.locations[location_id]
        is_pickup = location_id == self.pickup_id
        if not location.active or (location.type is LocationType.PICKUP_POINT and not is_pickup):
            return False
        if (OnlyShipFromStore() in self.rules and location.type is LocationType.STORE and not is_pickup
                and not location.offers(Service.SHIP_FROM_STORE)):
            return False
        capacity = self.network.capacity.get(location_id)
        return (already_sourcing or is_pickup  # the pickup store's own shelves ship nothing: never limited
                or DailyCapacity() not in self.rules or capacity is None or capacity.has_room)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    cities = draw(st.permutations(sorted(PLACES)))[:draw(st.integers(3, 6))]
    pickup_at = draw(st.one_of(st.none(), st.sampled_from(cities)))
    locations, available, capacity = [], {}, {}
    for city in cities:
        services = set(draw(st.sets(st.sampled_from([Service.CLICK_AND_COLLECT, Service.SHIP_FROM_STORE]))))
        active = draw(st.sampled_from([True, True, True, True, False]))
        kind = draw(st.sampled_from([LocationType.STORE] * 3 + [LocationType.WAREHOUSE, LocationType.PICKUP_POINT]))
        if city == pickup_at:  # a place one can collect at
            services.add(Service.CLICK_AND_COLLECT)
            active = True
        lat, lon = PLACES[city]
        locations.append(Location(location_id=city, name=city.title(), type=kind, services=frozenset(services),
                                  active=active, coordinates=Coordinates(lat=lat, lon=lon),
                                  address=Address(street="Markt 1", postal_code="1000 AA", city=city)))
        available[city] = {sku: draw(st.integers(0, 4)) for sku in SKUS}
        if draw(st.booleans()):
            per_day = draw(st.integers(1, 3))
            capacity[city] = Capacity(per_day=per_day, used=draw(st.integers(0, per_day)))
    destination: Destination = Pickup(pickup_at) if pickup_at is not None else Delivery(
        f"{draw(st.integers(1000, 9999))} AB",
        Coordinates(lat=draw(st.floats(50.8, 53.4)), lon=draw(st.floats(3.4, 7.2))))
    rules = tuple(draw(st.permutations(ALL_RULES))[:draw(st.integers(0, len(ALL_RULES)))])
    world = World(Network({loc.location_id: loc for loc in locations}, available, capacity), Basket.of({"A": 1}),
                  destination, rules)
    # Up to what the allowed locations have together: often more than any one has (a split); a SKU
    # none of them has makes it one more than all of them (no option).
    allowed = [loc for loc in cities if world.allowed(loc)]
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=len(SKUS), unique=True))
    together = {sku: sum(available[loc][sku] for loc in allowed) for sku in skus}
    return replace(world, basket=Basket.of({sku: draw(st.integers(1, max(1, together[sku]))) for sku in skus}))


def held(quantities: Counter[tuple[str, str]], network: Network) -> Network:
    """What is available once an order holds ``quantities`` of (sku, location)."""
    return Network(network.locations, {loc: {sku: units - quantities[sku, loc] for sku, units in skus.items()}
                                       for loc, skus in network.available.items()}, network.capacity)


def units(option: FulfilmentOption) -> Counter[tuple[str, str]]:
    return Counter({(p.sku, p.location_id): p.quantity for p in option.picks})


def assert_covers_the_basket(option: FulfilmentOption, basket: Basket) -> None:
    per_sku: Counter[str] = Counter()
    for pick in option.picks:
        assert pick.quantity > 0
        per_sku[pick.sku] += pick.quantity
    assert per_sku == Counter({line.sku: line.quantity for line in basket.lines})


@settings(max_examples=settings.default.max_examples * PURE_FACTOR)  # type: ignore[union-attr]
@given(world=worlds(), data=st.data())
def test_options_and_reroutes_keep_to_stock_basket_and_rules(world: World, data: st.DataObject) -> None:
    net, basket = world.network, world.basket
    found = options_for(basket=basket, destination=world.destination, network=net, rules=world.rules, today=TODAY)

    allowed = [loc for loc in net.locations if world.allowed(loc)]
    short = tuple(line.sku for line in basket.lines
                  if sum(net.stock(loc, line.sku) for loc in allowed) < line.quantity)
    assert found.unavailable == short
    assert bool(found.options) == (not short)
    event("options" if found.options else "no option")

    for option in found.options:
        taken = units(option)
        assert all(quantity <= net.stock(loc, sku) for (sku, loc), quantity in taken.items())
        assert_covers_the_basket(option, basket)
        assert all(world.allowed(loc) for loc in option.sources)
        for line in basket.lines:
            if len({loc for sku, loc in taken if sku == line.sku}) > 1:  # split: nobody allowed had it whole
                event("a line split")
                assert all(net.stock(loc, line.sku) < line.quantity for loc in allowed)
        assert option.parcels == len(option.sources - {world.pickup_id})
        assert option.earliest_date >= TODAY

        rejected_sku, rejected_at = data.draw(st.sampled_from(sorted(taken)))
        now = held(taken, net)
        after = reroute(option=option, rejected_sku=rejected_sku, rejected_location_id=rejected_at,
                        destination=world.destination, network=now, rules=world.rules, today=TODAY)

        event("re-routed" if after.option is not None else "no re-route")
        if after.option is None:
            elsewhere = sum(now.stock(loc, rejected_sku) for loc in net.locations if loc != rejected_at
                            and world.allowed(loc, already_sourcing=loc in option.sources))
            assert elsewhere < taken[rejected_sku, rejected_at] and after.promise_changed
            continue
        again = units(after.option)
        assert again[rejected_sku, rejected_at] == 0
        assert_covers_the_basket(after.option, basket)
        for (sku, loc), quantity in again.items():
            assert quantity - taken[sku, loc] <= now.stock(loc, sku)  # new units only from what is free now
            if (sku, loc) != (rejected_sku, rejected_at):
                assert quantity >= taken[sku, loc]  # every other pick stays
        assert all(world.allowed(loc, already_sourcing=loc in option.sources) for loc in after.option.sources)
        assert after.promise_changed == (after.option.earliest_date > option.earliest_date)
