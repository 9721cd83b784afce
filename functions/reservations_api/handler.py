"""Reservations API: a customer holds units at a pickup location, reads, extends or cancels them.

Creating needs an ``Idempotency-Key``: a retry returns the same reservation and holds once.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.paging import Cursor, Limit
from shared.http.params import IdempotencyKey, ReservationId, created_or_replayed
from shared.http.reservation_models import ExtendBody, ReservationBody, ReservationList, ReservationView
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.reservations import service

app = http_app()


@app.post(**declared("POST /reservations", created="Held", conflict=True, limited=True, contended=True),
          summary="Hold all lines at a location, or none (409 with alternatives)")
def create(body: ReservationBody, idempotency_key: IdempotencyKey) -> Response[ReservationView]:
    reservation, created = service.reserve(
        **wiring.holds(), directory=wiring.location_directory(), caller=current_caller(app),
        location_id=body.location_id, lines=[line.to_domain() for line in body.lines], channel=body.channel,
        idempotency_key=idempotency_key, catalog=wiring.catalog(),
        customer_id=body.customer_id, hold_seconds=body.hold_seconds,
    )
    metrics.add_metric(name="ReservationCreated" if created else "ReservationReplayed", unit=MetricUnit.Count,
                       value=1)
    return created_or_replayed(ReservationView.of(reservation), created=created)


@app.get(**declared("GET /reservations", paged=True), summary="The caller's own reservations, newest first")
def list_mine(limit: Limit = 50, cursor: Cursor = None) -> ReservationList:
    found, next_cursor = service.list_mine(**wiring.holds(), caller=current_caller(app), limit=limit, cursor=cursor)
    return ReservationList(reservations=[ReservationView.of(r) for r in found], next_cursor=next_cursor)


@app.get(**declared("GET /reservations/{reservation_id}"), summary="Read one reservation")
def read(reservation_id: ReservationId) -> ReservationView:
    return ReservationView.of(service.get(**wiring.holds(), caller=current_caller(app),
                                          reservation_id=reservation_id))


@app.post(**declared("POST /reservations/{reservation_id}/cancel", conflict=True, contended=True),
          summary="Cancel: the units go back on sale")
def cancel(reservation_id: ReservationId) -> ReservationView:
    return ReservationView.of(service.cancel(**wiring.holds(), caller=current_caller(app),
                                             reservation_id=reservation_id))


@app.post(**declared("POST /reservations/{reservation_id}/extend", conflict=True, contended=True),
          summary="Hold longer, within the location's limit")
def extend(reservation_id: ReservationId, body: ExtendBody) -> ReservationView:
    return ReservationView.of(service.extend(**wiring.holds(), directory=wiring.location_directory(),
                                             caller=current_caller(app), reservation_id=reservation_id,
                                             hold_seconds=body.hold_seconds))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
