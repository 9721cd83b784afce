"""Click & collect orders: customers place and follow them; store staff drive them to pickup.

Placing needs an ``Idempotency-Key``; every store step can be repeated safely (asking for the
state the order is already in changes nothing), and an illegal step is a 409 problem.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.order_models import CollectBody, OrderBody, OrderList, OrderView
from shared.http.paging import Cursor, Limit
from shared.http.params import IdempotencyKey, LocationId, OrderId, Sku, created_or_replayed
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.orders import service
from shared.orders.model import OrderStatus

app = http_app()


def _view(order: Any) -> OrderView:
    return OrderView.of(order)


@app.post(**declared("POST /orders", created="Placed: the stock is held", conflict=True, limited=True, contended=True),
          summary="Place a click & collect order (holds the stock)")
def place(body: OrderBody, idempotency_key: IdempotencyKey) -> Response[OrderView]:
    order, created = service.place(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(),
        caller=current_caller(app),
        location_id=body.location_id, lines=[line.to_domain() for line in body.lines], payment=body.payment,
        contact=body.contact.to_domain(),
        channel=body.channel_value, idempotency_key=idempotency_key, catalog=wiring.catalog(), prices=body.prices,
        redeem_points=body.redeem_points or 0, loyalty=wiring.loyalty_store())
    return created_or_replayed(_view(order), created=created)


@app.get(**declared("GET /orders", paged=True), summary="The customer's own orders, newest first")
def list_mine(limit: Limit = 50, cursor: Cursor = None) -> OrderList:
    found, next_cursor = service.list_mine(orders=wiring.order_store(), caller=current_caller(app), limit=limit,
                                           cursor=cursor)
    return OrderList(orders=[_view(o) for o in found], next_cursor=next_cursor)


@app.get(**declared("GET /orders/{order_id}"), summary="Read one order")
def read(order_id: OrderId) -> OrderView:
    return _view(service.get(orders=wiring.order_store(), caller=current_caller(app), order_id=order_id))


@app.get(**declared("GET /locations/{location_id}/orders", paged=True), summary="A store's open orders, oldest first")
def open_at(location_id: LocationId, limit: Limit = 50, cursor: Cursor = None) -> OrderList:
    found, next_cursor = service.list_open(orders=wiring.order_store(), caller=current_caller(app),
                                           location_id=location_id, limit=limit,
                                           cursor=cursor)
    return OrderList(orders=[_view(o) for o in found], next_cursor=next_cursor)


@app.post(**declared("POST /orders/{order_id}/accept", conflict=True, contended=True),
          summary="The store takes the order on")
def accept(order_id: OrderId) -> OrderView:
    return _view(service.advance(orders=wiring.order_store(), transactions=wiring.transactions(),
                                 caller=current_caller(app), order_id=order_id, status=OrderStatus.ACCEPTED))


@app.post(**declared("POST /orders/{order_id}/picking", conflict=True, contended=True),
          summary="An associate starts setting the goods aside")
def picking(order_id: OrderId) -> OrderView:
    return _view(service.advance(orders=wiring.order_store(), transactions=wiring.transactions(),
                                 caller=current_caller(app), order_id=order_id, status=OrderStatus.PICKING))


@app.post(**declared("POST /orders/{order_id}/lines/{sku}/short", conflict=True, contended=True),
          summary="A line cannot be found: release it")
def short(order_id: OrderId, sku: Sku) -> OrderView:
    return _view(service.mark_short(**wiring.holds(), orders=wiring.order_store(), loyalty=wiring.loyalty_store(),
                                    caller=current_caller(app),
                                    order_id=order_id, sku=sku))


@app.post(**declared("POST /orders/{order_id}/ready", conflict=True, contended=True),
          summary="Ready for pickup: the customer gets a code")
def ready(order_id: OrderId) -> OrderView:
    return _view(service.ready(orders=wiring.order_store(), transactions=wiring.transactions(),
                               directory=wiring.location_directory(),
                               caller=current_caller(app), order_id=order_id))


@app.post(**declared("POST /orders/{order_id}/ready/resend", conflict=True, contended=True),
          summary="Send the ready message again")
def resend(order_id: OrderId) -> OrderView:
    return _view(service.resend_ready(orders=wiring.order_store(), transactions=wiring.transactions(),
                                      caller=current_caller(app), order_id=order_id))


@app.post(**declared("POST /orders/{order_id}/pickup-code", conflict=True, contended=True),
          summary="Void the pickup code (e.g. locked after wrong codes) and send the customer a new one")
def new_pickup_code(order_id: OrderId) -> OrderView:
    return _view(service.new_pickup_code(orders=wiring.order_store(), transactions=wiring.transactions(),
                                         caller=current_caller(app), order_id=order_id))


@app.post(**declared("POST /orders/{order_id}/collect", conflict=True, limited=True, contended=True),
          summary="Hand over, checking the pickup code")
def collect(order_id: OrderId, body: CollectBody) -> OrderView:
    return _view(service.collect(**wiring.holds(), orders=wiring.order_store(), purchases=wiring.purchase_store(),
                                 caller=current_caller(app), order_id=order_id,
                                 pickup_code=body.pickup_code, loyalty=wiring.loyalty_store()))


@app.post(**declared("POST /orders/{order_id}/cancel", conflict=True, contended=True),
          summary="Cancel before collection: the units go back")
def cancel(order_id: OrderId) -> OrderView:
    return _view(service.cancel(**wiring.holds(), orders=wiring.order_store(), loyalty=wiring.loyalty_store(),
                                caller=current_caller(app),
                                order_id=order_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
