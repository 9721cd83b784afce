"""Loyalty: a customer's points balance, tier and history; staff look up any customer's."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.loyalty_models import PointsView
from shared.http.paging import Cursor, Limit
from shared.http.responses import declared
from shared.loyalty import service
from shared.observability import logger, metrics, tracer

app = http_app()

CustomerId = Annotated[str, Path(min_length=1, max_length=128)]


@app.get(**declared("GET /me/points", paged=True), summary="The customer's points, tier and points history")
def mine(limit: Limit = 20, cursor: Cursor = None) -> PointsView:
    account, entries, next_cursor = service.points(loyalty=wiring.loyalty_store(), caller=current_caller(app),
                                                   limit=limit, cursor=cursor)
    return PointsView.of(account, entries, next_cursor)


@app.get(**declared("GET /customers/{customer_id}/points", paged=True),
         summary="Staff and head office read a customer's points, tier and points history")
def of_customer(customer_id: CustomerId, limit: Limit = 20, cursor: Cursor = None) -> PointsView:
    account, entries, next_cursor = service.points(loyalty=wiring.loyalty_store(), caller=current_caller(app),
                                                   customer_id=customer_id, limit=limit, cursor=cursor)
    return PointsView.of(account, entries, next_cursor)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
