"""The fulfilment API through its handler on moto: options for a basket at a store or a postcode,
the open slots of either, and bad input answered as a 4xx problem.

The handler asks "now" itself; these tests assert what holds on any day (relations between the
dates it answers), and read slots of a fixed week far ahead, open whenever this runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from functions.fulfilment_api import handler as api
from shared import wiring
from shared.slots import service as slots
from shared.slots.model import SlotOwner
from tests.integration.conftest import http
from tests.integration.test_reservations import stock

AHEAD = date(2099, 1, 5)  # a Monday
WEEK = {"first_day": AHEAD.isoformat(), "last_day": (AHEAD + timedelta(days=6)).isoformat()}
pytestmark = pytest.mark.usefixtures("locations")


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    priced(["F-1", "F-2", "F-3"], 2495)


def options(lines: list[dict], destination: dict) -> tuple[int, dict, dict]:
    return http(api, "POST /fulfilment-options", body={"lines": lines, "destination": destination})


def open_slots(query: str) -> tuple[int, dict, dict]:
    return http(api, "GET /slots", query=query)


def test_click_and_collect_and_ship_to_store_for_a_pickup_store() -> None:
    # given the Utrecht store has one SKU and the warehouse the other
    stock("F-1", "utrecht-oudegracht", 5)
    stock("F-2", "dc-tilburg", 5)
    # when a customer asks to collect both in Utrecht
    status, body, _ = options([{"sku": "F-1", "quantity": 1}, {"sku": "F-2", "quantity": 2}],
                              {"type": "pickup", "location_id": "utrecht-oudegracht"})
    # then the warehouse's units travel to the store, free, collected in the store's slots from that day
    assert status == 200, body
    assert body["slot_owner"] == {"kind": "pickup", "owner_id": "utrecht-oudegracht"}
    assert body["goods_cents"] == 3 * 2495 and body["unavailable"] == []
    best = body["options"][0]
    assert best["method"] == "ship_to_store" and best["cost_cents"] == 0 and best["parcels"] == 1
    assert {(p["sku"], p["location_id"]) for p in best["picks"]} == {("F-1", "utrecht-oudegracht"),
                                                                     ("F-2", "dc-tilburg")}
    assert best["shipments"][0]["kind"] == "transfer"
    earliest = date.fromisoformat(best["earliest_date"])
    assert best["slots"] and all(earliest <= date.fromisoformat(s["day"]) < earliest + timedelta(days=7)
                                 for s in best["slots"])
    assert all(s["slot_id"].startswith("pickup.utrecht-oudegracht.") for s in best["slots"])


def test_home_delivery_to_a_postcode_costs_the_fee_below_50_euro() -> None:
    stock("F-3", "dc-tilburg", 5)
    status, body, _ = options([{"sku": "F-3", "quantity": 1}], {"type": "delivery", "postal_code": "3512ab"})
    assert status == 200, body
    assert body["slot_owner"] == {"kind": "delivery", "owner_id": "utrecht"}
    (option,) = body["options"]
    assert (option["method"], option["cost_cents"], option["shipments"][0]["kind"]) == ("home_delivery", 495,
                                                                                         "delivery")
    assert "3512" not in str(body)  # the postcode is not echoed
    status, body, _ = options([{"sku": "F-3", "quantity": 3}], {"type": "delivery", "postal_code": "3512 AB"})
    assert status == 200 and body["options"][0]["cost_cents"] == 0  # 74.85 euro: free delivery


def test_a_basket_nobody_can_supply_names_what_is_missing() -> None:
    stock("F-1", "dc-tilburg", 1)
    status, body, _ = options([{"sku": "F-1", "quantity": 2}], {"type": "delivery", "postal_code": "1012 AB"})
    assert status == 200 and body["options"] == [] and body["unavailable"] == ["F-1"]


def test_slots_of_a_zone_show_the_places_left() -> None:
    # given one place taken in the first delivery slot of a week far ahead
    first = f"delivery.utrecht.{AHEAD:%Y%m%d}.0900"
    slots.book(transactions=wiring.transactions(), calendar=wiring.slot_calendar(), slots=wiring.slot_store(),
               order_id="order-1", slot_id=first, destination=SlotOwner.delivery("utrecht"),
               at=datetime(2098, 12, 1, tzinfo=UTC))
    # when anyone asks for that week's slots in Utrecht
    status, body, _ = open_slots(f"postal_code=3512%20AB&first_day={WEEK['first_day']}&last_day={WEEK['last_day']}")
    # then Monday to Saturday, three windows each, one place fewer in the booked one
    assert status == 200, body
    assert body["slot_owner"] == {"kind": "delivery", "owner_id": "utrecht"}
    assert len(body["slots"]) == 18 and body["slots"][0]["slot_id"] == first
    assert [s["remaining"] for s in body["slots"][:2]] == [19, 20]
    assert body["slots"][0]["starts_at"] == "2099-01-05T09:00:00+01:00"


def test_slots_of_a_pickup_location() -> None:
    status, body, _ = open_slots(f"location_id=pickup-utrecht-centraal&first_day={WEEK['first_day']}")
    assert status == 200, body
    assert body["last_day"] == WEEK["last_day"] and len(body["slots"]) == 12  # 6 days, 2 windows


@pytest.mark.parametrize(("query", "status"), [
    ("", 422),  # neither
    ("postal_code=3512AB&location_id=utrecht-oudegracht", 422),  # both
    ("postal_code=9999ZZ", 422),  # outside every zone
    ("postal_code=12", 422),
    ("location_id=nowhere", 404),
    ("location_id=dc-tilburg", 422),  # a warehouse hands nothing out
    ("location_id=utrecht-oudegracht&first_day=2099-01-10&last_day=2099-01-05", 422),
    ("location_id=utrecht-oudegracht&first_day=2099-01-01&last_day=2099-03-01", 422),  # over 31 days
    ("location_id=utrecht-oudegracht&first_day=tomorrow", 422),
])
def test_bad_slot_questions_are_problems(query: str, status: int) -> None:
    answered, body, headers = open_slots(query)
    assert answered == status, body
    assert headers["Content-Type"] == "application/problem+json"
    assert "9999" not in str(body)


PICKUP = {"type": "pickup", "location_id": "utrecht-oudegracht"}


@pytest.mark.parametrize(("lines", "destination", "status"), [
    ([], PICKUP, 422),  # an empty basket
    ([{"sku": "not a sku", "quantity": 1}], PICKUP, 422),
    ([{"sku": "F-1", "quantity": 0}], PICKUP, 422),
    ([{"sku": "F-1", "quantity": 1}, {"sku": "F-1", "quantity": 1}], PICKUP, 422),  # one line per SKU
    ([{"sku": "NOT-SOLD", "quantity": 1}], PICKUP, 422),  # not in the catalog
    ([{"sku": "F-1", "quantity": 1}], {"type": "delivery", "postal_code": "9999 ZZ"}, 422),
    ([{"sku": "F-1", "quantity": 1}], {"type": "delivery", "postal_code": "1012"}, 422),
    ([{"sku": "F-1", "quantity": 1}], {"type": "pickup", "location_id": "nowhere"}, 404),
    ([{"sku": "F-1", "quantity": 1}], {"type": "pickup", "location_id": "dc-tilburg"}, 422),
    ([{"sku": "F-1", "quantity": 1}], {"type": "mars", "location_id": "utrecht-oudegracht"}, 422),
    ([{"sku": "F-1", "quantity": 1}], {"type": "pickup", "location_id": "utrecht-oudegracht", "x": 1}, 422),
])
def test_bad_baskets_and_destinations_are_problems(lines: list[dict], destination: dict, status: int) -> None:
    answered, body, headers = options(lines, destination)
    assert answered == status, body
    assert headers["Content-Type"] == "application/problem+json"
    assert "9999" not in str(body)


def test_a_first_day_beyond_any_calendar_is_a_problem() -> None:
    status, body, _ = open_slots("location_id=utrecht-oudegracht&first_day=9999-12-31")
    assert status == 422 and body["errors"][0]["field"] == "first_day", body
