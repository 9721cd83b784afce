"""boto3 clients, made on first use and kept for the life of the container.

Nothing is created at import, so importing a handler costs no client set-up and tests can
point the environment (AWS_ENDPOINT_URL, region) at an emulator before the first call.

DynamoDB answers a write to an item that a running transaction holds with
TransactionConflictException, which botocore's standard retry mode does not retry. The
DynamoDB client retries it a few times itself; when the conflict outlasts that, the caller
gets ``Unavailable`` (503 with Retry-After), never an unhandled error.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from shared.errors import Unavailable

TRANSACTION_CONFLICT = "TransactionConflictException"
CONFLICT_ATTEMPTS = 4
RETRY_AFTER_SECONDS = 1


def conflict_outlasted_retries() -> Unavailable:
    return Unavailable("Another change to the same data is in progress; nothing was changed. Please retry.",
                       retry_after_seconds=RETRY_AFTER_SECONDS)


@cache
def client(service: str) -> Any:
    import boto3  # deferred: ~110 ms of import that handlers only pay on first AWS call
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=2, read_timeout=5)
    made = boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]
    if service == "dynamodb":
        made.meta.events.register("needs-retry.dynamodb", _retry_transaction_conflict)
        made.meta.events.register("after-call.dynamodb", _conflict_is_unavailable)
    return made


def _error_code(parsed: Any) -> str | None:
    return parsed.get("Error", {}).get("Code") if isinstance(parsed, dict) else None


def _retry_transaction_conflict(response: Any = None, attempts: int = 1, **_: Any) -> float | None:
    """A delay (seconds) before the next attempt, or None to let the other retry rules decide."""
    if response is None or attempts >= CONFLICT_ATTEMPTS or _error_code(response[1]) != TRANSACTION_CONFLICT:
        return None
    return min(0.2, 0.02 * 2**attempts) * random.random()


def _conflict_is_unavailable(parsed: Any = None, **_: Any) -> None:
    if _error_code(parsed) == TRANSACTION_CONFLICT:
        raise conflict_outlasted_retries()


def reset_clients() -> None:
    """For tests that switch endpoints between runs."""
    client.cache_clear()
