"""Routing rules as data: each rule has a case where it changes the outcome, then the dates,
the splits, the bad input and re-routing a rejected line. Fixed dates and places, no clock."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.errors import InvalidRequest, NotFound
from shared.fulfilment.model import (
    Basket,
    Capacity,
    Delivery,
    Destination,
    FulfilmentOption,
    Method,
    Network,
    Pick,
    Pickup,
    ShipmentKind,
    normalise_postcode,
)
from shared.fulfilment.routing import (
    DEFAULT_RULES,
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
from shared.stock.model import StockLevel

TODAY = date(2026, 3, 2)
# Distances from Amsterdam: Amstelveen ~7 km, Zaandam ~8, Haarlem ~17, Utrecht ~35, Rotterdam ~57, Eindhoven ~107.
PLACES = {
    "amsterdam": (52.3728, 4.8936), "amstelveen": (52.3114, 4.8701), "zaandam": (52.4420, 4.8292),
    "haarlem": (52.3874, 4.6462), "utrecht": (52.0907, 5.1214), "rotterdam": (51.9225, 4.4792),
    "eindhoven": (51.4416, 5.4697),
}
AMSTERDAM_HOME = Delivery("1012ab", Coordinates(lat=52.3728, lon=4.8936))
EVERY_SERVICE = frozenset({Service.CLICK_AND_COLLECT, Service.SHIP_FROM_STORE})


def place(location_id: str, *, city: str | None = None, kind: LocationType = LocationType.STORE,
          services: frozenset[Service] = EVERY_SERVICE) -> Location:
    lat, lon = PLACES[city or location_id]
    return Location(location_id=location_id, name=location_id.title(), type=kind, services=services,
                    address=Address(street="Markt 1", postal_code="1000 AA", city=city or location_id),
                    coordinates=Coordinates(lat=lat, lon=lon))


def network(stock: dict[Location, dict[str, int]], capacity: dict[str, Capacity] | None = None) -> Network:
    return Network({loc.location_id: loc for loc in stock},
                   {loc.location_id: dict(skus) for loc, skus in stock.items()}, capacity or {})


def best(basket: dict[str, int], destination: Destination, net: Network, rules: tuple[Rule, ...]) -> FulfilmentOption:
    return options_for(basket=Basket.of(basket), destination=destination, network=net, rules=rules,
                       today=TODAY).options[0]


def sources_of(option: FulfilmentOption) -> dict[str, str]:
    return {pick.sku: pick.location_id for pick in option.picks}


# -- each rule changes an outcome ------------------------------------------------------------


def test_prefer_pickup_store_takes_what_the_pickup_store_has_and_brings_in_only_the_rest() -> None:
    net = network({place("amsterdam"): {"A": 1},
                   place("wh-utrecht", city="utrecht", kind=LocationType.WAREHOUSE): {"A": 1, "B": 1}})
    at_amsterdam = Pickup("amsterdam")

    without = best({"A": 1, "B": 1}, at_amsterdam, net, (SingleSourceFirst(),))
    with_rule = best({"A": 1, "B": 1}, at_amsterdam, net, (PreferPickupStore(), SingleSourceFirst()))

    assert sources_of(without) == {"A": "wh-utrecht", "B": "wh-utrecht"}
    assert sources_of(with_rule) == {"A": "amsterdam", "B": "wh-utrecht"}
    assert with_rule.method is Method.SHIP_TO_STORE and with_rule.parcels == 1


def test_single_source_first_sends_one_parcel_from_far_rather_than_two_from_near() -> None:
    net = network({place("amsterdam"): {"A": 1}, place("haarlem"): {"B": 1},
                   place("wh-eindhoven", city="eindhoven", kind=LocationType.WAREHOUSE): {"A": 1, "B": 1}})

    without = best({"A": 1, "B": 1}, AMSTERDAM_HOME, net, (Nearest(),))
    with_rule = best({"A": 1, "B": 1}, AMSTERDAM_HOME, net, (SingleSourceFirst(), Nearest()))

    assert sources_of(without) == {"A": "amsterdam", "B": "haarlem"} and without.parcels == 2
    assert sources_of(with_rule) == {"A": "wh-eindhoven", "B": "wh-eindhoven"} and with_rule.parcels == 1


def test_nearest_chooses_the_closer_of_two_locations_that_each_have_everything() -> None:
    net = network({place("utrecht"): {"A": 1, "B": 1}, place("eindhoven"): {"A": 1, "B": 1}})

    without = best({"A": 1, "B": 1}, AMSTERDAM_HOME, net, (SingleSourceFirst(),))  # a tie: the ids decide
    with_rule = best({"A": 1, "B": 1}, AMSTERDAM_HOME, net, (SingleSourceFirst(), Nearest()))

    assert without.sources == {"eindhoven"}
    assert with_rule.sources == {"utrecht"}


def test_fewest_splits_prefers_two_parcels_from_farther_to_three_from_near() -> None:
    net = network({place("amstelveen"): {"A": 1}, place("zaandam"): {"B": 1}, place("haarlem"): {"C": 1},
                   place("rotterdam"): {"A": 1, "B": 1}})
    basket = {"A": 1, "B": 1, "C": 1}

    without = best(basket, AMSTERDAM_HOME, net, (Nearest(),))
    with_rule = best(basket, AMSTERDAM_HOME, net, (FewestSplits(), Nearest()))

    assert sources_of(without) == {"A": "amstelveen", "B": "zaandam", "C": "haarlem"} and without.parcels == 3
    assert sources_of(with_rule) == {"A": "rotterdam", "B": "rotterdam", "C": "haarlem"} and with_rule.parcels == 2


def test_only_ship_from_store_skips_a_store_that_does_not_ship_but_not_the_pickup_stores_own_shelves() -> None:
    no_shipping = frozenset({Service.CLICK_AND_COLLECT})
    net = network({place("utrecht", services=no_shipping): {"A": 1},
                   place("wh-eindhoven", city="eindhoven", kind=LocationType.WAREHOUSE, services=frozenset()): {"A": 1},
                   place("amsterdam", services=no_shipping): {"B": 1}})

    without = best({"A": 1}, AMSTERDAM_HOME, net, (Nearest(),))
    with_rule = best({"A": 1}, AMSTERDAM_HOME, net, (OnlyShipFromStore(), Nearest()))
    collect_own = best({"B": 1}, Pickup("amsterdam"), net, (OnlyShipFromStore(),))

    assert without.sources == {"utrecht"}
    assert with_rule.sources == {"wh-eindhoven"}  # a warehouse ships by trade
    assert collect_own.sources == {"amsterdam"} and collect_own.method is Method.CLICK_AND_COLLECT


def test_daily_capacity_skips_a_location_whose_orders_for_today_are_full() -> None:
    full = {"utrecht": Capacity(per_day=3, used=3), "eindhoven": Capacity(per_day=3, used=2)}
    net = network({place("utrecht"): {"A": 1}, place("eindhoven"): {"A": 1}}, full)

    without = best({"A": 1}, AMSTERDAM_HOME, net, (Nearest(),))
    with_rule = best({"A": 1}, AMSTERDAM_HOME, net, (DailyCapacity(), Nearest()))

    assert without.sources == {"utrecht"}
    assert with_rule.sources == {"eindhoven"}  # one order of room left


def test_the_default_rules_are_the_issues_order() -> None:
    issue_order = (OnlyShipFromStore(), DailyCapacity(), PreferPickupStore(), SingleSourceFirst(), Nearest(),
                   FewestSplits())
    assert issue_order == DEFAULT_RULES


# -- splits ----------------------------------------------------------------------------------


def test_a_line_is_not_split_when_one_location_has_all_of_it_even_a_far_one() -> None:
    net = network({place("amsterdam"): {"A": 3}, place("haarlem"): {"A": 2}, place("eindhoven"): {"A": 5}})

    option = best({"A": 5}, AMSTERDAM_HOME, net, (Nearest(), FewestSplits()))

    assert option.picks == (Pick("A", "eindhoven", 5),)


def test_a_line_no_location_has_whole_is_split_one_parcel_per_source() -> None:
    net = network({place("amsterdam"): {"A": 3}, place("haarlem"): {"A": 2}, place("eindhoven"): {"A": 1}})

    option = best({"A": 5}, AMSTERDAM_HOME, net, DEFAULT_RULES)

    assert option.picks == (Pick("A", "amsterdam", 3), Pick("A", "haarlem", 2))
    assert option.parcels == 2 and {s.kind for s in option.shipments} == {ShipmentKind.DELIVERY}


def test_when_no_allowed_location_can_cover_a_line_there_is_no_option_and_it_is_named() -> None:
    net = network({place("amsterdam"): {"A": 1, "B": 1}, place("haarlem"): {"A": 1}})

    found = options_for(basket=Basket.of({"A": 3, "B": 1}), destination=AMSTERDAM_HOME, network=net, today=TODAY)

    assert found.options == () and found.unavailable == ("A",)


def test_every_option_is_distinct_and_the_best_comes_first() -> None:
    net = network({place("amsterdam"): {"A": 1}, place("haarlem"): {"B": 1},
                   place("wh-eindhoven", city="eindhoven", kind=LocationType.WAREHOUSE): {"A": 1, "B": 1}})

    found = options_for(basket=Basket.of({"A": 1, "B": 1}), destination=AMSTERDAM_HOME, network=net, today=TODAY)

    assert len({option.picks for option in found.options}) == len(found.options) >= 2
    assert found.options[0].sources == {"wh-eindhoven"}  # the default rules: one parcel first


# -- dates -----------------------------------------------------------------------------------


def test_the_pickup_stores_own_stock_is_ready_today_without_a_parcel() -> None:
    option = best({"A": 2}, Pickup("amsterdam"), network({place("amsterdam"): {"A": 2}}), DEFAULT_RULES)

    assert option.method is Method.CLICK_AND_COLLECT and option.parcels == 0 and option.earliest_date == TODAY


@pytest.mark.parametrize(("source", "days"), [("amstelveen", 1), ("utrecht", 2), ("eindhoven", 3)])
def test_a_transfer_to_the_pickup_store_takes_days_by_distance_band(source: str, days: int) -> None:
    net = network({place("amsterdam"): {}, place(source): {"A": 1}})

    option = best({"A": 1}, Pickup("amsterdam"), net, DEFAULT_RULES)

    assert option.method is Method.SHIP_TO_STORE
    assert [(s.source_id, s.kind) for s in option.shipments] == [(source, ShipmentKind.TRANSFER)]
    assert option.earliest_date == TODAY + timedelta(days=days)


def test_delivery_from_a_warehouse_is_next_day_from_a_store_a_day_later_and_the_last_parcel_decides() -> None:
    warehouse = place("wh-utrecht", city="utrecht", kind=LocationType.WAREHOUSE)

    from_warehouse = best({"A": 1}, AMSTERDAM_HOME, network({warehouse: {"A": 1}}), DEFAULT_RULES)
    from_store = best({"A": 1}, AMSTERDAM_HOME, network({place("utrecht"): {"A": 1}}), DEFAULT_RULES)
    from_both = best({"A": 1, "B": 1}, AMSTERDAM_HOME, network({warehouse: {"A": 1}, place("haarlem"): {"B": 1}}),
                     DEFAULT_RULES)

    assert from_warehouse.earliest_date == TODAY + timedelta(days=1)
    assert from_store.earliest_date == TODAY + timedelta(days=2)
    assert [s.earliest_date - TODAY for s in from_both.shipments] == [timedelta(days=2), timedelta(days=1)]
    assert from_both.earliest_date == TODAY + timedelta(days=2)


# -- input -----------------------------------------------------------------------------------


def test_a_postcode_has_one_spelling_and_a_malformed_one_is_refused() -> None:
    assert normalise_postcode(" 1012ab ") == "1012 AB" == AMSTERDAM_HOME.postal_code
    for bad in ("0123 AB", "1012", "1012 A1", "1012 SS", "12345 AB"):
        with pytest.raises(InvalidRequest):
            normalise_postcode(bad)


def test_a_basket_is_not_empty_has_positive_quantities_and_one_line_per_sku() -> None:
    with pytest.raises(InvalidRequest):
        Basket(())
    with pytest.raises(InvalidRequest):
        Basket.of({"A": 0})
    with pytest.raises(InvalidRequest):
        Basket((*Basket.of({"A": 1}).lines, *Basket.of({"A": 2}).lines))


def test_collecting_needs_an_open_location_that_offers_click_and_collect() -> None:
    net = network({place("amsterdam", services=frozenset({Service.SHIP_FROM_STORE})): {"A": 1}})

    with pytest.raises(InvalidRequest):
        options_for(basket=Basket.of({"A": 1}), destination=Pickup("amsterdam"), network=net, today=TODAY)
    with pytest.raises(NotFound):
        options_for(basket=Basket.of({"A": 1}), destination=Pickup("nowhere"), network=net, today=TODAY)


def test_available_is_what_the_stock_level_says_may_be_promised() -> None:
    net = Network.of(locations=[place("amsterdam")],
                     levels=[StockLevel("A", "amsterdam", on_hand=5, reserved=2, safety_stock=1),
                             StockLevel("B", "amsterdam", on_hand=1, reserved=0, safety_stock=3)])

    assert (net.stock("amsterdam", "A"), net.stock("amsterdam", "B"), net.stock("amsterdam", "C")) == (2, 0, 0)


# -- re-routing a rejected line --------------------------------------------------------------


def holds_taken(net: Network, option: FulfilmentOption) -> Network:
    """The network once the order holds its picks: what a later re-route sees as available."""
    left = {loc: dict(skus) for loc, skus in net.available.items()}
    for pick in option.picks:
        left[pick.location_id][pick.sku] -= pick.quantity
    return Network(net.locations, left, net.capacity)


def test_a_rejected_line_comes_from_the_next_location_and_the_promise_holds_when_the_date_does() -> None:
    net = network({place("utrecht"): {"A": 1, "B": 1}, place("haarlem"): {"B": 1}})
    placed = best({"A": 1, "B": 1}, AMSTERDAM_HOME, net, DEFAULT_RULES)
    assert placed.sources == {"utrecht"}

    after = reroute(option=placed, rejected_sku="B", rejected_location_id="utrecht", destination=AMSTERDAM_HOME,
                    network=holds_taken(net, placed), today=TODAY)

    assert after.option is not None and sources_of(after.option) == {"A": "utrecht", "B": "haarlem"}
    assert after.option.parcels == 2 and after.promise_changed is False


def test_a_line_the_pickup_store_cannot_find_is_transferred_in_and_the_promise_moves() -> None:
    net = network({place("amsterdam"): {"A": 1}, place("utrecht"): {"A": 4}})
    placed = best({"A": 1}, Pickup("amsterdam"), net, DEFAULT_RULES)
    assert placed.method is Method.CLICK_AND_COLLECT

    after = reroute(option=placed, rejected_sku="A", rejected_location_id="amsterdam", destination=Pickup("amsterdam"),
                    network=holds_taken(net, placed), today=TODAY)

    assert after.option is not None and after.option.picks == (Pick("A", "utrecht", 1),)
    assert after.option.method is Method.SHIP_TO_STORE and after.promise_changed is True
    assert after.option.earliest_date == TODAY + timedelta(days=2)


def test_a_re_routed_line_goes_to_a_location_already_in_the_order_even_at_its_capacity() -> None:
    placed = best({"A": 1, "B": 1}, AMSTERDAM_HOME, network({place("utrecht"): {"A": 1}, place("haarlem"): {"B": 1}}),
                  DEFAULT_RULES)
    assert sources_of(placed) == {"A": "utrecht", "B": "haarlem"}
    # Later, with the order's holds out: Haarlem has received an A, and this order fills its day.
    now = network({place("utrecht"): {"A": 0}, place("haarlem"): {"A": 1, "B": 0}, place("zaandam"): {"A": 1}},
                  {"haarlem": Capacity(per_day=1, used=1)})

    after = reroute(option=placed, rejected_sku="A", rejected_location_id="utrecht", destination=AMSTERDAM_HOME,
                    network=now, today=TODAY)

    assert after.option is not None and after.option.sources == {"haarlem"}  # not zaandam: one parcel, not two
    assert after.option.parcels == 1 and after.promise_changed is False


def test_when_nobody_else_has_the_line_the_reroute_says_so() -> None:
    net = network({place("utrecht"): {"A": 1}, place("haarlem"): {"A": 1}}, {"haarlem": Capacity(per_day=1, used=1)})
    placed = best({"A": 1}, AMSTERDAM_HOME, net, DEFAULT_RULES)

    after = reroute(option=placed, rejected_sku="A", rejected_location_id="utrecht", destination=AMSTERDAM_HOME,
                    network=holds_taken(net, placed), today=TODAY)

    assert after.option is None and after.promise_changed is True


def test_rejecting_a_line_a_location_does_not_supply_is_refused() -> None:
    net = network({place("utrecht"): {"A": 1}})
    placed = best({"A": 1}, AMSTERDAM_HOME, net, DEFAULT_RULES)

    with pytest.raises(InvalidRequest):
        reroute(option=placed, rejected_sku="A", rejected_location_id="haarlem", destination=AMSTERDAM_HOME,
                network=net, today=TODAY)
