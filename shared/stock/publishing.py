"""Turns one committed stock change into the events it must publish (pure)."""

from __future__ import annotations

import uuid
from datetime import datetime

from events.contracts import (
    BackInStock,
    ChangeInfo,
    Contract,
    OutOfStock,
    Quantities,
    StockChanged,
    StockLow,
    StockShortfall,
    detail,
)
from events.sources import STOCK_EVENT_SOURCE
from shared.outbound import OutboundEvent
from shared.stock.model import StockLevel
from shared.stock.signals import StockSignal, signals_for

_EVENT_NAMESPACE = uuid.UUID("0b7d3c55-0f3e-4f7e-9a51-2c7c3f1f9e01")
PRODUCER = "stock-stream-publisher"


def _quantities(level: StockLevel) -> Quantities:
    return Quantities(on_hand=level.on_hand, reserved=level.reserved, safety_stock=level.safety_stock,
                      damaged=level.damaged, quality_check=level.quality_check, available=level.available,
                      shortfall=level.shortfall, in_transit=level.in_transit)


def event_id(after: StockLevel, signal: StockSignal) -> str:
    """Stable for one committed version: a redelivered stream record yields the same ids."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"{after.sku}|{after.location_id}|{after.version}|{signal}"))


def events_for_commit(
    *, before: StockLevel | None, after: StockLevel, change: ChangeInfo, occurred_at: datetime,
    correlation_id: str | None,
) -> list[OutboundEvent]:
    payloads: dict[StockSignal, Contract] = {
        StockSignal.CHANGED: StockChanged(
            sku=after.sku, location_id=after.location_id, version=after.version, change=change,
            before=_quantities(before) if before else None, after=_quantities(after),
        ),
        StockSignal.LOW: StockLow(sku=after.sku, location_id=after.location_id,
                                  available=after.available, low_stock_threshold=after.low_stock_threshold),
        StockSignal.OUT: OutOfStock(sku=after.sku, location_id=after.location_id),
        StockSignal.BACK: BackInStock(sku=after.sku, location_id=after.location_id, available=after.available),
        StockSignal.SHORTFALL: StockShortfall(sku=after.sku, location_id=after.location_id, version=after.version,
                                              on_hand=after.on_hand, reserved=after.reserved,
                                              shortfall=after.shortfall, change=change),
    }
    return [
        OutboundEvent(
            source=STOCK_EVENT_SOURCE,
            detail_type=signal.value,
            detail=detail(signal.value, payloads[signal], event_id(after, signal), occurred_at,
                          PRODUCER, correlation_id),
        )
        for signal in signals_for(before, after)
    ]
