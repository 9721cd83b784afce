"""Returns (RMA): requested in any channel, handled at the receiving location, refunded once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.paging import Cursor, Limit
from shared.http.params import IdempotencyKey, LocationId, ReturnId, created_or_replayed
from shared.http.responses import declared
from shared.http.return_models import InspectBody, RefundedBody, ReturnBody, ReturnList, ReturnView
from shared.observability import logger, metrics, tracer
from shared.returns import service
from shared.returns.model import ReturnStatus

app = http_app()


def _step(return_id: str, status: ReturnStatus, **extra: Any) -> ReturnView:
    return ReturnView.of(service.step(
        returns=wiring.return_store(), purchases=wiring.purchase_store(), stock=wiring.stock_store(),
        transactions=wiring.transactions(), caller=current_caller(app), return_id=return_id, status=status,
        loyalty=wiring.loyalty_store(), **extra))


@app.post(**declared("POST /returns", created="Requested", conflict=True, contended=True),
          summary="Request a return of lines of one purchase")
def request(body: ReturnBody, idempotency_key: IdempotencyKey) -> Response[ReturnView]:
    wanted: dict[str, int] = {}
    for line in body.lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    ret, created = service.request(
        returns=wiring.return_store(), purchases=wiring.purchase_store(), transactions=wiring.transactions(),
        directory=wiring.location_directory(), caller=current_caller(app), purchase_id=body.purchase_id,
        wanted=wanted, location_id=body.location_id, idempotency_key=idempotency_key,
        contact_email=str(body.contact_email) if body.contact_email else None, reason=body.reason,
        language=body.language)
    return created_or_replayed(ReturnView.of(ret), created=created)


@app.get(**declared("GET /returns", paged=True), summary="The customer's own returns")
def list_mine(limit: Limit = 50, cursor: Cursor = None) -> ReturnList:
    found, next_cursor = service.list_mine(store=wiring.return_store(), caller=current_caller(app), limit=limit,
                                           cursor=cursor)
    return ReturnList(returns=[ReturnView.of(r) for r in found], next_cursor=next_cursor)


@app.get(**declared("GET /returns/{return_id}"), summary="A return's status and history")
def read(return_id: ReturnId) -> ReturnView:
    return ReturnView.of(service.get(store=wiring.return_store(), caller=current_caller(app), return_id=return_id))


@app.get(**declared("GET /locations/{location_id}/returns", paged=True), summary="Returns on their way to a location")
def expected(location_id: LocationId, limit: Limit = 50,
             cursor: Cursor = None) -> ReturnList:
    found, next_cursor = service.expected_at(store=wiring.return_store(), caller=current_caller(app),
                                             location_id=location_id, limit=limit, cursor=cursor)
    return ReturnList(returns=[ReturnView.of(r) for r in found], next_cursor=next_cursor)


@app.post(**declared("POST /returns/{return_id}/approve", conflict=True, contended=True), summary="Approve the return")
def approve(return_id: ReturnId) -> ReturnView:
    return _step(return_id, ReturnStatus.APPROVED)


@app.post(**declared("POST /returns/{return_id}/reject", conflict=True, contended=True),
          summary="Reject: the units can be returned again later")
def reject(return_id: ReturnId) -> ReturnView:
    return _step(return_id, ReturnStatus.REJECTED)


@app.post(**declared("POST /returns/{return_id}/receive", conflict=True, contended=True),
          summary="The goods arrived at the location")
def receive(return_id: ReturnId) -> ReturnView:
    return _step(return_id, ReturnStatus.RECEIVED)


@app.post(**declared("POST /returns/{return_id}/inspect", conflict=True, contended=True),
          summary="A disposition per line; RESTOCK sells them here")
def inspect(return_id: ReturnId, body: InspectBody) -> ReturnView:
    return _step(return_id, ReturnStatus.INSPECTED, dispositions=body.dispositions)


@app.post(**declared("POST /returns/{return_id}/refunded", conflict=True, contended=True),
          summary="The payment system refunded it (its reference)")
def refunded(return_id: ReturnId, body: RefundedBody) -> ReturnView:
    return _step(return_id, ReturnStatus.REFUNDED, refund_reference=body.refund_reference)


@app.post(**declared("POST /returns/{return_id}/close", conflict=True, contended=True), summary="Close the return")
def close(return_id: ReturnId) -> ReturnView:
    return _step(return_id, ReturnStatus.CLOSED)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
