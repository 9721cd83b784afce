"""Price tampering over HTTP against the local system: the issue's 10000000-cent order is refused,
the server's price is what is paid, a till's made-up price needs a staff override, and the refund
is what was paid."""

from __future__ import annotations

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("tampering-e2e")
pytestmark = pytest.mark.e2e
STORE = "utrecht-oudegracht"


def test_a_made_up_price_is_refused_or_recorded_at_the_catalog_price_and_refunds_equal_what_was_paid(
        system: Running, tokens: dict) -> None:
    sku = unique("E2E-TMP")
    subject = unique("tamperer")
    email = f"{subject}@example.nl"
    customer, pos = issue_token("customer", subject), issue_token("integration", unique("pos"))
    price_skus(system, [sku], 4995)
    set_count(system, tokens["erp"], sku, STORE, 5)
    # the issue's order: refused with the current price, nothing held
    body = {"location_id": STORE, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 10_000_000}],
            "payment": "paid_online", "contact": {"email": email, "language": "nl"}}
    status, problem, _ = call("POST", url(system, "/orders"), body, customer, {"idempotency-key": unique()})
    assert status == 409 and problem["type"].endswith("/price-changed"), problem
    assert problem["prices"][0]["unit_price_cents"] == 4995
    assert stock(system, tokens["erp"], sku, STORE)["reserved"] == 0
    # without a price the server prices it; collected, then returned: the refund is what was paid
    del body["lines"][0]["unit_price_cents"]
    status, order, _ = call("POST", url(system, "/orders"), body, customer, {"idempotency-key": unique()})
    assert status == 201 and order["lines"][0]["unit_price_cents"] == 4995 and order["total_cents"] == 4995
    for action in ("accept", "picking", "ready"):
        assert call("POST", url(system, f"/orders/{order['order_id']}/{action}"),
                    token=tokens["staff-utrecht"])[0] == 200
    code = wait_for_message(system, email, "ligt klaar")["body"].split("Je ophaalcode: ")[1][:6]
    assert call("POST", url(system, f"/orders/{order['order_id']}/collect"), {"pickup_code": code},
                tokens["staff-utrecht"])[0] == 200
    purchase = call("GET", url(system, "/purchases"), token=customer)[1]["purchases"][0]
    status, ret, _ = call("POST", url(system, "/returns"), {
        "purchase_id": purchase["purchase_id"], "location_id": STORE, "lines": [{"sku": sku, "quantity": 1}]},
        customer, {"idempotency-key": unique()})
    assert status == 201 and ret["refund_cents"] == 4995
    # a reservation cannot carry a price at all
    status, _, _ = call("POST", url(system, "/reservations"), {
        "location_id": STORE, "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 1}]}, customer,
        {"idempotency-key": unique()})
    assert status == 422
    # a till's made-up price: 422 without override, 403 from the POS, recorded with a staff override
    line = {"sku": sku, "quantity": 1, "unit_price_cents": 1}
    sale = {"location_id": STORE, "receipt_id": unique("R"), "purchased_at": "2026-11-23T09:30:00Z",
            "lines": [line]}
    status, problem, _ = call("POST", url(system, "/purchases"), sale, tokens["staff-utrecht"])
    assert status == 422 and problem["type"].endswith("/price-override-required")
    override = {"reason": "display model", "approved_by": "e2e-anna"}
    sale["lines"] = [{**line, "price_override": override}]
    assert call("POST", url(system, "/purchases"), sale, pos)[0] == 403
    status, sold, _ = call("POST", url(system, "/purchases"), sale, tokens["staff-utrecht"])
    assert status == 201 and sold["total_cents"] == 1 and sold["lines"][0]["catalog_price_cents"] == 4995
    status, report, _ = call("GET", url(system, f"/locations/{STORE}/price-overrides"),
                             token=tokens["staff-utrecht"])
    assert status == 200 and any(o["purchase_id"] == sold["purchase_id"] for o in report["overrides"])
