"""Facts are never refused, over HTTP on the local system: a till sells a unit held for an
order; the sale is recorded, the store's devices are told, the order line goes short and the
customer gets a message, all through the real rules, queues and consumers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, stock, url

pytestmark = pytest.mark.e2e
STORE = "utrecht-oudegracht"


def eventually(check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.3)
    raise AssertionError(f"not within {seconds} s")


def test_a_till_sale_of_a_held_unit_is_recorded_and_the_order_line_goes_short(system: Running, tokens: dict) -> None:
    held, kept = "E2E-FACT-HELD", "E2E-FACT-KEPT"
    email = "facts-e2e@example.nl"
    customer, staff = issue_token("customer", "facts-e2e"), issue_token("staff", "facts-tablet", STORE)
    assert call("POST", url(system, f"/locations/{STORE}/devices"),
                {"platform": "fcm", "token": "fcm-facts-e2e-tablet"}, staff)[0] == 201
    price_skus(system, [held, kept], 995)
    set_count(system, tokens["erp"], held, STORE, 1)
    set_count(system, tokens["erp"], kept, STORE, 1)
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": STORE, "lines": [{"sku": held, "quantity": 1, "unit_price_cents": 995},
                                        {"sku": kept, "quantity": 1, "unit_price_cents": 995}],
        "payment": "pay_at_pickup", "contact": {"email": email, "language": "nl"}}, customer,
        {"idempotency-key": "facts-e2e-order-1"})
    assert status == 201, order
    status, sale, _ = call("POST", url(system, "/purchases"), {
        "location_id": STORE, "receipt_id": "FACTS-E2E-R1", "purchased_at": "2026-11-23T09:30:00Z",
        "lines": [{"sku": held, "quantity": 1, "unit_price_cents": 995}]}, tokens["staff-utrecht"])
    assert status == 201, sale
    assert stock(system, tokens["erp"], held, STORE)["on_hand"] == 0

    def short() -> bool:
        lines = call("GET", url(system, f"/orders/{order['order_id']}"), token=customer)[1]["lines"]
        return [(x["sku"], x["short"]) for x in lines] == [(held, True), (kept, False)]

    eventually(short)
    level = stock(system, tokens["erp"], held, STORE)
    assert (level["on_hand"], level["reserved"], level["shortfall"]) == (0, 0, 0)
    assert stock(system, tokens["erp"], kept, STORE)["reserved"] == 1
    wait_for_message(system, email, "niet beschikbaar")
    eventually(lambda: [p for p in call("GET", url(system, f"/_local/pushes?location={STORE}"))[1]["devices"]
                        if "StockShortfall" in str(p["message"])])
