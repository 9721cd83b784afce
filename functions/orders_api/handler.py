"""Click & collect orders: customers place and follow them; store staff drive them to pickup.

Placing needs an ``Idempotency-Key``; every store step can be repeated safely (asking for the
state the order is already in changes nothing), and an illegal step is a 409 problem.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.order_models import CollectBody, OrderBody, OrderList, OrderView
from shared.http.paging import Cursor, Limit
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.orders import service
from shared.orders.model import OrderStatus

app = http_app()
OrderId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
LocationId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Sku = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
IdempotencyKey = Annotated[str, Header(alias="idempotency-key", min_length=8, max_length=128,
                                       pattern=r"^[\x21-\x7e]+$")]


def _view(order: Any) -> OrderView:
    return OrderView.of(order)


@app.post(**declared("POST /orders", created="Placed: the stock is held", conflict=True, limited=True, contended=True),
          summary="Place a click & collect order (holds the stock)")
def place(body: OrderBody, idempotency_key: IdempotencyKey) -> Response[OrderView]:
    order, created = service.place(
        wiring.order_store(), wiring.stock_store(), wiring.location_directory(), current_caller(app),
        body.location_id, [line.to_domain() for line in body.lines], body.payment, body.contact.to_domain(),
        body.channel_value, idempotency_key, body.prices)
    return Response(status_code=201 if created else 200, content_type="application/json", body=_view(order),
                    headers=None if created else {"Idempotent-Replayed": "true"})


@app.get(**declared("GET /orders", paged=True), summary="The customer's own orders, newest first")
def list_mine(limit: Limit = 50, cursor: Cursor = None) -> OrderList:
    found, next_cursor = service.list_mine(wiring.order_store(), current_caller(app), limit=limit, cursor=cursor)
    return OrderList(orders=[_view(o) for o in found], next_cursor=next_cursor)


@app.get(**declared("GET /orders/{order_id}"), summary="Read one order")
def read(order_id: OrderId) -> OrderView:
    return _view(service.get(wiring.order_store(), current_caller(app), order_id))


@app.get(**declared("GET /locations/{location_id}/orders", paged=True), summary="A store's open orders, oldest first")
def open_at(location_id: LocationId, limit: Limit = 50, cursor: Cursor = None) -> OrderList:
    found, next_cursor = service.list_open(wiring.order_store(), current_caller(app), location_id, limit=limit,
                                           cursor=cursor)
    return OrderList(orders=[_view(o) for o in found], next_cursor=next_cursor)


@app.post(**declared("POST /orders/{order_id}/accept", conflict=True, contended=True),
          summary="The store takes the order on")
def accept(order_id: OrderId) -> OrderView:
    return _view(service.advance(wiring.order_store(), current_caller(app), order_id, OrderStatus.ACCEPTED))


@app.post(**declared("POST /orders/{order_id}/picking", conflict=True, contended=True),
          summary="An associate starts setting the goods aside")
def picking(order_id: OrderId) -> OrderView:
    return _view(service.advance(wiring.order_store(), current_caller(app), order_id, OrderStatus.PICKING))


@app.post(**declared("POST /orders/{order_id}/lines/{sku}/short", conflict=True, contended=True),
          summary="A line cannot be found: release it")
def short(order_id: OrderId, sku: Sku) -> OrderView:
    return _view(service.mark_short(wiring.order_store(), current_caller(app), order_id, sku))


@app.post(**declared("POST /orders/{order_id}/ready", conflict=True, contended=True),
          summary="Ready for pickup: the customer gets a code")
def ready(order_id: OrderId) -> OrderView:
    return _view(service.ready(wiring.order_store(), wiring.location_directory(), current_caller(app), order_id))


@app.post(**declared("POST /orders/{order_id}/ready/resend", conflict=True, contended=True),
          summary="Send the ready message again")
def resend(order_id: OrderId) -> OrderView:
    return _view(service.resend_ready(wiring.order_store(), current_caller(app), order_id))


@app.post(**declared("POST /orders/{order_id}/pickup-code", conflict=True, contended=True),
          summary="Void the pickup code (e.g. locked after wrong codes) and send the customer a new one")
def new_pickup_code(order_id: OrderId) -> OrderView:
    return _view(service.new_pickup_code(wiring.order_store(), current_caller(app), order_id))


@app.post(**declared("POST /orders/{order_id}/collect", conflict=True, limited=True, contended=True),
          summary="Hand over, checking the pickup code")
def collect(order_id: OrderId, body: CollectBody) -> OrderView:
    return _view(service.collect(wiring.order_store(), wiring.purchase_store(), current_caller(app), order_id,
                                 body.pickup_code))


@app.post(**declared("POST /orders/{order_id}/cancel", conflict=True, contended=True),
          summary="Cancel before collection: the units go back")
def cancel(order_id: OrderId) -> OrderView:
    return _view(service.cancel(wiring.order_store(), current_caller(app), order_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
