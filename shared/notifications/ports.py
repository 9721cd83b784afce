"""How a message leaves the system, whom it reaches, and the reviews waiting to be asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shared.notifications.model import ReviewRequest
from shared.orders.model import Contact  # where and in which language a customer is reached


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> str: ...


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> str: ...


class CustomerContacts(Protocol):
    def contact_of(self, customer_id: str) -> Contact | None:
        """The customer's e-mail and language; None when unknown or erased (nothing is sent then)."""
        ...


class ReviewSchedule(Protocol):
    def schedule(self, request: ReviewRequest) -> bool:
        """Keeps a new request; False when its source has one already (a redelivery schedules once)."""
        ...

    def due(self, now: datetime, limit: int = 100) -> list[ReviewRequest]:
        """Requests not yet requested whose time has come, oldest first."""
        ...

    def mark_requested(self, request: ReviewRequest, at: datetime) -> bool:
        """True for the one sweep that marks it; False when another did (or it is gone)."""
        ...
