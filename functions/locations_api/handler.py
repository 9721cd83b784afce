"""Locations API: anyone lists and reads locations; admins create and replace them."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.adapters import cursors
from shared.http.app import current_caller, http_app, resolve
from shared.http.models import LocationBody, LocationList, LocationView
from shared.http.paging import Cursor, Limit
from shared.http.params import LocationId
from shared.http.responses import declared
from shared.locations import service
from shared.locations.model import LocationType, Service
from shared.observability import logger, metrics, tracer

app = http_app()


@app.get(**declared("GET /locations", paged=True), summary="List active locations")
def list_locations(
    type: Annotated[LocationType | None, Query()] = None,  # noqa: A002 - the API's word
    service_offered: Annotated[Service | None, Query(alias="service")] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> LocationList:
    found = service.list_locations(directory=wiring.location_directory(), location_type=type, service=service_offered)
    page, next_cursor = cursors.page_of_sorted(found, lambda loc: loc.location_id,
                                               f"locations:{type}:{service_offered}", limit, cursor)
    return LocationList(locations=[LocationView.of(loc) for loc in page], next_cursor=next_cursor)


@app.get(**declared("GET /locations/{location_id}"), summary="Read one location")
def get_location(location_id: LocationId) -> LocationView:
    return LocationView.of(service.get_location(directory=wiring.location_directory(), location_id=location_id))


@app.put(**declared("PUT /locations/{location_id}", created="Created", ok="Replaced"),
         summary="Create or replace a location (admin)")
def put_location(location_id: LocationId, body: LocationBody) -> Response[LocationView]:
    location = body.to_domain(location_id)
    created = service.save_location(
        store=wiring.location_store(), directory=wiring.location_directory(), caller=current_caller(app),
        location_id=location_id, location=location
    )
    return Response(
        status_code=201 if created else 200,
        content_type="application/json",
        body=LocationView.of(location),
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
