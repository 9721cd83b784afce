"""Fulfilment options and time slots: for a basket and a pickup store or postcode, which locations
can supply it, in how many parcels, by when and at what cost, and which slots are open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from events.patterns import LOCATION_PATTERN
from shared import wiring
from shared.errors import InvalidRequest
from shared.fulfilment import service
from shared.http.app import http_app, resolve
from shared.http.fulfilment_models import POSTCODE_PATTERN, OptionsBody, OptionsView, SlotOwnerView, SlotsView, SlotView
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.pricing import priced
from shared.slots import service as slots_service

app = http_app()


LISTED_AHEAD = timedelta(days=100 * 366)


@app.post(**declared("POST /fulfilment-options", unknown=True),
          summary="Ways to fulfil a basket at a pickup store or a postcode, with cost, dates and open slots")
def fulfilment_options(body: OptionsBody) -> OptionsView:
    at = datetime.now(UTC)
    lines = [line.to_domain() for line in body.lines]
    _, prices = priced(wiring.catalog(), [line.sku for line in lines], at)  # unknown SKUs: 422
    goods_cents = sum(prices[line.sku].price_cents * line.quantity for line in lines)
    answer = service.options(directory=wiring.location_directory(), stock=wiring.stock_store(),
                             calendar=wiring.slot_calendar(), slots=wiring.slot_store(), lines=lines,
                             location_id=body.location_id, postal_code=body.postal_code, at=at,
                             goods_cents=goods_cents, capacity=wiring.ship_capacity())
    return OptionsView.of(answer, goods_cents=goods_cents)


@app.get(**declared("GET /slots", unknown=True), summary="Open time slots of a pickup location or a postcode's zone")
def open_slots(
    postal_code: Annotated[str | None, Query(pattern=POSTCODE_PATTERN, description="Deliver here")] = None,
    location_id: Annotated[str | None, Query(pattern=LOCATION_PATTERN, description="Collect here")] = None,
    first_day: Annotated[date | None, Query(description="Default: today (Netherlands)")] = None,
    last_day: Annotated[date | None, Query(description="Default: 6 days after first_day; at most 31 days")] = None,
) -> SlotsView:
    at = datetime.now(UTC)
    _, owner = service.destination_for(calendar=wiring.slot_calendar(), directory=wiring.location_directory(),
                                       location_id=location_id, postal_code=postal_code)
    today = service.local_today(at=at)
    first = first_day or today
    if first > today + LISTED_AHEAD:  # what can be booked is bounded when booking; this keeps dates in range
        raise InvalidRequest("That day is too far ahead.", field="first_day")
    last = last_day or first + timedelta(days=6)
    found = slots_service.offered(calendar=wiring.slot_calendar(), slots=wiring.slot_store(), owner=owner,
                                  first_day=first, last_day=last, at=at)
    return SlotsView(slot_owner=SlotOwnerView.of(owner), first_day=first, last_day=last,
                     slots=[SlotView.of(s) for s in found])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
