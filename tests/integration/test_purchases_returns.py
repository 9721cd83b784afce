"""Purchases from every channel and returns in any channel (handlers and DynamoDB on moto)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from functions.orders_api import handler as orders_api
from functions.purchases_api import handler as purchases_api
from functions.returns_api import handler as returns_api
from local.outbox import captured
from local.provision import Provisioned
from tests.integration.conftest import CLAIMS, http, price_skus
from tests.integration.test_orders import deliver_messages, step
from tests.integration.test_reservations import UTRECHT, level, stock
from tests.names import Names

unique = Names("purchases")
pytestmark = pytest.mark.usefixtures("locations")
AMSTERDAM = "amsterdam-kalverstraat"
CLAIMS["pos-amsterdam"] = {"sub": "till-7", "cognito:groups": "[staff]", "custom:location_id": AMSTERDAM}
CLAIMS["staff-amsterdam"] = {"sub": "kees", "cognito:groups": "[staff]", "custom:location_id": AMSTERDAM}
CLAIMS["other-customer"] = {"sub": "cust-2", "cognito:groups": "[customer]"}


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["P-1"], 1995)
    priced(["P-4", "P.5"], 999)


def till_sale(receipt_id: str, lines: list[dict], **extra) -> tuple[int, dict, dict]:
    body = {"location_id": AMSTERDAM, "receipt_id": receipt_id, "lines": lines,
            "purchased_at": "2026-11-23T10:15:00+01:00", **extra}
    return http(purchases_api, "POST /purchases", body=body, as_="pos-amsterdam")


def collected_web_order(sku: str, price: int) -> str:
    """A web order of 2 at ``price``: the SKU is put in the catalog at that price (the server prices it)."""
    price_skus([sku], price)
    status, order, _ = http(orders_api, "POST /orders", body={
        "location_id": UTRECHT, "lines": [{"sku": sku, "quantity": 2, "unit_price_cents": price}],
        "payment": "paid_online", "contact": {"email": "anna@example.nl", "language": "en"}},
        as_="customer", headers={"idempotency-key": unique()})
    assert status == 201
    for action in ("accept", "picking", "ready"):
        step(order["order_id"], action)
    from shared import wiring

    code = wiring.order_store().get(order["order_id"]).pickup_code
    assert step(order["order_id"], "collect", {"pickup_code": code})[0] == 200
    return str(order["order_id"])


def test_a_till_sale_reduces_stock_once_and_joins_the_customers_timeline(aws: Provisioned) -> None:
    stock("P-1", AMSTERDAM, 5)
    stock("P-2", UTRECHT, 3)
    lines = [{"sku": "P-1", "quantity": 2, "unit_price_cents": 1995}]
    first = till_sale("R-0001", lines, customer_id="cust-1", receipt_email="anna@example.nl")
    again = till_sale("R-0001", lines, customer_id="cust-1", receipt_email="anna@example.nl")
    assert (first[0], again[0], again[1]["purchase_id"]) == (201, 200, first[1]["purchase_id"])
    assert level("P-1", AMSTERDAM).on_hand == 3
    assert till_sale("R-0001", [{**lines[0], "quantity": 3}], customer_id="cust-1")[0] == 422
    assert till_sale("R-0002", [{"sku": "P-1", "quantity": 9, "unit_price_cents": 1995}])[0] == 201  # a fact
    assert level("P-1", AMSTERDAM).on_hand == -6
    order_id = collected_web_order("P-2", 2495)
    status, timeline, _ = http(purchases_api, "GET /purchases", as_="customer")
    assert status == 200
    assert [(p["channel"], p["reference"], p["total_cents"]) for p in timeline["purchases"]] == [
        ("click_and_collect", order_id, 4990), ("store", "R-0001", 3990)]
    page, _, _ = http(purchases_api, "GET /purchases", as_="customer", query="limit=1")[1:], None, None
    assert len(page[0]["purchases"]) == 1 and page[0]["next_cursor"]
    rest = http(purchases_api, "GET /purchases", as_="customer", query=f"limit=5&cursor={page[0]['next_cursor']}")
    assert [p["reference"] for p in rest[1]["purchases"]] == ["R-0001"]
    assert http(purchases_api, "GET /purchases", as_="customer", query="cursor=not-a-cursor")[0] == 400
    deliver_messages(aws)
    assert any("kassabon" in m["subject"] for m in captured("anna@example.nl")["emails"])


def test_a_web_order_collected_in_utrecht_is_returned_in_amsterdam_and_restocked_there(aws: Provisioned) -> None:
    stock("P-3", UTRECHT, 2)
    order_id = collected_web_order("P-3", 4995)
    purchase = http(purchases_api, "GET /purchases", as_="customer")[1]["purchases"][0]
    assert purchase["reference"] == order_id
    status, ret, _ = http(returns_api, "POST /returns", body={
        "purchase_id": purchase["purchase_id"], "location_id": AMSTERDAM, "lines": [{"sku": "P-3", "quantity": 1}],
        "contact_email": "anna@example.nl", "language": "en"}, as_="customer",
        headers={"idempotency-key": unique()})
    assert status == 201 and ret["refund_cents"] == 4995
    rid = {"return_id": ret["return_id"]}
    assert http(returns_api, "POST /returns/{return_id}/approve", rid, as_="staff-utrecht")[0] == 404  # not theirs
    expected = http(returns_api, "GET /locations/{location_id}/returns", {"location_id": AMSTERDAM},
                    as_="staff-amsterdam")[1]
    assert [r["return_id"] for r in expected["returns"]] == [ret["return_id"]]
    for action in ("approve", "receive"):
        assert http(returns_api, f"POST /returns/{{return_id}}/{action}", rid, as_="staff-amsterdam")[0] == 200
    nothing = {"dispositions": {}}
    assert http(returns_api, "POST /returns/{return_id}/inspect", rid, nothing, as_="staff-amsterdam")[0] == 422
    status, inspected, _ = http(returns_api, "POST /returns/{return_id}/inspect", rid,
                                {"dispositions": {"P-3": "RESTOCK"}}, as_="staff-amsterdam")
    assert status == 200 and inspected["status"] == "INSPECTED"
    assert (level("P-3", AMSTERDAM).on_hand, level("P-3", UTRECHT).on_hand) == (1, 0)
    assert http(returns_api, "POST /returns/{return_id}/refunded", rid, {"refund_reference": "PSP-88"},
                as_="staff-amsterdam")[0] == 404  # the payment integration says so, not the store
    assert http(returns_api, "POST /returns/{return_id}/refunded", rid, {"refund_reference": "PSP-88"},
                as_="erp")[0] == 200
    status, closed, _ = http(returns_api, "POST /returns/{return_id}/close", rid, as_="staff-amsterdam")
    assert [h["status"] for h in closed["history"]] == ["REQUESTED", "APPROVED", "RECEIVED", "INSPECTED", "REFUNDED",
                                                        "CLOSED"]
    assert http(returns_api, "GET /returns/{return_id}", rid, as_="other-customer")[0] == 404
    assert http(purchases_api, "GET /purchases/{purchase_id}", {"purchase_id": purchase["purchase_id"]},
                as_="other-customer")[0] == 404
    deliver_messages(aws)
    subjects = [m["subject"] for m in captured("anna@example.nl")["emails"] if "return" in m["subject"].lower()]
    ref = ret["return_id"][:8].upper()
    assert subjects == [f"Your return {ref} is registered", f"Your return {ref} is approved",
                        f"We received your return {ref}", f"Your return {ref} was checked",
                        f"Your refund for return {ref} was paid", f"Your return {ref} is complete"]


def test_never_more_returned_than_bought_and_a_rejection_gives_the_units_back() -> None:
    stock("P-4", AMSTERDAM, 5)
    purchase = till_sale("R-0004", [{"sku": "P-4", "quantity": 2, "unit_price_cents": 999}],
                         customer_id="cust-1")[1]

    def request(qty: int) -> tuple[int, dict, dict]:
        return http(returns_api, "POST /returns", body={
            "purchase_id": purchase["purchase_id"], "location_id": AMSTERDAM,
            "lines": [{"sku": "P-4", "quantity": qty}]}, as_="customer", headers={"idempotency-key": unique()})

    first = request(2)
    assert first[0] == 201
    status, problem, _ = request(1)
    assert status == 409 and problem["errors"][0]["field"] == "lines"
    assert request(3)[0] == 422
    http(returns_api, "POST /returns/{return_id}/reject", {"return_id": first[1]["return_id"]},
         as_="staff-amsterdam")
    assert request(1)[0] == 201


def test_a_sku_with_a_dot_is_returned_and_rejected_like_any_other() -> None:
    """What may still be returned is a map by SKU; a dot in a SKU is part of its name, not a path."""
    purchase = till_sale("R-0005", [{"sku": "P.5", "quantity": 2, "unit_price_cents": 999}],
                         customer_id="cust-1")[1]

    def request(qty: int) -> tuple[int, dict, dict]:
        return http(returns_api, "POST /returns", body={
            "purchase_id": purchase["purchase_id"], "location_id": AMSTERDAM,
            "lines": [{"sku": "P.5", "quantity": qty}]}, as_="customer", headers={"idempotency-key": unique()})

    first = request(2)
    assert first[0] == 201, first
    assert request(1)[0] == 409
    http(returns_api, "POST /returns/{return_id}/reject", {"return_id": first[1]["return_id"]},
         as_="staff-amsterdam")
    assert request(2)[0] == 201
