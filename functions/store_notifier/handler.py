"""Tells a store's devices what to do, from the events that matter to that store.

One message per event per device (push through SNS) and per open live-feed connection; sends
are idempotent per event and target (Powertools idempotency), so a redelivered event reaches
nobody twice. A gone device or connection is removed; any other failure fails the message,
which is retried for the targets not yet reached and ends in the dead-letter queue after that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
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

from infra.topology import REDELIVERY
from shared import wiring
from shared.adapters.push import ApiGatewayFeed, SnsPushService
from shared.batching import batch_processor
from shared.devices import service
from shared.notifications.store_messages import store_message
from shared.observability import logger, metrics, tracer
from shared.settings import settings

processor = batch_processor(EventType.SQS)  # failures logged without personal data
# Powertools treats a record past its expiry as absent: it must outlive every redelivery.
config = IdempotencyConfig(event_key_jmespath="key", expires_after_seconds=REDELIVERY.dedupe_seconds)


class NotDelivered(Exception):
    """Some targets failed (not gone): retry the event; the ones reached are not sent again."""


@cache
def _persistence() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=settings().table_name, key_attr="pk", sort_key_attr="sk",
                                    expiry_attr="expires_at_epoch", static_pk_value="idempotency#store-notifier")


def _once(event_id: str) -> Callable[[str, Callable[[], object]], object]:
    def run(target: str, send: Callable[[], object]) -> object:
        def deliver(key: str) -> dict[str, str]:
            send()
            return {"sent": key}

        wrapped = idempotent_function(data_keyword_argument="key", persistence_store=_persistence(),
                                      config=config)(lambda key: deliver(key))
        return wrapped(key={"key": f"{event_id}|{target}"})

    return run


@tracer.capture_method
def handle_record(record: SQSRecord) -> None:
    event = EventBridgeModel.model_validate_json(record.body)
    detail: dict[str, Any] = dict(event.detail)  # type: ignore[arg-type]
    data = detail.get("data", {})
    location = wiring.location_directory().find(str(data.get("location_id", "")))
    message = store_message(event.detail_type, data, location) if location else None
    if message is None:
        logger.info("nothing for a store", extra={"event_type": event.detail_type})
        return
    counts = service.tell_store(store=wiring.device_store(), push=SnsPushService(), feed=ApiGatewayFeed(),
                                message=message,
                                once=_once(str(detail["metadata"]["event_id"])))
    metrics.add_metric(name="StorePushes", unit=MetricUnit.Count, value=counts["pushed"] + counts["posted"])
    logger.info("store told", extra={"event_type": event.detail_type, "location_id": message.location_id, **counts})
    if counts["failed"]:
        raise NotDelivered(f"{counts['failed']} targets failed")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    config.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=handle_record, processor=processor, context=context)
