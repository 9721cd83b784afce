"""DynamoDB-only failure: an item held by a running transaction. A write to it is answered with
TransactionConflictException (UpdateItem) or a TransactionConflict cancellation reason
(TransactWriteItems). Neither moto nor DynamoDB Local ever answers that, so it is injected here
at the HTTP layer of the system's own client. When the conflict outlasts the retries, the
caller gets 503 problem+json with Retry-After, and nothing has changed."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto.core.botocore_stubber import MockRawResponse

from functions.reservations_api import handler as reservations_api
from functions.stock_write_api import handler as writes
from shared import wiring
from shared.adapters.aws import client
from shared.identity import Caller
from shared.stock import service as stock
from shared.stock.model import ChangeKind
from tests.integration.conftest import http

pytestmark = pytest.mark.usefixtures("locations")
AT = {"sku": "CONFLICT-1", "location_id": "utrecht-oudegracht"}
ERP = Caller(role="integration", subject="erp")


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["CONFLICT-1"], 995)


def _conflict(operation: str) -> dict[str, Any]:
    if operation == "TransactWriteItems":
        return {"__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled [None, TransactionConflict]",
                "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict",
                                                            "Message": "Transaction is ongoing for the item"}]}
    return {"__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
            "message": "Transaction is ongoing for the item"}


@contextlib.contextmanager
def conflicting(operation: str) -> Iterator[list[str]]:
    """While active, every such write the system sends to DynamoDB meets a running transaction."""
    attempts: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        attempts.append(operation)
        request.url = "https://conflict.invalid/"  # botocore offers the request to moto too: it must not apply
        body = json.dumps(_conflict(operation))
        return AWSResponse(request.url, 400, {"content-type": "application/x-amz-json-1.0"}, MockRawResponse(body))

    events = client("dynamodb").meta.events
    events.register_first(f"before-send.dynamodb.{operation}", answer)
    try:
        yield attempts
    finally:
        events.unregister(f"before-send.dynamodb.{operation}", answer)


def _receive(quantity: int) -> None:
    stock.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                        directory=wiring.location_directory(), caller=ERP, sku=AT["sku"],
                        location_id=AT["location_id"], kind=ChangeKind.RECEIPT, quantity=quantity,
                        idempotency_key="conflict-receive", source="test")


def _assert_503(answer: tuple[int, Any, dict], attempts: list[str]) -> None:
    status, body, headers = answer
    assert status == 503, body
    assert headers["Content-Type"] == "application/problem+json"
    assert body["type"].endswith("/temporarily-unavailable") and body["status"] == 503
    assert int(headers["Retry-After"]) >= 1
    assert len(attempts) > 1  # retried before giving up


def test_a_stock_change_that_keeps_conflicting_is_503_not_insufficient_stock() -> None:
    _receive(4)
    before = wiring.stock_store().get(AT["sku"], AT["location_id"])
    with conflicting("TransactWriteItems") as attempts:
        answer = http(writes, "POST /stock/{sku}/locations/{location_id}/changes", AT,
                      {"kind": "sale", "quantity": 1}, as_="erp", headers={"idempotency-key": "conflict-sale"})
    _assert_503(answer, attempts)
    assert wiring.stock_store().get(AT["sku"], AT["location_id"]) == before


def test_settings_updates_that_meet_a_transaction_are_503_and_change_nothing() -> None:
    _receive(5)
    before = wiring.stock_store().get(AT["sku"], AT["location_id"])
    with conflicting("UpdateItem") as attempts:
        answer = http(writes, "PUT /stock/{sku}/locations/{location_id}/settings", AT,
                      {"safety_stock": 2, "low_stock_threshold": 3}, as_="admin")
    _assert_503(answer, attempts)
    assert wiring.stock_store().get(AT["sku"], AT["location_id"]) == before


def test_extending_a_hold_that_meets_a_transaction_is_503_and_changes_nothing() -> None:
    _receive(3)
    status, held, _ = http(reservations_api, "POST /reservations", body={
        "location_id": AT["location_id"], "lines": [{"sku": AT["sku"], "quantity": 1}], "hold_seconds": 60},
        as_="customer", headers={"idempotency-key": "conflict-hold"})
    assert status == 201, held
    before = wiring.reservation_store().get(held["reservation_id"])
    with conflicting("UpdateItem") as attempts:
        answer = http(reservations_api, "POST /reservations/{reservation_id}/extend",
                      {"reservation_id": held["reservation_id"]}, {"hold_seconds": 600}, as_="customer")
    _assert_503(answer, attempts)
    assert wiring.reservation_store().get(held["reservation_id"]) == before


def test_a_hold_that_keeps_conflicting_is_503_not_insufficient_stock() -> None:
    _receive(3)
    with conflicting("TransactWriteItems") as attempts:
        answer = http(reservations_api, "POST /reservations", body={
            "location_id": AT["location_id"], "lines": [{"sku": AT["sku"], "quantity": 1}]},
            as_="customer", headers={"idempotency-key": "conflict-hold-2"})
    _assert_503(answer, attempts)
    level = wiring.stock_store().get(AT["sku"], AT["location_id"])
    assert level is not None and level.reserved == 0


def test_an_order_step_that_keeps_conflicting_is_503_and_the_order_stays_as_it_was() -> None:
    from functions.orders_api import handler as orders_api

    _receive(2)
    status, order, _ = http(orders_api, "POST /orders", body={
        "location_id": AT["location_id"], "lines": [{"sku": AT["sku"], "quantity": 1, "unit_price_cents": 995}],
        "payment": "pay_at_pickup", "contact": {"email": "shopper@example.nl", "language": "nl"}},
        as_="customer", headers={"idempotency-key": "conflict-order"})
    assert status == 201, order
    with conflicting("TransactWriteItems") as attempts:
        answer = http(orders_api, "POST /orders/{order_id}/accept", {"order_id": order["order_id"]},
                      as_="staff-utrecht")
    _assert_503(answer, attempts)
    assert wiring.order_store().get(order["order_id"]).status.value == "PLACED"  # type: ignore[union-attr]
