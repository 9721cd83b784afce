"""Points on DynamoDB (moto) through the real handlers: earned with a till sale and with the same
sale as a SaleRecorded event, taken back with a refund, once under retries and redelivery; the
tier's CustomerTierChanged from the table stream; the account read by the customer and by staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from functions.loyalty_api import handler as loyalty_api
from functions.purchases_api import handler as purchases_api
from functions.returns_api import handler as returns_api
from functions.stock_stream_publisher import handler as publisher
from functions.stock_updates_consumer import handler as consumer
from local.lambdas import FakeContext
from local.pollers import StreamPoller
from local.provision import Provisioned
from shared import wiring
from shared.adapters import dynamodb_loyalty
from shared.outbound import OutboundEvent
from shared.purchases.service import purchase_id_for
from tests.integration.conftest import CLAIMS, http
from tests.integration.test_reservations import UTRECHT, stock
from tests.integration.test_stock_events import bus_event, sqs_batch
from tests.names import Names

unique = Names("loyalty")
pytestmark = pytest.mark.usefixtures("locations")
CTX = FakeContext(function_name="test", aws_request_id="r")
CUSTOMER = CLAIMS["customer"]["sub"]
OVERRIDE = {"reason": "price match", "approved_by": "anna"}  # a till price other than the catalog's


@pytest.fixture(autouse=True)
def _in_the_catalog(priced: Callable[..., None]) -> None:
    """The server prices every line: the SKUs these stories sell are in the catalog."""
    priced(["LY-1"], 14_995)
    priced(["LY-2"], 1000)
    priced(["LY-3", "LY-4"], 2495)


def till(receipt_id: str, lines: list[dict[str, Any]], customer_id: str | None = CUSTOMER,
         purchased_at: str = "2026-11-23T10:15:00+01:00") -> tuple[int, Any, dict]:
    body = {"location_id": UTRECHT, "receipt_id": receipt_id, "purchased_at": purchased_at,
            "lines": lines, **({"customer_id": customer_id} if customer_id else {})}
    return http(purchases_api, "POST /purchases", body=body, as_="staff-utrecht")


def sale_event(receipt_id: str, lines: list[dict[str, Any]], event_id: str) -> dict[str, Any]:
    return bus_event("SaleRecorded", {"location_id": UTRECHT, "receipt_id": receipt_id, "lines": lines,
                                      "purchased_at": "2026-11-23T10:15:00+01:00", "customer_id": CUSTOMER},
                     event_id=event_id)


def refund(purchase_id: str, sku: str, quantity: int) -> dict[str, Any]:
    status, ret, _ = http(returns_api, "POST /returns", body={
        "purchase_id": purchase_id, "location_id": UTRECHT, "lines": [{"sku": sku, "quantity": quantity}]},
        as_="customer", headers={"idempotency-key": unique()})
    assert status == 201, ret
    rid = {"return_id": ret["return_id"]}
    for action in ("approve", "receive"):
        assert http(returns_api, f"POST /returns/{{return_id}}/{action}", rid, as_="staff-utrecht")[0] == 200
    assert http(returns_api, "POST /returns/{return_id}/inspect", rid, {"dispositions": {sku: "RESTOCK"}},
                as_="staff-utrecht")[0] == 200
    for _ in range(2):  # the payment integration says so twice: the points go back once
        status, done, _ = http(returns_api, "POST /returns/{return_id}/refunded", rid, {"refund_reference": "PSP-1"},
                               as_="erp")
        assert status == 200 and done["status"] == "REFUNDED"
    return dict(done)


def my_points(query: str = "") -> dict[str, Any]:
    status, view, _ = http(loyalty_api, "GET /me/points", as_="customer", query=query)
    assert status == 200, view
    return dict(view)


def tier_events(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> list[OutboundEvent]:
    """The stream read from its start through the publisher: what it puts on the bus about tiers."""
    published: list[OutboundEvent] = []

    class Capture:
        def publish(self, events: list[OutboundEvent]) -> None:
            published.extend(events)

    with monkeypatch.context() as patched:  # undone before the emulated account is torn down
        patched.setattr(publisher.wiring, "event_publisher", lambda: Capture())
        StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arn,
                     lambda event: publisher.lambda_handler(event, CTX)).poll_once()
    return [event for event in published if event.detail_type == "CustomerTierChanged"]


def test_a_sale_earns_points_once_through_the_api_and_its_event_and_a_refund_takes_them_back(
        aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    stock("LY-1", UTRECHT, 10)
    lines = [{"sku": "LY-1", "quantity": 2, "unit_price_cents": 14_995}]  # 299.90: 299 points, SILVER
    # a till sale with the loyalty card, sent again, and the POS's SaleRecorded of it, delivered twice
    status, purchase, _ = till("LY-R1", lines)
    assert status == 201
    assert till("LY-R1", lines)[0] == 200
    event = sale_event("LY-R1", lines, unique("event"))
    for _ in range(2):
        assert consumer.lambda_handler(sqs_batch(event), CTX) == {"batchItemFailures": []}
    mine = my_points()
    assert (mine["balance"], mine["tier"], mine["net_spend_cents"]) == (299, "SILVER", 29_990)
    assert [(e["reason"], e["points"], e["source_id"]) for e in mine["history"]] == [
        ("earned", 299, purchase["purchase_id"])]
    # a sale without a card earns nobody anything
    assert till("LY-R2", [{"sku": "LY-1", "quantity": 1, "unit_price_cents": 500, "price_override": OVERRIDE}],
                customer_id=None)[0] == 201
    assert my_points()["balance"] == 299
    # one unit back: 149 points and its spend go, and with them SILVER
    ret = refund(purchase["purchase_id"], "LY-1", 1)
    mine = my_points()
    assert (mine["balance"], mine["tier"], mine["net_spend_cents"]) == (150, "BRONZE", 14_995)
    assert [(e["reason"], e["points"], e["source_id"]) for e in mine["history"]] == [
        ("taken_back", -149, ret["return_id"]), ("earned", 299, purchase["purchase_id"])]
    # the tier went up and down: one event each, the same ids when the stream is read again
    first = tier_events(aws, monkeypatch)
    assert [(e.detail["data"]["old_tier"], e.detail["data"]["new_tier"]) for e in first] == [
        ("BRONZE", "SILVER"), ("SILVER", "BRONZE")]
    assert all(e.source == "retail.loyalty" for e in first)
    again = tier_events(aws, monkeypatch)
    assert [e.detail["metadata"]["event_id"] for e in again] == [e.detail["metadata"]["event_id"] for e in first]


def test_the_ledger_pages_newest_first_and_staff_read_any_customers_points(aws: Provisioned) -> None:
    stock("LY-2", UTRECHT, 10)
    for n in range(3):
        assert till(f"LY-P{n}", [{"sku": "LY-2", "quantity": 1, "unit_price_cents": 1000 * (n + 1),
                                  **({"price_override": OVERRIDE} if n else {})}],
                    purchased_at=f"2026-11-23T10:1{n}:00+01:00")[0] == 201
    first = my_points("limit=2")
    assert [e["points"] for e in first["history"]] == [30, 20] and first["next_cursor"]
    rest = my_points(f"limit=2&cursor={first['next_cursor']}")
    assert [e["points"] for e in rest["history"]] == [10] and rest["next_cursor"] is None
    assert http(loyalty_api, "GET /me/points", as_="customer", query="cursor=forged")[0] == 400
    for who in ("staff-utrecht", "admin"):
        status, view, _ = http(loyalty_api, "GET /customers/{customer_id}/points", {"customer_id": CUSTOMER},
                               as_=who)
        assert (status, view["balance"], len(view["history"])) == (200, 60, 3)
    assert http(loyalty_api, "GET /customers/{customer_id}/points", {"customer_id": CUSTOMER},
                as_="customer")[0] == 404
    nobody = http(loyalty_api, "GET /customers/{customer_id}/points", {"customer_id": "nobody"}, as_="admin")[1]
    assert (nobody["balance"], nobody["tier"], nobody["history"]) == (0, "BRONZE", [])


def test_points_never_go_below_zero_in_the_table(aws: Provisioned) -> None:
    """The account's condition, not only the use case, keeps the balance at 0 or more."""
    from datetime import UTC, datetime

    from shared.loyalty.model import PointsEntry, Reason
    from shared.transactions import Refused

    tx = wiring.transactions().begin()
    wiring.loyalty_store().add_entry(tx, entry=PointsEntry("c-z", "o-1", Reason.REDEEMED, -1,
                                                           datetime(2026, 11, 23, tzinfo=UTC)))
    with pytest.raises(Refused) as refused:
        tx.commit()
    assert [type(f.subject).__name__ for f in refused.value] == ["AccountChange"]
    item = boto3.client("dynamodb").get_item(TableName=aws.table_name, Key=dynamodb_loyalty.account_key("c-z"))
    assert "Item" not in item


