"""Fulfilment options and slots over HTTP on the local system, as the webshop asks them before an
order: where a basket can come from for a store or a postcode, at what cost, and when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("fulfilment-e2e")
pytestmark = pytest.mark.e2e
AHEAD = date(2099, 1, 5)  # a Monday far ahead: its slots are open whenever this runs


def test_a_basket_is_offered_at_a_store_and_at_a_postcode_with_open_slots(system: Running, tokens: dict) -> None:
    here, there = unique("E2E-FUL"), unique("E2E-FUL")
    price_skus(system, [here, there], 1_000)
    set_count(system, tokens["erp"], here, "utrecht-oudegracht", 4)
    set_count(system, tokens["erp"], there, "dc-tilburg", 4)
    lines = [{"sku": here, "quantity": 1}, {"sku": there, "quantity": 1}]
    # collect in Utrecht: the warehouse's unit travels to the store
    status, body, _ = call("POST", url(system, "/fulfilment-options"), {
        "lines": lines, "destination": {"type": "pickup", "location_id": "utrecht-oudegracht"}})
    assert status == 200, body
    best = body["options"][0]
    assert (best["method"], best["cost_cents"], best["parcels"]) == ("ship_to_store", 0, 1)
    assert best["slots"] and date.fromisoformat(best["slots"][0]["day"]) >= date.fromisoformat(best["earliest_date"])
    # delivered in Amsterdam, 20 euro of goods: the delivery fee
    status, body, _ = call("POST", url(system, "/fulfilment-options"), {
        "lines": lines, "destination": {"type": "delivery", "postal_code": "1012 AB"}})
    assert status == 200, body
    assert body["slot_owner"] == {"kind": "delivery", "owner_id": "amsterdam"} and body["goods_cents"] == 2_000
    assert {o["method"] for o in body["options"]} == {"home_delivery"}
    assert all(o["cost_cents"] == 495 for o in body["options"])
    # the zone's slots for a week: Monday to Saturday, three windows of 20
    last = AHEAD + timedelta(days=6)
    status, week, _ = call("GET", url(system, f"/slots?postal_code=1012AB&first_day={AHEAD}&last_day={last}"))
    assert status == 200 and len(week["slots"]) == 18 and {s["remaining"] for s in week["slots"]} == {20}, week
    # outside every zone: a problem, not an empty answer
    status, problem, headers = call("POST", url(system, "/fulfilment-options"), {
        "lines": lines, "destination": {"type": "delivery", "postal_code": "9999 ZZ"}})
    assert status == 422, problem
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "application/problem+json"
    status, spec, _ = call("GET", url(system, "/openapi.json"))
    assert status == 200 and {"/fulfilment-options", "/slots"} <= set(spec["paths"])
