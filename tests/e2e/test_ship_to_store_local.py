"""Ship-to-store, end to end over HTTP on the local system.

A customer orders for pickup in Amsterdam a SKU only Utrecht has: the order routes a transfer
from Utrecht; Utrecht ships it (the units leave its shelves and are in transit, still counted
at Utrecht); Amsterdam receives it (held there for the order, ready for pickup, the customer
gets the pickup code); the customer collects it with the code. After every step the units are
conserved: the sum over all locations of on hand and in transit changes only when the customer
takes them home, and what is reserved is exactly what the order holds.
"""

from __future__ import annotations

import pytest

from local.auth import issue_token
from tests.e2e.conftest import Running, call, price_skus
from tests.e2e.test_customer_a_story import wait_for_message
from tests.e2e.test_local_stock import set_count, stock, url
from tests.names import Names

unique = Names("ship-to-store")
pytestmark = pytest.mark.e2e
AMSTERDAM, UTRECHT = "amsterdam-kalverstraat", "utrecht-oudegracht"


def levels(system: Running, token: str, sku: str) -> dict[str, dict]:
    """The SKU's full quantities at every location (zero where it was never stocked)."""
    status, found, _ = call("GET", url(system, "/locations"))
    assert status == 200, found
    return {loc["location_id"]: stock(system, token, sku, loc["location_id"]) for loc in found["locations"]}


def units(at: dict[str, dict]) -> int:
    """What conservation counts: on hand and in transit, everywhere."""
    return sum(level["on_hand"] + level["in_transit"] for level in at.values())


def reserved(at: dict[str, dict]) -> dict[str, int]:
    return {loc: level["reserved"] for loc, level in at.items() if level["reserved"]}


def test_a_pickup_order_in_amsterdam_is_transferred_from_utrecht_and_collected(system: Running,
                                                                               tokens: dict) -> None:
    erp = tokens["erp"]
    sku = unique("E2E-BOOT")
    email = f"{unique('ship-to-store')}@example.nl"
    price_skus(system, [sku], 7995)
    set_count(system, erp, sku, UTRECHT, 2)  # only Utrecht has it
    customer = issue_token("customer", unique("customer"))
    utrecht_staff = issue_token("staff", "associate-u-sts", UTRECHT)
    amsterdam_staff = issue_token("staff", "associate-a-sts", AMSTERDAM)
    start = levels(system, erp, sku)
    assert units(start) == 2 and reserved(start) == {}

    # 1. the customer orders it for pickup in Amsterdam: routed as a transfer from Utrecht, held there
    status, order, _ = call("POST", url(system, "/orders"), {
        "destination": {"type": "pickup", "location_id": AMSTERDAM}, "lines": [{"sku": sku, "quantity": 1}],
        "payment": "pay_at_pickup", "contact": {"email": email, "language": "en"}, "channel": "web"}, customer,
        {"idempotency-key": unique()})
    assert status == 201, order
    order_id = order["order_id"]
    assert order["destination"] == {"type": "pickup", "location_id": AMSTERDAM, "address": None}
    (transfer,) = order["fulfilments"]
    assert (transfer["fulfilment_id"], transfer["source_id"], transfer["kind"], transfer["status"],
            transfer["destination_location_id"]) == ("f1", UTRECHT, "transfer", "REQUESTED", AMSTERDAM)
    placed = levels(system, erp, sku)
    assert units(placed) == 2 and reserved(placed) == {UTRECHT: 1}

    # Utrecht's work list shows it to ship; Amsterdam has nothing to receive yet
    _, work, _ = call("GET", url(system, f"/locations/{UTRECHT}/fulfilments"), token=utrecht_staff)
    assert [(t["step"], t["fulfilment"]["fulfilment_id"]) for t in work["tasks"]
            if t["order"]["order_id"] == order_id] == [("ship", "f1")]
    _, work, _ = call("GET", url(system, f"/locations/{AMSTERDAM}/fulfilments"), token=amsterdam_staff)
    assert not [t for t in work["tasks"] if t["order"]["order_id"] == order_id]

    # 2. Utrecht ships: the unit leaves its shelf and is in transit, still counted at Utrecht
    status, problem, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/ship"), token=amsterdam_staff)
    assert status == 404, problem  # only the source ships
    status, shipped, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/ship"), token=utrecht_staff)
    assert status == 200, shipped
    assert shipped["fulfilments"][0]["status"] in ("SHIPPED", "IN_TRANSIT", "DELIVERED")
    assert shipped["fulfilments"][0]["tracking_number"]
    on_the_way = levels(system, erp, sku)
    assert (on_the_way[UTRECHT]["on_hand"], on_the_way[UTRECHT]["in_transit"]) == (1, 1)
    assert units(on_the_way) == 2 and reserved(on_the_way) == {}

    # Amsterdam's work list now shows it to receive
    _, work, _ = call("GET", url(system, f"/locations/{AMSTERDAM}/fulfilments"), token=amsterdam_staff)
    assert [t["step"] for t in work["tasks"] if t["order"]["order_id"] == order_id] == ["receive"]

    # 3. Amsterdam receives it: held there for the order, ready for pickup
    status, problem, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/receive"),
                              token=utrecht_staff)
    assert status == 404, problem  # only the pickup store receives
    status, received, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/receive"),
                               token=amsterdam_staff)
    assert status == 200, received
    assert received["status"] == "READY_FOR_PICKUP" and received["fulfilments"][0]["status"] == "RECEIVED"
    arrived = levels(system, erp, sku)
    assert (arrived[UTRECHT]["on_hand"], arrived[UTRECHT]["in_transit"]) == (1, 0)
    assert (arrived[AMSTERDAM]["on_hand"], arrived[AMSTERDAM]["available"]) == (1, 0)
    assert units(arrived) == 2 and reserved(arrived) == {AMSTERDAM: 1}
    status, again, _ = call("POST", url(system, f"/orders/{order_id}/fulfilments/f1/receive"), token=amsterdam_staff)
    assert status == 200 and again["status"] == "READY_FOR_PICKUP"  # receiving again changes nothing
    assert levels(system, erp, sku) == arrived
    _, work, _ = call("GET", url(system, f"/locations/{AMSTERDAM}/fulfilments"), token=amsterdam_staff)
    assert not [t for t in work["tasks"] if t["order"]["order_id"] == order_id]

    # 4. the customer gets the pickup code for the Amsterdam store
    ready = wait_for_message(system, email, "is ready for pickup")
    code = ready["body"].split("Your pickup code: ")[1][:6]
    assert "Kalverstraat 92, Amsterdam" in ready["body"], ready["body"]

    # 5. the customer collects it with the code: the unit leaves the system
    status, collected, _ = call("POST", url(system, f"/orders/{order_id}/collect"), {"pickup_code": code},
                                amsterdam_staff)
    assert status == 200 and collected["status"] == "COLLECTED", collected
    gone = levels(system, erp, sku)
    assert (gone[AMSTERDAM]["on_hand"], gone[AMSTERDAM]["reserved"]) == (0, 0)
    assert units(gone) == 2 - 1 and reserved(gone) == {}
