"""Purchases: the till records store sales; customers see every purchase, from every channel."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.patterns import LOCATION_PATTERN
from shared import wiring
from shared.customers import service as customers
from shared.http.app import current_caller, http_app, resolve
from shared.http.paging import Cursor, Limit
from shared.http.params import ID_PATTERN, LocationId, PurchaseId, created_or_replayed
from shared.http.purchase_models import PriceOverrideList, PurchaseView, StoreSaleBody, Timeline
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.purchases import service, till

app = http_app()


@app.post(**declared("POST /purchases", created="Recorded", conflict=True, contended=True),
          summary="Record a store sale (stock leaves the store once per receipt)")
def record(body: StoreSaleBody) -> Response[PurchaseView]:
    customer_id = body.customer_id
    if body.loyalty_card is not None:
        customer_id = customers.customer_for_card(customers=wiring.customer_store(), card_number=body.loyalty_card,
                                                  customer_id=customer_id)
    purchase, created = till.record_till_sale(
        **wiring.holds(), purchases=wiring.purchase_store(), orders=wiring.order_store(),
        directory=wiring.location_directory(),
        caller=current_caller(app), location_id=body.location_id, receipt_id=body.receipt_id,
        lines=[line.to_domain() for line in body.lines], purchased_at=body.purchased_at,
        customer_id=customer_id, receipt_email=str(body.receipt_email) if body.receipt_email else None,
        receipt_language=body.receipt_language, order_id=body.order_id, catalog=wiring.catalog(),
        loyalty=wiring.loyalty_store())
    return created_or_replayed(PurchaseView.of(purchase), created=created)


@app.get(**declared("GET /locations/{location_id}/price-overrides", paged=True),
         summary="A store's till lines charged at another price than the catalog's, newest first")
def price_overrides(location_id: LocationId, limit: Limit = 50, cursor: Cursor = None) -> PriceOverrideList:
    found, next_cursor = service.price_overrides(store=wiring.purchase_store(), caller=current_caller(app),
                                                 location_id=location_id, limit=limit, cursor=cursor)
    return PriceOverrideList.of(found, next_cursor)


@app.get(**declared("GET /purchases", paged=True), summary="The customer's purchases from every channel, newest first")
def timeline(limit: Limit = 20, cursor: Cursor = None) -> Timeline:
    found, next_cursor = service.timeline(store=wiring.purchase_store(), caller=current_caller(app), limit=limit,
                                          cursor=cursor)
    return Timeline(purchases=[PurchaseView.of(p) for p in found], next_cursor=next_cursor)


@app.get(**declared("GET /purchases/lookup", paged=True),
         summary="Staff find a purchase from any store or channel, to take it back")
def lookup(receipt_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
           location_id: Annotated[str | None, Query(pattern=LOCATION_PATTERN,
                                                    description="The store of the receipt")] = None,
           order_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
           customer_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
           limit: Limit = 20, cursor: Cursor = None) -> Timeline:
    found, next_cursor = service.lookup(
        store=wiring.purchase_store(), orders=wiring.order_store(), caller=current_caller(app), receipt_id=receipt_id,
        location_id=location_id, order_id=order_id, customer_id=customer_id, limit=limit, cursor=cursor)
    return Timeline(purchases=[PurchaseView.of(p) for p in found], next_cursor=next_cursor)


@app.get(**declared("GET /purchases/{purchase_id}"), summary="Read one purchase")
def read(purchase_id: PurchaseId) -> PurchaseView:
    return PurchaseView.of(service.get(store=wiring.purchase_store(), caller=current_caller(app),
                                       purchase_id=purchase_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
