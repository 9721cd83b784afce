"""Facts are never refused (PRODUCT.md): till sales and counts are recorded whatever the books
say; a shortfall shows, the store is told, and the holds that can no longer be served end.
Handlers, stream, bus, queues and DynamoDB on moto; ids and keys derive from the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from functions.customer_notifier import handler as customer_notifier
from functions.orders_api import handler as orders_api
from functions.purchases_api import handler as purchases_api
from functions.stock_read_api import handler as stock_read_api
from functions.stock_stream_publisher import handler as publisher
from functions.stock_updates_consumer import handler as consumer
from functions.stock_write_api import handler as stock_write_api
from functions.store_notifier import handler as store_notifier
from local.lambdas import FakeContext
from local.outbox import captured
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from shared.purchases.service import purchase_id_for
from tests.integration.conftest import CLAIMS, http, price_skus
from tests.integration.test_orders import EMAIL, place, step
from tests.integration.test_reservations import UTRECHT, level, stock
from tests.integration.test_stock_events import bus_event, sqs_batch
from tests.integration.test_store_devices import pushes_to, register

pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="test", aws_request_id="r")
for _n in range(3):  # separate customers: per-customer hold limits play no part here
    CLAIMS[f"facts-customer-{_n}"] = {"sub": f"facts-customer-{_n}", "cognito:groups": "[customer]"}
HANDLERS = {"stock-updates": consumer, "store-notifications": store_notifier,
            "customer-messages": customer_notifier}


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these tests reserve, order or sell are in the catalog."""
    priced(["FA-1", "FA-2", "FB-1", "FC-1", "FE-1", "FE-2"], 2495)
    priced(["FD-1"], 995)


@pytest.fixture(autouse=True)
def _platform_apps(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    for env, arn in aws.platform_apps.items():
        monkeypatch.setenv(env, arn)
    monkeypatch.setenv("FEED_ENDPOINT", "https://feed.execute-api.eu-west-1.amazonaws.com/live")


def pump(aws: Provisioned, rounds: int = 3) -> list[str]:
    """What AWS does after a commit: stream -> bus -> rules -> queues -> consumers, until quiet.

    Returns the detail-types each consumer handled (all consumers are idempotent, and a fresh
    stream reader starts at the oldest record, so a round republishes what was published)."""
    seen: list[str] = []
    sqs = boto3.client("sqs")
    for _ in range(rounds):
        StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                     lambda event: publisher.lambda_handler(event, CTX)).poll_once()
        for queue, handler in HANDLERS.items():
            url = aws.queue_urls[queue]
            while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                seen += [f"{queue}:{json.loads(m['Body'])['detail-type']}" for m in batch]
                records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                            "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn",
                            "awsRegion": "eu-west-1"} for m in batch]
                assert handler.lambda_handler({"Records": records}, CTX) == {"batchItemFailures": []}, queue
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return seen


def till(receipt_id: str, lines: list[dict[str, Any]], **extra: Any) -> tuple[int, Any, dict]:
    body = {"location_id": UTRECHT, "receipt_id": receipt_id, "purchased_at": "2026-11-23T10:15:00+01:00",
            "lines": [{"unit_price_cents": 2495, **line} for line in lines], **extra}
    return http(purchases_api, "POST /purchases", body=body, as_="staff-utrecht")


def stock_view(sku: str) -> dict[str, Any]:
    status, view, _ = http(stock_read_api, "GET /stock/{sku}/locations/{location_id}",
                           {"sku": sku, "location_id": UTRECHT}, as_="staff-utrecht")
    assert status == 200, view
    return dict(view)


def test_a_till_sale_of_a_held_unit_is_recorded_and_resolves_the_order_line(aws: Provisioned) -> None:
    stock("FA-1", UTRECHT, 1)
    stock("FA-2", UTRECHT, 1)
    tablet = register(UTRECHT, "staff-utrecht")
    status, order, _ = place([{"sku": "FA-1", "quantity": 1}, {"sku": "FA-2", "quantity": 1}], key="facts-order-a")
    assert status == 201
    status, purchase, _ = till("T-A1", [{"sku": "FA-1", "quantity": 1}])
    assert status == 201, purchase
    view = stock_view("FA-1")
    assert (view["on_hand"], view["reserved"], view["available"], view["shortfall"]) == (0, 1, 0, 1)
    seen = pump(aws)
    assert "store-notifications:StockShortfall" in seen and "stock-updates:StockShortfall" in seen
    assert any(p.get("kind") == "StockShortfall" or "StockShortfall" in json.dumps(p) for p in pushes_to(
        tablet["device_id"]))
    after = wiring.order_store().get(order["order_id"])
    assert after is not None and after.status.value == "PLACED"
    assert [(x.sku, x.short) for x in after.lines] == [("FA-1", True), ("FA-2", False)]
    view = stock_view("FA-1")
    assert (view["on_hand"], view["reserved"], view["shortfall"]) == (0, 0, 0)
    assert level("FA-2").reserved == 1  # the rest of the order is still held
    assert any("niet beschikbaar" in m["subject"] for m in captured(EMAIL)["emails"])


