"""No personal data in errors or logs: a refused e-mail, a batch where every record failed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.stub import Stubber

from functions.catalog_consumer import handler as catalog_consumer
from functions.customer_notifier import handler as customer_notifier
from functions.stock_updates_consumer import handler as stock_updates_consumer
from local.provision import Provisioned
from shared.adapters.aws import client
from shared.adapters.messaging import NotSent, SesEmailSender
from shared.observability import logger

ADDRESS = "customer@example.nl"
REJECTION = ("Email address is not verified. The following identities failed the check in region "
             f"EU-WEST-1: {ADDRESS}")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(logger.registered_formatter.format(record))


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Every line the functions' logger writes (as JSON) and what other loggers write, at any level."""
    caplog.set_level(logging.DEBUG)
    lines = _Lines()
    logger.addHandler(lines)
    yield lines.lines
    logger.removeHandler(lines)
    lines.lines.extend(record.getMessage() for record in caplog.records)


def _sqs_batch(count: int) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m-{n}", "receiptHandle": "r", "body": "{}", "attributes": {},
                         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q", "awsRegion": "eu-west-1"}
                        for n in range(count)]}


def _reject_next_email() -> Stubber:
    stub = Stubber(client("ses"))
    stub.add_client_error("send_email", service_error_code="MessageRejected", service_message=REJECTION,
                          http_status_code=400)
    return stub


def test_a_refused_email_is_logged_and_raised_without_the_address(aws: Provisioned, logged: list[str]) -> None:
    with _reject_next_email(), pytest.raises(NotSent) as refused:
        SesEmailSender().send(ADDRESS, "Je bestelling", "Hallo")
    assert refused.value.code == "MessageRejected"
    assert ADDRESS not in str(refused.value) and refused.value.__cause__ is None
    assert any("MessageRejected" in line for line in logged)
    assert not [line for line in logged if ADDRESS in line]


def test_a_batch_where_every_send_was_refused_fails_without_the_address(aws: Provisioned,
                                                                        logged: list[str]) -> None:
    def send(record: Any) -> None:
        with _reject_next_email():
            SesEmailSender().send(ADDRESS, "Je bestelling", "Hallo")

    with pytest.raises(BatchProcessingError) as failed:
        process_partial_response(event=_sqs_batch(2), record_handler=send, processor=customer_notifier.processor)
    assert ADDRESS not in str(failed.value)
    assert not [line for line in logged if ADDRESS in line]
    assert any("m-1" in line and "NotSent" in line for line in logged)  # what failed, without who


@pytest.mark.parametrize("module", [customer_notifier, stock_updates_consumer, catalog_consumer])
def test_record_exceptions_never_reach_the_batch_error_or_the_logs(module: Any, logged: list[str]) -> None:
    def invalid(record: Any) -> None:
        raise ValueError(f"contact {ADDRESS} is not valid")

    with pytest.raises(BatchProcessingError) as failed:
        process_partial_response(event=_sqs_batch(3), record_handler=invalid, processor=module.processor)
    assert ADDRESS not in str(failed.value) and "ValueError" in str(failed.value)
    assert not [line for line in logged if ADDRESS in line]
