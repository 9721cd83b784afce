"""Points in DynamoDB.

Account: pk=CUSTOMER#<id> sk=POINTS (balance, net_spend_cents, earned, version), moved by ADDs in
the transaction of whatever earns or costs points, conditioned so that it never goes below 0.
Ledger:  pk=CUSTOMER#<id> sk=POINTS#<reason>#<source id>, new only: the key is the same on every
retry of one source, so it is booked once; the time is an attribute, and gsi2 (the customer's
timeline, gsi2sk PTS#<stamp>#...) gives the history newest first.
"""

from __future__ import annotations

from typing import Any

from shared.adapters import cursors, items
from shared.adapters.aws import client
from shared.adapters.dynamodb_customers import CUSTOMER_PREFIX  # the profile is sk "#" in the same partition
from shared.adapters.dynamodb_transaction import dynamodb
from shared.adapters.expressions import Update
from shared.loyalty.model import AccountChange, PointsAccount, PointsEntry, Reason
from shared.settings import settings
from shared.transactions import Transaction

ACCOUNT_SK = "POINTS"
ENTRY_SK_PREFIX = "POINTS#"
TIMELINE_KIND = "PTS"  # gsi2sk prefix in the customer's timeline (PUR#, RET#, ... are others')


def account_key(customer_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{CUSTOMER_PREFIX}{customer_id}"}, "sk": {"S": ACCOUNT_SK}}


def _entry_key(entry: PointsEntry) -> dict[str, Any]:
    return {"pk": {"S": f"{CUSTOMER_PREFIX}{entry.customer_id}"}, "sk": {"S": f"{ENTRY_SK_PREFIX}{entry.key}"}}


def entry_to_item(entry: PointsEntry) -> dict[str, Any]:
    at = items.stamp(entry.at)
    return _entry_key(entry) | items.to_item({
        "customer_id": entry.customer_id, "source_id": entry.source_id, "reason": entry.reason.value,
        "points": entry.points, "spend_cents": entry.spend_cents, "at": at,
        "gsi2pk": f"CUST#{entry.customer_id}", "gsi2sk": f"{TIMELINE_KIND}#{at}#{entry.key}",
    })


def entry_from_item(item: dict[str, Any]) -> PointsEntry:
    v = items.from_item(item)
    return PointsEntry(customer_id=str(v["customer_id"]), source_id=str(v["source_id"]), reason=Reason(v["reason"]),
                       points=int(v["points"]), at=items.parse_stamp(str(v["at"])),
                       spend_cents=int(v.get("spend_cents", 0)))


def account_from_item(item: dict[str, Any]) -> PointsAccount:
    v = items.from_item(item)
    return PointsAccount(customer_id=str(v["customer_id"]), balance=int(v.get("balance", 0)),
                         net_spend_cents=int(v.get("net_spend_cents", 0)), earned=int(v.get("earned", 0)),
                         version=int(v.get("version", 0)))


def _entry_or_none(item: dict[str, Any] | None) -> PointsEntry | None:
    return entry_from_item(item) if item and "reason" in item else None


def _account_or_none(item: dict[str, Any] | None) -> PointsAccount | None:
    return account_from_item(item) if item and "customer_id" in item else None


def account_change(entry: PointsEntry) -> dict[str, Any]:
    """The entry's ADDs to the account, each conditioned by the rule that it never goes below 0."""
    update = Update(account_key(entry.customer_id))
    update.set("customer_id", entry.customer_id).set("updated_at", items.stamp(entry.at))
    update.add("balance", entry.points).add("net_spend_cents", entry.spend_cents).add("version", 1)
    update.add("earned", entry.points if entry.reason is Reason.EARNED else 0)
    if entry.points < 0:
        update.require_at_least("balance", -entry.points)
    if entry.spend_cents < 0:
        update.require_at_least("net_spend_cents", -entry.spend_cents)
    return update.build()


class DynamoDBLoyaltyStore:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    @property
    def _db(self) -> Any:
        return client("dynamodb")

    def add_entry(self, tx: Transaction, *, entry: PointsEntry) -> None:
        writes = dynamodb(tx)
        writes.put(entry_to_item(entry), subject=entry, new=True, decode=_entry_or_none)
        writes.update(account_change(entry), subject=AccountChange(entry), decode=_account_or_none)

    def account(self, customer_id: str) -> PointsAccount:
        item = self._db.get_item(TableName=self._table, Key=account_key(customer_id), ConsistentRead=True).get("Item")
        return account_from_item(item) if item else PointsAccount(customer_id)

    def history(self, customer_id: str, limit: int, cursor: str | None) -> tuple[list[PointsEntry], str | None]:
        found, after = cursors.customer_page(self._db, self._table, customer_id, TIMELINE_KIND, limit, cursor)
        return [entry_from_item(item) for item in found], after
