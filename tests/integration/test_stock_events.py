"""Events in and out: POS/ERP events change stock once; committed changes publish once."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from events.contracts import envelope_model
from functions.stock_stream_publisher import handler as publisher
from functions.stock_updates_consumer import handler as consumer
from infra.topology import TOPOLOGY
from local.lambdas import FakeContext
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from tests.names import Names

unique = Names("stock-events")
pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="test", aws_request_id="r")


def bus_event(detail_type: str, data: dict[str, Any], source: str = "retail.pos",
              event_id: str | None = None) -> dict[str, Any]:
    return {"version": "0", "id": unique("envelope"), "detail-type": detail_type, "source": source,
            "account": "123456789012", "time": "2026-11-23T09:00:00Z", "region": "eu-west-1", "resources": [],
            "detail": {"metadata": {"event_id": event_id or unique("event"), "event_type": detail_type,
                                    "occurred_at": "2026-11-23T09:00:00Z", "producer": "test"}, "data": data}}


def sqs_batch(*bodies: Any) -> dict[str, Any]:
    return {"Records": [
        {"messageId": f"m{i}", "receiptHandle": f"h{i}", "body": b if isinstance(b, str) else json.dumps(b),
         "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {}, "md5OfBody": "",
         "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:stock-updates",
         "awsRegion": "eu-west-1"} for i, b in enumerate(bodies)]}


def on_hand(sku: str, loc: str) -> int:
    level = wiring.stock_store().get(sku, loc)
    return level.on_hand if level else 0


def receipt(sku: str, qty: int, event_id: str | None = None) -> dict[str, Any]:
    return bus_event("GoodsReceived", {"location_id": "utrecht-oudegracht", "delivery_id": "D-1",
                                       "lines": [{"sku": sku, "quantity": qty}]}, "retail.wms", event_id)


def test_a_batch_reports_only_its_bad_messages_and_applies_the_rest() -> None:
    good = receipt("SKU-1", 4)
    sale = bus_event("SaleRecorded", {"location_id": "utrecht-oudegracht", "receipt_id": "R1",
                                      "lines": [{"sku": "SKU-1", "quantity": 1}, {"sku": "SKU-2", "quantity": 9}]})
    malformed = bus_event("GoodsReceived", {"location_id": "utrecht-oudegracht", "lines": []})
    unknown_store = receipt("SKU-1", 1)
    unknown_store["detail"]["data"]["location_id"] = "atlantis"
    result = consumer.lambda_handler(sqs_batch(good, sale, malformed, "not json", unknown_store), CTX)
    assert {f["itemIdentifier"] for f in result["batchItemFailures"]} == {"m2", "m3", "m4"}
    # the sale is a fact: recorded whole, also the line the books had no stock for; once
    assert (on_hand("SKU-1", "utrecht-oudegracht"), on_hand("SKU-2", "utrecht-oudegracht")) == (3, -9)
    consumer.lambda_handler(sqs_batch(good, sale), CTX)
    assert (on_hand("SKU-1", "utrecht-oudegracht"), on_hand("SKU-2", "utrecht-oudegracht")) == (3, -9)


def test_a_redelivered_event_changes_nothing() -> None:
    event = receipt("SKU-9", 2, event_id="wms-dlv-42")
    for _ in range(3):
        assert consumer.lambda_handler(sqs_batch(event), CTX) == {"batchItemFailures": []}
    assert on_hand("SKU-9", "utrecht-oudegracht") == 2
    count = bus_event("StockCounted", {"location_id": "utrecht-oudegracht", "as_of": "2026-11-23T06:00:00Z",
                                       "counts": [{"sku": "SKU-9", "on_hand": 11}]}, "retail.erp")
    consumer.lambda_handler(sqs_batch(count, count), CTX)
    assert on_hand("SKU-9", "utrecht-oudegracht") == 11


def _listen(aws: Provisioned) -> str:
    sqs, events = boto3.client("sqs"), boto3.client("events")
    url = sqs.create_queue(QueueName="test-listener")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="test-listener", EventBusName=aws.bus_name,
                    EventPattern=json.dumps({"source": ["retail.stock"]}))
    events.put_targets(Rule="test-listener", EventBusName=aws.bus_name, Targets=[{"Id": "q", "Arn": arn}])
    return url


def _drain(url: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    while batch := boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        got += [json.loads(m["Body"]) for m in batch]
        boto3.client("sqs").delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return got


def test_committed_changes_are_published_once_per_version_with_threshold_signals(aws: Provisioned) -> None:
    url = _listen(aws)
    consumer.lambda_handler(sqs_batch(receipt("SKU-5", 3)), CTX)
    sale = bus_event("SaleRecorded", {"location_id": "utrecht-oudegracht", "receipt_id": "R2",
                                      "lines": [{"sku": "SKU-5", "quantity": 1}]})
    consumer.lambda_handler(sqs_batch(sale), CTX)
    consumer.lambda_handler(sqs_batch(bus_event("SaleRecorded", {
        "location_id": "utrecht-oudegracht", "receipt_id": "R3", "lines": [{"sku": "SKU-5", "quantity": 2}]})), CTX)
    batches: list[dict[str, Any]] = []
    poller = StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                          lambda event: batches.append(event) or publisher.lambda_handler(event, CTX))
    poller.poll_once()
    published = _drain(url)
    types = [(e["detail-type"], e["detail"]["data"].get("version")) for e in published]
    assert [t for t, _ in types] == ["StockChanged", "StockChanged", "StockLow", "StockChanged", "OutOfStock"]
    for event in published:
        envelope_model(event["detail-type"]).model_validate(event["detail"])
    assert published[1]["detail"]["data"]["change"]["kind"] == "sale"
    assert published[1]["detail"]["data"]["before"]["on_hand"] == 3
    # a redelivered stream batch publishes the same event ids again: consumers drop them
    for event in batches:
        publisher.lambda_handler(event, CTX)
    again = _drain(url)
    assert sorted(e["detail"]["metadata"]["event_id"] for e in again) == sorted(
        e["detail"]["metadata"]["event_id"] for e in published)


def test_the_inbound_rule_routes_only_stock_updates_to_the_consumer_queue(aws: Provisioned) -> None:
    events, sqs = boto3.client("events"), boto3.client("sqs")
    detail = json.dumps(receipt("X", 1)["detail"])
    entries = [{"EventBusName": aws.bus_name, "Source": s, "DetailType": t, "Detail": detail}
               for s, t in [("retail.wms", "GoodsReceived"), ("retail.stock", "StockChanged"), ("retail.pos", "Other")]]
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    url = aws.queue_urls[TOPOLOGY.rules[0].queue]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["detail-type"] for m in got] == ["GoodsReceived"]
    # what the rule delivers is what the consumer accepts
    assert consumer.lambda_handler(sqs_batch(got[0]["Body"]), CTX) == {"batchItemFailures": []}
    assert on_hand("X", "utrecht-oudegracht") == 1
