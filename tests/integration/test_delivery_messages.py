"""Messages for orders from any location to any destination, end to end on moto: events built from the
contracts go on the bus, the rules route them (bus -> rule -> queue), the notifiers read the order and
tell the customer (e-mail, once) or the store that must act (push, once per device)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from events.contracts import (
    FULFILMENT_EVENTS,
    ORDER_EVENTS,
    Contract,
    FulfilledLine,
    FulfilmentEvent,
    OrderedLine,
    OrderEvent,
    detail,
)
from events.sources import ORDER_EVENT_SOURCE
from functions.store_notifier import handler as store_notifier
from local.lambdas import FakeContext
from local.outbox import captured
from local.provision import Provisioned
from shared import wiring
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from tests.integration.test_orders import deliver_messages
from tests.integration.test_stock_events import sqs_batch
from tests.integration.test_store_devices import ROTTERDAM, pushes_to, register
from tests.names import Names

unique = Names("delivery-messages")
pytestmark = pytest.mark.usefixtures("locations")
UTRECHT = "utrecht-oudegracht"
PLACED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SLOT = (datetime(2026, 11, 25, 12, 0, tzinfo=UTC), datetime(2026, 11, 25, 16, 0, tzinfo=UTC))  # 13-17 in Amsterdam
TRACKING_URL = "https://track.example/SBX0001"
CTX = FakeContext(function_name="store-notifier", aws_request_id="r")


@pytest.fixture(autouse=True)
def _platform_apps(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    for env, arn in aws.platform_apps.items():
        monkeypatch.setenv(env, arn)
    monkeypatch.setenv("FEED_ENDPOINT", "https://feed.execute-api.eu-west-1.amazonaws.com/live")


def an_order(email: str, language: str, status: OrderStatus = OrderStatus.PLACED) -> Order:
    """An order as the orders capability stores it (its existing fields: the event carries the rest)."""
    order = Order(order_id=unique("order"), customer_id="cust-1", location_id=UTRECHT,
                  lines=(OrderLine("JKT-RAIN-NAVY-M", 1, 8999), OrderLine("SCF-KNIT-RED-OS", 2, 1999)),
                  payment=Payment.PAID_ONLINE, contact=Contact(email=email, language=language),
                  reservation_id=unique("reservation"), status=status, placed_at=PLACED_AT, fingerprint="f")
    tx = wiring.transactions().begin()
    wiring.order_store().add_placed(tx, order=order)
    tx.commit()
    return order


def order_event(name: str, order: Order, **fields: Any) -> OrderEvent:
    return ORDER_EVENTS[name](
        order_id=order.order_id, customer_id=order.customer_id, location_id=order.location_id,
        status=fields.pop("status", "PLACED"), payment=order.payment.value,
        lines=[OrderedLine(sku=x.sku, quantity=x.quantity, short=False) for x in order.lines],
        destination_type="delivery", **fields)


def fulfilment_event(name: str, order: Order, *, location_id: str, source_id: str, kind: str = "delivery",
                     status: str = "REQUESTED", **fields: Any) -> FulfilmentEvent:
    return FULFILMENT_EVENTS[name](
        order_id=order.order_id, customer_id=order.customer_id, fulfilment_id="f1", location_id=location_id,
        source_id=source_id, kind=kind, status=status, lines=[FulfilledLine(sku="JKT-RAIN-NAVY-M", quantity=1)],
        earliest_date=date(2026, 11, 25), **fields)


def publish(*events: tuple[str, Contract]) -> None:
    """Puts events on the bus as the orders' stream publisher does (source retail.orders)."""
    entries = [{"EventBusName": "retail", "Source": ORDER_EVENT_SOURCE, "DetailType": name,
                "Detail": json.dumps(detail(name, data, unique("event"), PLACED_AT, "test"))} for name, data in events]
    assert boto3.client("events").put_events(Entries=entries)["FailedEntryCount"] == 0


def mails_to(email: str) -> dict[str, str]:
    """The mails this customer got, by subject (the stored order's own OrderPlaced adds its confirmation)."""
    return {m["subject"]: m["body"] for m in captured(email)["emails"]}


