"""Where moto's DynamoDB differs from DynamoDB in ways this system depends on, fix it.

moto's TransactWriteItems deep-copies every table it touches before it starts (a cost that
grows with the table and its stream history: seconds per call after a few thousand writes)
and on a refusal swaps the whole table for that copy, which leaves open stream iterators
reading a stream that no longer grows. DynamoDB checks every condition and then applies
all writes or none. This replacement does exactly that; it relies on the emulator running
one DynamoDB request at a time (see ``local.emulator``), so nothing moves between the
check and the apply. Installed by the local system and the integration tests.

moto also ignores TransactWriteItems' ClientRequestToken. DynamoDB remembers a token for 10
minutes after the transaction succeeded: the same request again is a success that changes
nothing (what makes an SDK retry after a timeout safe), another request with the same token
is refused with IdempotentParameterMismatchException. So does the emulator.

Also: events that rules deliver to SQS lack the "account" field that EventBridge sends.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

_installed = False
TOKEN_LIFETIME_SECONDS = 600


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.dynamodb.comparisons import get_filter_expression as filter_expression
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        seen: set[tuple[str, str]] = set()
        planned: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        errors: list[tuple[Any, Any, Any]] = []
        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(entry.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            identity = (op["TableName"], str(sorted(key.items())))
            if identity in seen:
                raise MultipleTransactionsException()
            seen.add(identity)
            current = self.get_item(op["TableName"], key)
            condition = op.get("ConditionExpression")
            if condition and not filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(current):
                old = (current.to_json()["Attributes"]
                       if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None)
                errors.append(("ConditionalCheckFailed", "The conditional request failed", old))
            else:
                errors.append((None, None, None))
            planned.append((op_type, op, key))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        for op_type, op, key in planned:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(op["TableName"], op["Item"], expression_attribute_names=names,
                              expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(op["TableName"], key, expression_attribute_names=names,
                                 expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(op["TableName"], key, update_expression=op["UpdateExpression"],
                                 expression_attribute_names=names, expression_attribute_values=values)

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _remember_client_request_tokens()

    # EventBridge delivers "account" in every event; moto's default target template drops it.
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"version": "0",', '"version": "0", "account": "<account>",')
    _installed = True


def _remember_client_request_tokens() -> None:
    from moto.core.responses import ActionResult
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.responses import DynamoHandler

    class IdempotentParameterMismatch(DynamodbException):
        def __init__(self) -> None:
            super().__init__("com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                             "The ClientRequestToken was used before with different parameters.")

    applied = DynamoHandler.transact_write_items

    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return applied(self)
        request = json.dumps(self.body["TransactItems"], sort_keys=True)
        fingerprint = hashlib.sha256(request.encode()).hexdigest()
        backend = self.dynamodb_backend
        now = time.monotonic()
        tokens: dict[str, tuple[str, float]] = backend.__dict__.setdefault("client_request_tokens", {})
        for old in [t for t, (_, until) in tokens.items() if until <= now]:
            del tokens[old]
        if token in tokens:
            if tokens[token][0] != fingerprint:
                raise IdempotentParameterMismatch()
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})  # done before
        result = applied(self)
        tokens[token] = (fingerprint, now + TOKEN_LIFETIME_SECONDS)
        return result

    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]
