"""The catalog end to end on moto: the API's handler and the bus consumer over DynamoDB.

Product pages in Dutch and English with promotion prices and availability, lists and search
with cursors, versioned updates (an older one is ignored, a redelivered event changes nothing),
bad input answered problem+json 4xx with nothing changed, and what goes with what.
"""

from __future__ import annotations

from typing import Any

import pytest

from functions.catalog_api import handler as catalog_api
from functions.catalog_consumer import handler as consumer
from functions.devices_api import handler as devices_api
from local.lambdas import FakeContext
from local.seed import seed_catalog
from shared import wiring
from shared.identity import Caller
from tests.integration.conftest import http
from tests.integration.test_reservations import UTRECHT, stock
from tests.integration.test_stock_events import bus_event, sqs_batch

pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="catalog-consumer", aws_request_id="r")
ROTTERDAM = "rotterdam-lijnbaan"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _demo_catalog(locations: None) -> None:
    seed_catalog(Caller(role="integration", subject="seed"))


def product_body(version: int, *, nl: str = "Regenjas navy", en: str = "Rain jacket navy") -> dict[str, Any]:
    return {"name": {"nl": nl, "en": en}, "description": {"nl": "Waterdicht.", "en": "Waterproof."},
            "category": "jackets", "vat_rate_percent": 21,
            "variants": [{"sku": f"JKT-RAIN-NAVY-{size}", "attributes": {"size": size, "colour": "navy"}}
                         for size in ("M", "L", "XL")],
            "images": ["https://images.example.nl/jkt-rain-navy/front.jpg"],
            "related": {"accessories": ["SCF-KNIT-RED", "BAG-CANVAS-OLIVE"]}, "version": version}


def read(product_id: str, query: str = "", headers: dict[str, str] | None = None) -> dict[str, Any]:
    status, body, _ = http(catalog_api, "GET /products/{product_id}", {"product_id": product_id}, query=query,
                           headers=headers)
    assert status == 200, body
    return body


def listed(query: str = "") -> tuple[list[str], str | None]:
    status, body, _ = http(catalog_api, "GET /products", query=query)
    assert status == 200, body
    return [p["product_id"] for p in body["products"]], body["next_cursor"]


def price_of(sku: str) -> int:
    product_id = sku.rsplit("-", 1)[0]
    return next(v["price_cents"] for v in read(product_id)["variants"] if v["sku"] == sku)


# -- reading ---------------------------------------------------------------------------------------


def test_a_product_page_in_dutch_and_english_with_the_promotion_price_and_availability() -> None:
    stock("SCF-KNIT-RED-OS", UTRECHT, 4)
    dutch = read("SCF-KNIT-RED")
    english = read("SCF-KNIT-RED", headers={"accept-language": "en-GB,en;q=0.9,nl;q=0.5"})
    assert (dutch["language"], dutch["name"]) == ("nl", "Gebreide sjaal rood")
    assert (english["language"], english["name"]) == ("en", "Knitted scarf red")
    assert read("SCF-KNIT-RED", query="lang=nl", headers={"accept-language": "en"})["name"] == "Gebreide sjaal rood"
    (scarf,) = english["variants"]
    assert (scarf["list_price_cents"], scarf["price_cents"], scarf["promotion_id"]) == (2499, 1999, "winter-scarves")
    assert {"location_id": UTRECHT, "available": 4} in scarf["availability"]
    assert english["promotions"][0]["name"] == "20% off scarves"
    assert english["vat_rate_percent"] == 21 and english["images"][0].startswith("https://images.example.nl/")


def test_an_unknown_product_is_a_404_problem() -> None:
    status, _, headers = http(catalog_api, "GET /products/{product_id}", {"product_id": "NOPE"})
    assert (status, headers["Content-Type"]) == (404, PROBLEM)


