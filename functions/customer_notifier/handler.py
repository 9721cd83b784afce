"""Sends customers their messages: orders (e-mail, SMS where given), e-receipts, return steps.

Order events reach it through a rule and a queue. Sending is idempotent on the event id
(Powertools idempotency, records in the table), so a redelivered event is not sent twice;
a message that keeps failing ends in the queue's dead-letter queue, the rest go on.
"""

from __future__ import annotations

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

from events.contracts import ORDER_EVENTS, RETURN_EVENTS
from infra.topology import REDELIVERY
from shared import wiring
from shared.adapters.messaging import SesEmailSender, SnsSmsSender
from shared.batching import batch_processor
from shared.notifications.service import invite_customer, notify_customer, notify_return, send_e_receipt
from shared.observability import logger, metrics, tracer
from shared.settings import settings

processor = batch_processor(EventType.SQS)  # failures logged without personal data
# Powertools treats a record past its expiry as absent: it must outlive every redelivery.
config = IdempotencyConfig(event_key_jmespath="metadata.event_id", expires_after_seconds=REDELIVERY.dedupe_seconds)


@cache
def _persistence() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=settings().table_name, key_attr="pk", sort_key_attr="sk",
                                    expiry_attr="expires_at_epoch")


def send(detail: dict[str, Any], detail_type: str) -> dict[str, Any]:
    """Reads the record the event is about (contact details never travel in events) and sends."""
    directory, data = wiring.location_directory(), detail["data"]
    if detail_type in ORDER_EVENTS:
        order = wiring.order_store().get(ORDER_EVENTS[detail_type].model_validate(data).order_id)
        if order is None:
            raise LookupError("order not found")
        sent = notify_customer(event_type=detail_type, order=order, directory=directory, email=SesEmailSender(),
                               sms=SnsSmsSender())
    elif detail_type == "CustomerRegistered":
        customer = wiring.customer_store().get(str(data["customer_id"]))
        if customer is None:
            raise LookupError("customer not found")
        sent = invite_customer(customer=customer, account_url=settings().account_url, email=SesEmailSender())
    elif detail_type == "PurchaseRecorded":
        purchase = wiring.purchase_store().get_purchase(str(data["purchase_id"]))
        if purchase is None:
            raise LookupError("purchase not found")
        sent = send_e_receipt(purchase=purchase, directory=directory, email=SesEmailSender())
    else:
        ret = wiring.return_store().get(str(data["return_id"]))
        if ret is None:
            raise LookupError("return not found")
        sent = notify_return(event_type=detail_type, ret=ret, directory=directory, email=SesEmailSender())
    logger.info("customer notified", extra={"event_type": detail_type, "messages": len(sent)})
    return {"sent": sent}


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    event = EventBridgeModel.model_validate_json(record.body)
    if event.detail_type not in ORDER_EVENTS and event.detail_type not in RETURN_EVENTS \
            and event.detail_type != "CustomerRegistered":
        raise ValueError(f"unexpected detail-type {event.detail_type!r}")
    once = idempotent_function(data_keyword_argument="detail", persistence_store=_persistence(), config=config)(send)
    once(detail=event.detail, detail_type=event.detail_type)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
