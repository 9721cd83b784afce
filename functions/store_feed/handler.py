"""The store live feed's connections (API Gateway WebSocket API: $connect and $disconnect).

$connect carries the Cognito token as ``?token=`` (browsers cannot set headers on a WebSocket)
and the store as ``?location=``; the token is verified against the user pool's keys here. A
connection is for one store only; it is remembered so the store notifier can post to it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.devices import service
from shared.errors import DomainError
from shared.identity import caller_from_claims
from shared.observability import logger, metrics, tracer


@cache
def _keys() -> Any:
    import jwt  # deferred: only $connect needs it

    return jwt.PyJWKClient(os.environ["JWKS_URL"], cache_keys=True)


def _claims(token: str) -> dict[str, Any]:
    import jwt

    key = _keys().get_signing_key_from_jwt(token)
    audiences = [a for a in os.environ.get("JWT_AUDIENCE", "").split(",") if a]
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], issuer=os.environ["JWT_ISSUER"],
                                        audience=audiences or None, options={"verify_aud": bool(audiences)})
    return claims


def _status(code: int) -> dict[str, Any]:
    return {"statusCode": code}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event.get("requestContext", {})
    connection_id = str(request.get("connectionId", ""))
    if request.get("routeKey") == "$disconnect":
        wiring.device_store().delete_connection(connection_id)
        return _status(200)
    query = event.get("queryStringParameters") or {}
    try:
        caller = caller_from_claims(_claims(str(query.get("token", ""))))
    except Exception:  # any invalid token is simply not allowed in
        return _status(401)
    location_id = str(query.get("location") or caller.location_id or "")
    try:
        service.connect(wiring.device_store(), caller, location_id, connection_id)
    except DomainError:
        return _status(403)
    logger.info("feed connected", extra={"location_id": location_id})
    return _status(200)