def test_points_pay_part_of_an_order_once_and_come_back_when_it_is_cancelled(aws: Provisioned) -> None:
    from tests.integration.test_orders import place, step

    stock("LY-3", UTRECHT, 10)
    assert till("LY-O1", [{"sku": "LY-3", "quantity": 1, "unit_price_cents": 29_900,
                           "price_override": OVERRIDE}])[0] == 201  # 299 points
    key = unique()
    status, order, _ = place([{"sku": "LY-3", "quantity": 2}], key=key, redeem_points=200)  # 2 x 24.95
    assert status == 201, order
    assert (order["redeemed_points"], order["points_discount_cents"]) == (200, 1000)
    assert my_points()["balance"] == 99
    assert place([{"sku": "LY-3", "quantity": 2}], key=key, redeem_points=200)[0] == 200  # a retry: once
    assert my_points()["balance"] == 99
    status, problem, headers = place([{"sku": "LY-3", "quantity": 1}], redeem_points=100 * 2)
    assert status == 409 and headers["Content-Type"] == "application/problem+json", problem
    assert problem["type"].endswith("/not-enough-points") and problem["balance"] == 99
    assert place([{"sku": "LY-3", "quantity": 1}], redeem_points=150)[0] == 422  # whole blocks only
    assert wiring.stock_store().get("LY-3", UTRECHT).reserved == 2  # type: ignore[union-attr]  # the first only
    for _ in range(2):
        assert step(order["order_id"], "cancel", as_="customer")[0] == 200
    mine = my_points()
    assert mine["balance"] == 299
    assert [(e["reason"], e["points"]) for e in mine["history"]][:2] == [("restored", 200), ("redeemed", -200)]


