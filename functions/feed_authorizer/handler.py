"""The live feed's authorizer (API Gateway WebSocket API, REQUEST authorizer on $connect).

Browsers cannot set headers on a WebSocket, so the Cognito token comes as ``?token=`` and the
store as ``?location=`` (staff may leave it out: their token names their store). The token is
verified against the user pool's published keys; the answer allows the connection for exactly
one store and passes that store on to $connect in the authorizer context.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.errors import DomainError
from shared.identity import Caller, caller_from_claims
from shared.observability import logger, tracer


@cache
def _keys() -> Any:
    import jwt  # deferred: the key client is only needed once per container

    return jwt.PyJWKClient(os.environ["JWKS_URL"], cache_keys=True)


def verified_claims(token: str) -> dict[str, Any]:
    import jwt

    key = _keys().get_signing_key_from_jwt(token)
    audiences = [a for a in os.environ.get("JWT_AUDIENCE", "").split(",") if a]
    claims: dict[str, Any] = jwt.decode(token, key.key, algorithms=["RS256"], issuer=os.environ["JWT_ISSUER"],
                                        audience=audiences or None, options={"verify_aud": bool(audiences)})
    return claims


def _policy(effect: str, resource: str, caller: Caller, location_id: str) -> dict[str, Any]:
    return {
        "principalId": caller.subject or "anonymous",
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]},
        "context": {"location_id": location_id, "subject": caller.subject, "role": caller.role},
    }


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    try:
        caller = caller_from_claims(verified_claims(str(query.get("token", ""))))
    except Exception:
        raise Exception("Unauthorized") from None  # API Gateway's contract for a 401
    location_id = str(query.get("location") or caller.location_id or "")
    try:
        caller.require({"staff", "admin"})
        caller.require_location(location_id)
    except DomainError:
        logger.info("feed refused", extra={"role": caller.role})
        return _policy("Deny", str(event.get("methodArn", "*")), caller, location_id)
    return _policy("Allow", str(event.get("methodArn", "*")), caller, location_id)
