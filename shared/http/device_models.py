"""API models for store devices and suggestions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.catalog.service import Suggestion as CatalogSuggestion
from shared.devices.model import Device, Platform
from shared.http.bodies import ApiModel


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


class Names(BaseModel, defer_build=True):
    nl: str
    en: str


class Suggestion(BaseModel, defer_build=True):
    sku: str
    product_id: str
    name: Names
    attributes: dict[str, str]
    price_cents: int = Field(description="What is paid now, after the best running promotion")
    list_price_cents: int
    promotion_id: str | None
    available: int = Field(description="Available at this location")

    @staticmethod
    def of(found: CatalogSuggestion) -> Suggestion:
        return Suggestion(sku=found.sku, product_id=found.product_id,
                          name=Names(nl=found.entry.name.nl, en=found.entry.name.en),
                          attributes=dict(found.entry.attributes),
                          price_cents=found.price.price_cents, list_price_cents=found.price.list_price_cents,
                          promotion_id=found.price.promotion_id, available=found.available)


class Suggestions(BaseModel, defer_build=True):
    location_id: str
    for_skus: list[str]
    order_id: str | None = None
    suggestions: list[Suggestion]
