"""A store device (push) and a live feed connection, each bound to one location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Platform(StrEnum):
    FCM = "fcm"  # Android (Firebase Cloud Messaging; SNS calls it GCM)
    APNS = "apns"  # iOS / iPadOS


@dataclass(frozen=True)
class Device:
    device_id: str
    location_id: str
    platform: Platform
    endpoint_arn: str
    name: str
    registered_at: datetime


@dataclass(frozen=True)
class Connection:
    connection_id: str
    location_id: str
    subject: str
    connected_at: datetime


@dataclass(frozen=True)
class StoreMessage:
    """What a store device shows: a title and body in the store's language, and a deep link."""

    title: str
    body: str
    kind: str  # the event type, e.g. OrderPlaced
    link: str  # where the store app opens, e.g. /orders/<id>
    location_id: str
