"""The emulator's transactions: all or nothing, cheap, and the stream keeps flowing."""

from __future__ import annotations

import boto3
import pytest

from local.provision import Provisioned


def put(key: str, value: int) -> dict:
    return {"Put": {"TableName": "retail", "Item": {"pk": {"S": key}, "sk": {"S": "#"}, "v": {"N": str(value)}},
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def test_a_refused_transaction_writes_nothing_and_the_stream_goes_on(aws: Provisioned) -> None:
    db, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=aws.stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=aws.stream_arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    db.transact_write_items(TransactItems=[put("A", 1)])
    with pytest.raises(db.exceptions.TransactionCanceledException) as refused:
        db.transact_write_items(TransactItems=[put("B", 2), put("A", 3)])
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed"]
    assert "Item" not in db.get_item(TableName="retail", Key={"pk": {"S": "B"}, "sk": {"S": "#"}})
    db.transact_write_items(TransactItems=[put("C", 4)])
    page = streams.get_records(ShardIterator=iterator)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["A", "C"]


def test_a_transaction_never_copies_the_table(aws: Provisioned, monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's own version deep-copies whole tables per call: seconds once a table has history."""
    import moto.dynamodb.models as models

    def refuse(*_: object) -> None:
        raise AssertionError("the table was copied")

    monkeypatch.setattr(models.copy, "deepcopy", refuse)
    db = boto3.client("dynamodb")
    db.transact_write_items(TransactItems=[put("A", 1), put("B", 2)])
    with pytest.raises(db.exceptions.TransactionCanceledException):
        db.transact_write_items(TransactItems=[put("A", 1)])