def test_lists_by_category_text_and_stock_page_with_cursors() -> None:
    everything, _ = listed("limit=100")
    assert len(everything) == 8 and everything == sorted(everything)
    assert listed("category=scarves")[0] == ["SCF-KNIT-RED"]
    assert listed("q=SJAAL")[0] == ["SCF-KNIT-RED"]
    assert listed("q=bag")[0] == ["BAG-CANVAS-OLIVE"]
    stock("SOCK-3PK-MIX-39-42", ROTTERDAM, 2)
    assert listed(f"in_stock_at={ROTTERDAM}")[0] == ["SOCK-3PK-MIX"]
    seen, cursor = listed("limit=3")
    while cursor:
        page, cursor = listed(f"limit=3&cursor={cursor}")
        seen += page
    assert seen == everything
    other_list = listed("limit=3")[1]
    status, body, _ = http(catalog_api, "GET /products", query=f"limit=3&category=scarves&cursor={other_list}")
    assert status == 400 and body["type"].endswith("invalid-cursor")


def test_a_text_search_pages_through_the_whole_catalog() -> None:
    found, cursor = listed("q=e&limit=2")  # most names have an e: filtered pages still follow each other
    while cursor:
        page, cursor = listed(f"q=e&limit=2&cursor={cursor}")
        found += page
    assert found == sorted(found) and len(found) == len(set(found)) >= 6


def test_running_promotions_are_public() -> None:
    status, body, _ = http(catalog_api, "GET /promotions", query="lang=en")
    assert status == 200
    assert [(p["promotion_id"], p["name"], p["percent_off"]) for p in body["promotions"]] == [
        ("winter-scarves", "20% off scarves", 20)]


# -- updates over HTTP --------------------------------------------------------------------------------


def test_an_older_product_update_is_ignored_and_a_newer_one_applies() -> None:
    status, newer, _ = http(catalog_api, "PUT /products/{product_id}", {"product_id": "JKT-RAIN-NAVY"},
                            product_body(5, nl="Regenjas donkerblauw"), as_="erp")
    assert (status, newer["status"]) == (200, "applied")
    status, older, _ = http(catalog_api, "PUT /products/{product_id}", {"product_id": "JKT-RAIN-NAVY"},
                            product_body(4, nl="Oud"), as_="admin")
    assert (status, older["status"]) == (200, "ignored")
    page = read("JKT-RAIN-NAVY")
    assert page["name"] == "Regenjas donkerblauw" and page["version"] == 5
    assert [v["sku"] for v in page["variants"]] == ["JKT-RAIN-NAVY-M", "JKT-RAIN-NAVY-L", "JKT-RAIN-NAVY-XL"]


def test_a_price_change_applies_once_and_an_older_one_is_ignored() -> None:
    body = {"prices": [{"price_cents": 7999, "valid_from": "2026-01-01T00:00:00Z"}], "version": 2}
    for expected in ("applied", "ignored"):
        status, answer, _ = http(catalog_api, "PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"}, body, as_="erp")
        assert (status, answer["status"]) == (200, expected)
    status, answer, _ = http(catalog_api, "PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"},
                             {**body, "prices": [{"price_cents": 1, "valid_from": "2026-01-01T00:00:00Z"}],
                              "version": 1}, as_="erp")
    assert (status, answer["status"]) == (200, "ignored")
    assert price_of("JKT-RAIN-NAVY-M") == 7999


@pytest.mark.parametrize(("route", "params", "body"), [
    ("PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"}, {"prices": [], "version": 9}),
    ("PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"},
     {"prices": [{"price_cents": -1, "valid_from": "2026-01-01T00:00:00Z"}], "version": 9}),
    ("PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"}, {"prices": [{"price_cents": 1, "valid_from": "2026-01-01"}],
                                                       "version": 9}),
    ("PUT /products/{product_id}", {"product_id": "JKT-RAIN-NAVY"}, {**product_body(9), "vat_rate_percent": 19}),
    ("PUT /products/{product_id}", {"product_id": "JKT-RAIN-NAVY"}, {**product_body(9), "variants": []}),
    ("PUT /products/{product_id}", {"product_id": "JKT-RAIN-NAVY"},
     {**product_body(9), "related": {"accessories": ["JKT-RAIN-NAVY"]}}),
    ("PUT /promotions/{promotion_id}", {"promotion_id": "winter-scarves"},
     {"name": {"nl": "x", "en": "x"}, "starts_at": "2026-02-01T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z",
      "percent_off": 10, "categories": ["scarves"], "version": 9}),
])
def test_bad_input_is_a_422_problem_and_changes_nothing(route: str, params: dict[str, str], body: Any) -> None:
    status, problem, headers = http(catalog_api, route, params, body, as_="erp")
    assert (status, headers["Content-Type"]) == (422, PROBLEM), problem
    page = read("JKT-RAIN-NAVY")
    assert page["version"] == 1 and price_of("JKT-RAIN-NAVY-M") == 8999
    assert http(catalog_api, "GET /promotions")[1]["promotions"][0]["percent_off"] == 20


