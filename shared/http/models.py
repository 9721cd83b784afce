"""API input and output models (what the webshop, apps, POS and ERP send and read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from shared.http.bodies import ApiModel
from shared.locations.model import Address, Coordinates, Location, LocationType, Service
from shared.stock.model import ChangeKind, StockLevel
from shared.stock.ports import ChangeReceipt

# Request bodies use StrictInt/StrictBool: JSON numbers and booleans only ("1", 1.0 and true are
# not a quantity). Query and path parameters stay lax: they arrive as text.

EARLIEST_FACT = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)


def _text(value: object) -> object:
    if not isinstance(value, str | datetime):  # lax mode would read a number as seconds since 1970
        raise ValueError("must be an RFC 3339 date-time text with a time zone")
    return value


def _in_the_past(moment: datetime) -> datetime:
    """A fact (a count, a sale) happened: not before 2000, not later than now (plus clock skew)."""
    if moment < EARLIEST_FACT:
        raise ValueError("must not be before 2000-01-01")
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return moment


PastInstant = Annotated[AwareDatetime, BeforeValidator(_text), AfterValidator(_in_the_past)]


# -- locations -----------------------------------------------------------------------------


class LocationBody(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    type: LocationType
    address: Address
    coordinates: Coordinates
    services: list[Service] = []
    pickup_hold_hours: StrictInt = Field(default=48, ge=1, le=336)
    low_stock_threshold: StrictInt = Field(default=2, ge=0, le=10_000)
    language: Literal["nl", "en"] = "nl"
    active: StrictBool = True
    max_units_per_sku_per_customer: StrictInt = Field(default=5, ge=1, le=10_000)
    max_active_holds_per_customer: StrictInt = Field(default=10, ge=1, le=1_000)
    ship_capacity_per_day: StrictInt | None = Field(default=None, ge=0, le=100_000)  # parcels a day; none: no limit

    @field_validator("coordinates", mode="before")
    @classmethod
    def _numbers_only(cls, value: object) -> object:
        """Coordinates is a domain model (lax); over HTTP, "52.1" or true is not a latitude."""
        if isinstance(value, dict) and any(isinstance(v, bool | str) for v in value.values()):
            raise ValueError("lat and lon must be JSON numbers")
        return value

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
    max_units_per_sku_per_customer: int  # what one customer may hold here at a time
    max_active_holds_per_customer: int
    ship_capacity_per_day: int | None = None  # fulfilments it takes on per day (absent: no limit)

    @staticmethod
    def of(location: Location) -> LocationView:
        return LocationView(
            location_id=location.location_id, name=location.name, type=location.type,
            address=location.address, coordinates=location.coordinates,
            services=sorted(location.services), pickup_hold_hours=location.pickup_hold_hours,
            language=location.language, max_units_per_sku_per_customer=location.max_units_per_sku_per_customer,
            max_active_holds_per_customer=location.max_active_holds_per_customer,
            ship_capacity_per_day=location.ship_capacity_per_day,
        )


class LocationList(ApiModel):
    locations: list[LocationView]
    next_cursor: str | None = None  # pass as ?cursor= for the next page; absent on the last


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
    in_transit: int = Field(default=0, description="Shipped from here to another location, not received there yet")
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
            quality_check=level.quality_check, in_transit=level.in_transit, available=level.available,
            shortfall=level.shortfall, low_stock_threshold=level.low_stock_threshold,
            counted_as_of=level.counted_as_of, version=level.version,
        )


class ChangeBody(ApiModel):
    kind: ChangeKind
    quantity: StrictInt = Field(ge=-1_000_000, le=1_000_000, description="Positive; signed for corrections")
    reason: str | None = Field(default=None, max_length=200)


class CountBody(ApiModel):
    on_hand: StrictInt = Field(ge=0, le=10_000_000)
    as_of: PastInstant = Field(description="When the count was taken, with a time zone (not before 2000, not "
                                           "in the future)")


class SettingsBody(ApiModel):
    safety_stock: StrictInt = Field(ge=0, le=1_000_000)
    low_stock_threshold: StrictInt = Field(ge=0, le=1_000_000)


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
