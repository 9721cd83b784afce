"""How a message leaves the system."""

from __future__ import annotations

from typing import Protocol


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> str: ...


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> str: ...
