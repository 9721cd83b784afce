"""Applies catalog updates from the ERP (via the bus, a rule and the ``catalog-updates`` queue)
and counts what is bought together from every recorded purchase.

``ProductUpserted``, ``PriceChanged`` and ``PromotionUpserted`` go through the same use cases as
the catalog API: each applies only when its version is newer, so a redelivered or late (older)
update changes nothing and is not a failure. ``PurchaseRecorded`` adds one to the count of every
pair of products in the purchase, once per purchase. A message that fails is reported alone
(partial batch response); after the queue's max receive count it lands in the dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.contracts import CATALOG_UPDATES
from shared import wiring
from shared.batching import batch_processor
from shared.bus_records import bus_event
from shared.catalog import service
from shared.catalog.service import Outcome
from shared.http.catalog_models import PricesBody, ProductBody, PromotionBody
from shared.identity import Caller
from shared.observability import logger, metrics, tracer

processor = batch_processor(EventType.SQS)
HANDLED = {*CATALOG_UPDATES, "PurchaseRecorded"}


def apply_update(caller: Caller, detail_type: str, data: Any) -> Outcome:
    """The event's payload checked as the API's body would be, then the same use case."""
    writer = wiring.catalog()
    if detail_type == "ProductUpserted":
        product = ProductBody.model_validate(data.model_dump(mode="json", exclude={"product_id"}))
        return service.upsert_product(writer=writer, caller=caller, product=product.to_domain(data.product_id))
    if detail_type == "PriceChanged":
        prices = PricesBody.model_validate(data.model_dump(mode="json", exclude={"sku"}))
        return service.set_prices(writer=writer, caller=caller, sku=data.sku, schedule=prices.to_domain())
    promotion = PromotionBody.model_validate(data.model_dump(mode="json", exclude={"promotion_id"}))
    return service.put_promotion(writer=writer, caller=caller, promotion=promotion.to_domain(data.promotion_id))


@tracer.capture_method
def apply_record(record: SQSRecord) -> None:
    event, parsed = bus_event(record.body, handled=HANDLED)
    if event.detail_type == "PurchaseRecorded":
        counted = service.count_bought_together(catalog=wiring.catalog(), together=wiring.bought_together(),
                                                purchase_id=parsed.data.purchase_id,
                                                skus=[line.sku for line in parsed.data.lines])
        metrics.add_metric(name="PurchaseCounted" if counted else "PurchaseNotCounted", unit=MetricUnit.Count, value=1)
        return
    outcome = apply_update(Caller(role="integration", subject=event.source), event.detail_type, parsed.data)
    logger.info("catalog update", extra={"kind": outcome.kind, "id": outcome.id, "version": outcome.version,
                                         "status": outcome.status})
    metrics.add_metric(name="CatalogUpdateApplied" if outcome.applied else "CatalogUpdateIgnored",
                       unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=apply_record,
                                    processor=processor, context=context)