def test_a_delivery_order_is_confirmed_shipped_and_delivered_once_each_with_the_status_page(aws: Provisioned) -> None:
    # given
    order = an_order("sam@example.com", "en")
    status_page = f"https://shop.example.nl/account/orders/{order.order_id}"
    ref = order.order_id[:8].upper()
    # when
    publish(("OrderPlaced", order_event("OrderPlaced", order, slot_id="delivery.utrecht.20261125.1300",
                                        slot_starts_at=SLOT[0], slot_ends_at=SLOT[1], earliest_date=date(2026, 11, 25),
                                        delivery_fee_cents=495)),
            ("OrderShipped", order_event("OrderShipped", order, status="SHIPPED", tracking_urls=[TRACKING_URL])),
            ("OrderDelivered", order_event("OrderDelivered", order, status="DELIVERED", tracking_urls=[TRACKING_URL])))
    deliver_messages(aws)  # each batch twice: the redelivery sends nothing
    # then
    mails = captured("sam@example.com")["emails"]
    delivery = [m for m in mails if "We will deliver your order" in m["body"]]
    assert len(delivery) == 1
    assert "on Wednesday 25-11-2026 between 13:00 and 17:00." in delivery[0]["body"]
    assert "Delivery: \u20ac 4.95" in delivery[0]["body"]
    by_subject = {m["subject"]: m["body"] for m in mails if m not in delivery}
    assert f"Track your parcel: {TRACKING_URL}" in by_subject[f"Your order {ref} is on its way"]
    assert "Your order was delivered." in by_subject[f"Your order {ref} was delivered"]
    assert len(mails) == 4  # the stored order's own (pickup) confirmation, then these three
    assert all(m["body"].endswith(f"Follow your order: {status_page}") for m in mails)


def test_a_new_date_and_a_failed_parcel_are_told_in_dutch(aws: Provisioned) -> None:
    # given
    order = an_order("anna@example.nl", "nl")
    ref = order.order_id[:8].upper()
    # when
    publish(("OrderPromiseChanged", order_event("OrderPromiseChanged", order, earliest_date=date(2026, 11, 27))),
            ("ShipmentFailed", fulfilment_event("ShipmentFailed", order, location_id=ROTTERDAM, source_id=ROTTERDAM,
                                                status="FAILED", carrier="sandbox", tracking_number="SBX0001",
                                                tracking_url=TRACKING_URL)),
            ("ShipmentCreated", fulfilment_event("ShipmentCreated", order, location_id=ROTTERDAM,
                                                 source_id=ROTTERDAM, status="SHIPPED")))  # not a customer message
    deliver_messages(aws)
    # then
    mails = mails_to("anna@example.nl")
    assert "we verwachten hem op vrijdag 27-11-2026 te bezorgen" in mails[f"Nieuwe datum voor je bestelling {ref}"]
    failed = mails[f"We konden je bestelling {ref} niet bezorgen"]
    assert "niet gelukt dit af te leveren:\n\n1 x JKT-RAIN-NAVY-M\n\n" in failed
    assert len(mails) == 3  # with the stored order's own confirmation


def test_a_delivered_order_is_scheduled_for_a_review_like_a_collected_one(aws: Provisioned) -> None:
    # given
    order = an_order("joost@example.nl", "nl", status=OrderStatus.DELIVERED)
    # when
    publish(("OrderDelivered", order_event("OrderDelivered", order, status="DELIVERED")))
    deliver_messages(aws)
    # then
    [request] = [r for r in wiring.review_schedule().due(datetime(2100, 1, 1, tzinfo=UTC))
                 if r.source_id == order.order_id]
    assert request.skus == ("JKT-RAIN-NAVY-M", "SCF-KNIT-RED-OS")


def store_queue_batch(aws: Provisioned) -> dict[str, Any]:
    sqs, url = boto3.client("sqs"), aws.queue_urls["store-notifications"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    return sqs_batch(*(m["Body"] for m in messages))


def test_the_source_store_is_asked_to_ship_and_the_pickup_store_hears_the_transfer_once_each(
        aws: Provisioned) -> None:
    # given
    utrecht, rotterdam = register(UTRECHT, "staff-utrecht"), register(ROTTERDAM, "staff-rotterdam")
    order = an_order("anna@example.nl", "nl")
    # when: Rotterdam must ship to the customer; a transfer from Rotterdam comes to Utrecht
    publish(("FulfilmentRequested", fulfilment_event("FulfilmentRequested", order, location_id=ROTTERDAM,
                                                     source_id=ROTTERDAM)),
            ("TransferDispatched", fulfilment_event("TransferDispatched", order, location_id=UTRECHT,
                                                    source_id=ROTTERDAM, kind="transfer", status="IN_TRANSIT",
                                                    destination_location_id=UTRECHT)))
    batch = store_queue_batch(aws)
    for _ in range(2):  # delivered twice
        assert store_notifier.lambda_handler(batch, CTX) == {"batchItemFailures": []}
    # then
    [to_rotterdam] = [json.loads(p["GCM"]) for p in pushes_to(rotterdam["device_id"])]
    [to_utrecht] = [json.loads(p["GCM"]) for p in pushes_to(utrecht["device_id"])]
    ref = order.order_id[:8].upper()
    assert to_rotterdam["notification"]["title"] == "Verzenden vanuit de winkel"
    assert to_rotterdam["notification"]["body"] == f"1 artikel voor bestelling {ref}, uiterlijk 25-11-2026."
    assert to_rotterdam["data"]["link"] == f"/orders/{order.order_id}/fulfilments/f1"
    assert to_utrecht["notification"]["title"] == "Overboeking onderweg"
    assert to_utrecht["notification"]["body"] == (
        f"Onderweg naar deze winkel: 1 artikel voor bestelling {ref}, van {ROTTERDAM}.")
