"""Runs every minute: releases holds whose time is up, ends uncollected orders, sends reminders,
marks due review requests requested (their ReviewRequested event follows from the change), and
moves the sandbox carrier's parcels on (each step told to the orders first, then marked done).

Sweeps may overlap (a slow run and the next one): every step is a conditional transaction on
the record's status and version, so only one sweep ends a given hold or order and publishes it.
A parcel's step is marked done on condition of its status: a sweep that dies between telling the
orders and marking it repeats the step next time, which the orders ignore (the fulfilment has moved on).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.notifications import service as notifications
from shared.observability import logger, metrics, tracer
from shared.orders import fulfilling
from shared.orders import service as orders
from shared.reservations import service as reservations


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    expired = reservations.expire_due(**wiring.holds())
    pickups = orders.sweep(**wiring.holds(), orders=wiring.order_store(), loyalty=wiring.loyalty_store(),
                           slots=wiring.slot_store())
    reviews = notifications.request_due_reviews(reviews=wiring.review_schedule(), now=datetime.now(UTC))
    parcels = _advance_parcels(datetime.now(UTC))
    metrics.add_metric(name="ReservationsExpired", unit=MetricUnit.Count, value=expired)
    metrics.add_metric(name="ReviewsRequested", unit=MetricUnit.Count, value=reviews)
    metrics.add_metric(name="OrdersNotCollected", unit=MetricUnit.Count, value=pickups["not_collected"])
    metrics.add_metric(name="ParcelsAdvanced", unit=MetricUnit.Count, value=parcels)
    result = {"expired": expired, **pickups, "reviews_requested": reviews, "parcels_advanced": parcels}
    if any(result.values()):
        logger.info("sweep", extra=result)
    return result


def _advance_parcels(now: datetime) -> int:
    """The sandbox carrier's due steps, oldest first; how many this sweep advanced."""
    carrier = wiring.carrier()
    advanced = 0
    for update in carrier.due(now):
        fulfilling.carrier_update(**wiring.holds(), orders=wiring.order_store(), purchases=wiring.purchase_store(),
                                  loyalty=wiring.loyalty_store(), update=update)
        advanced += carrier.advanced(update)
    return advanced
