"""API models for store devices and suggestions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.devices.model import Device, Platform
from shared.http.bodies import ApiModel
from shared.stock.model import StockLevel


class DeviceBody(ApiModel):
    platform: Platform
    token: str = Field(min_length=8, max_length=4096, description="The FCM registration token or APNs token")
    name: str = Field(default="store device", min_length=1, max_length=100)


class DeviceView(BaseModel, defer_build=True):
    device_id: str
    location_id: str
    platform: Platform
    name: str
    registered_at: datetime

    @staticmethod
    def of(d: Device) -> DeviceView:
        return DeviceView(device_id=d.device_id, location_id=d.location_id, platform=d.platform, name=d.name,
                          registered_at=d.registered_at)


class DeviceList(BaseModel, defer_build=True):
    devices: list[DeviceView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last


class Suggestion(BaseModel, defer_build=True):
    sku: str
    available: int

    @staticmethod
    def of(level: StockLevel) -> Suggestion:
        return Suggestion(sku=level.sku, available=level.available)


class Suggestions(BaseModel, defer_build=True):
    location_id: str
    for_skus: list[str]
    suggestions: list[Suggestion]