def test_the_same_sale_as_an_event_is_consumed_and_recorded_once_with_the_api(aws: Provisioned) -> None:
    stock("FB-1", UTRECHT, 2)
    status, order, _ = place([{"sku": "FB-1", "quantity": 2}], key="facts-order-b")
    assert status == 201
    sale = bus_event("SaleRecorded", {
        "location_id": UTRECHT, "receipt_id": "T-B1", "customer_id": "cust-1",
        "purchased_at": "2026-11-23T09:15:00Z", "lines": [{"sku": "FB-1", "quantity": 1, "unit_price_cents": 2495}]},
        event_id="pos-facts-b1")
    for _ in range(2):  # delivered twice
        assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}
    assert till("T-B1", [{"sku": "FB-1", "quantity": 1}], customer_id="cust-1")[0] == 200  # the same sale
    assert (level("FB-1").on_hand, level("FB-1").reserved, level("FB-1").shortfall) == (1, 2, 1)
    purchase = wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT, reference="T-B1"))
    assert purchase is not None and purchase.customer_id == "cust-1" and purchase.reference == "T-B1"
    pump(aws)
    after = wiring.order_store().get(order["order_id"])
    assert after is not None and after.status.value == "CANCELLED"  # its only line could not be served
    assert (level("FB-1").on_hand, level("FB-1").reserved, level("FB-1").available) == (1, 0, 1)


def test_a_count_below_what_is_held_is_applied_and_shows_the_shortfall(aws: Provisioned) -> None:
    stock("FC-1", UTRECHT, 3)
    assert place([{"sku": "FC-1", "quantity": 2}], key="facts-order-c")[0] == 201
    status, body, _ = http(stock_write_api, "PUT /stock/{sku}/locations/{location_id}/count",
                           {"sku": "FC-1", "location_id": UTRECHT},
                           {"on_hand": 1, "as_of": "2026-11-23T08:00:00Z"}, as_="staff-utrecht",
                           headers={"idempotency-key": "facts-count-c1"})
    assert (status, body["status"]) == (201, "applied")
    view = stock_view("FC-1")
    assert (view["on_hand"], view["reserved"], view["available"], view["shortfall"]) == (1, 2, 0, 1)
    pump(aws)
    view = stock_view("FC-1")
    assert (view["on_hand"], view["reserved"], view["shortfall"]) == (1, 0, 0)


def test_newest_holds_go_first_and_only_until_what_is_held_fits(aws: Provisioned) -> None:
    stock("FD-1", UTRECHT, 3)
    first, second, third = (http(orders_api, "POST /orders", body={
        "location_id": UTRECHT, "lines": [{"sku": "FD-1", "quantity": 1, "unit_price_cents": 995}],
        "payment": "paid_online", "contact": {"email": f"d{n}@example.nl"}}, as_=f"facts-customer-{n}",
        headers={"idempotency-key": f"facts-order-d{n}"})[1] for n in range(3))
    assert till("T-D1", [{"sku": "FD-1", "quantity": 2, "unit_price_cents": 995}])[0] == 201  # 1 left for 3 holds
    pump(aws)
    statuses = [wiring.order_store().get(o["order_id"]).status.value for o in (first, second, third)]
    assert statuses == ["PLACED", "CANCELLED", "CANCELLED"]
    assert (level("FD-1").on_hand, level("FD-1").reserved, level("FD-1").shortfall) == (1, 1, 0)


