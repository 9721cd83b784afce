"""The shape of what is stored in the single table; kept apart from domain and API models.

Key design (one table, see README "Data model"):
- stock:        pk=SKU#<sku>        sk=LOC#<location>  gsi1: LOC#<location> / SKU#<sku>
- location:     pk=LOCATION#<id>    sk=#               gsi1: LOCATIONS / <id>
- idempotency:  pk=IDEM#<scope>#<key> sk=#             expires via TTL
Stock items carry derived counters (unreserved, sellable, committed) so that every rule
of ``shared.stock.model`` is one condition on one attribute: DynamoDB conditions cannot add.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shared.stock.model import StockLevel

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # kept for readers; ``stamp`` writes it with a 4-digit year


def to_attr(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)  # type: ignore[no-any-return]


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {key: to_attr(value) for key, value in values.items() if value is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def stamp(moment: datetime) -> str:
    """Fixed width (4-digit year, microseconds, Z), so that string order is time order.

    ``strftime("%Y")`` writes year 35 as "35", which sorts after "2026" in a DynamoDB condition.
    """
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond:06d}Z"


def parse_stamp(text: str) -> datetime:
    """Reads what ``stamp`` writes, and the short years written before it was fixed width."""
    year, _, rest = text.partition("-")
    moment = datetime.fromisoformat(f"{int(year):04d}-{rest}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stock_key(sku: str, location_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"SKU#{sku}"}, "sk": {"S": f"LOC#{location_id}"}}


def location_key(location_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"LOCATION#{location_id}"}, "sk": {"S": "#"}}


def idempotency_key(scope: str, key: str) -> dict[str, Any]:
    return {"pk": {"S": f"IDEM#{scope}#{key}"}, "sk": {"S": "#"}}


def is_stock_item(keys: dict[str, Any]) -> bool:
    return str(keys.get("pk", {}).get("S", "")).startswith("SKU#")


def stock_level_from_item(item: dict[str, Any]) -> StockLevel:
    """Accepts a raw (typed) item, as read from DynamoDB or a stream image."""
    values = from_item(item)
    counted = values.get("counted_as_of")
    return StockLevel(
        sku=str(values["sku"]),
        location_id=str(values["location_id"]),
        on_hand=int(values.get("on_hand", 0)),
        reserved=int(values.get("reserved", 0)),
        safety_stock=int(values.get("safety_stock", 0)),
        damaged=int(values.get("damaged", 0)),
        quality_check=int(values.get("quality_check", 0)),
        in_transit=int(values.get("in_transit", 0)),  # items written before transfers have none
        low_stock_threshold=int(values.get("low_stock_threshold", 0)),
        counted_as_of=parse_stamp(counted) if counted else None,
        version=int(values.get("version", 0)),
    )
