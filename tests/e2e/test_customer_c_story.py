"""Customer C, end to end over HTTP on the local system.

C is in the Amsterdam store; their size is not there. The associate enrols C (a loyalty card),
finds the size in Utrecht, orders it for home delivery in a slot C chooses, and C pays at the
till. C gets the order confirmation by e-mail; Utrecht's store app shows the ship-from-store
task (push and work list); Utrecht packs and ships; the carrier delivers (the local sandbox
carrier advances the parcel); the purchase is in C's account with its points, and a review
request follows some "days" later (seconds here).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, local_system
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("story-c")
pytestmark = pytest.mark.e2e
AMSTERDAM, UTRECHT = "amsterdam-kalverstraat", "utrecht-oudegracht"
JACKET_L = "JKT-RAIN-NAVY-L"
HOME = {"name": "Chris de Klant", "street": "Damrak", "house_number": "1", "postal_code": "1012 LG",
        "city": "Amsterdam"}


@pytest.fixture(scope="module")
def system_c() -> Iterator[Running]:
    with local_system({"REVIEW_AFTER_SECONDS": "2", "CARRIER_STEP_SECONDS": "1"}) as running:
        yield running


def wait_for(condition, seconds: float = 30.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError("not within the time")


def test_customer_c_orders_a_size_from_another_store_for_home_delivery(system_c: Running) -> None:
    system = system_c
    erp = issue_token("integration", "e2e-erp-c")
    associate = issue_token("staff", "associate-c", AMSTERDAM)
    utrecht_staff = issue_token("staff", "associate-u", UTRECHT)
    set_count(system, erp, JACKET_L, AMSTERDAM, 0)
    set_count(system, erp, JACKET_L, UTRECHT, 2)
    email = f"{unique('c')}@example.nl"
    status, device, _ = call("POST", url(system, f"/locations/{UTRECHT}/devices"),
                             {"platform": "fcm", "token": unique("utrecht-tablet")}, utrecht_staff)
    assert status == 201, device

    # 1. the associate enrols C: a loyalty card
    status, customer, _ = call("POST", url(system, "/customers"), {
        "location_id": AMSTERDAM, "name": "Chris de Klant", "email": email, "language": "en",
        "consents": {"marketing_email": False}}, associate, {"idempotency-key": unique()})
    assert status == 201, customer

    # 2. the size is not here, but Utrecht has it: the ways to deliver it home, with slots
    status, found, _ = call("POST", url(system, "/fulfilment-options"), {
        "lines": [{"sku": JACKET_L, "quantity": 1}],
        "destination": {"type": "delivery", "postal_code": HOME["postal_code"]}})
    assert status == 200, found
    best = found["options"][0]
    assert {pick["location_id"] for pick in best["picks"]} == {UTRECHT}
    slot = best["slots"][0]

    # 3. the associate orders it for C, delivered in that slot, to be paid at the till
    status, order, _ = call("POST", url(system, "/orders"), {
        "customer_id": customer["customer_id"], "destination": {"type": "delivery", "address": HOME},
        "slot_id": slot["slot_id"], "lines": [{"sku": JACKET_L, "quantity": 1}], "payment": "pay_in_store",
        "channel": "store", "contact": {"email": email, "language": "en", "name": "Chris"}},
        associate, {"idempotency-key": unique()})
    assert status == 201, order
    assert order["fulfilments"][0]["source_id"] == UTRECHT and order["slot"]["slot_id"] == slot["slot_id"]
    assert stock(system, erp, JACKET_L, UTRECHT)["reserved"] == 1
    order_id = order["order_id"]

    # 4. C pays at the till; the confirmation e-mail names the delivery
    status, paid, _ = call("POST", url(system, f"/orders/{order_id}/payment"), {
        "amount_cents": order["amount_due_cents"], "reference": unique("till")}, associate)
    assert status == 200 and paid["paid_at"], paid
    wait_for_message(system, email, "We have received your order")

    # 5. Utrecht's store app: a push to its tablet, and the ship-from-store task in its work list
    def pushed() -> list:
        _, found, _ = call("GET", url(system, f"/_local/pushes?location={UTRECHT}"))
        return [p for p in found["devices"] if order_id[:8].upper() in p["message"]["default"]]

    assert "Ship from store" in wait_for(pushed)[0]["message"]["default"] or \
        "Verzenden vanuit de winkel" in wait_for(pushed)[0]["message"]["default"]
    def task() -> dict | None:
        _, work, _ = call("GET", url(system, f"/locations/{UTRECHT}/fulfilments"), token=utrecht_staff)
        return next((t for t in work["tasks"] if t["order"]["order_id"] == order_id), None)

    shown = wait_for(task)
    assert shown["step"] == "ship" and shown["fulfilment"]["lines"] == [{"sku": JACKET_L, "quantity": 1}]

    # 6. Utrecht packs and ships: the units leave, C gets the tracking link
    status, shipped, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/ship"), token=utrecht_staff)
    assert status == 200 and shipped["status"] == "SHIPPED", shipped
    assert shipped["fulfilments"][0]["tracking_number"]
    level = stock(system, erp, JACKET_L, UTRECHT)
    assert (level["on_hand"], level["reserved"]) == (1, 0)

    # 7. the carrier delivers; the purchase is in C's account, with its points
    me = issue_token("customer", customer["customer_id"])

    def delivered() -> dict | None:
        _, current, _ = call("GET", url(system, f"/orders/{order_id}"), token=me)
        return current if current["status"] == "DELIVERED" else None

    wait_for(delivered, 60)
    _, timeline, _ = call("GET", url(system, "/purchases"), token=me)
    assert [(p["channel"], p["reference"]) for p in timeline["purchases"]] == [("home_delivery", order_id)]
    _, points, _ = call("GET", url(system, "/me/points"), token=me)
    assert points["balance"] == timeline["purchases"][0]["total_cents"] // 100

    # 8. and a review request follows
    wait_for_message(system, email, "How do you like what you bought", seconds=60)
