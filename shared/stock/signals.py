"""Which stock events a committed change produces, from the levels before and after it."""

from __future__ import annotations

from enum import StrEnum

from shared.stock.model import StockLevel


class StockSignal(StrEnum):
    CHANGED = "StockChanged"
    LOW = "StockLow"
    OUT = "OutOfStock"
    BACK = "BackInStock"
    SHORTFALL = "StockShortfall"


def signals_for(before: StockLevel | None, after: StockLevel) -> list[StockSignal]:
    """StockChanged always; threshold signals only when ``available`` crosses a line.

    Crossing, not being below, is what is signalled: a store is told once that a SKU runs
    low, not on every sale after that.
    """
    was = before.available if before else 0
    now = after.available
    signals = [StockSignal.CHANGED]
    if was > 0 and now == 0:
        signals.append(StockSignal.OUT)
    elif before is not None and was == 0 and now > 0:
        signals.append(StockSignal.BACK)
    threshold = after.low_stock_threshold
    if threshold > 0 and 0 < now <= threshold < was:
        signals.append(StockSignal.LOW)
    if after.shortfall > (before.shortfall if before else 0):
        signals.append(StockSignal.SHORTFALL)  # a fact took held units: tell the store, resolve holds
    return signals
