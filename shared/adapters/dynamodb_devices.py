"""Devices and feed connections in the table, listed per location through gsi1.

Device: pk=DEV#<id> (gsi1 DEVICES#<location>). Connection: pk=CONN#<id> (gsi1 FEED#<location>),
expiring after API Gateway's 2-hour connection limit in case $disconnect never came.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.devices.model import Connection, Device, Platform
from shared.settings import settings

CONNECTION_LIFETIME = timedelta(hours=2)


def _key(kind: str, ident: str) -> dict[str, Any]:
    return {"pk": {"S": f"{kind}#{ident}"}, "sk": {"S": "#"}}


class DynamoDBDeviceStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def put_device(self, d: Device) -> bool:
        item = _key("DEV", d.device_id) | items.to_item({
            "device_id": d.device_id, "location_id": d.location_id, "platform": d.platform.value,
            "endpoint_arn": d.endpoint_arn, "name": d.name, "registered_at": items.stamp(d.registered_at),
            "gsi1pk": f"DEVICES#{d.location_id}", "gsi1sk": d.device_id})
        return "Attributes" not in self._db.put_item(TableName=self._table, Item=item, ReturnValues="ALL_OLD")

    def delete_device(self, device_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=_key("DEV", device_id))

    def get_device(self, device_id: str) -> Device | None:
        item = self._db.get_item(TableName=self._table, Key=_key("DEV", device_id)).get("Item")
        return _device(item) if item else None

    def devices_at(self, location_id: str) -> list[Device]:
        return [_device(it) for it in self._by_location(f"DEVICES#{location_id}")]

    def devices_page(self, location_id: str, limit: int, cursor: str | None) -> tuple[list[Device], str | None]:
        found, after = cursors.query_all(self._db, {
            "TableName": self._table, "IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"DEVICES#{location_id}"}}},
            f"devices:{location_id}", limit, cursor)
        return [_device(it) for it in found], after

    def put_connection(self, c: Connection) -> None:
        self._db.put_item(TableName=self._table, Item=_key("CONN", c.connection_id) | items.to_item({
            "connection_id": c.connection_id, "location_id": c.location_id, "subject": c.subject,
            "connected_at": items.stamp(c.connected_at), "gsi1pk": f"FEED#{c.location_id}",
            "gsi1sk": c.connection_id,
            "expires_at_epoch": int((c.connected_at + CONNECTION_LIFETIME).timestamp())}))

    def delete_connection(self, connection_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=_key("CONN", connection_id))

    def connections_at(self, location_id: str) -> list[Connection]:
        found = []
        for it in self._by_location(f"FEED#{location_id}"):
            v = items.from_item(it)
            found.append(Connection(str(v["connection_id"]), str(v["location_id"]), str(v["subject"]),
                                    items.parse_stamp(v["connected_at"])))
        return found

    def _by_location(self, partition: str) -> list[dict[str, Any]]:
        """Every item, over as many pages as it takes (a busy store's feed outgrows one page)."""
        return cursors.every_page(self._db, {"TableName": self._table, "IndexName": "gsi1",
                                     "KeyConditionExpression": "gsi1pk = :pk",
                                     "ExpressionAttributeValues": {":pk": {"S": partition}}})


def _device(item: dict[str, Any]) -> Device:
    v = items.from_item(item)
    return Device(str(v["device_id"]), str(v["location_id"]), Platform(v["platform"]), str(v["endpoint_arn"]),
                  str(v["name"]), items.parse_stamp(v["registered_at"]))
