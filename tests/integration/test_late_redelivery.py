"""Late redelivery (DLQ redrive, archive replay) applies and sends nothing twice.

moto never deletes expired items, so "time passes" is simulated twice over: the expiry written
on each dedupe record must lie beyond the longest redelivery window, and a consumer whose clock
has moved 20 days on must still treat the record as present.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency.persistence import base, datarecord, dynamodb

from functions.customer_notifier import handler as customer_notifier
from functions.stock_stream_publisher import handler as publisher
from functions.stock_updates_consumer import handler as consumer
from functions.store_notifier import handler as store_notifier
from infra.topology import REDELIVERY, TOPOLOGY
from local.lambdas import FakeContext
from local.outbox import captured
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from tests.integration.conftest import http
from tests.integration.test_orders import EMAIL, api
from tests.integration.test_reservations import UTRECHT, stock
from tests.integration.test_stock_events import bus_event, on_hand, sqs_batch

pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="late-redelivery", aws_request_id="r")
LATER_DAYS = 20  # after the old 7-day idempotency records, inside the DLQ + archive window
WINDOW_SECONDS = REDELIVERY.window_days * 24 * 3600


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["LATE-1", "LATE-2"], 999)


@pytest.fixture
def days_later(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Moves the clock Powertools idempotency reads by whole days (it reads the wall clock)."""
    real = dt.datetime

    def shift(days: int) -> None:
        class Later(real):
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> Any:  # type: ignore[override]
                return real.now(tz) + dt.timedelta(days=days)

        fake = types.SimpleNamespace(datetime=Later, timedelta=dt.timedelta, date=dt.date, time=dt.time)
        for module in (base, datarecord, dynamodb):
            monkeypatch.setattr(module, "dt", fake)

    return shift


def _records(url: str) -> list[dict[str, Any]]:
    batch = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "attributes": {},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn",
             "awsRegion": "eu-west-1"} for m in batch]


def _expiries(prefix: str) -> list[int]:
    """expires_at_epoch of the dedupe records whose key starts so ("" and data: Powertools')."""
    table = boto3.client("dynamodb")
    if prefix:
        found = table.scan(TableName=TOPOLOGY.table.name, FilterExpression="begins_with(pk, :p)",
                           ExpressionAttributeValues={":p": {"S": prefix}})["Items"]
    else:  # Powertools idempotency records: their result is kept in "data"
        found = table.scan(TableName=TOPOLOGY.table.name, FilterExpression="attribute_exists(#d)",
                           ExpressionAttributeNames={"#d": "data"})["Items"]
    assert found
    return [int(item["expires_at_epoch"]["N"]) for item in found]


def test_a_notification_replayed_20_days_later_is_not_sent_again(
        aws: Provisioned, days_later: Callable[[int], None]) -> None:
    stock("LATE-1", UTRECHT, 2)
    body = {"location_id": UTRECHT, "lines": [{"sku": "LATE-1", "quantity": 1, "unit_price_cents": 999}],
            "payment": "pay_at_pickup", "contact": {"email": EMAIL, "language": "nl"}}
    assert http(api, "POST /orders", body=body, as_="customer",
                headers={"idempotency-key": "late-redelivery-order"})[0] == 201
    StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                 lambda event: publisher.lambda_handler(event, CTX)).poll_once()
    records = _records(aws.queue_urls["customer-messages"])
    assert records
    started = int(dt.datetime.now().timestamp())  # determinism: allow (a lower bound on the clock Powertools reads)
    assert customer_notifier.lambda_handler({"Records": records}, CTX) == {"batchItemFailures": []}
    sent = len(captured(EMAIL)["emails"])
    assert sent == 1
    assert all(expiry >= started + WINDOW_SECONDS for expiry in _expiries(""))

    days_later(LATER_DAYS)  # redriven from the DLQ or replayed from the archive
    assert customer_notifier.lambda_handler({"Records": records}, CTX) == {"batchItemFailures": []}
    assert len(captured(EMAIL)["emails"]) == sent


def test_a_store_push_replayed_20_days_later_reaches_no_device_twice(days_later: Callable[[int], None]) -> None:
    sends: list[str] = []
    store_notifier.config.register_lambda_context(CTX)
    once = store_notifier._once("evt-late-store")
    started = int(dt.datetime.now().timestamp())  # determinism: allow (a lower bound on the clock Powertools reads)
    once("device-1", lambda: sends.append("device-1"))
    assert all(expiry >= started + WINDOW_SECONDS for expiry in _expiries("idempotency#store-notifier"))
    days_later(LATER_DAYS)
    once("device-1", lambda: sends.append("device-1"))
    assert sends == ["device-1"]


def test_a_sale_redriven_20_days_later_changes_stock_once() -> None:
    stock("LATE-2", UTRECHT, 5)
    sale = bus_event("SaleRecorded", {"location_id": UTRECHT, "receipt_id": "R-LATE",
                                      "lines": [{"sku": "LATE-2", "quantity": 1}]}, event_id="pos-late-sale")
    started = int(dt.datetime.now().timestamp())  # determinism: allow (a lower bound on the clock Powertools reads)
    assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}
    assert on_hand("LATE-2", UTRECHT) == 4
    # every dedupe record the sale wrote outlives the longest time the message can come back
    expiries = [e for e in _expiries("IDEM#") if e >= started]
    assert expiries and min(expiries) >= started + WINDOW_SECONDS
    # a record past its expiry that DynamoDB has not yet deleted still counts as applied
    table = boto3.client("dynamodb")
    for item in table.scan(TableName=TOPOLOGY.table.name, FilterExpression="begins_with(pk, :p)",
                           ExpressionAttributeValues={":p": {"S": "IDEM#"}})["Items"]:
        table.update_item(TableName=TOPOLOGY.table.name, Key={"pk": item["pk"], "sk": item["sk"]},
                          UpdateExpression="SET expires_at_epoch = :past",
                          ExpressionAttributeValues={":past": {"N": str(started - 1)}})
    assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}
    assert on_hand("LATE-2", UTRECHT) == 4
    assert wiring.stock_store().get("LATE-2", UTRECHT) is not None
