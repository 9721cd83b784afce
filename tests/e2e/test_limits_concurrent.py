"""One customer's concurrent holds never exceed the location's limits (the issue's 1,000 of 1,000)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Running, call
from tests.e2e.test_local_stock import set_count, stock, url

pytestmark = pytest.mark.e2e
LOC = "eindhoven-demer"  # seeded with the default policy: 5 units per SKU, 10 active holds


def _reserve(system: Running, token: str, sku: str, key: str) -> int:
    status, _, headers = call("POST", url(system, "/reservations"),
                              {"location_id": LOC, "lines": [{"sku": sku, "quantity": 1}]}, token,
                              {"idempotency-key": key})
    assert status in (201, 429), status
    assert status == 201 or {k.lower(): v for k, v in headers.items()}.get("retry-after", "").isdigit()
    return status


def test_60_concurrent_holds_of_one_customer_stop_at_5_units_of_a_sku(system: Running, tokens: dict) -> None:
    from local.auth import issue_token

    hoarder = issue_token("customer", "e2e-hoarder-units")
    sku = "E2E-LIMIT-UNITS"
    set_count(system, tokens["erp"], sku, LOC, 100)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda i: _reserve(system, hoarder, sku, f"e2e-limit-units-{i}"), range(60)))
    assert (statuses.count(201), statuses.count(429)) == (5, 55)
    assert stock(system, tokens["erp"], sku, LOC)["reserved"] == 5


def test_40_concurrent_holds_of_one_customer_stop_at_10_active_holds(system: Running, tokens: dict) -> None:
    from local.auth import issue_token

    hoarder = issue_token("customer", "e2e-hoarder-holds")
    skus = [f"E2E-LIMIT-HOLDS-{i}" for i in range(40)]
    for sku in skus:
        set_count(system, tokens["erp"], sku, LOC, 2)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda i: _reserve(system, hoarder, skus[i], f"e2e-limit-holds-{i}"), range(40)))
    assert (statuses.count(201), statuses.count(429)) == (10, 30)
    assert sum(stock(system, tokens["erp"], sku, LOC)["reserved"] for sku in skus) == 10
