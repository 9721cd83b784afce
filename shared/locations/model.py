"""A location and what it offers. Domain model: no storage or HTTP concerns."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from events.patterns import LOCATION_PATTERN


class LocationType(StrEnum):
    STORE = "store"
    WAREHOUSE = "warehouse"
    PICKUP_POINT = "pickup_point"


class Service(StrEnum):
    CLICK_AND_COLLECT = "click_and_collect"
    RESERVATIONS = "reservations"
    SHIP_FROM_STORE = "ship_from_store"
    RETURNS = "returns"


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    street: str = Field(min_length=1, max_length=200)
    postal_code: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(default="NL", pattern=r"^[A-Z]{2}$")


class Coordinates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Location(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    location_id: str = Field(pattern=LOCATION_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    type: LocationType
    address: Address
    coordinates: Coordinates
    services: frozenset[Service] = frozenset()
    pickup_hold_hours: int = Field(default=48, ge=1, le=24 * 14)
    low_stock_threshold: int = Field(default=2, ge=0, le=10_000)
    language: str = Field(default="nl", pattern=r"^(nl|en)$")
    active: bool = True
    # What one customer may hold here at a time (reservations and click & collect together)
    max_units_per_sku_per_customer: int = Field(default=5, ge=1, le=10_000)
    max_active_holds_per_customer: int = Field(default=10, ge=1, le=1_000)
    # Fulfilments (parcels, transfers) it can pick and pack per local day; None: no limit
    ship_capacity_per_day: int | None = Field(default=None, ge=0, le=100_000)

    def offers(self, service: Service) -> bool:
        return service in self.services
