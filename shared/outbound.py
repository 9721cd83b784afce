"""Events the domain publishes, and the port they leave through (EventBridge in Lambda)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class OutboundEvent:
    source: str
    detail_type: str
    detail: dict[str, Any]


class EventPublisher(Protocol):
    def publish(self, events: list[OutboundEvent]) -> None: ...
