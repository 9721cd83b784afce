"""A handler for tests/unit/test_local_function_logs.py: logs once, when the test lets it."""

from __future__ import annotations

from typing import Any

from shared.observability import logger


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> None:
    if "started" in event:
        event["started"].set()
        event["go"].wait(5)
    logger.warning("probe", extra={"probe": event["name"]})
