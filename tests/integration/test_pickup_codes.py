"""Pickup codes cannot be guessed: 5 wrong codes void the code; staff issue a new one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from local.outbox import captured
from local.provision import Provisioned
from shared import wiring
from shared.orders.model import MAX_CODE_ATTEMPTS
from tests.integration.test_orders import EMAIL, deliver_messages, place, step
from tests.integration.test_reservations import UTRECHT, level, stock

pytestmark = pytest.mark.usefixtures("locations")


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["PIN-1", "PIN-2"], 2495)


def ready_order(sku: str, key: str) -> str:
    stock(sku, UTRECHT, 2)
    oid = place([{"sku": sku, "quantity": 1}], key)[1]["order_id"]
    for action in ("accept", "picking", "ready"):
        assert step(oid, action)[0] == 200
    return oid


def code_of(oid: str) -> str:
    order = wiring.order_store().get(oid)
    assert order is not None and order.pickup_code
    return order.pickup_code


def wrong(code: str, n: int) -> str:
    return f"{(int(code) + n) % 10**6:06d}"


def test_five_wrong_codes_void_the_code_and_a_new_code_works(aws: Provisioned) -> None:
    oid = ready_order("PIN-1", "pin-order-1")
    code = code_of(oid)
    for attempt in range(1, MAX_CODE_ATTEMPTS):
        status, problem, _ = step(oid, "collect", {"pickup_code": wrong(code, attempt)})
        assert (status, problem["attempts_left"]) == (422, MAX_CODE_ATTEMPTS - attempt)
    status, problem, headers = step(oid, "collect", {"pickup_code": wrong(code, MAX_CODE_ATTEMPTS)})
    assert status == 429 and problem["type"].endswith("pickup-code-locked") and headers["Retry-After"]
    status, problem, _ = step(oid, "collect", {"pickup_code": code})  # the right code, too late
    assert status == 429 and problem["new_code_required"] is True
    assert wiring.order_store().get(oid).status.value == "READY_FOR_PICKUP"  # type: ignore[union-attr]
    assert level("PIN-1").reserved == 1

    # only staff of the pickup store (or head office) issue a new code; the customer cannot
    assert step(oid, "pickup-code", as_="customer")[0] == 404
    deliver_messages(aws)
    before = len([m for m in captured(EMAIL)["emails"] if "ligt klaar" in m["subject"]])
    status, body, _ = step(oid, "pickup-code")
    assert status == 200 and "pickup_code" not in body
    new_code = code_of(oid)
    deliver_messages(aws)
    ready_mails = [m for m in captured(EMAIL)["emails"] if "ligt klaar" in m["subject"]]
    assert len(ready_mails) == before + 1 and f"Je ophaalcode: {new_code}" in ready_mails[-1]["body"]
    if new_code != code:
        assert step(oid, "collect", {"pickup_code": code})[0] == 422  # the old code is void
    status, body, _ = step(oid, "collect", {"pickup_code": new_code})
    assert (status, body["status"]) == (200, "COLLECTED")
    assert (level("PIN-1").on_hand, level("PIN-1").reserved) == (1, 0)


def test_a_new_code_is_only_for_an_order_ready_for_pickup() -> None:
    stock("PIN-2", UTRECHT, 1)
    oid = place([{"sku": "PIN-2", "quantity": 1}], "pin-order-2")[1]["order_id"]
    assert step(oid, "pickup-code")[0] == 409
