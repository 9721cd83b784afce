"""E-mail through SES and SMS through SNS (transactional).

A refusal from SES or SNS quotes the address or number it refused ("Email address is not
verified ... customer@example.nl"). Such text must not reach the logs: a failed send raises
NotSent with the AWS error code only, and is logged with the code and request id.
"""

from __future__ import annotations

import os
from typing import Any

from shared.adapters.aws import client
from shared.observability import logger


class NotSent(Exception):
    """A message the provider refused or could not take; carries no address or number."""

    def __init__(self, channel: str, code: str) -> None:
        super().__init__(f"{channel} not sent: {code}")
        self.code = code


def _sent(channel: str, call: Any, **request: Any) -> str:
    from botocore.exceptions import ClientError

    try:
        return str(call(**request)["MessageId"])
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        request_id = error.response.get("ResponseMetadata", {}).get("RequestId")
        logger.warning("message not sent", extra={"channel": channel, "error_code": code, "request_id": request_id})
        raise NotSent(channel, code) from None


class SesEmailSender:
    def __init__(self, sender: str | None = None) -> None:
        self._sender = sender or os.environ.get("SENDER_EMAIL", "no-reply@retail.example")

    def send(self, to: str, subject: str, body: str) -> str:
        return _sent("email", client("ses").send_email,
                     Source=self._sender, Destination={"ToAddresses": [to]},
                     Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                              "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}})


class SnsSmsSender:
    def send(self, phone: str, text: str) -> str:
        return _sent("sms", client("sns").publish, PhoneNumber=phone, Message=text, MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
