"""Per-customer limits (OWASP API4): units per SKU and active holds, per the location's policy.

Concurrency is in tests/e2e/test_limits_concurrent.py (the local system serialises DynamoDB as
AWS does per item; in-process moto is not thread-safe). Here: the rules and the counter's life.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from functions.locations_api import handler as locations_api
from functions.orders_api import handler as orders_api
from functions.reservations_api import handler as reservations_api
from local.seed import LOCATIONS
from shared import wiring
from shared.orders import service as orders
from shared.reservations import service as reservations
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_orders import place, step
from tests.integration.test_reservations import UTRECHT, level, reserve, stock

pytestmark = pytest.mark.usefixtures("locations")
CUSTOMER = CLAIMS["customer"]["sub"]


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["LIM-1", "LIM-2", "LIM-P", "LIM-Q", "LIM-Z1", "LIM-Z2", "LIM-Z3"], 2495)
    priced([f"LIM-H{i}" for i in range(11)], 2495)


def held() -> tuple[int, dict[str, int]]:
    return wiring.hold_counters().held_by(CUSTOMER, UTRECHT)


def test_units_per_sku_are_limited_across_reservations_and_orders() -> None:
    stock("LIM-1", UTRECHT, 50)
    assert reserve([{"sku": "LIM-1", "quantity": 3}], "lim-units-1")[0] == 201
    assert place([{"sku": "LIM-1", "quantity": 2}], "lim-units-2")[0] == 201
    status, problem, headers = reserve([{"sku": "LIM-1", "quantity": 1}], "lim-units-3")
    assert status == 429 and headers["Retry-After"].isdigit()
    assert problem["type"].endswith("too-many-requests")
    assert (problem["limit"], problem["sku"], problem["max"], problem["held"]) == ("units_per_sku", "LIM-1", 5, 5)
    assert place([{"sku": "LIM-1", "quantity": 1}], "lim-units-4")[0] == 429
    assert level("LIM-1").reserved == 5  # the refusals held nothing
    assert held() == (2, {"LIM-1": 5})
    # one request over the limit on its own is refused too, and a retry of a granted one is still a replay
    assert reserve([{"sku": "LIM-2", "quantity": 6}], "lim-units-5")[0] == 429
    assert reserve([{"sku": "LIM-1", "quantity": 3}], "lim-units-1")[0] == 200


def test_active_holds_are_limited_and_staff_holds_for_walk_ins_are_not() -> None:
    for i in range(10):
        stock(f"LIM-H{i}", UTRECHT, 3)
        assert reserve([{"sku": f"LIM-H{i}", "quantity": 1}], f"lim-holds-{i}")[0] == 201
    stock("LIM-H10", UTRECHT, 20)
    status, problem, _ = reserve([{"sku": "LIM-H10", "quantity": 1}], "lim-holds-10")
    assert (status, problem["limit"], problem["max"], problem["held"]) == (429, "active_holds", 10, 10)
    status, _, _ = reserve([{"sku": "LIM-H10", "quantity": 8}], "lim-holds-staff", as_="staff-utrecht",
                                    customer_id=CUSTOMER)
    assert status == 201 and level("LIM-H10").reserved == 8
    assert held()[0] == 10  # not counted
    # cancelling one frees a place
    first = reserve([{"sku": "LIM-H0", "quantity": 1}], "lim-holds-0")[1]["reservation_id"]
    assert http(reservations_api, "POST /reservations/{reservation_id}/cancel", {"reservation_id": first},
                as_="customer")[0] == 200
    assert reserve([{"sku": "LIM-H10", "quantity": 1}], "lim-holds-11")[0] == 201


def test_a_locations_policy_sets_its_limits() -> None:
    utrecht = next(loc for loc in LOCATIONS if loc.location_id == UTRECHT)
    body = utrecht.model_dump(mode="json", exclude={"location_id"})
    body |= {"max_units_per_sku_per_customer": 1, "max_active_holds_per_customer": 2}
    status, view, _ = http(locations_api, "PUT /locations/{location_id}", {"location_id": UTRECHT}, body, as_="admin")
    assert status == 200
    assert (view["max_units_per_sku_per_customer"], view["max_active_holds_per_customer"]) == (1, 2)
    wiring.location_directory().invalidate()
    stock("LIM-P", UTRECHT, 10)
    assert reserve([{"sku": "LIM-P", "quantity": 1}], "lim-policy-1")[0] == 201
    assert reserve([{"sku": "LIM-P", "quantity": 1}], "lim-policy-2")[0] == 429
    assert reserve([{"sku": "LIM-Q", "quantity": 2}], "lim-policy-3")[0] == 429


def test_the_counter_returns_to_zero_when_every_hold_ends() -> None:
    for sku in ("LIM-Z1", "LIM-Z2", "LIM-Z3"):
        stock(sku, UTRECHT, 10)
    cancelled = reserve([{"sku": "LIM-Z1", "quantity": 2}], "lim-zero-1")[1]["reservation_id"]
    expiring = reserve([{"sku": "LIM-Z1", "quantity": 1}, {"sku": "LIM-Z2", "quantity": 1}], "lim-zero-2",
                       hold_seconds=60)[1]
    collected = place([{"sku": "LIM-Z2", "quantity": 2}], "lim-zero-3")[1]["order_id"]
    short = place([{"sku": "LIM-Z3", "quantity": 1}, {"sku": "LIM-Z1", "quantity": 1}], "lim-zero-4")[1]["order_id"]
    not_collected = place([{"sku": "LIM-Z3", "quantity": 2}], "lim-zero-5")[1]["order_id"]
    customer_cancelled = place([{"sku": "LIM-Z3", "quantity": 1}], "lim-zero-6")[1]["order_id"]
    assert held() == (6, {"LIM-Z1": 4, "LIM-Z2": 3, "LIM-Z3": 4})

    assert http(reservations_api, "POST /reservations/{reservation_id}/cancel", {"reservation_id": cancelled},
                as_="customer")[0] == 200
    assert reservations.expire_due(
        **wiring.holds(), now=datetime.fromisoformat(expiring["expires_at"]) + timedelta(seconds=1)) == 1
    for oid in (collected, short, not_collected):
        step(oid, "accept")
        step(oid, "picking")
    assert http(orders_api, "POST /orders/{order_id}/lines/{sku}/short", {"order_id": short, "sku": "LIM-Z1"},
                as_="staff-utrecht")[0] == 200
    assert held() == (4, {"LIM-Z1": 0, "LIM-Z2": 2, "LIM-Z3": 4})
    for oid in (collected, short, not_collected):
        step(oid, "ready")
    for oid in (collected, short):
        code = wiring.order_store().get(oid).pickup_code  # type: ignore[union-attr]
        assert step(oid, "collect", {"pickup_code": code})[0] == 200
    assert step(customer_cancelled, "cancel", as_="customer")[0] == 200
    deadline = wiring.order_store().get(not_collected).pickup_deadline  # type: ignore[union-attr]
    assert deadline is not None
    swept = orders.sweep(**wiring.holds(), orders=wiring.order_store(), now=deadline + timedelta(seconds=1))
    assert swept["not_collected"] == 1
    assert held() == (0, {"LIM-Z1": 0, "LIM-Z2": 0, "LIM-Z3": 0})
    assert all(level(sku).reserved == 0 for sku in ("LIM-Z1", "LIM-Z2", "LIM-Z3"))
