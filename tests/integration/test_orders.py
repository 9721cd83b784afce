"""Click & collect (handlers and DynamoDB on moto): lifecycle, stock effects, customer messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import boto3
import pytest

from functions.customer_notifier import handler as notifier
from functions.orders_api import handler as api
from functions.stock_stream_publisher import handler as publisher
from infra.topology import TOPOLOGY
from local.lambdas import FakeContext
from local.outbox import captured
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from shared.orders import service
from shared.orders.model import OrderStatus
from tests.integration.conftest import http
from tests.integration.test_reservations import UTRECHT, level, stock
from tests.names import Names

unique = Names("orders")
pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="customer-notifier", aws_request_id="r")
EMAIL = "anna.de.vries@example.nl"


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"], 2495)


def place(lines: list[dict], key: str | None = None, **extra) -> tuple[int, dict, dict]:
    lines = [{"unit_price_cents": 2495, **line} for line in lines]
    body = {"location_id": UTRECHT, "lines": lines, "payment": "pay_at_pickup",
            "contact": {"email": EMAIL, "language": "nl", "phone": "+31612345678"}, **extra}
    return http(api, "POST /orders", body=body, as_="customer", headers={"idempotency-key": key or unique()})


def step(order_id: str, action: str, body=None, as_: str = "staff-utrecht") -> tuple[int, dict, dict]:
    return http(api, f"POST /orders/{{order_id}}/{action}", {"order_id": order_id}, body, as_=as_)


def deliver_messages(aws: Provisioned) -> None:
    """What AWS does between a commit and the customer: stream -> bus -> rule -> queue -> notifier."""
    StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                 lambda event: publisher.lambda_handler(event, CTX)).poll_once()
    sqs = boto3.client("sqs")
    url = aws.queue_urls["customer-messages"]
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": {}, "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                    "eventSourceARN": "arn", "awsRegion": "eu-west-1"} for m in batch]
        assert notifier.lambda_handler({"Records": records}, CTX) == {"batchItemFailures": []}
        # a redelivery of the same batch sends nothing again
        assert notifier.lambda_handler({"Records": records}, CTX) == {"batchItemFailures": []}
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(batch)])


def test_the_whole_lifecycle_holds_then_hands_over_and_tells_the_customer(aws: Provisioned) -> None:
    stock("C-1", UTRECHT, 3)
    status, order, _ = place([{"sku": "C-1", "quantity": 2}])
    assert status == 201 and order["status"] == "PLACED"
    assert (level("C-1").reserved, level("C-1").on_hand) == (2, 3)
    oid = order["order_id"]
    assert step(oid, "ready")[0] == 409  # not before it is picked
    for action, expected in [("accept", "ACCEPTED"), ("accept", "ACCEPTED"), ("picking", "PICKING"),
                             ("ready", "READY_FOR_PICKUP"), ("ready", "READY_FOR_PICKUP")]:
        status, body, _ = step(oid, action)
        assert (status, body["status"]) == (200, expected)
    deliver_messages(aws)
    ready_mail = [m for m in captured(EMAIL)["emails"] if "ligt klaar" in m["subject"]]
    assert len(ready_mail) == 1
    code = ready_mail[0]["body"].split("Je ophaalcode: ")[1][:6]
    assert captured("+31612345678")["sms"][-1]["text"].endswith(code)
    assert step(oid, "collect", {"pickup_code": "000000" if code != "000000" else "111111"})[0] == 422
    status, body, _ = step(oid, "collect", {"pickup_code": code})
    assert (status, body["status"]) == (200, "COLLECTED")
    assert (level("C-1").on_hand, level("C-1").reserved, level("C-1").available) == (1, 0, 1)
    assert step(oid, "collect", {"pickup_code": code})[0] == 200  # repeated: same answer, no change
    assert level("C-1").on_hand == 1
    deliver_messages(aws)
    subjects = [m["subject"] for m in captured(EMAIL)["emails"]]
    assert subjects == [f"Je bestelling {oid[:8].upper()} is ontvangen", f"Je bestelling {oid[:8].upper()} ligt klaar",
                        f"Bon van je bestelling {oid[:8].upper()}"]


def test_a_short_line_is_released_and_the_rest_goes_on(aws: Provisioned) -> None:
    stock("C-2", UTRECHT, 2)
    stock("C-3", UTRECHT, 2)
    oid = place([{"sku": "C-2", "quantity": 1}, {"sku": "C-3", "quantity": 2}])[1]["order_id"]
    step(oid, "accept")
    status, body, _ = http(api, "POST /orders/{order_id}/lines/{sku}/short", {"order_id": oid, "sku": "C-3"},
                           as_="staff-utrecht")
    assert status == 200 and [line["short"] for line in body["lines"]] == [False, True]
    assert (level("C-3").reserved, level("C-2").reserved) == (0, 1)
    deliver_messages(aws)
    assert any("niet beschikbaar" in m["subject"] for m in captured(EMAIL)["emails"])


def test_cancel_and_not_collected_put_the_units_back(aws: Provisioned) -> None:
    stock("C-4", UTRECHT, 4)
    first = place([{"sku": "C-4", "quantity": 1}])[1]["order_id"]
    assert http(api, "POST /orders/{order_id}/cancel", {"order_id": first}, as_="customer")[1]["status"] == "CANCELLED"
    second = place([{"sku": "C-4", "quantity": 2}])[1]["order_id"]
    for action in ("accept", "picking", "ready"):
        step(second, action)
    assert level("C-4").reserved == 2
    store = wiring.order_store()
    deadline = store.get(second).pickup_deadline  # set by the service's clock when it became ready
    assert deadline is not None
    late = deadline - timedelta(minutes=30)
    assert service.sweep(**wiring.holds(), orders=store, now=late) == {
        "reminded": 1, "not_collected": 0, "unpaid_cancelled": 0}
    assert service.sweep(**wiring.holds(), orders=store, now=late) == {
        "reminded": 0, "not_collected": 0, "unpaid_cancelled": 0}
    assert service.sweep(**wiring.holds(), orders=store, now=late + timedelta(hours=1)) == {
        "reminded": 0, "not_collected": 1, "unpaid_cancelled": 0}
    assert store.get(second).status is OrderStatus.NOT_COLLECTED
    assert (level("C-4").reserved, level("C-4").available) == (0, 4)
    deliver_messages(aws)
    subjects = " | ".join(m["subject"] for m in captured(EMAIL)["emails"])
    assert "geannuleerd" in subjects and "Herinnering" in subjects and "niet opgehaald" in subjects


def test_staff_of_other_stores_and_other_customers_see_nothing() -> None:
    stock("C-5", UTRECHT, 1)
    oid = place([{"sku": "C-5", "quantity": 1}])[1]["order_id"]
    from tests.integration.conftest import CLAIMS

    CLAIMS["staff-rotterdam"] = {"sub": "bob", "cognito:groups": "[staff]", "custom:location_id": "rotterdam-lijnbaan"}
    CLAIMS["other-customer"] = {"sub": "cust-2", "cognito:groups": "[customer]"}
    assert step(oid, "accept", as_="staff-rotterdam")[0] == 404
    assert http(api, "GET /orders/{order_id}", {"order_id": oid}, as_="other-customer")[0] == 404
    assert step(oid, "accept", as_="customer")[0] == 404
    status, body, _ = http(api, "GET /locations/{location_id}/orders", {"location_id": UTRECHT}, as_="staff-utrecht")
    assert status == 200 and oid in [o["order_id"] for o in body["orders"]]
    assert http(api, "GET /locations/{location_id}/orders", {"location_id": UTRECHT}, as_="staff-rotterdam")[0] == 404


def test_placing_twice_with_one_key_places_once_and_no_stock_is_a_409_with_alternatives() -> None:
    stock("C-6", UTRECHT, 1)
    stock("C-6", "amsterdam-kalverstraat", 3)
    key = unique()
    first, again = place([{"sku": "C-6", "quantity": 1}], key), place([{"sku": "C-6", "quantity": 1}], key)
    assert (first[0], again[0], again[1]["order_id"]) == (201, 200, first[1]["order_id"])
    assert level("C-6").reserved == 1
    status, problem, _ = place([{"sku": "C-6", "quantity": 1}])
    assert status == 409 and problem["alternatives"][0]["location_id"] == "amsterdam-kalverstraat"
    assert json.loads(json.dumps(problem))["lines"][0]["available"] == 0
    assert TOPOLOGY.queue("customer-messages").max_receive_count == 5
