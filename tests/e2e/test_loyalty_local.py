"""Points over HTTP on the local system: a till sale with a loyalty card earns them, the customer
sees balance, tier and history, staff look the customer up, an order pays with points, and a
refund takes back what the refunded euros earned."""

from __future__ import annotations

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_local_stock import set_count, url
from tests.names import Names

unique = Names("loyalty-e2e")
pytestmark = pytest.mark.e2e
A = "utrecht-oudegracht"


def test_points_are_earned_at_the_till_spent_on_an_order_and_taken_back_with_a_refund(
        system: Running, tokens: dict) -> None:
    sku, subject = unique("E2E-PTS"), unique("cust")
    customer = issue_token("customer", subject)
    price_skus(system, [sku], 15_000)
    set_count(system, tokens["erp"], sku, A, 5)
    receipt = {"location_id": A, "receipt_id": unique("R"), "purchased_at": "2026-11-23T10:15:00+01:00",
               "customer_id": subject, "lines": [{"sku": sku, "quantity": 2, "unit_price_cents": 15_000}]}
    status, purchase, _ = call("POST", url(system, "/purchases"), receipt, tokens["staff-utrecht"])
    assert status == 201, purchase
    assert call("POST", url(system, "/purchases"), receipt, tokens["staff-utrecht"])[0] == 200  # sent again
    status, mine, _ = call("GET", url(system, "/me/points"), token=customer)
    assert status == 200 and (mine["balance"], mine["tier"]) == (300, "SILVER"), mine
    status, seen, _ = call("GET", url(system, f"/customers/{subject}/points"), token=tokens["staff-utrecht"])
    assert status == 200 and seen["balance"] == 300
    assert call("GET", url(system, f"/customers/{subject}/points"), token=customer)[0] == 404
    # an order paid partly with 100 points (5 EUR off), then cancelled: the points come back
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": A, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 15_000}],
        "payment": "pay_at_pickup", "contact": {"email": f"{subject}@example.nl"}, "redeem_points": 100},
        customer, {"idempotency-key": unique()})
    assert status == 201 and order["points_discount_cents"] == 500, order
    assert call("GET", url(system, "/me/points"), token=customer)[1]["balance"] == 200
    status, too_many, _ = call("POST", url(system, "/orders"), {
        "location_id": A, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 15_000}],
        "payment": "pay_at_pickup", "contact": {"email": f"{subject}@example.nl"}, "redeem_points": 300},
        customer, {"idempotency-key": unique()})
    assert status == 409 and too_many["status"] == 409
    assert call("POST", url(system, f"/orders/{order['order_id']}/cancel"), token=customer)[0] == 200
    assert call("GET", url(system, "/me/points"), token=customer)[1]["balance"] == 300
    # one unit back and refunded: its 150 points go, and SILVER with them
    status, ret, _ = call("POST", url(system, "/returns"), {
        "purchase_id": purchase["purchase_id"], "location_id": A, "lines": [{"sku": sku, "quantity": 1}]},
        customer, {"idempotency-key": unique()})
    assert status == 201, ret
    for action, body in [("approve", None), ("receive", None), ("inspect", {"dispositions": {sku: "RESTOCK"}})]:
        assert call("POST", url(system, f"/returns/{ret['return_id']}/{action}"), body,
                    tokens["staff-utrecht"])[0] == 200
    assert call("POST", url(system, f"/returns/{ret['return_id']}/refunded"), {"refund_reference": "PSP-PTS-1"},
                tokens["erp"])[0] == 200
    status, mine, _ = call("GET", url(system, "/me/points"), token=customer)
    assert (mine["balance"], mine["tier"], mine["net_spend_cents"]) == (150, "BRONZE", 15_000)
    assert mine["history"][0]["reason"] == "taken_back"
