"""Each source's fulfilments per local day in DynamoDB: pk=CAPACITY#<location>#<yyyymmdd>, sk=#,
attribute ``used``. Moved in the transaction of the order (or re-route) that gives the source a
fulfilment, on condition that it is still below the location's capacity; read in one batch for
routing. TTL removes a day's count 30 days after it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.adapters import batches, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.fulfilment.ports import CapacityTaken
from shared.settings import settings
from shared.transactions import Transaction

CAPACITY_PREFIX = "CAPACITY#"
USED = "used"
KEEP_DAYS = timedelta(days=30)


def capacity_key(location_id: str, day: date) -> dict[str, Any]:
    return {"pk": {"S": f"{CAPACITY_PREFIX}{location_id}#{day:%Y%m%d}"}, "sk": {"S": "#"}}


def _used(item: dict[str, Any] | None) -> int:
    """What a refused count held (no record yet: nothing taken)."""
    return int(items.from_item(item).get(USED, 0)) if item else 0


class DynamoDBShipCapacity:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def add_taken(self, tx: Transaction, *, taken: CapacityTaken) -> None:
        update = Update(capacity_key(taken.location_id, taken.day)).add(USED, 1)
        update.require_absent_or_below(USED, taken.per_day)
        update.set("location_id", taken.location_id).set("day", taken.day.isoformat())
        end = datetime.combine(taken.day, datetime.min.time(), tzinfo=UTC) + KEEP_DAYS
        update.set("expires_at_epoch", int(end.timestamp()))
        dynamodb(tx).update(update.build(), subject=taken, decode=_used)

    def used_on(self, day: date, location_ids: Sequence[str]) -> dict[str, int]:
        """Consistent reads: routing sees the count the next order's condition meets."""
        found = dict.fromkeys(location_ids, 0)
        for item in batches.get_items(self._db, table=self._table, keys=[capacity_key(loc, day) for loc in found],
                                      consistent=True, projection={
                                          "ProjectionExpression": "#loc, #used",
                                          "ExpressionAttributeNames": {"#loc": "location_id", "#used": USED}}):
            values = items.from_item(item)
            found[str(values["location_id"])] = int(values.get(USED, 0))
        return found
