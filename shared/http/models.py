"""API input and output models (what the webshop, apps, POS and ERP send and read)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.locations.model import Address, Coordinates, Location, LocationType, Service
from shared.stock.model import ChangeKind, StockLevel
from shared.stock.ports import ChangeReceipt


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- locations -----------------------------------------------------------------------------


class LocationBody(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    type: LocationType
    address: Address
    coordinates: Coordinates
    services: list[Service] = []
    pickup_hold_hours: int = Field(default=48, ge=1, le=336)
    low_stock_threshold: int = Field(default=2, ge=0, le=10_000)
    language: Literal["nl", "en"] = "nl"
    active: bool = True

    def to_domain(self, location_id: str) -> Location:
        return Location(location_id=location_id, **self.model_dump(exclude={"services"}),
                        services=frozenset(self.services))


class LocationView(ApiModel):
    location_id: str
    name: str
    type: LocationType
    address: Address
    coordinates: Coordinates
    services: list[Service]
    pickup_hold_hours: int
    language: str

    @staticmethod
    def of(location: Location) -> LocationView:
        return LocationView(
            location_id=location.location_id, name=location.name, type=location.type,
            address=location.address, coordinates=location.coordinates,
            services=sorted(location.services), pickup_hold_hours=location.pickup_hold_hours,
            language=location.language,
        )


class LocationList(ApiModel):
    locations: list[LocationView]


# -- stock ---------------------------------------------------------------------------------


class Availability(ApiModel):
    """What a shopper may see: how many can be promised, not what the store holds."""

    sku: str
    location_id: str
    available: int
    status: Literal["in_stock", "low_stock", "out_of_stock"]

    @staticmethod
    def of(level: StockLevel) -> Availability:
        status: Literal["in_stock", "low_stock", "out_of_stock"] = "in_stock"
        if level.available == 0:
            status = "out_of_stock"
        elif level.available <= level.low_stock_threshold:
            status = "low_stock"
        return Availability(sku=level.sku, location_id=level.location_id,
                            available=level.available, status=status)


class SkuAvailability(ApiModel):
    sku: str
    total_available: int
    locations: list[Availability]


class AvailabilityMatrix(ApiModel):
    items: list[Availability]


class NearbyLocation(ApiModel):
    location: LocationView
    available: int
    distance_km: float


class NearestResult(ApiModel):
    sku: str
    quantity: int
    locations: list[NearbyLocation]


class StockView(ApiModel):
    """The full quantities, for staff of the location, integrations and admins."""

    sku: str
    location_id: str
    on_hand: int
    reserved: int
    safety_stock: int
    damaged: int
    quality_check: int
    available: int
    shortfall: int = Field(default=0, description="Units held for customers that the books no longer have")
    low_stock_threshold: int
    counted_as_of: datetime | None
    version: int

    @staticmethod
    def of(level: StockLevel) -> StockView:
        return StockView(
            sku=level.sku, location_id=level.location_id, on_hand=level.on_hand,
            reserved=level.reserved, safety_stock=level.safety_stock, damaged=level.damaged,
            quality_check=level.quality_check, available=level.available, shortfall=level.shortfall,
            low_stock_threshold=level.low_stock_threshold, counted_as_of=level.counted_as_of,
            version=level.version,
        )


class ChangeBody(ApiModel):
    kind: ChangeKind
    quantity: int = Field(ge=-1_000_000, le=1_000_000, description="Positive; signed for corrections")
    reason: str | None = Field(default=None, max_length=200)


class CountBody(ApiModel):
    on_hand: int = Field(ge=0, le=10_000_000)
    as_of: datetime = Field(description="When the count was taken, with a time zone")


class SettingsBody(ApiModel):
    safety_stock: int = Field(ge=0, le=1_000_000)
    low_stock_threshold: int = Field(ge=0, le=1_000_000)


class ChangeReceiptView(ApiModel):
    status: Literal["applied", "ignored"]
    change_id: str | None = None
    sku: str
    location_id: str
    kind: str
    on_hand_delta: int | None = None
    on_hand: int | None = None
    applied_at: datetime | None = None
    replayed: bool = False
    detail: str | None = None

    @staticmethod
    def of(receipt: ChangeReceipt) -> ChangeReceiptView:
        return ChangeReceiptView(
            status="applied", change_id=receipt.change_id, sku=receipt.sku,
            location_id=receipt.location_id, kind=receipt.kind, on_hand_delta=receipt.on_hand_delta,
            on_hand=receipt.on_hand, applied_at=receipt.applied_at, replayed=receipt.replayed,
        )
