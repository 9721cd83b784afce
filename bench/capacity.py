"""What each DynamoDB call would cost on AWS (on-demand), from the items it touched.

moto reports a fixed ConsumedCapacity, so the units are computed with AWS's published rules
from the real item sizes: a read unit per 4 KB (half for eventually consistent reads, summed
over the result for queries), a write unit per 1 KB of the larger of old and new item, both
doubled inside transactions, plus a write to each GSI the item is in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names plus values (numbers ~ digits/2 + 1)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind == "BOOL" or kind == "NULL":
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in inner)
    return len(str(inner))


@dataclass
class Tally:
    calls: list[str] = field(default_factory=list)
    read_units: float = 0.0
    write_units: float = 0.0

    def merge(self, other: Tally) -> None:
        self.calls += other.calls
        self.read_units += other.read_units
        self.write_units += other.write_units


def reads(items: list[dict[str, Any]], consistent: bool, summed: bool) -> float:
    factor = 1.0 if consistent else 0.5
    if summed:
        return factor * max(1, math.ceil(sum(item_size(i) for i in items) / 4096))
    return factor * sum(max(1, math.ceil(item_size(i) / 4096)) for i in items) if items else factor


def writes(size: int, transactional: bool, in_gsi: bool) -> float:
    units = max(1, math.ceil(size / 1024))
    return units * (2 if transactional else 1) + (units if in_gsi else 0)