def test_an_order_paid_partly_with_points_refunds_no_more_money_than_was_paid(aws: Provisioned) -> None:
    """The review's finding: a collected order paid 10.00 with points refunded its full line prices."""
    from tests.integration.test_orders import place, step

    stock("LY-4", UTRECHT, 10)
    assert till("LY-O2", [{"sku": "LY-4", "quantity": 1, "unit_price_cents": 29_900,
                           "price_override": OVERRIDE}])[0] == 201  # 299 points
    status, order, _ = place([{"sku": "LY-4", "quantity": 2}], redeem_points=200)  # 2 x 24.95, 10.00 in points
    assert status == 201 and order["points_discount_cents"] == 1000, order
    for action in ("accept", "picking", "ready"):
        assert step(order["order_id"], action)[0] == 200
    code = wiring.order_store().get(order["order_id"]).pickup_code  # type: ignore[union-attr]
    assert step(order["order_id"], "collect", {"pickup_code": code})[0] == 200
    bought = wiring.purchase_store().get_purchase(purchase_id_for(location_id=UTRECHT, reference=order["order_id"]))
    assert bought is not None and bought.points_discount_cents == 1000
    # each unit back carries half the points discount: 24.95 - 5.00; both together: what was paid in money
    first, second = refund(bought.purchase_id, "LY-4", 1), refund(bought.purchase_id, "LY-4", 1)
    assert (first["refund_cents"], second["refund_cents"]) == (1995, 1995)
    assert first["refund_cents"] + second["refund_cents"] == 2 * 2495 - 1000
