"""Runs every minute: releases every hold whose time is up, each exactly once.

Sweeps may overlap (a slow run and the next one): every expiry is a conditional transaction
on the reservation's status, so only one of them ends a given hold and publishes it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.observability import logger, metrics, tracer
from shared.reservations import service


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    expired = service.expire_due(wiring.reservation_store())
    metrics.add_metric(name="ReservationsExpired", unit=MetricUnit.Count, value=expired)
    if expired:
        logger.info("holds expired", extra={"expired": expired})
    return {"expired": expired}
