"""Locations in the single table; listed through gsi1 (one partition: a retailer has hundreds)."""

from __future__ import annotations

from typing import Any

from shared.adapters import items
from shared.adapters.aws import client
from shared.adapters.cursors import every_page
from shared.locations.model import Location
from shared.settings import settings


class DynamoDBLocationStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def get(self, location_id: str) -> Location | None:
        item = self._db.get_item(TableName=self._table, Key=items.location_key(location_id)).get("Item")
        return _location(item) if item else None

    def list_all(self) -> list[Location]:
        return [_location(it) for it in every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "LOCATIONS"}}})]

    def put(self, location: Location) -> bool:
        item = items.location_key(location.location_id) | items.to_item({
            "gsi1pk": "LOCATIONS", "gsi1sk": location.location_id,
            "location": location.model_dump_json(),  # a document: read whole, never queried inside
        })
        result = self._db.put_item(TableName=self._table, Item=item, ReturnValues="ALL_OLD")
        return "Attributes" not in result


def _location(item: dict[str, Any]) -> Location:
    return Location.model_validate_json(item["location"]["S"])