@pytest.mark.parametrize("as_", ["customer", "staff-utrecht"])
def test_shoppers_and_staff_cannot_change_the_catalog(as_: str) -> None:
    status, _, headers = http(catalog_api, "PUT /prices/{sku}", {"sku": "JKT-RAIN-NAVY-M"},
                              {"prices": [{"price_cents": 1, "valid_from": "2026-01-01T00:00:00Z"}], "version": 9},
                              as_=as_)
    assert status in (403, 404) and headers["Content-Type"] == PROBLEM
    assert price_of("JKT-RAIN-NAVY-M") == 8999


def test_an_import_reports_each_item_and_a_bad_one_refuses_the_lot() -> None:
    hat = {**product_body(1, nl="Muts grijs", en="Beanie grey"), "product_id": "HAT-WOOL-GREY", "category": "hats",
           "variants": [{"sku": "HAT-WOOL-GREY-OS"}], "related": {}}
    price = {"sku": "HAT-WOOL-GREY-OS", "prices": [{"price_cents": 1999, "valid_from": "2026-01-01T00:00:00Z"}],
             "version": 1}
    bad = {**price, "sku": "JKT-RAIN-NAVY-M", "prices": price["prices"] * 2}
    status, problem, _ = http(catalog_api, "POST /catalog/imports", body={"products": [hat], "prices": [price, bad]},
                              as_="erp")
    assert status == 422 and problem["errors"][0]["field"] == "prices.1.prices", problem
    assert http(catalog_api, "GET /products/{product_id}", {"product_id": "HAT-WOOL-GREY"})[0] == 404
    status, result, _ = http(catalog_api, "POST /catalog/imports", body={"products": [hat], "prices": [price]},
                             as_="erp")
    assert (status, result["applied"], result["ignored"]) == (200, 2, 0)
    renamed = {**hat, "name": {"nl": "Andere muts", "en": "Other beanie"}}  # the same version: not newer
    status, again, _ = http(catalog_api, "POST /catalog/imports", body={"products": [renamed], "prices": [price]},
                            as_="erp")
    assert [r["status"] for r in again["results"]] == ["ignored", "ignored"]
    assert read("HAT-WOOL-GREY")["name"] == "Muts grijs"
    assert read("HAT-WOOL-GREY", query="lang=en")["variants"][0]["price_cents"] == 1999


# -- updates over the bus ---------------------------------------------------------------------------


def price_changed(cents: int, version: int, event_id: str) -> dict[str, Any]:
    return bus_event("PriceChanged", {"sku": "SCF-KNIT-RED-OS", "version": version,
                                      "prices": [{"price_cents": cents, "valid_from": "2026-01-01T00:00:00Z"}]},
                     "retail.erp", event_id)


def test_bus_updates_apply_once_and_an_older_one_arriving_late_is_ignored() -> None:
    newer, older = price_changed(2999, 3, "erp-price-3"), price_changed(1, 2, "erp-price-2")
    assert consumer.lambda_handler(sqs_batch(newer, newer, older), CTX) == {"batchItemFailures": []}
    assert consumer.lambda_handler(sqs_batch(newer), CTX) == {"batchItemFailures": []}  # redelivered
    scarf = read("SCF-KNIT-RED")["variants"][0]
    assert (scarf["list_price_cents"], scarf["price_cents"]) == (2999, 2399)


def test_a_product_and_a_promotion_from_the_bus() -> None:
    product = bus_event("ProductUpserted", {**product_body(2, en="Storm jacket"), "product_id": "JKT-RAIN-NAVY"},
                        "retail.erp")
    promotion = bus_event("PromotionUpserted", {
        "promotion_id": "jackets-10", "name": {"nl": "10% op jassen", "en": "10% off jackets"},
        "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2035-01-01T00:00:00Z", "percent_off": 10,
        "categories": ["jackets"], "version": 1}, "retail.erp")
    assert consumer.lambda_handler(sqs_batch(product, promotion), CTX) == {"batchItemFailures": []}
    page = read("JKT-RAIN-NAVY", query="lang=en")
    assert page["name"] == "Storm jacket" and page["variants"][0]["price_cents"] == 8099


