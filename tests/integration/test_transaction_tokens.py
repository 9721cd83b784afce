"""TransactWriteItems and its ClientRequestToken, as DynamoDB treats them.

An SDK retry after a timeout repeats a transaction whose first attempt may have been applied.
DynamoDB answers the repeat (same token, same request, within 10 minutes) as a success that
changes nothing; without that, the repeat fails its conditions and a fresh request would be
answered as a replay (seen once under load: a 200 among 201s).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from infra.topology import TOPOLOGY
from local.provision import Provisioned
from shared import wiring
from shared.adapters.aws import client
from shared.identity import Caller
from shared.stock import service
from shared.stock.model import ChangeKind

pytestmark = pytest.mark.usefixtures("locations")
ERP = Caller(role="integration", subject="erp")
TABLE = TOPOLOGY.table.name


def _take_key_and_count(key: str, by: int) -> list[dict[str, Any]]:
    return [
        {"Put": {"TableName": TABLE, "Item": {"pk": {"S": f"TEST#{key}"}, "sk": {"S": "KEY"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "TEST#counter"}, "sk": {"S": "COUNT"}},
                    "UpdateExpression": "ADD n :by", "ExpressionAttributeValues": {":by": {"N": str(by)}}}},
    ]


def _count(db: Any) -> int:
    item = db.get_item(TableName=TABLE, Key={"pk": {"S": "TEST#counter"}, "sk": {"S": "COUNT"}}).get("Item")
    return int(item["n"]["N"]) if item else 0


def test_a_repeated_transaction_with_the_same_token_succeeds_and_applies_once(aws: Provisioned) -> None:
    db = boto3.client("dynamodb")
    db.transact_write_items(TransactItems=_take_key_and_count("k1", 1), ClientRequestToken="token-1")
    db.transact_write_items(TransactItems=_take_key_and_count("k1", 1), ClientRequestToken="token-1")
    assert _count(db) == 1


def test_the_same_token_for_another_transaction_is_refused(aws: Provisioned) -> None:
    db = boto3.client("dynamodb")
    db.transact_write_items(TransactItems=_take_key_and_count("k2", 1), ClientRequestToken="token-2")
    with pytest.raises(db.exceptions.IdempotentParameterMismatchException):
        db.transact_write_items(TransactItems=_take_key_and_count("k3", 5), ClientRequestToken="token-2")
    assert _count(db) == 1


def test_the_same_transaction_under_another_token_is_refused_by_its_condition(aws: Provisioned) -> None:
    db = boto3.client("dynamodb")
    db.transact_write_items(TransactItems=_take_key_and_count("k4", 1), ClientRequestToken="token-4")
    with pytest.raises(db.exceptions.TransactionCanceledException):
        db.transact_write_items(TransactItems=_take_key_and_count("k4", 1), ClientRequestToken="token-5")


def test_every_transaction_the_stock_adapter_sends_carries_a_token_made_from_the_request() -> None:
    sent: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(params)

    events = client("dynamodb").meta.events
    events.register("provide-client-params.dynamodb.TransactWriteItems", record)
    try:
        service.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                              directory=wiring.location_directory(), caller=ERP, sku="TOK-1",
                              location_id="utrecht-oudegracht", kind=ChangeKind.RECEIPT, quantity=2,
                              idempotency_key="token-test-1", source="test")
    finally:
        events.unregister("provide-client-params.dynamodb.TransactWriteItems", record)
    assert len(sent) == 1
    token = sent[0]["ClientRequestToken"]
    assert 1 <= len(token) <= 36
    from shared.adapters.dynamodb_transaction import client_request_token
    assert token == client_request_token(sent[0]["TransactItems"])


def test_an_sdk_retry_of_an_applied_change_is_not_answered_as_a_replay() -> None:
    """The first attempt is applied but its answer is lost; botocore sends the same request again."""
    retried: list[int] = []

    def answer_lost_once(attempts: int, **_: Any) -> float | None:
        if attempts == 1:
            retried.append(attempts)
            return 0.0
        return None

    events = client("dynamodb").meta.events
    events.register_first("needs-retry.dynamodb.TransactWriteItems", answer_lost_once)
    try:
        receipt = service.record_change(store=wiring.stock_store(), transactions=wiring.transactions(),
                                        directory=wiring.location_directory(), caller=ERP, sku="TOK-2",
                                        location_id="utrecht-oudegracht", kind=ChangeKind.RECEIPT, quantity=3,
                                        idempotency_key="token-test-2", source="test")
    finally:
        events.unregister("needs-retry.dynamodb.TransactWriteItems", answer_lost_once)
    assert retried == [1]
    assert not receipt.replayed
    level = wiring.stock_store().get("TOK-2", "utrecht-oudegracht")
    assert level is not None and level.on_hand == 3
