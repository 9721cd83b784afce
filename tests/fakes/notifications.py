"""Outboxes for customer messages: what would have left by e-mail and SMS, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str


@dataclass
class MemoryEmailSender:
    sent: list[Email] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str) -> str:
        self.sent.append(Email(to, subject, body))
        return f"email-{len(self.sent)}"


@dataclass
class MemorySmsSender:
    sent: list[Sms] = field(default_factory=list)

    def send(self, phone: str, text: str) -> str:
        self.sent.append(Sms(phone, text))
        return f"sms-{len(self.sent)}"


if TYPE_CHECKING:  # mypy holds the fakes to the ports they stand in for
    from shared.notifications.ports import EmailSender, SmsSender

    _email: EmailSender = MemoryEmailSender()
    _sms: SmsSender = MemorySmsSender()