def test_a_pay_at_pickup_order_rung_up_at_the_till_is_one_sale(aws: Provisioned) -> None:
    stock("FE-1", UTRECHT, 3)
    stock("FE-2", UTRECHT, 5)
    status, order, _ = place([{"sku": "FE-1", "quantity": 2}], key="facts-order-e")
    for action in ("accept", "picking", "ready"):
        assert step(order["order_id"], action)[0] == 200
    lines = [{"sku": "FE-1", "quantity": 2}, {"sku": "FE-2", "quantity": 1}]
    status, purchase, _ = till("T-E1", lines, order_id=order["order_id"], customer_id="cust-1")
    assert status == 201, purchase
    assert [(x["sku"], x["quantity"]) for x in purchase["lines"]] == [("FE-2", 1)]  # the rest of the receipt
    collected = wiring.order_store().get(order["order_id"])
    assert collected is not None and collected.status.value == "COLLECTED"
    assert (level("FE-1").on_hand, level("FE-1").reserved, level("FE-2").on_hand) == (1, 0, 4)
    # the same receipt again, through the API and as an event: nothing moves twice
    assert till("T-E1", lines, order_id=order["order_id"], customer_id="cust-1")[0] == 200
    sale = bus_event("SaleRecorded", {"location_id": UTRECHT, "receipt_id": "T-E1", "customer_id": "cust-1",
                                      "order_id": order["order_id"], "purchased_at": "2026-11-23T09:15:00Z",
                                      "lines": [{**line, "unit_price_cents": 2495} for line in lines]},
                     event_id="pos-facts-e1")
    assert consumer.lambda_handler(sqs_batch(sale), CTX) == {"batchItemFailures": []}
    assert (level("FE-1").on_hand, level("FE-1").reserved, level("FE-2").on_hand) == (1, 0, 4)
    order_purchase = wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT,
                                                                        reference=order["order_id"]))
    assert order_purchase is not None and [(x.sku, x.quantity) for x in order_purchase.lines] == [("FE-1", 2)]
    # an order rung up alone is its own purchase, and it is collected once
    status, order2, _ = place([{"sku": "FE-2", "quantity": 1}], key="facts-order-e2")
    alone = till("T-E2", [{"sku": "FE-2", "quantity": 1}], order_id=order2["order_id"])
    assert alone[0] == 201 and alone[1]["reference"] == order2["order_id"]
    assert (level("FE-2").on_hand, level("FE-2").reserved) == (3, 0)


def test_a_till_sale_of_200_distinct_skus_is_recorded_once(aws: Provisioned) -> None:
    price_skus([f"FF-{i:03d}" for i in range(200)], 2495)  # here only: 400 catalog writes would fill the stream
    lines = [{"sku": f"FF-{i:03d}", "quantity": 1} for i in range(200)]
    status, purchase, _ = till("T-F1", lines)
    assert status == 201, purchase
    assert len(purchase["lines"]) == 200
    assert {level(f"FF-{i:03d}").on_hand for i in range(200)} == {-1}
    again = till("T-F1", lines)
    assert (again[0], again[1]["purchase_id"]) == (200, purchase["purchase_id"])
    assert {level(f"FF-{i:03d}").on_hand for i in range(200)} == {-1}
    assert till("T-F1", [*lines[:199], {"sku": "FF-199", "quantity": 2}])[0] == 422  # same receipt, other lines


def test_a_large_sale_cut_off_after_its_first_chunk_completes_on_retry(aws: Provisioned,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.adapters import dynamodb_transaction

    real, calls = dynamodb_transaction.run_transaction, []

    def dies_after_one(db: Any, transact_items: list[dict[str, Any]]) -> None:
        calls.append(len(transact_items))
        if len(calls) == 2:
            raise RuntimeError("the Lambda ran out of time")
        real(db, transact_items)

    lines = [{"sku": f"FG-{i:03d}", "quantity": 2} for i in range(150)]
    price_skus([f"FG-{i:03d}" for i in range(150)], 2495)
    monkeypatch.setattr(dynamodb_transaction, "run_transaction", dies_after_one)
    assert till("T-G1", lines)[0] == 500
    assert calls == [100, 52]  # the first chunk (99 lines and its marker) was written, the second not
    assert [level(f"FG-{i:03d}") is not None for i in (0, 98, 99)] == [True, True, False]
    monkeypatch.setattr(dynamodb_transaction, "run_transaction", real)
    status, purchase, _ = till("T-G1", lines)
    assert status == 201, purchase
    assert {level(f"FG-{i:03d}").on_hand for i in range(150)} == {-2}  # each line once
