"""Per-customer hold counters: one item per customer and location, written in the same
transaction as the hold (counted in, with the limit as its condition) and as its end
(counted out), so concurrent requests of one customer can never exceed the limit.

Counter item: pk=LIMITS#<customer>, sk=LOC#<location>; ``holds`` counts active holds and
``units#<sku>`` the units held per SKU. Only holds with ``limited`` set are counted.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import items
from shared.errors import TooManyRequests
from shared.reservations.limits import HoldLimits, refused
from shared.reservations.model import Line, Reservation


def counter_key(customer_id: str, location_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"LIMITS#{customer_id}"}, "sk": {"S": f"LOC#{location_id}"}}


def _units(index: int) -> str:
    return f"#u{index}"


def count_in(table: str, r: Reservation, limits: HoldLimits) -> dict[str, Any]:
    """+1 hold and +q units per line, on condition that the result stays within the limits."""
    names = {_units(i): f"units#{line.sku}" for i, line in enumerate(r.lines)}
    values: dict[str, Any] = {":zero": items.to_attr(0), ":one": items.to_attr(1),
                              ":max_holds": items.to_attr(limits.active_holds),
                              ":c": items.to_attr(r.customer_id), ":l": items.to_attr(r.location_id)}
    sets = ["holds = if_not_exists(holds, :zero) + :one", "customer_id = :c", "location_id = :l"]
    conditions = ["(attribute_not_exists(holds) OR holds < :max_holds)"]
    for i, line in enumerate(r.lines):
        name, cap = _units(i), limits.units_per_sku - line.quantity
        values[f":q{i}"], values[f":cap{i}"] = items.to_attr(line.quantity), items.to_attr(cap)
        sets.append(f"{name} = if_not_exists({name}, :zero) + :q{i}")
        # a missing count is 0: fine unless the line alone is over the limit (cap < 0: always refused)
        conditions.append(f"(attribute_not_exists({name}) OR {name} <= :cap{i})" if cap >= 0
                          else f"{name} <= :cap{i}")
    return {"Update": {
        "TableName": table, "Key": counter_key(r.customer_id, r.location_id),
        "UpdateExpression": "SET " + ", ".join(sets), "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }}


def count_out(table: str, r: Reservation, lines: tuple[Line, ...], hold_ends: bool) -> dict[str, Any]:
    """-q units per line (and -1 hold when the hold ends); unconditional: an end is never refused."""
    names = {_units(i): f"units#{line.sku}" for i, line in enumerate(lines)}
    values: dict[str, Any] = {f":q{i}": items.to_attr(line.quantity) for i, line in enumerate(lines)}
    sets = [f"{_units(i)} = if_not_exists({_units(i)}, :q{i}) - :q{i}" for i in range(len(lines))]
    if hold_ends:
        values[":one"] = items.to_attr(1)
        sets.insert(0, "holds = if_not_exists(holds, :one) - :one")
    update: dict[str, Any] = {"TableName": table, "Key": counter_key(r.customer_id, r.location_id),
                              "UpdateExpression": "SET " + ", ".join(sets), "ExpressionAttributeValues": values}
    if names:
        update["ExpressionAttributeNames"] = names
    return {"Update": update}


def refusal(reason: dict[str, Any], r: Reservation, limits: HoldLimits) -> TooManyRequests:
    """The 429 for a counter whose condition failed, with what the customer holds now."""
    current = items.from_item(reason.get("Item") or {})
    units = {str(k).removeprefix("units#"): int(v) for k, v in current.items() if str(k).startswith("units#")}
    asked = {line.sku: line.quantity for line in r.lines}
    return refused(limits=limits, location_id=r.location_id, holds=int(current.get("holds", 0)), units=units,
                   asked=asked)


def held(db: Any, table: str, customer_id: str, location_id: str) -> tuple[int, dict[str, int]]:
    """(active holds, units per SKU) counted for a customer at a location."""
    item = db.get_item(TableName=table, Key=counter_key(customer_id, location_id), ConsistentRead=True).get("Item")
    current = items.from_item(item or {})
    units = {str(k).removeprefix("units#"): int(v) for k, v in current.items() if str(k).startswith("units#")}
    return int(current.get("holds", 0)), units
