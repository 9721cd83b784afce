"""Stock reads: availability for shoppers, full quantities for staff, integrations and admins."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import current_caller, http_app, resolve
from shared.http.models import (
    Availability,
    AvailabilityMatrix,
    LocationView,
    NearbyLocation,
    NearestResult,
    SkuAvailability,
    StockView,
)
from shared.http.params import LocationId, Sku
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.stock import service

app = http_app()


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@app.get(**declared("GET /stock", unknown=True), summary="Availability of many SKUs at many locations (product lists)")
def stock_matrix(
    skus: Annotated[str, Query(description="Comma-separated SKUs (up to 100)", min_length=1)],
    locations: Annotated[str, Query(description="Comma-separated location ids (up to 50)", min_length=1)],
) -> AvailabilityMatrix:
    levels = service.stock_matrix(
        store=wiring.stock_store(), directory=wiring.location_directory(), skus=_csv(skus), location_ids=_csv(locations)
    )
    return AvailabilityMatrix(items=[Availability.of(level) for level in levels])


@app.get(**declared("GET /stock/{sku}"), summary="Availability of one SKU at every location")
def stock_of_sku(sku: Sku) -> SkuAvailability:
    levels = service.stock_of_sku(store=wiring.stock_store(), directory=wiring.location_directory(), sku=sku)
    views = [Availability.of(level) for level in levels]
    return SkuAvailability(sku=sku, total_available=sum(v.available for v in views), locations=views)


@app.get(**declared("GET /stock/{sku}/nearest"), summary="Nearest locations that can promise the SKU")
def nearest(
    sku: Sku,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    quantity: Annotated[int, Query(ge=1, le=1000)] = 1,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    radius_km: Annotated[float | None, Query(gt=0, le=20_000)] = None,
    service_offered: Annotated[str | None, Query(alias="service")] = None,
) -> NearestResult:
    placed = service.nearest_with_stock(
        store=wiring.stock_store(), directory=wiring.location_directory(), sku=sku, lat=lat, lon=lon, quantity=quantity,
        limit=limit,
        radius_km=radius_km, service=service_offered,
    )
    return NearestResult(sku=sku, quantity=quantity, locations=[
        NearbyLocation(location=LocationView.of(p.location), available=p.level.available,
                       distance_km=p.distance_km)
        for p in placed
    ])


@app.get(**declared("GET /stock/{sku}/locations/{location_id}"), summary="All quantities of a SKU at a location")
def stock_at(sku: Sku, location_id: LocationId) -> StockView:
    current_caller(app).require_location(location_id)
    return StockView.of(service.stock_at(store=wiring.stock_store(), directory=wiring.location_directory(), sku=sku,
                                         location_id=location_id))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
