"""The sandbox carrier: a carrier simulated in the table, so orders ship end to end without a real one.

Parcel: pk=PARCEL#<tracking number>, sk=#; while a step is due gsi3pk=PARCELS#DUE, gsi3sk=<due stamp>#<tracking>.
Created new only (the tracking number follows from the shipment id, so a retried shipment finds its
parcel and gets the stored label). The sweeper reads what is due on gsi3 (eventually consistent) and
advances each parcel on condition of its current status, so overlapping sweeps advance a step once;
delivered, the parcel leaves gsi3. Only ids, a location or a postcode are stored: no names, no addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.expressions import Update
from shared.carriers.model import (
    Label,
    Parcel,
    ParcelStatus,
    ShipmentRequest,
    StatusUpdate,
    due_after,
    new_parcel,
    previous_status,
    tracking_number,
)
from shared.settings import settings

CARRIER = "sandbox"
PREFIX = "SBX"
TRACKING_URL = "https://track.sandbox-carrier.example/"
PARCEL_PREFIX = "PARCEL#"
DUE = "PARCELS#DUE"


def _key(number: str) -> dict[str, Any]:
    return {"pk": {"S": f"{PARCEL_PREFIX}{number}"}, "sk": {"S": "#"}}


def _due_sort_key(due_at: datetime, number: str) -> str:
    return f"{items.stamp(due_at)}#{number}"


def parcel_to_item(p: Parcel) -> dict[str, Any]:
    values: dict[str, Any] = {
        "carrier": p.carrier, "shipment_id": p.shipment_id, "tracking_number": p.tracking_number,
        "tracking_url": p.tracking_url, "source_id": p.source_id, "destination": p.destination,
        "status": p.status.value, "created_at": items.stamp(p.created_at),
        "due_at": items.stamp(p.due_at) if p.due_at else None,
    }
    if p.due_at is not None:
        values |= {"gsi3pk": DUE, "gsi3sk": _due_sort_key(p.due_at, p.tracking_number)}
    return _key(p.tracking_number) | items.to_item(values)


def parcel_from_item(item: dict[str, Any]) -> Parcel:
    v = items.from_item(item)
    return Parcel(
        carrier=str(v["carrier"]), shipment_id=str(v["shipment_id"]), tracking_number=str(v["tracking_number"]),
        tracking_url=str(v["tracking_url"]), source_id=str(v["source_id"]), destination=str(v["destination"]),
        status=ParcelStatus(v["status"]), created_at=items.parse_stamp(v["created_at"]),
        due_at=items.parse_stamp(v["due_at"]) if v.get("due_at") else None,
    )


class SandboxCarrier:
    def __init__(self, table_name: str | None = None, *, step: timedelta | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._table = table_name or settings().table_name
        self._step = step or settings().carrier_step
        self._clock = clock or (lambda: datetime.now(UTC))

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def create_shipment(self, request: ShipmentRequest) -> Label:
        parcel = new_parcel(carrier=CARRIER, request=request, tracking_url=TRACKING_URL, prefix=PREFIX,
                            at=self._clock(), step=self._step)
        db = self._db  # one client for the call and the exception class it raises
        try:
            db.put_item(TableName=self._table, Item=parcel_to_item(parcel),
                        ConditionExpression="attribute_not_exists(pk)")
        except db.exceptions.ConditionalCheckFailedException:
            stored = self.parcel(parcel.tracking_number)
            if stored is None:  # pragma: no cover - parcels are never deleted
                raise
            return stored.label
        return parcel.label

    def parcel(self, number: str) -> Parcel | None:
        found = self._db.get_item(TableName=self._table, Key=_key(number), ConsistentRead=True).get("Item")
        return parcel_from_item(found) if found else None

    def parcel_of(self, shipment_id: str) -> Parcel | None:
        return self.parcel(tracking_number(PREFIX, shipment_id))

    def due(self, now: datetime, limit: int = 100) -> list[StatusUpdate]:
        """Oldest first; gsi3 may lag a step behind, which ``advanced``'s condition absorbs."""
        parcels = [parcel_from_item(it) for it in cursors.every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi3", "Limit": limit,
            "KeyConditionExpression": "gsi3pk = :due AND gsi3sk <= :now",
            "ExpressionAttributeValues": {":due": items.to_attr(DUE), ":now": items.to_attr(items.stamp(now) + "~")},
        })]
        return [update for p in parcels if (update := p.next_update()) is not None]

    def advanced(self, update: StatusUpdate) -> bool:
        before = previous_status(update.status)
        if update.carrier != CARRIER or before is None:
            return False
        change = Update(_key(update.tracking_number)).set("status", update.status.value)
        due = due_after(update, self._step)
        if due is None:
            change.remove("due_at").remove("gsi3pk").remove("gsi3sk")
        else:
            change.set("due_at", items.stamp(due)).set("gsi3sk", _due_sort_key(due, update.tracking_number))
        change.require_equal("status", before.value)
        db = self._db
        try:
            db.update_item(TableName=self._table, **change.build())
        except db.exceptions.ConditionalCheckFailedException:
            return False
        return True
