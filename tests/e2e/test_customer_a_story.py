"""Customer A, end to end over HTTP on the local system.

Compares online, finds the item in stock in the nearest store, reserves it there (a click &
collect order, pay in store), the store prepares it and marks it ready, the customer gets a
message with a pickup code, collects with that code, and the store's stock is reduced.
"""

from __future__ import annotations

import time

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("story")
pytestmark = pytest.mark.e2e
HOME = (52.0907, 5.1214)  # Utrecht, near the Oudegracht store


def wait_for_message(system: Running, to: str, contains: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _, found, _ = call("GET", url(system, f"/_local/messages?to={to}"))
        matching = [m for m in found["emails"] if contains in m["subject"]]
        if matching:
            return matching[-1]
        time.sleep(0.5)
    raise AssertionError(f"no message with {contains!r} for {to} within {seconds} s")


def test_customer_a_reserves_online_and_collects_in_the_nearest_store(system: Running, tokens: dict) -> None:
    sku = unique("E2E-COAT")
    email = f"{unique('customer-a')}@example.nl"
    price_skus(system, [sku], 8995)
    set_count(system, tokens["erp"], sku, "utrecht-oudegracht", 2)
    set_count(system, tokens["erp"], sku, "amsterdam-kalverstraat", 5)
    customer = issue_token("customer", unique("customer-a"))

    # 1. is it in my nearest store?
    status, nearest, _ = call("GET", url(system, f"/stock/{sku}/nearest?lat={HOME[0]}&lon={HOME[1]}&limit=2"))
    assert status == 200
    store = nearest["locations"][0]
    assert store["location"]["location_id"] == "utrecht-oudegracht" and store["distance_km"] < 2

    # 2. reserve it there, pay in the store
    status, order, _ = call("POST", url(system, "/orders"), {
        "location_id": "utrecht-oudegracht", "lines": [{"sku": sku, "quantity": 1, "unit_price_cents": 8995}],
        "payment": "pay_at_pickup",
        "contact": {"email": email, "language": "en"}, "channel": "web"}, customer,
        {"idempotency-key": unique()})
    assert status == 201, order
    assert stock(system, tokens["erp"], sku, "utrecht-oudegracht")["reserved"] == 1
    wait_for_message(system, email, "We have received your order")

    # 3. associate B prepares it and taps "ready"
    staff = tokens["staff-utrecht"]
    status, open_orders, _ = call("GET", url(system, "/locations/utrecht-oudegracht/orders"), token=staff)
    assert order["order_id"] in [o["order_id"] for o in open_orders["orders"]]
    for action in ("accept", "picking", "ready"):
        status, body, _ = call("POST", url(system, f"/orders/{order['order_id']}/{action}"), token=staff)
        assert status == 200, body

    # 4. the customer gets the pickup code
    ready = wait_for_message(system, email, "is ready for pickup")
    code = ready["body"].split("Your pickup code: ")[1][:6]
    assert "Oudegracht 150, Utrecht" in ready["body"] and "You pay when you collect it" in ready["body"]

    # 5. collection with the code; the stock leaves the store
    status, problem, _ = call("POST", url(system, f"/orders/{order['order_id']}/collect"),
                              {"pickup_code": "999999" if code != "999999" else "000000"}, staff)
    assert status == 422 and problem["errors"][0]["field"] == "pickup_code"
    status, collected, _ = call("POST", url(system, f"/orders/{order['order_id']}/collect"), {"pickup_code": code},
                                staff)
    assert status == 200 and collected["status"] == "COLLECTED"
    level = stock(system, tokens["erp"], sku, "utrecht-oudegracht")
    assert (level["on_hand"], level["reserved"], level["available"]) == (1, 0, 1)
    receipt = wait_for_message(system, email, "Receipt for your order")
    assert "1 x " in receipt["body"] and f"({sku})" in receipt["body"]  # the product's name, then the SKU
    status, mine, _ = call("GET", url(system, "/orders"), token=customer)
    assert [(o["order_id"], o["status"]) for o in mine["orders"]] == [(order["order_id"], "COLLECTED")]
