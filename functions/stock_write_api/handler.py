"""Stock writes over HTTP: relative changes, absolute counts and per-location settings.

Changes and counts need an ``Idempotency-Key`` header: a retry with the same key is
answered as the first request was and changes nothing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.http.app import correlation_id, current_caller, http_app, resolve
from shared.http.models import ChangeBody, ChangeReceiptView, CountBody, SettingsBody, StockView
from shared.http.params import IdempotencyKey, LocationId, Sku, created_or_replayed
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer
from shared.stock import service

app = http_app()


def _receipt_response(view: ChangeReceiptView) -> Response[ChangeReceiptView]:
    return created_or_replayed(view, created=not (view.replayed or view.status == "ignored"), replayed=view.replayed)


@app.post(**declared("POST /stock/{sku}/locations/{location_id}/changes",
                     created="Applied", conflict=True, contended=True),
          summary="Apply a sale, receipt, transfer or correction")
def change_stock(sku: Sku, location_id: LocationId, body: ChangeBody,
                 idempotency_key: IdempotencyKey) -> Response[ChangeReceiptView]:
    caller = current_caller(app)
    receipt = service.record_change(
        store=wiring.stock_store(), transactions=wiring.transactions(), directory=wiring.location_directory(),
        caller=caller, sku=sku, location_id=location_id, kind=body.kind, quantity=body.quantity,
        idempotency_key=idempotency_key, source=caller.principal, correlation_id=correlation_id(app),
    )
    metrics.add_metric(name="StockChangeReplayed" if receipt.replayed else "StockChangeApplied",
                       unit=MetricUnit.Count, value=1)
    return _receipt_response(ChangeReceiptView.of(receipt))


@app.put(**declared("PUT /stock/{sku}/locations/{location_id}/count",
                    created="Applied", ok="Ignored (a later count was applied) or a replay", conflict=True,
                    contended=True),
         summary="Record an absolute count (cycle count, ERP snapshot); older counts are ignored")
def count_stock(sku: Sku, location_id: LocationId, body: CountBody,
                idempotency_key: IdempotencyKey) -> Response[ChangeReceiptView]:
    caller = current_caller(app)
    receipt = service.record_count(
        store=wiring.stock_store(), transactions=wiring.transactions(), directory=wiring.location_directory(),
        caller=caller, sku=sku, location_id=location_id, on_hand=body.on_hand, as_of=body.as_of,
        idempotency_key=idempotency_key, source=caller.principal, correlation_id=correlation_id(app),
    )
    if receipt is None:
        return _receipt_response(ChangeReceiptView(
            status="ignored", sku=sku, location_id=location_id, kind="count", on_hand=body.on_hand,
            detail="A count taken at the same time or later was applied already.",
        ))
    return _receipt_response(ChangeReceiptView.of(receipt))


@app.put(**declared("PUT /stock/{sku}/locations/{location_id}/settings", conflict=True, contended=True),
         summary="Set safety stock and low-stock threshold")
def stock_settings(sku: Sku, location_id: LocationId, body: SettingsBody) -> StockView:
    caller = current_caller(app)
    level = service.update_settings(
        store=wiring.stock_store(), directory=wiring.location_directory(), caller=caller, sku=sku,
        location_id=location_id, safety_stock=body.safety_stock, low_stock_threshold=body.low_stock_threshold,
        source=caller.principal,
    )
    return StockView.of(level)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
