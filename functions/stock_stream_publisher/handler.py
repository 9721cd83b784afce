"""Publishes what was committed: changes of stock and of the records on the table stream become events.

Stock items are read here; every other kind of record is found by its key prefix in
``shared.adapters.stream_images``.

Because events come from the stream, a written change is never left unpublished and a
refused one never publishes. A failed record is reported so that Lambda retries from it
(partial batch response); event ids are stable, so consumers drop what they saw already.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.contracts import ChangeInfo
from shared import wiring
from shared.adapters import items
from shared.adapters.stream_images import ItemImages, images_of
from shared.batching import batch_processor
from shared.observability import logger, metrics, tracer
from shared.stock.model import StockLevel
from shared.stock.publishing import events_for_commit

processor = batch_processor(EventType.DynamoDBStreams)  # failures logged without personal data


def _level(record: dict[str, Any], which: str) -> StockLevel | None:
    """A stock image, or None where there is no full stock state (absent, or keys only)."""
    image = record.get("dynamodb", {}).get(which)
    return items.stock_level_from_item(image) if image and "sku" in image else None


@tracer.capture_method
def publish_record(record: DynamoDBRecord) -> None:
    raw = record.raw_event
    keys = raw.get("dynamodb", {}).get("Keys", {})
    pk = str(keys.get("pk", {}).get("S", ""))
    kind = images_of(pk, str(keys.get("sk", {}).get("S", "")))
    if kind is not None:
        publish_images(raw, kind)
        return
    after = _level(raw, "NewImage")
    if not items.is_stock_item(keys) or after is None:
        return  # not stock, or a removal: nothing to tell
    before = _level(raw, "OldImage")
    new_image = raw["dynamodb"]["NewImage"]
    last = items.from_item({"c": new_image["last_change"]})["c"] if "last_change" in new_image else {}
    change = ChangeInfo(
        change_id=str(last.get("change_id", "")), kind=str(last.get("kind", "unknown")),
        on_hand_delta=int(last["delta"]) if last.get("delta") is not None else None,
        source=str(last.get("source", "")),
    )
    occurred = items.parse_stamp(str(last.get("at") or new_image["updated_at"]["S"]))
    events = events_for_commit(before=before, after=after, change=change, occurred_at=occurred,
                               correlation_id=last.get("correlation_id"))
    wiring.event_publisher().publish(events)
    logger.info("stock events published", extra={
        "sku": after.sku, "location_id": after.location_id, "version": after.version,
        "event_types": [e.detail_type for e in events],
    })


def publish_images(raw: dict[str, Any], kind: ItemImages[Any]) -> None:
    """A reservation, order, purchase, return or points account changed: publish what its new state means."""
    occurred = datetime.fromtimestamp(float(raw["dynamodb"].get("ApproximateCreationDateTime", 0)), UTC)
    events = kind.events_of(raw, occurred)
    if events:
        wiring.event_publisher().publish(events)
        for event in events:  # counts per event type: the dashboard's orders by state
            metrics.add_metric(name=event.detail_type, unit="Count", value=1)
        logger.info("events published", extra={"key": raw["dynamodb"]["Keys"]["pk"]["S"],
                                                "event_types": [e.detail_type for e in events]})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=publish_record,
                                    processor=processor, context=context)
