"""Orders: customers (or associates, for a customer) place and follow them; stores prepare,
ship, receive and hand them over; carriers report parcels.

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
from shared.http.order_models import (
    CarrierEventAnswer,
    CarrierEventBody,
    CollectBody,
    OrderBody,
    OrderList,
    OrderView,
    PaymentBody,
    RejectBody,
    TaskList,
    TaskView,
)
from shared.http.paging import Cursor, Limit
from shared.http.params import CarrierId, FulfilmentId, IdempotencyKey, LocationId, OrderId, Sku, created_or_replayed
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.orders import fulfilling, service
from shared.orders.model import OrderStatus

app = http_app()


def _view(order: Any) -> OrderView:
    return OrderView.of(order)


@app.post(**declared("POST /orders", created="Placed: the stock is held", conflict=True, limited=True, contended=True),
          summary="Place a click & collect order (holds the stock)")
def place(body: OrderBody, idempotency_key: IdempotencyKey) -> Response[OrderView]:
    if body.anywhere:
        return _place_anywhere(body, idempotency_key)
    assert body.location_id is not None
    order, created = service.place(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(),
        caller=current_caller(app),
        location_id=body.location_id, lines=[line.to_domain() for line in body.lines], payment=body.payment,
        contact=body.contact.to_domain(),
        channel=body.channel_value, idempotency_key=idempotency_key, catalog=wiring.catalog(), prices=body.prices,
        redeem_points=body.redeem_points or 0, loyalty=wiring.loyalty_store())
    return created_or_replayed(_view(order), created=created)


def _place_anywhere(body: OrderBody, idempotency_key: str) -> Response[OrderView]:
    from shared.orders import placing  # the routing and slots it needs load on this path only

    where = placing.Where(location_id=body.pickup_location_id, address=body.delivery_address)
    order, created = placing.place_anywhere(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(), catalog=wiring.catalog(),
        calendar=wiring.slot_calendar(), slots=wiring.slot_store(), caller=current_caller(app), where=where,
        lines=[line.to_domain() for line in body.lines], payment=body.payment, contact=body.contact.to_domain(),
        channel=body.channel_value, idempotency_key=idempotency_key, customer_id=body.customer_id,
        slot_id=body.slot_id, prices=body.prices, redeem_points=body.redeem_points or 0,
        loyalty=wiring.loyalty_store(), customers=wiring.customer_store(), capacity=wiring.ship_capacity())
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
                                    caller=current_caller(app), slots=wiring.slot_store(),
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
                                caller=current_caller(app), order_id=order_id, slots=wiring.slot_store()))


@app.post(**declared("POST /orders/{order_id}/payment", conflict=True, contended=True),
          summary="A till took the payment of an order paid in the store: its sources start")
def pay(order_id: OrderId, body: PaymentBody) -> OrderView:
    return _view(fulfilling.pay(orders=wiring.order_store(), transactions=wiring.transactions(),
                                caller=current_caller(app), order_id=order_id, amount_cents=body.amount_cents,
                                reference=body.reference))


@app.get(**declared("GET /locations/{location_id}/fulfilments", paged=True),
         summary="The store's work on orders: parcels to ship, transfers to receive (oldest first)")
def tasks_at(location_id: LocationId, limit: Limit = 50, cursor: Cursor = None) -> TaskList:
    found, next_cursor = fulfilling.tasks(orders=wiring.order_store(), caller=current_caller(app),
                                          location_id=location_id, limit=limit, cursor=cursor)
    return TaskList(tasks=[TaskView.of(order, fulfilment_id) for order, fulfilment_id in found],
                    next_cursor=next_cursor)


@app.post(**declared("POST /orders/{order_id}/fulfilments/{fulfilment_id}/ship", conflict=True, contended=True),
          summary="Packed and handed to the carrier: the units leave, the customer gets the tracking link")
def ship(order_id: OrderId, fulfilment_id: FulfilmentId) -> OrderView:
    return _view(fulfilling.ship(**wiring.holds(), orders=wiring.order_store(), carrier=wiring.carrier(),
                                 caller=current_caller(app), order_id=order_id, fulfilment_id=fulfilment_id))


@app.post(**declared("POST /orders/{order_id}/fulfilments/{fulfilment_id}/lines/{sku}/reject", conflict=True,
                     contended=True),
          summary="The source cannot supply a line: it is re-routed to the next location")
def reject(order_id: OrderId, fulfilment_id: FulfilmentId, sku: Sku, body: RejectBody) -> OrderView:
    from shared.orders import rerouting

    return _view(rerouting.reject_line(
        **wiring.holds(), orders=wiring.order_store(), directory=wiring.location_directory(),
        calendar=wiring.slot_calendar(), caller=current_caller(app), order_id=order_id, fulfilment_id=fulfilment_id,
        sku=sku, reason=body.reason, loyalty=wiring.loyalty_store(), slots=wiring.slot_store(),
        purchases=wiring.purchase_store(),
        capacity=wiring.ship_capacity()))


@app.post(**declared("POST /orders/{order_id}/fulfilments/{fulfilment_id}/receive", conflict=True, contended=True),
          summary="A transfer arrived at the pickup store: held for the order; the last one makes it ready")
def receive(order_id: OrderId, fulfilment_id: FulfilmentId) -> OrderView:
    holds = wiring.holds()
    return _view(fulfilling.receive(orders=wiring.order_store(), reservations=holds["reservations"],
                                    stock=holds["stock"], transactions=holds["transactions"],
                                    directory=wiring.location_directory(), caller=current_caller(app),
                                    order_id=order_id, fulfilment_id=fulfilment_id))


@app.post(**declared("POST /carriers/{carrier_id}/events", contended=True),
          summary="A carrier reports a parcel: in transit, delivered or failed (late or repeated: ignored)")
def carrier_event(carrier_id: CarrierId, body: CarrierEventBody) -> CarrierEventAnswer:
    result = fulfilling.carrier_update(**wiring.holds(), orders=wiring.order_store(),
                                       purchases=wiring.purchase_store(), loyalty=wiring.loyalty_store(),
                                       update=body.to_domain(carrier_id))
    return CarrierEventAnswer(status=result)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
