"""Runs every minute: releases holds whose time is up, ends uncollected orders, sends reminders,
and marks due review requests requested (their ReviewRequested event follows from the change).

Sweeps may overlap (a slow run and the next one): every step is a conditional transaction on
the record's status and version, so only one sweep ends a given hold or order and publishes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.notifications import service as notifications
from shared.observability import logger, metrics, tracer
from shared.orders import service as orders
from shared.reservations import service as reservations


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    expired = reservations.expire_due(**wiring.holds())
    pickups = orders.sweep(**wiring.holds(), orders=wiring.order_store(), loyalty=wiring.loyalty_store())
    reviews = notifications.request_due_reviews(reviews=wiring.review_schedule(), now=datetime.now(UTC))
    metrics.add_metric(name="ReservationsExpired", unit=MetricUnit.Count, value=expired)
    metrics.add_metric(name="ReviewsRequested", unit=MetricUnit.Count, value=reviews)
    metrics.add_metric(name="OrdersNotCollected", unit=MetricUnit.Count, value=pickups["not_collected"])
    result = {"expired": expired, **pickups, "reviews_requested": reviews}
    if any(result.values()):
        logger.info("sweep", extra=result)
    return result
