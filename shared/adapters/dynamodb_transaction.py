"""The one place DynamoDB transactions are written: TransactWriteItems with its item limit,
conflict retries, an idempotent ClientRequestToken, and refusals mapped back to their writes."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.aws import client, conflict_outlasted_retries
from shared.settings import settings
from shared.transactions import MAX_WRITES, Failure, Refused, TooManyWrites, Transaction

_MAX_CONFLICT_RETRIES = 8
_THROTTLED = {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}

Decode = Callable[[dict[str, Any] | None], Any]


def _nothing(_: dict[str, Any] | None) -> None:
    return None


@dataclass(frozen=True)
class _Write:
    request: dict[str, Any]  # {"Update": {...}}, {"Put": {...}} or {"ConditionCheck": {...}}
    subject: Any
    decode: Decode


@dataclass
class DynamoDBTransaction:
    """Writes added by stores (each with the domain object it is for), committed at once."""

    table: str
    _writes: list[_Write] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self._writes)

    def add(self, operation: str, request: dict[str, Any], *, subject: Any, decode: Decode = _nothing) -> None:
        """One write; ``decode`` turns the stored item into a domain object when its condition fails."""
        body = {"TableName": self.table, **request}
        if decode is not _nothing and "ConditionExpression" in body:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        self._writes.append(_Write({operation: body}, subject, decode))

    def put(self, item: dict[str, Any], *, subject: Any, new: bool = False,
            condition: dict[str, Any] | None = None, decode: Decode = _nothing) -> None:
        """A whole item; ``new`` only if absent, ``condition`` an expression with its values."""
        if new and condition:
            raise ValueError("A new item's only condition is that it is absent.")
        request: dict[str, Any] = {"Item": item, **(condition or {})}
        if new:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        self.add("Put", request, subject=subject, decode=decode)

    def update(self, update: dict[str, Any], *, subject: Any, decode: Decode = _nothing) -> None:
        self.add("Update", update, subject=subject, decode=decode)

    def commit(self) -> None:
        if not self._writes:
            return
        if len(self._writes) > MAX_WRITES:
            raise TooManyWrites(f"{len(self._writes)} writes; one transaction holds {MAX_WRITES}.")
        try:
            run_transaction(client("dynamodb"), [write.request for write in self._writes])
        except TransactionCancelled as cancelled:
            failures = [Failure(write.subject, write.decode(reason.get("Item")))
                        for write, reason in zip(self._writes, cancelled.reasons, strict=False)
                        if reason.get("Code") == "ConditionalCheckFailed"]
            if failures:
                raise Refused(failures) from None
            if {r.get("Code") for r in cancelled.reasons} & _THROTTLED:
                raise conflict_outlasted_retries() from None  # 503 with Retry-After: nothing was written
            raise  # not a refusal the domain can explain (a malformed request): a bug, answered as 500


class DynamoDBTransactions:
    def __init__(self, table_name: str | None = None) -> None:
        self._table = table_name or settings().table_name

    def begin(self) -> DynamoDBTransaction:
        return DynamoDBTransaction(self._table)


def dynamodb(tx: Transaction) -> DynamoDBTransaction:
    """The DynamoDB stores add to DynamoDB transactions only (a fake's belongs to the fakes)."""
    if not isinstance(tx, DynamoDBTransaction):
        raise TypeError(f"A DynamoDB store cannot write into a {type(tx).__name__}.")
    return tx


class TransactionCancelled(Exception):
    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__(str([r.get("Code") for r in reasons]))
        self.reasons = reasons


def run_transaction(db: Any, transact_items: list[dict[str, Any]]) -> None:
    """TransactWriteItems, retried with jitter while another transaction holds an item.

    Every attempt carries the same ClientRequestToken, made from the request itself: when an
    SDK retry (after a timeout) repeats a transaction whose first attempt was applied, DynamoDB
    answers it as a success without applying it again, instead of failing its conditions.
    Raises TransactionCancelled with the per-item reasons when a condition fails, and
    Unavailable (503, Retry-After) when the conflict outlasts the retries.
    """
    token = client_request_token(transact_items)
    for attempt in range(_MAX_CONFLICT_RETRIES):
        try:
            db.transact_write_items(TransactItems=transact_items, ClientRequestToken=token)
            return
        except db.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons", [])
            codes = {r.get("Code") for r in reasons}
            if "ConditionalCheckFailed" in codes or "TransactionConflict" not in codes:
                raise TransactionCancelled(reasons) from None
            time.sleep(min(0.5, 0.01 * 2**attempt) * random.random())
    raise conflict_outlasted_retries()


def client_request_token(transact_items: list[dict[str, Any]]) -> str:
    """The same request gives the same token (at most 36 characters, as DynamoDB allows)."""
    canonical = json.dumps(transact_items, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:36]