def test_a_bad_event_fails_alone() -> None:
    bad = bus_event("PriceChanged", {"sku": "SCF-KNIT-RED-OS", "version": 5, "prices": []}, "retail.erp")
    good = price_changed(2599, 4, "erp-price-4")
    assert consumer.lambda_handler(sqs_batch(bad, good), CTX) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert read("SCF-KNIT-RED")["variants"][0]["list_price_cents"] == 2599


# -- what goes with what ----------------------------------------------------------------------------


def purchase(purchase_id: str, skus: list[str]) -> dict[str, Any]:
    return bus_event("PurchaseRecorded", {
        "purchase_id": purchase_id, "channel": "store", "location_id": UTRECHT, "customer_id": None,
        "reference": purchase_id, "purchased_at": "2026-11-23T09:00:00Z", "e_receipt": False, "total_cents": 0,
        "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 0} for sku in skus]}, "retail.returns")


def test_suggestions_are_the_catalogs_accessories_then_what_is_bought_together() -> None:
    for sku, quantity in (("SCF-KNIT-RED-OS", 3), ("BAG-CANVAS-OLIVE-OS", 5), ("SOCK-3PK-MIX-39-42", 9),
                          ("TEE-BASIC-BLACK-M", 2)):
        stock(sku, UTRECHT, quantity)
    stock("SCF-KNIT-RED-OS", ROTTERDAM, 9)
    bought = purchase("p-together-1", ["JKT-RAIN-NAVY-M", "TEE-BASIC-BLACK-M", "NOT-IN-CATALOG"])
    for _ in range(2):  # redelivered: counted once
        assert consumer.lambda_handler(sqs_batch(bought), CTX) == {"batchItemFailures": []}
    assert wiring.bought_together().partners("JKT-RAIN-NAVY", 5) == [("TEE-BASIC-BLACK", 1)]
    status, body, _ = http(devices_api, "GET /locations/{location_id}/suggestions", {"location_id": UTRECHT},
                           as_="staff-utrecht", query="skus=JKT-RAIN-NAVY-M")
    assert status == 200, body
    assert [(s["sku"], s["price_cents"], s["available"]) for s in body["suggestions"]] == [
        ("SCF-KNIT-RED-OS", 1999, 3), ("BAG-CANVAS-OLIVE-OS", 3499, 5), ("TEE-BASIC-BLACK-M", 1499, 2)]
    assert body["suggestions"][0]["name"] == {"nl": "Gebreide sjaal rood", "en": "Knitted scarf red"}


def test_suggestions_for_an_order_leave_out_what_it_holds() -> None:
    from functions.orders_api import handler as orders_api

    for sku, quantity in (("JKT-RAIN-NAVY-M", 2), ("SCF-KNIT-RED-OS", 3), ("BAG-CANVAS-OLIVE-OS", 5)):
        stock(sku, UTRECHT, quantity)
    status, order, _ = http(orders_api, "POST /orders", body={
        "location_id": UTRECHT, "payment": "pay_at_pickup", "contact": {"email": "klant@example.nl"},
        "lines": [{"sku": "JKT-RAIN-NAVY-M", "quantity": 1, "unit_price_cents": 8999},
                  {"sku": "SCF-KNIT-RED-OS", "quantity": 1, "unit_price_cents": 1999}]},
        as_="customer", headers={"idempotency-key": "catalog-order-suggestions-1"})
    assert status == 201, order
    status, body, _ = http(devices_api, "GET /locations/{location_id}/suggestions", {"location_id": UTRECHT},
                           as_="staff-utrecht", query=f"order_id={order['order_id']}")
    assert status == 200, body
    assert [s["sku"] for s in body["suggestions"]] == ["BAG-CANVAS-OLIVE-OS"]  # the scarf is in the order
    status, _, _ = http(devices_api, "GET /locations/{location_id}/suggestions", {"location_id": ROTTERDAM},
                        as_="admin", query=f"order_id={order['order_id']}")
    assert status == 404
