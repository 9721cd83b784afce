"""Price tampering (must show): a made-up price is recorded at the catalog's price or refused,
and a refund equals what was paid (handlers and DynamoDB on moto).

The issue's story: an order with ``unit_price_cents: 10000000`` was accepted, collected and
refunded 10000000. Here the same order is refused (409 price-changed, nothing held); one
without a price is placed at the catalog's price (with its promotion); a reservation cannot
carry a price at all; a till's price needs a staff override with a reason (403 for the POS,
422 without reason), and the POS's facts on the bus are recorded but flagged. Refunds follow
the recorded paid price.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from functions.orders_api import handler as orders_api
from functions.purchases_api import handler as purchases_api
from functions.reservations_api import handler as reservations_api
from functions.returns_api import handler as returns_api
from functions.stock_updates_consumer import handler as consumer
from shared import wiring
from shared.catalog.model import Promotion, Text
from shared.purchases.service import purchase_id_for
from tests.integration.conftest import CLAIMS, http, price_skus
from tests.integration.test_orders import step
from tests.integration.test_reservations import CTX, UTRECHT, level, stock
from tests.integration.test_stock_events import bus_event, sqs_batch
from tests.names import Names

unique = Names("tampering")
pytestmark = pytest.mark.usefixtures("locations")
CLAIMS["tampering-pos"] = {"sub": "pos-client", "scope": "retail/integration"}
JACKET, SCARF, UNKNOWN = "TMP-JKT-1", "TMP-SCF-1", "TMP-NONE-1"
MADE_UP = 10_000_000
SPRING = Promotion(promotion_id="tmp-spring", name=Text(nl="Lente", en="Spring"),
                   starts_at=datetime(2020, 1, 1, tzinfo=UTC), ends_at=datetime(2099, 1, 1, tzinfo=UTC),
                   percent_off=10, skus=frozenset({SCARF}))


@pytest.fixture(autouse=True)
def _catalog(locations: None) -> None:
    """A jacket at 89.99 and a scarf at 19.99 with 10% off (17.99), stocked in Utrecht."""
    price_skus([JACKET], 8999)
    price_skus([SCARF], 1999)
    wiring.catalog().put_promotion(SPRING)
    for sku in (JACKET, SCARF, UNKNOWN):
        stock(sku, UTRECHT, 10)


def order(lines: list[dict[str, Any]], key: str | None = None) -> tuple[int, Any, dict]:
    return http(orders_api, "POST /orders", body={
        "location_id": UTRECHT, "lines": lines, "payment": "paid_online",
        "contact": {"email": "anna@example.nl", "language": "en"}}, as_="customer",
        headers={"idempotency-key": key or unique()})


def till_sale(receipt_id: str, lines: list[dict[str, Any]], as_: str = "staff-utrecht") -> tuple[int, Any, dict]:
    return http(purchases_api, "POST /purchases", body={
        "location_id": UTRECHT, "receipt_id": receipt_id, "lines": lines, "customer_id": "cust-1",
        "purchased_at": "2026-11-23T10:15:00+01:00"}, as_=as_)


def return_all(purchase_id: str, sku: str, quantity: int) -> dict[str, Any]:
    status, ret, _ = http(returns_api, "POST /returns", body={
        "purchase_id": purchase_id, "location_id": UTRECHT, "lines": [{"sku": sku, "quantity": quantity}]},
        as_="customer", headers={"idempotency-key": unique()})
    assert status == 201, ret
    return dict(ret)


def nothing_held() -> bool:
    return all(level(sku).reserved == 0 for sku in (JACKET, SCARF, UNKNOWN))


def test_a_made_up_order_price_is_refused_and_the_catalog_price_is_what_is_paid_and_refunded() -> None:
    # when the client sends the made-up price
    status, problem, headers = order([{"sku": JACKET, "quantity": 1, "unit_price_cents": MADE_UP},
                                      {"sku": SCARF, "quantity": 2}])
    # then 409 price-changed with the current prices, and nothing is held
    assert status == 409 and problem["type"].endswith("/price-changed"), problem
    assert headers["Content-Type"] == "application/problem+json" and problem["skus"] == [JACKET]
    assert {p["sku"]: p["unit_price_cents"] for p in problem["prices"]} == {JACKET: 8999, SCARF: 1799}
    assert nothing_held() and wiring.order_store().list_for_customer("cust-1")[0] == []
    # when the client places it again without prices, it is priced by the server (promotion included)
    status, placed, _ = order([{"sku": JACKET, "quantity": 1}, {"sku": SCARF, "quantity": 2}])
    assert status == 201, placed
    lines = {x["sku"]: x for x in placed["lines"]}
    assert (lines[JACKET]["unit_price_cents"], lines[JACKET]["list_price_cents"]) == (8999, 8999)
    assert (lines[SCARF]["unit_price_cents"], lines[SCARF]["list_price_cents"], lines[SCARF]["promotion_id"]) == (
        1799, 1999, "tmp-spring")
    assert lines[JACKET]["vat_rate_percent"] == 21 and lines[JACKET]["name"]["en"] == f"Item {JACKET}"
    assert placed["total_cents"] == 8999 + 2 * 1799
    # and once collected, a refund of everything is exactly what was paid
    for action in ("accept", "picking", "ready"):
        assert step(placed["order_id"], action)[0] == 200
    code = wiring.order_store().get(placed["order_id"]).pickup_code
    assert step(placed["order_id"], "collect", {"pickup_code": code})[0] == 200
    purchase_id = purchase_id_for(location_id=UTRECHT, reference=placed["order_id"])
    assert return_all(purchase_id, SCARF, 2)["refund_cents"] == 2 * 1799
    assert return_all(purchase_id, JACKET, 1)["refund_cents"] == 8999


def test_an_order_of_an_unknown_sku_is_a_422_naming_it_and_holds_nothing() -> None:
    status, problem, _ = order([{"sku": JACKET, "quantity": 1}, {"sku": UNKNOWN, "quantity": 1}])
    assert status == 422 and problem["skus"] == [UNKNOWN] and UNKNOWN in problem["detail"]
    assert nothing_held()


def test_a_reservation_cannot_carry_a_price_and_records_the_catalogs() -> None:
    body = {"location_id": UTRECHT, "lines": [{"sku": JACKET, "quantity": 1, "unit_price_cents": 1}]}
    status, _, _ = http(reservations_api, "POST /reservations", body=body, as_="customer",
                        headers={"idempotency-key": unique()})
    assert status == 422 and nothing_held()
    body = {"location_id": UTRECHT, "lines": [{"sku": JACKET, "quantity": 1}, {"sku": SCARF, "quantity": 1}]}
    status, held, _ = http(reservations_api, "POST /reservations", body=body, as_="customer",
                           headers={"idempotency-key": unique()})
    assert status == 201
    assert [(x["sku"], x["unit_price_cents"], x["list_price_cents"]) for x in held["lines"]] == [
        (JACKET, 8999, 8999), (SCARF, 1799, 1999)]
    read = http(reservations_api, "GET /reservations/{reservation_id}", {"reservation_id": held["reservation_id"]},
                as_="customer")[1]
    assert read["lines"] == held["lines"]
    body = {"location_id": UTRECHT, "lines": [{"sku": UNKNOWN, "quantity": 1}]}
    status, problem, _ = http(reservations_api, "POST /reservations", body=body, as_="customer",
                              headers={"idempotency-key": unique()})
    assert status == 422 and problem["skus"] == [UNKNOWN] and level(UNKNOWN).reserved == 0


def test_a_till_price_needs_a_staff_override_with_a_reason_and_the_refund_is_what_was_paid() -> None:
    made_up = [{"sku": JACKET, "quantity": 1, "unit_price_cents": 1}]
    override = {"reason": "damaged seam, manager approved", "approved_by": "bert"}
    # without an override: 422 naming the SKU; from the POS with one: 403; nothing moves either time
    status, problem, _ = till_sale("TMP-R1", made_up)
    assert status == 422 and problem["type"].endswith("/price-override-required") and problem["skus"] == [JACKET]
    assert till_sale("TMP-R1", [{**made_up[0], "price_override": override}], as_="tampering-pos")[0] == 403
    assert till_sale("TMP-R1", [{**made_up[0], "price_override": {"reason": "", "approved_by": "bert"}}])[0] == 422
    assert till_sale("TMP-R1", [{"sku": UNKNOWN, "quantity": 1, "unit_price_cents": 500}])[0] == 422
    assert level(JACKET).on_hand == 10 and level(UNKNOWN).on_hand == 10
    assert wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT, reference="TMP-R1")) is None
    # at the catalog's price (the promotion's for the scarf) no override is needed
    status, plain, _ = till_sale("TMP-R2", [{"sku": SCARF, "quantity": 1, "unit_price_cents": 1799}])
    assert status == 201 and plain["lines"][0]["approved"] and plain["lines"][0]["price_override"] is None
    # staff with a reason: recorded at the till's price, with the catalog's beside it and the reason
    status, sold, _ = till_sale("TMP-R3", [{"sku": JACKET, "quantity": 1, "unit_price_cents": 5000,
                                            "price_override": override}])
    assert status == 201, sold
    line = sold["lines"][0]
    assert (line["unit_price_cents"], line["catalog_price_cents"], line["price_override"]) == (5000, 8999, override)
    assert sold["total_cents"] == 5000
    # the store's report lists it; the refund is what was paid, not the catalog's price
    status, report, _ = http(purchases_api, "GET /locations/{location_id}/price-overrides",
                             {"location_id": UTRECHT}, as_="staff-utrecht")
    assert status == 200 and [(o["reference"], o["line"]["sku"]) for o in report["overrides"]] == [
        ("TMP-R3", JACKET)]
    assert return_all(sold["purchase_id"], JACKET, 1)["refund_cents"] == 5000


def test_a_pos_fact_at_another_price_is_recorded_at_the_tills_price_and_reported_unapproved() -> None:
    sale = bus_event("SaleRecorded", {
        "location_id": UTRECHT, "receipt_id": "TMP-R4", "purchased_at": "2026-11-23T09:15:00Z",
        "lines": [{"sku": JACKET, "quantity": 1, "unit_price_cents": 1},
                  {"sku": UNKNOWN, "quantity": 1, "unit_price_cents": 500},
                  {"sku": SCARF, "quantity": 1, "unit_price_cents": 1799}]})
    assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}  # a fact: never refused
    purchase = wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT, reference="TMP-R4"))
    assert purchase is not None
    found = {x.sku: (x.unit_price_cents, x.catalog_price_cents, x.approved) for x in purchase.lines}
    assert found == {JACKET: (1, 8999, False), UNKNOWN: (500, None, False), SCARF: (1799, 1799, True)}
    assert (level(JACKET).on_hand, level(UNKNOWN).on_hand) == (9, 9)
    status, report, _ = http(purchases_api, "GET /locations/{location_id}/price-overrides",
                             {"location_id": UTRECHT}, as_="admin", query="limit=10")
    assert status == 200
    assert sorted((o["line"]["sku"], o["line"]["approved"]) for o in report["overrides"]) == [
        (JACKET, False), (UNKNOWN, False)]
    assert http(purchases_api, "GET /locations/{location_id}/price-overrides", {"location_id": UTRECHT},
                as_="customer")[0] == 404
    assert http(purchases_api, "GET /locations/{location_id}/price-overrides",
                {"location_id": "amsterdam-kalverstraat"}, as_="staff-utrecht")[0] == 404


def test_a_made_up_price_on_the_bus_is_recorded_but_never_refunded_or_credited_above_the_catalog() -> None:
    """The review's exploit: a SaleRecorded at 10,000,000 for a customer gave 100,000 points and a
    refund of 10,000,000. The fact is still recorded as the till reported it; what it credits is capped."""
    sale = bus_event("SaleRecorded", {
        "location_id": UTRECHT, "receipt_id": "TMP-R9", "purchased_at": "2026-11-23T09:15:00Z",
        "customer_id": "cust-1", "lines": [{"sku": JACKET, "quantity": 1, "unit_price_cents": MADE_UP},
                                           {"sku": UNKNOWN, "quantity": 1, "unit_price_cents": MADE_UP}]})
    assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}
    purchase = wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT, reference="TMP-R9"))
    assert purchase is not None and purchase.total_cents == 2 * MADE_UP  # the fact, as the till reported it
    assert wiring.loyalty_store().account("cust-1").balance == 89  # points on the catalog's 89.99 only
    assert return_all(purchase.purchase_id, JACKET, 1)["refund_cents"] == 8999
    assert return_all(purchase.purchase_id, UNKNOWN, 1)["refund_cents"] == 0  # unknown to the catalog: nothing


def test_the_override_report_is_newest_first_and_paged() -> None:
    override = {"reason": "price match", "approved_by": "bert"}
    for day in (20, 22, 21):
        status, _, _ = http(purchases_api, "POST /purchases", body={
            "location_id": UTRECHT, "receipt_id": f"TMP-P{day}", "purchased_at": f"2026-11-{day}T10:00:00Z",
            "lines": [{"sku": JACKET, "quantity": 1, "unit_price_cents": 7999, "price_override": override}]},
            as_="staff-utrecht")
        assert status == 201
    where = {"location_id": UTRECHT}
    status, first, _ = http(purchases_api, "GET /locations/{location_id}/price-overrides", where,
                            as_="staff-utrecht", query="limit=2")
    assert status == 200 and [o["reference"] for o in first["overrides"]] == ["TMP-P22", "TMP-P21"]
    status, rest, _ = http(purchases_api, "GET /locations/{location_id}/price-overrides", where,
                           as_="staff-utrecht", query=f"limit=2&cursor={first['next_cursor']}")
    assert status == 200 and [o["reference"] for o in rest["overrides"]] == ["TMP-P20"] and not rest["next_cursor"]
    assert http(purchases_api, "GET /locations/{location_id}/price-overrides", {"location_id": "den-haag-spuistraat"},
                as_="admin", query=f"cursor={first['next_cursor']}")[0] == 400  # another store's cursor
