"""A failed stream record is logged with its table keys and sequence number, so it can be found and
published again after the stream forgot it (24 h); a failed message only by id. Never its content."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import EventType, process_partial_response

from shared.batching import batch_processor


def _stream_record(n: int) -> dict[str, Any]:
    return {"eventID": f"event-{n}", "eventName": "MODIFY", "eventSource": "aws:dynamodb",
            "dynamodb": {"Keys": {"pk": {"S": f"ORD#order-{n}"}, "sk": {"S": "#"}},
                         "NewImage": {"pk": {"S": f"ORD#order-{n}"}, "email": {"S": "someone@example.com"}},
                         "SequenceNumber": f"{100 + n}"}}


def _fail(record: Any) -> None:
    """The first record fails (a batch where every record fails is raised as a whole, also logged)."""
    raw = getattr(record, "raw_event", record)
    if raw.get("eventID", raw.get("messageId")) in ("event-1", "m-1"):
        raise ValueError("someone@example.com was refused")


def _logged(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The "record not processed" lines, as the fields they carry."""
    return [dict(r.__dict__) for r in caplog.records if r.getMessage() == "record not processed"]


def test_a_failed_stream_record_is_logged_with_its_keys_and_sequence_number(caplog: pytest.LogCaptureFixture) -> None:
    event = {"Records": [_stream_record(1), _stream_record(2)]}
    response = process_partial_response(event=event, record_handler=_fail,
                                        processor=batch_processor(EventType.DynamoDBStreams), context=None)
    assert response == {"batchItemFailures": [{"itemIdentifier": "101"}]}
    (line,) = _logged(caplog)
    assert line["record_id"] == "event-1"
    assert line["keys"] == {"pk": "ORD#order-1", "sk": "#"}
    assert line["sequence_number"] == "101"
    assert "someone@example.com" not in json.dumps(line, default=str)


def test_a_failed_queue_message_is_logged_by_id_only(caplog: pytest.LogCaptureFixture) -> None:
    event = {"Records": [{"messageId": f"m-{n}", "receiptHandle": "r", "body": "{}", "attributes": {},
                          "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                          "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}
                         for n in (1, 2)]}
    process_partial_response(event=event, record_handler=_fail, processor=batch_processor(EventType.SQS),
                             context=None)
    (line,) = _logged(caplog)
    assert line["record_id"] == "m-1" and "keys" not in line
