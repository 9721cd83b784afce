"""Applies stock events from POS, ERP and WMS (via the bus, a rule and an SQS queue).

A till's ``SaleRecorded`` is recorded through the same use case as ``POST /purchases`` (the
purchase, its loyalty link and e-receipt, and the stock), once per location and receipt id.
Receipts and counts are idempotent changes keyed by the producer's event id and the line's
position, so a redelivered event, or a retry after one line failed, changes nothing twice.
Sales and counts are facts: they are never refused for a business reason. When one leaves
fewer units than are held, the stock stream publishes ``StockShortfall``, which comes back
here (its own rule) to resolve the holds that can no longer be served.
A message that fails is reported alone (partial batch response); after the queue's
max receive count it lands in the dead-letter queue, and the rest of the batch goes on.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.contracts import INBOUND_STOCK_EVENTS, Metadata, SaleRecorded, SoldLine, StockShortfall
from shared import wiring
from shared.batching import batch_processor
from shared.bus_records import bus_event
from shared.errors import IdempotencyKeyReused
from shared.identity import Caller
from shared.observability import logger, metrics, tracer
from shared.orders.shortfall import resolve_shortfall
from shared.purchases.model import PriceOverride, PurchasedLine
from shared.purchases.till import record_till_sale
from shared.stock import service
from shared.stock.model import ChangeKind

processor = batch_processor(EventType.SQS)  # failures logged without personal data
KIND_OF = {"GoodsReceived": ChangeKind.RECEIPT}
HANDLED = {*INBOUND_STOCK_EVENTS, "StockShortfall"}


def _sold(line: SoldLine) -> PurchasedLine:
    override = line.price_override
    return PurchasedLine(line.sku, line.quantity, line.unit_price_cents,
                         override=PriceOverride(override.reason, override.approved_by) if override else None)


def record_sale(caller: Caller, data: SaleRecorded, meta: Metadata) -> None:
    """A fact: priced from the catalog beside the till's price, never refused for it (a deviation
    without override, or a SKU the catalog does not know, is recorded at the till's price, unapproved)."""
    try:
        _, created = record_till_sale(
            **wiring.holds(), purchases=wiring.purchase_store(), orders=wiring.order_store(),
            directory=wiring.location_directory(),
            caller=caller, location_id=data.location_id, receipt_id=data.receipt_id,
            lines=[_sold(x) for x in data.lines],
            purchased_at=data.purchased_at or meta.occurred_at, customer_id=data.customer_id,
            receipt_email=data.receipt_email, order_id=data.order_id, loyalty=wiring.loyalty_store(),
            catalog=wiring.catalog(), as_fact=True)
    except IdempotencyKeyReused:
        # the receipt is recorded already (e.g. through the API) with other details: the first
        # recording stands; a retry could never change that, so this is not a failed message
        logger.warning("sale recorded before with other details", extra={"location_id": data.location_id})
        created = False
    metrics.add_metric(name="SaleRecorded" if created else "SaleReplayed", unit=MetricUnit.Count, value=1)


def resolve(data: StockShortfall) -> None:
    ended = resolve_shortfall(**wiring.holds(), orders=wiring.order_store(), loyalty=wiring.loyalty_store(),
                              directory=wiring.location_directory(), calendar=wiring.slot_calendar(),
                              slots=wiring.slot_store(), capacity=wiring.ship_capacity(), sku=data.sku,
                              location_id=data.location_id)
    logger.info("shortfall resolved", extra={"sku": data.sku, "location_id": data.location_id,
                                             "holds_ended": len(ended)})
    metrics.add_metric(name="ShortfallHoldsEnded", unit=MetricUnit.Count, value=len(ended))


@tracer.capture_method
def apply_record(record: SQSRecord) -> None:
    event, parsed = bus_event(record.body, handled=HANDLED)
    meta: Metadata = parsed.metadata
    data = parsed.data
    caller = Caller(role="integration", subject=event.source)
    store, transactions, directory = wiring.stock_store(), wiring.transactions(), wiring.location_directory()
    if event.detail_type == "SaleRecorded":
        record_sale(caller, data, meta)
    elif event.detail_type == "StockShortfall":
        resolve(data)
    elif event.detail_type == "StockCounted":
        for index, count in enumerate(data.counts):
            service.record_count(store=store, transactions=transactions, directory=directory,
                                 caller=caller, sku=count.sku, location_id=data.location_id,
                                 on_hand=count.on_hand, as_of=data.as_of, idempotency_key=f"{meta.event_id}#{index}",
                                 source=event.source, correlation_id=meta.correlation_id)
    else:
        for index, line in enumerate(data.lines):
            service.record_change(store=store, transactions=transactions, directory=directory,
                                  caller=caller, sku=line.sku, location_id=data.location_id,
                                  kind=KIND_OF[event.detail_type], quantity=line.quantity,
                                  idempotency_key=f"{meta.event_id}#{index}", source=event.source,
                                  correlation_id=meta.correlation_id)
    metrics.add_metric(name="StockEventApplied", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=apply_record,
                                    processor=processor, context=context)
