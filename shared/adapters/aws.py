"""boto3 clients, made on first use and kept for the life of the container.

Nothing is created at import, so importing a handler costs no client set-up and tests can
point the environment (AWS_ENDPOINT_URL, region) at an emulator before the first call.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    import boto3  # deferred: ~110 ms of import that handlers only pay on first AWS call
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=2, read_timeout=5)
    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]


def reset_clients() -> None:
    """For tests that switch endpoints between runs."""
    client.cache_clear()
