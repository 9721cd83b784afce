"""The catalog over HTTP on the local system: the webshop lists and searches the seeded products
and reads a product page in Dutch and English with its promotion price; the ERP changes a price
through the API, then through a bus event (rule, queue, consumer), and an older one is ignored."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.e2e.conftest import Running, call
from tests.e2e.test_local_stock import url

pytestmark = pytest.mark.e2e
HAT = "E2E-CAT-HAT"  # made here: the seeded products' prices stay as other stories expect them


def product_page(system: Running, product_id: str, **headers: str) -> dict[str, Any]:
    status, body, _ = call("GET", url(system, f"/products/{product_id}"), headers=headers)
    assert status == 200, body
    return body


def test_the_webshop_lists_and_searches_the_seeded_catalog(system: Running) -> None:
    status, everything, _ = call("GET", url(system, "/products?limit=100&lang=en"))
    assert status == 200
    names = {p["product_id"]: p["name"] for p in everything["products"]}
    assert names["JKT-RAIN-NAVY"] == "Rain jacket navy" and len(names) >= 8
    jacket = next(p for p in everything["products"] if p["product_id"] == "JKT-RAIN-NAVY")
    assert jacket["from_price_cents"] == 8999 and jacket["image"].startswith("https://images.example.nl/")
    status, found, _ = call("GET", url(system, "/products?q=Sjaal"))
    assert status == 200
    assert [p["product_id"] for p in found["products"]] == ["SCF-KNIT-RED"]
    status, scarves, _ = call("GET", url(system, "/products?category=scarves"))
    assert [(p["name"], p["from_price_cents"], p["promotion_id"]) for p in scarves["products"]] == [
        ("Gebreide sjaal rood", 1999, "winter-scarves")]
    status, first, _ = call("GET", url(system, "/products?limit=3"))
    status, second, _ = call("GET", url(system, f"/products?limit=3&cursor={first['next_cursor']}"))
    assert not {p["product_id"] for p in first["products"]} & {p["product_id"] for p in second["products"]}


def test_a_product_page_in_dutch_and_english_with_the_promotion_price(system: Running) -> None:
    dutch = product_page(system, "SCF-KNIT-RED")
    english = product_page(system, "SCF-KNIT-RED", **{"accept-language": "en-US,en;q=0.8"})
    assert (dutch["name"], english["name"]) == ("Gebreide sjaal rood", "Knitted scarf red")
    assert dutch["promotions"][0]["name"] == "20% korting op sjaals"
    (scarf,) = english["variants"]
    assert (scarf["list_price_cents"], scarf["price_cents"], scarf["promotion_id"]) == (2499, 1999, "winter-scarves")
    assert scarf["attributes"] == {"colour": "red", "size": "OS"}
    assert {"utrecht-oudegracht", "dc-tilburg"} <= {a["location_id"] for a in scarf["availability"]}  # seeded
    status, promotions, _ = call("GET", url(system, "/promotions?lang=en"))
    assert status == 200
    assert "winter-scarves" in [p["promotion_id"] for p in promotions["promotions"]]


def price_now(system: Running) -> int:
    return int(product_page(system, HAT)["variants"][0]["price_cents"])


def test_the_erp_changes_a_price_over_http_then_over_the_bus(system: Running, tokens: dict[str, str]) -> None:
    status, answer, _ = call("PUT", url(system, f"/products/{HAT}"), {
        "name": {"nl": "Wollen muts", "en": "Wool beanie"}, "category": "hats",
        "variants": [{"sku": f"{HAT}-OS", "attributes": {"size": "OS"}}], "version": 1}, tokens["erp"])
    assert (status, answer["status"]) in ((200, "applied"), (200, "ignored"))  # ignored: a rerun on this system
    prices = {"prices": [{"price_cents": 1999, "valid_from": "2026-01-01T00:00:00Z"}], "version": 1}
    assert call("PUT", url(system, f"/prices/{HAT}-OS"), prices, tokens["erp"])[0] == 200
    assert price_now(system) == 1999
    events = system.aws("events")
    detail = {"metadata": {"event_id": "e2e-catalog-hat-price-2", "event_type": "PriceChanged",
                           "occurred_at": "2026-11-23T09:00:00Z", "producer": "e2e-erp"},
              "data": {"sku": f"{HAT}-OS", "prices": [{"price_cents": 1499, "valid_from": "2026-01-01T00:00:00Z"}],
                       "version": 2}}
    entry = {"EventBusName": "retail", "Source": "retail.erp", "DetailType": "PriceChanged",
             "Detail": json.dumps(detail)}
    assert events.put_events(Entries=[entry, entry])["FailedEntryCount"] == 0  # delivered twice
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and price_now(system) != 1499:
        time.sleep(0.3)
    assert price_now(system) == 1499
    status, older, _ = call("PUT", url(system, f"/prices/{HAT}-OS"), prices, tokens["erp"])
    assert (status, older["status"]) == (200, "ignored")
    assert price_now(system) == 1499
    status, problem, headers = call("PUT", url(system, f"/prices/{HAT}-OS"), {"prices": [], "version": 3},
                                    tokens["erp"])
    assert status == 422 and problem["status"] == 422
    assert {k.lower(): v for k, v in headers.items()}["content-type"] == "application/problem+json"
