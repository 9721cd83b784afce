"""The store live feed's connections (API Gateway WebSocket API: $connect and $disconnect).

The feed authorizer has verified the token and chosen the store before $connect runs; this
remembers the connection for that store, so the store notifier can post to it, and forgets it
when it closes.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.devices import service
from shared.errors import DomainError
from shared.identity import Caller
from shared.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event.get("requestContext", {})
    connection_id = str(request.get("connectionId", ""))
    if request.get("routeKey") == "$disconnect":
        wiring.device_store().delete_connection(connection_id)
        return {"statusCode": 200}
    allowed = request.get("authorizer") or {}
    caller = Caller(role=str(allowed.get("role", "public")), subject=str(allowed.get("subject", "")),
                    location_id=str(allowed.get("location_id", "")) or None)
    try:
        service.connect(store=wiring.device_store(), caller=caller, location_id=str(allowed.get("location_id", "")),
                        connection_id=connection_id)
    except DomainError:
        return {"statusCode": 403}
    logger.info("feed connected", extra={"location_id": allowed.get("location_id")})
    return {"statusCode": 200}
