"""A bus event delivered through SQS, read into its versioned envelope (the consumers' first step)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from events.contracts import envelope_model
from shared.observability import logger


def bus_event(body: str, *, handled: Collection[str]) -> tuple[EventBridgeModel, Any]:
    """The event and its envelope (``.data``, ``.metadata``), its correlation id on the logs from here on.

    A detail-type this consumer does not handle is an error, not a skip: only a wrong rule sends it.
    """
    event = EventBridgeModel.model_validate_json(body)
    if event.detail_type not in handled:
        raise ValueError(f"unexpected detail-type {event.detail_type!r}")
    parsed: Any = envelope_model(event.detail_type).model_validate(event.detail)
    logger.append_keys(correlation_id=parsed.metadata.correlation_id or parsed.metadata.event_id)
    return event, parsed
