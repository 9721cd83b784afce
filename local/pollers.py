"""Event source mappings, locally: the table stream and the SQS queues feed their functions.

On AWS, Lambda polls the stream and the queues and honours partial batch responses. Here a
thread per source does the same with the emulator's DynamoDB Streams and SQS APIs. One
difference, for speed: a failed SQS message becomes visible again after ``retry_delay``
seconds instead of after the queue's full visibility timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.observability import logger

Invoke = Callable[[dict[str, Any]], Any]


class Poller(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stopping = threading.Event()
        self.invocations = 0

    def stop(self) -> None:
        self.stopping.set()


def _failed_ids(result: Any) -> set[str]:
    if not isinstance(result, dict):
        return set()
    return {str(f.get("itemIdentifier")) for f in result.get("batchItemFailures", [])}


class StreamPoller(Poller):
    def __init__(self, streams: Any, stream_arn: str, invoke: Invoke, batch_size: int = 100,
                 idle_seconds: float = 0.05, retry_attempts: int = 3) -> None:
        super().__init__("stream-poller")
        self._streams, self._arn, self._invoke = streams, stream_arn, invoke
        self._batch, self._idle, self._retry_attempts = batch_size, idle_seconds, retry_attempts
        self.dropped: list[dict[str, Any]] = []  # what AWS would send to the on-failure destination
        self._iterators: dict[str, str | None] = {}
        self._described_at = 0.0

    def _refresh_shards(self) -> None:
        if self._iterators and time.monotonic() - self._described_at < 5:
            return  # shards change rarely; describing on every poll only costs emulator time
        self._described_at = time.monotonic()
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = int(created.timestamp())
        return {"eventID": record["eventID"], "eventName": record["eventName"], "eventVersion": "1.1",
                "eventSource": "aws:dynamodb", "awsRegion": "eu-west-1", "dynamodb": change,
                "eventSourceARN": self._arn}

    def poll_once(self) -> int:
        self._refresh_shards()
        seen = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            page = self._streams.get_records(ShardIterator=iterator, Limit=self._batch)
            records = [self._lambda_record(r) for r in page.get("Records", [])]
            attempts = 0
            while records and not self.stopping.is_set():
                self.invocations += 1
                failed = _failed_ids(self._invoke({"Records": records}))
                if not failed:
                    break
                # retry from the first failed record, as Lambda does for streams
                first = next(i for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] in failed)
                attempts = attempts + 1 if first == 0 else 1
                records = records[first:]
                if attempts > self._retry_attempts:
                    logger.error("stream record dropped after retries",
                                 extra={"sequence_number": records[0]["dynamodb"]["SequenceNumber"]})
                    self.dropped.append(records.pop(0))
                    attempts = 0
                time.sleep(0.2)
            seen += len(page.get("Records", []))
            self._iterators[shard_id] = page.get("NextShardIterator")
        return seen

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.poll_once():
                    time.sleep(self._idle)
            except Exception:
                logger.exception("stream poller failed; retrying")
                time.sleep(1)


class QueuePoller(Poller):
    def __init__(self, sqs: Any, queue_name: str, queue_url: str, queue_arn: str, invoke: Invoke,
                 batch_size: int, retry_delay: int = 1) -> None:
        super().__init__(f"queue-poller-{queue_name}")
        self._sqs, self._url, self._arn, self._invoke = sqs, queue_url, queue_arn, invoke
        self._batch, self._retry_delay = batch_size, retry_delay

    def poll_once(self, wait_seconds: int = 1) -> int:
        messages = self._sqs.receive_message(
            QueueUrl=self._url, MaxNumberOfMessages=min(10, self._batch), WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [
            {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
             "attributes": m.get("Attributes", {}), "messageAttributes": m.get("MessageAttributes", {}),
             "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
             "eventSourceARN": self._arn, "awsRegion": "eu-west-1"}
            for m in messages
        ]}
        self.invocations += 1
        try:
            failed = _failed_ids(self._invoke(event))
        except Exception:
            logger.exception("queue consumer failed as a whole", extra={"queue": self._url})
            failed = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self._url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
        for m in messages:
            if m["MessageId"] in failed:
                self._sqs.change_message_visibility(QueueUrl=self._url, ReceiptHandle=m["ReceiptHandle"],
                                                    VisibilityTimeout=self._retry_delay)
        return len(messages)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                logger.exception("queue poller failed; retrying")
                time.sleep(1)


class Schedule(Poller):
    """A scheduled rule: invokes the function every ``every_seconds`` with a scheduled event.

    Locally the period is shorter than on AWS (seconds, not minutes) so that a developer sees
    expiries promptly; the handler does not depend on the period.
    """

    def __init__(self, name: str, invoke: Invoke, every_seconds: float) -> None:
        super().__init__(f"schedule-{name}")
        self._invoke, self._every = invoke, every_seconds

    def run(self) -> None:
        while not self.stopping.wait(self._every):
            try:
                self.invocations += 1
                self._invoke({"version": "0", "id": str(self.invocations), "detail-type": "Scheduled Event",
                              "source": "aws.events", "account": "123456789012", "region": "eu-west-1",
                              "resources": [], "detail": {}, "time": datetime.now().isoformat()})
            except Exception:
                logger.exception("scheduled invocation failed")
