"""Outboxes for customer messages: what would have left by e-mail and SMS, in order."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from shared.notifications.model import ReviewRequest


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


@dataclass
class MemoryReviewSchedule:
    """Review requests by source id: kept new only, marked requested once (under a lock, as the
    table's conditions do)."""

    requests: dict[str, ReviewRequest] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def schedule(self, request: ReviewRequest) -> bool:
        with self._lock:
            if request.source_id in self.requests:
                return False
            self.requests[request.source_id] = request
            return True

    def due(self, now: datetime, limit: int = 100) -> list[ReviewRequest]:
        waiting = [r for r in self.requests.values() if r.requested_at is None and r.due_at <= now]
        return sorted(waiting, key=lambda r: (r.due_at, r.source_id))

    def mark_requested(self, request: ReviewRequest, at: datetime) -> bool:
        with self._lock:
            stored = self.requests.get(request.source_id)
            if stored is None or stored.requested_at is not None:
                return False
            self.requests[request.source_id] = stored.requested(at)
            return True


if TYPE_CHECKING:  # mypy holds the fakes to the ports they stand in for
    from shared.notifications.ports import EmailSender, ReviewSchedule, SmsSender

    _email: EmailSender = MemoryEmailSender()
    _sms: SmsSender = MemorySmsSender()
    _reviews: ReviewSchedule = MemoryReviewSchedule()
