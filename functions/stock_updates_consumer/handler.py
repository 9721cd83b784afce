"""Applies stock events from POS, ERP and WMS (via the bus, a rule and an SQS queue).

Each line is its own idempotent change keyed by the producer's event id and the line's
position, so a redelivered event, or a retry after one line failed, changes nothing twice.
A message that fails is reported alone (partial batch response); after the queue's
max receive count it lands in the dead-letter queue, and the rest of the batch goes on.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.contracts import CONSUMED, Metadata, envelope_model
from shared import wiring
from shared.batching import batch_processor
from shared.identity import Caller
from shared.observability import logger, metrics, tracer
from shared.stock import service
from shared.stock.model import ChangeKind

processor = batch_processor(EventType.SQS)  # failures logged without personal data
KIND_OF = {"SaleRecorded": ChangeKind.SALE, "GoodsReceived": ChangeKind.RECEIPT}


@tracer.capture_method
def apply_record(record: SQSRecord) -> None:
    event = EventBridgeModel.model_validate_json(record.body)
    if event.detail_type not in CONSUMED:
        raise ValueError(f"unexpected detail-type {event.detail_type!r}")
    parsed: Any = envelope_model(event.detail_type).model_validate(event.detail)
    meta: Metadata = parsed.metadata
    data = parsed.data
    caller = Caller(role="integration", subject=event.source)
    store, directory = wiring.stock_store(), wiring.location_directory()
    logger.append_keys(correlation_id=meta.correlation_id or meta.event_id)
    if event.detail_type == "StockCounted":
        for index, count in enumerate(data.counts):
            service.record_count(store, directory, caller, count.sku, data.location_id, count.on_hand,
                                 data.as_of, f"{meta.event_id}#{index}", event.source, meta.correlation_id)
    else:
        for index, line in enumerate(data.lines):
            service.record_change(store, directory, caller, line.sku, data.location_id,
                                  KIND_OF[event.detail_type], line.quantity, f"{meta.event_id}#{index}",
                                  event.source, meta.correlation_id)
    metrics.add_metric(name="StockEventApplied", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=apply_record,
                                    processor=processor, context=context)
