"""Sends customers their messages: orders (e-mail, SMS where given), a parcel the carrier could not
deliver, e-receipts, return steps, reservation confirmations and review requests.

A collected or delivered order or a till sale with a known customer also schedules a review request (once per
order or purchase); the sweep turns it into ReviewRequested when due, which comes back here.
Events reach it through a rule and a queue. Sending is idempotent on the event id
(Powertools idempotency, records in the table), so a redelivered event is not sent twice;
a message that keeps failing ends in the queue's dead-letter queue, the rest go on.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.contracts import (
    FULFILMENT_EVENTS,
    MESSAGE_EVENTS,
    ORDER_EVENTS,
    RESERVATION_EVENTS,
    RETURN_EVENTS,
    Metadata,
    OrderEvent,
    ReviewRequested,
)
from infra.topology import REDELIVERY
from shared import wiring
from shared.adapters.messaging import SesEmailSender, SnsSmsSender
from shared.batching import batch_processor
from shared.notifications.model import Links, OrderNews, ReviewSource
from shared.notifications.service import (
    confirm_reservation,
    invite_customer,
    notify_customer,
    notify_return,
    schedule_review_of_order,
    schedule_review_of_purchase,
    send_e_receipt,
    send_review_request,
)
from shared.observability import logger, metrics, tracer
from shared.orders.model import Order
from shared.settings import settings

CUSTOMER_FULFILMENT_EVENTS = ("ShipmentFailed",)  # the steps of a parcel a customer is told about
HANDLED = {*ORDER_EVENTS, *CUSTOMER_FULFILMENT_EVENTS, *RETURN_EVENTS, "ReservationCreated", *MESSAGE_EVENTS,
           "CustomerRegistered"}
processor = batch_processor(EventType.SQS)  # failures logged without personal data
# Powertools treats a record past its expiry as absent: it must outlive every redelivery.
config = IdempotencyConfig(event_key_jmespath="metadata.event_id", expires_after_seconds=REDELIVERY.dedupe_seconds)


@cache
def _persistence() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=settings().table_name, key_attr="pk", sort_key_attr="sk",
                                    expiry_attr="expires_at_epoch")


def _links() -> Links:
    return Links(account_url=settings().account_url, webshop_url=settings().webshop_url)


def send(detail: dict[str, Any], detail_type: str) -> dict[str, Any]:
    """Reads the record the event is about (contact details never travel in events) and sends.

    A review request is scheduled before the message goes: a failure after it retries the event,
    which finds the request there and schedules nothing twice.
    """
    directory, data = wiring.location_directory(), detail["data"]
    if detail_type in ORDER_EVENTS:
        event = ORDER_EVENTS[detail_type].model_validate(data)
        order = _order(event.order_id)
        if detail_type in ("OrderCollected", "OrderDelivered"):
            schedule_review_of_order(order=order, received_at=_occurred(detail),
                                     reviews=wiring.review_schedule(), wait=settings().review_after)
        sent = notify_customer(event_type=detail_type, order=order, directory=directory, email=SesEmailSender(),
                               sms=SnsSmsSender(), links=_links(), news=_news(event))
    elif detail_type in CUSTOMER_FULFILMENT_EVENTS:
        step = FULFILMENT_EVENTS[detail_type].model_validate(data)
        sent = notify_customer(event_type=detail_type, order=_order(step.order_id), directory=directory,
                               email=SesEmailSender(), sms=SnsSmsSender(), links=_links(),
                               news=OrderNews(lines=tuple((x.sku, x.quantity) for x in step.lines)))
    elif detail_type == "CustomerRegistered":
        customer = wiring.customer_store().get(str(data["customer_id"]))
        if customer is None:
            raise LookupError("customer not found")
        sent = invite_customer(customer=customer, account_url=settings().account_url, email=SesEmailSender())
    elif detail_type == "PurchaseRecorded":
        purchase = wiring.purchase_store().get_purchase(str(data["purchase_id"]))
        if purchase is None:
            raise LookupError("purchase not found")
        schedule_review_of_purchase(purchase=purchase, reviews=wiring.review_schedule(), wait=settings().review_after)
        names = {sku: entry.name for sku, entry in wiring.catalog().price_list(
            line.sku for line in purchase.lines).entries.items()} if purchase.receipt_email else {}
        sent = send_e_receipt(purchase=purchase, directory=directory, email=SesEmailSender(),
                              contacts=wiring.customer_contacts(), links=_links(), names=names)
    elif detail_type == "ReservationCreated":
        held = RESERVATION_EVENTS[detail_type].model_validate(data)
        sent = [] if held.order_id else confirm_reservation(  # an order's own hold: the order tells its customer
            reservation_id=held.reservation_id, customer_id=held.customer_id, location_id=held.location_id,
            lines=[(x.sku, x.quantity) for x in held.lines], held_until=held.expires_at, directory=directory,
            contacts=wiring.customer_contacts(), email=SesEmailSender())
    elif detail_type == "ReviewRequested":
        sent = _ask_for_review(ReviewRequested.model_validate(data))
    else:
        ret = wiring.return_store().get(str(data["return_id"]))
        if ret is None:
            raise LookupError("return not found")
        sent = notify_return(event_type=detail_type, ret=ret, directory=directory, email=SesEmailSender())
    logger.info("customer notified", extra={"event_type": detail_type, "messages": len(sent)})
    return {"sent": sent}


def _order(order_id: str) -> Order:
    order = wiring.order_store().get(order_id)
    if order is None:
        raise LookupError("order not found")
    return order


def _news(event: OrderEvent) -> OrderNews:
    return OrderNews(destination_type=event.destination_type, slot_starts_at=event.slot_starts_at,
                     slot_ends_at=event.slot_ends_at, earliest_date=event.earliest_date,
                     delivery_fee_cents=event.delivery_fee_cents, tracking_urls=tuple(event.tracking_urls))


def _occurred(detail: dict[str, Any]) -> datetime:
    return Metadata.model_validate(detail["metadata"]).occurred_at


def _ask_for_review(request: ReviewRequested) -> list[str]:
    source = ReviewSource(request.source)
    order = wiring.order_store().get(request.source_id) if source is ReviewSource.ORDER else None
    purchase = wiring.purchase_store().get_purchase(request.source_id) if source is ReviewSource.PURCHASE else None
    return send_review_request(source=source, skus=request.skus, location_id=request.location_id, order=order,
                               purchase=purchase, directory=wiring.location_directory(),
                               contacts=wiring.customer_contacts(), email=SesEmailSender(), links=_links())


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    event = EventBridgeModel.model_validate_json(record.body)
    if event.detail_type not in HANDLED:
        raise ValueError(f"unexpected detail-type {event.detail_type!r}")
    once = idempotent_function(data_keyword_argument="detail", persistence_store=_persistence(), config=config)(send)
    once(detail=event.detail, detail_type=event.detail_type)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
