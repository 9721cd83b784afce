"""Batch consumers (SQS, DynamoDB Streams) whose failures carry no personal data.

A record's exception text can name a person: an SES rejection quotes the recipient's address,
a validation error quotes the field. Powertools keeps each record's exception and, when every
record of a batch failed, raises BatchProcessingError with all of their texts, which then lands
in CloudWatch. Here a failed record is logged and kept as its error type, AWS error code and
record id only; the batch is retried as before.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.base import FailureResponse

from shared.observability import logger


class RecordFailed(Exception):
    """What is kept of a failed record's exception: its type and AWS error code, never its text."""


def error_code(error: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError (or of a sanitized error), else None."""
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code) if code else getattr(error, "code", None)


def _record_id(record: Any) -> str | None:
    raw = getattr(record, "raw_event", record)
    return raw.get("messageId") or raw.get("eventID") if isinstance(raw, dict) else None


def _stream_position(record: Any) -> dict[str, Any]:
    """A table-stream record's keys and sequence number (ids, no item content): the stream keeps
    a record 24 h, the log keeps these, so the item can be found and its events published again."""
    raw = getattr(record, "raw_event", record)
    stream = raw.get("dynamodb") if isinstance(raw, dict) else None
    if not isinstance(stream, dict):
        return {}
    keys = {name: next(iter(value.values()), None) for name, value in stream.get("Keys", {}).items()}
    return {"keys": keys, "sequence_number": stream.get("SequenceNumber")}


class PrivateBatchProcessor(BatchProcessor):
    def failure_handler(self, record: Any, exception: Any) -> FailureResponse:
        error = exception[1]
        code = error_code(error) if isinstance(error, BaseException) else None
        kind = type(error).__name__
        logger.warning("record not processed", extra={
            "error_type": kind, "error_code": code, "record_id": _record_id(record), **_stream_position(record)})
        kept = RecordFailed(f"{kind} ({code})" if code else kind)
        return super().failure_handler(record, (RecordFailed, kept, None))


def batch_processor(event_type: EventType) -> BatchProcessor:
    return PrivateBatchProcessor(event_type=event_type)
