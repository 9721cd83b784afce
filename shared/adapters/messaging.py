"""E-mail through SES and SMS through SNS (transactional)."""

from __future__ import annotations

import os

from shared.adapters.aws import client


class SesEmailSender:
    def __init__(self, sender: str | None = None) -> None:
        self._sender = sender or os.environ.get("SENDER_EMAIL", "no-reply@retail.example")

    def send(self, to: str, subject: str, body: str) -> str:
        sent = client("ses").send_email(
            Source=self._sender, Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": body, "Charset": "UTF-8"}}})
        return str(sent["MessageId"])


class SnsSmsSender:
    def send(self, phone: str, text: str) -> str:
        sent = client("sns").publish(PhoneNumber=phone, Message=text, MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
        return str(sent["MessageId"])
