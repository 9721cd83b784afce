"""Review requests in DynamoDB, waiting on gsi3 until due.

Request: pk=REVIEW#<order or purchase id>, sk=#; while waiting gsi3pk=REVIEWS#DUE, gsi3sk=<due stamp>#<id>
(orders waiting for pickup use their own gsi3pk). Written new only, so a redelivered event schedules
once; marked requested with a condition (and taken off gsi3), so overlapping sweeps mark it once.
The change to requested is on the table stream: ``shared.notifications.publishing`` makes it ReviewRequested.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.expressions import Update
from shared.notifications.model import ReviewRequest, ReviewSource
from shared.settings import settings

REVIEW_PREFIX = "REVIEW#"
DUE = "REVIEWS#DUE"


def _key(source_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{REVIEW_PREFIX}{source_id}"}, "sk": {"S": "#"}}


def review_to_item(r: ReviewRequest) -> dict[str, Any]:
    values: dict[str, Any] = {
        "source": r.source.value, "source_id": r.source_id, "location_id": r.location_id,
        "customer_id": r.customer_id, "skus": list(r.skus), "due_at": items.stamp(r.due_at),
        "requested_at": items.stamp(r.requested_at) if r.requested_at else None,
    }
    if r.requested_at is None:
        values |= {"gsi3pk": DUE, "gsi3sk": f"{items.stamp(r.due_at)}#{r.source_id}"}
    return _key(r.source_id) | items.to_item(values)


def review_from_item(item: dict[str, Any]) -> ReviewRequest:
    v = items.from_item(item)
    return ReviewRequest(
        source=ReviewSource(v["source"]), source_id=str(v["source_id"]), location_id=str(v["location_id"]),
        customer_id=v.get("customer_id"), skus=tuple(str(sku) for sku in v.get("skus", [])),
        due_at=items.parse_stamp(v["due_at"]),
        requested_at=items.parse_stamp(v["requested_at"]) if v.get("requested_at") else None,
    )


class DynamoDBReviewSchedule:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def schedule(self, request: ReviewRequest) -> bool:
        try:
            self._db.put_item(TableName=self._table, Item=review_to_item(request),
                              ConditionExpression="attribute_not_exists(pk)")
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def due(self, now: datetime, limit: int = 100) -> list[ReviewRequest]:
        """gsi3 is eventually consistent: a request read here is marked with a condition."""
        return [review_from_item(it) for it in cursors.every_page(self._db, {
            "TableName": self._table, "IndexName": "gsi3", "Limit": limit,
            "KeyConditionExpression": "gsi3pk = :due AND gsi3sk <= :now",
            "ExpressionAttributeValues": {":due": items.to_attr(DUE), ":now": items.to_attr(items.stamp(now) + "~")},
        })]

    def mark_requested(self, request: ReviewRequest, at: datetime) -> bool:
        update = Update(_key(request.source_id)).set("requested_at", items.stamp(at))
        update.remove("gsi3pk").remove("gsi3sk")
        update.require(f"attribute_exists({update.name('source_id')})")
        update.require(f"attribute_not_exists({update.name('requested_at')})")
        try:
            self._db.update_item(TableName=self._table, **update.build())
        except self._db.exceptions.ConditionalCheckFailedException:
            return False
        return True
