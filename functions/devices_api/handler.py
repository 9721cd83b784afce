"""Store devices register for push; staff see accessories to suggest at pickup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.adapters.push import SnsPushService
from shared.devices import service
from shared.http.app import current_caller, http_app, resolve
from shared.http.device_models import DeviceBody, DeviceList, DeviceView, Suggestion, Suggestions
from shared.http.paging import Cursor, Limit
from shared.http.params import ID_PATTERN, DeviceId, LocationId
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer

app = http_app()


@app.post(**declared("POST /locations/{location_id}/devices", created="Registered", ok="Already registered"),
          summary="Register a store device's push token")
def register(location_id: LocationId, body: DeviceBody) -> Response[DeviceView]:
    device, created = service.register(store=wiring.device_store(), push=SnsPushService(),
                                       directory=wiring.location_directory(),
                                       caller=current_caller(app), location_id=location_id, platform=body.platform,
                                       token=body.token, name=body.name)
    return Response(status_code=201 if created else 200, content_type="application/json", body=DeviceView.of(device))


@app.get(**declared("GET /locations/{location_id}/devices", paged=True), summary="The store's registered devices")
def list_devices(location_id: LocationId, limit: Limit = 50, cursor: Cursor = None) -> DeviceList:
    found, next_cursor = service.devices(store=wiring.device_store(), caller=current_caller(app),
                                         location_id=location_id, limit=limit,
                                         cursor=cursor)
    return DeviceList(devices=[DeviceView.of(d) for d in found], next_cursor=next_cursor)


@app.delete(**declared("DELETE /locations/{location_id}/devices/{device_id}", deleted="Unregistered"),
            summary="Unregister a device")
def unregister(location_id: LocationId, device_id: DeviceId) -> Response[str]:
    service.unregister(store=wiring.device_store(), push=SnsPushService(), caller=current_caller(app),
                       location_id=location_id, device_id=device_id)
    return Response(status_code=204, body="")


@app.get(**declared("GET /locations/{location_id}/suggestions"),
         summary="Accessories and what is often bought with these SKUs or an order's lines, in stock here")
def suggestions(
    location_id: LocationId,
    skus: Annotated[str | None, Query(min_length=1, max_length=2000, description="Comma-separated")] = None,
    order_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="Suggest for this order's lines")] = None,
) -> Suggestions:
    wanted = [sku.strip() for sku in (skus or "").split(",") if sku.strip()][:40]
    found = service.suggestions(catalog=wiring.catalog(), together=wiring.bought_together(),
                                stock=wiring.stock_store(), directory=wiring.location_directory(),
                                orders=wiring.order_store(), caller=current_caller(app), location_id=location_id,
                                skus=wanted, order_id=order_id, at=datetime.now(UTC))
    return Suggestions(location_id=location_id, for_skus=wanted, order_id=order_id,
                       suggestions=[Suggestion.of(x) for x in found])


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
