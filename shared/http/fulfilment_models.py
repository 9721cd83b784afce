"""API models for fulfilment options and time slots.

A delivery postcode is never echoed back: with a house number it points at a home. Answers
name the delivery zone instead.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shared.fulfilment.model import Method, Pick, Shipment, ShipmentKind
from shared.fulfilment.service import OptionAnswer, OptionsAnswer
from shared.http.bodies import ApiModel, PickupDestinationBody
from shared.http.reservation_models import LineBody
from shared.reservations.model import MAX_LINES
from shared.slots.model import AvailableSlot, SlotKind, SlotOwner

POSTCODE_PATTERN = r"^\s*[1-9][0-9]{3}\s?[A-Za-z]{2}\s*$"


class DeliveryDestinationBody(ApiModel):
    type: Literal["delivery"]
    postal_code: str = Field(pattern=POSTCODE_PATTERN, description="Dutch postcode, e.g. 1012 AB")


class OptionsBody(ApiModel):
    lines: list[LineBody] = Field(min_length=1, max_length=MAX_LINES, description="One line per SKU")
    destination: Annotated[PickupDestinationBody | DeliveryDestinationBody, Field(discriminator="type")]

    @property
    def location_id(self) -> str | None:
        return self.destination.location_id if isinstance(self.destination, PickupDestinationBody) else None

    @property
    def postal_code(self) -> str | None:
        return self.destination.postal_code if isinstance(self.destination, DeliveryDestinationBody) else None


class SlotView(BaseModel, defer_build=True):
    slot_id: str = Field(description="Send it when placing the order to book a place")
    day: date
    starts_at: datetime = Field(description="Local time (Europe/Amsterdam), with its offset")
    ends_at: datetime
    cutoff_at: datetime = Field(description="Booking closes at this moment")
    remaining: int = Field(description="Places left now")

    @staticmethod
    def of(available: AvailableSlot) -> SlotView:
        slot = available.slot
        return SlotView(slot_id=slot.slot_id, day=slot.day, starts_at=slot.starts_at, ends_at=slot.ends_at,
                        cutoff_at=slot.cutoff_at, remaining=available.remaining)


class SlotOwnerView(BaseModel, defer_build=True):
    kind: SlotKind = Field(description="delivery: a zone of postcodes; pickup: a location")
    owner_id: str = Field(description="The delivery zone's id, or the pickup location's")

    @staticmethod
    def of(owner: SlotOwner) -> SlotOwnerView:
        return SlotOwnerView(kind=owner.kind, owner_id=owner.owner_id)


class PickView(BaseModel, defer_build=True):
    sku: str
    location_id: str = Field(description="The location that supplies these units")
    quantity: int

    @staticmethod
    def of(pick: Pick) -> PickView:
        return PickView(sku=pick.sku, location_id=pick.location_id, quantity=pick.quantity)


class ShipmentView(BaseModel, defer_build=True):
    source_id: str
    kind: ShipmentKind = Field(description="transfer: to the pickup store; delivery: to the customer")
    earliest_date: date

    @staticmethod
    def of(shipment: Shipment) -> ShipmentView:
        return ShipmentView(source_id=shipment.source_id, kind=shipment.kind, earliest_date=shipment.earliest_date)


class OptionView(BaseModel, defer_build=True):
    method: Method
    picks: list[PickView]
    shipments: list[ShipmentView] = Field(description="One parcel per source other than the pickup store")
    parcels: int
    earliest_date: date = Field(description="The first day it can be collected or delivered")
    cost_cents: int = Field(description="What the customer pays for this way of fulfilment (delivery fee)")
    slots: list[SlotView] = Field(description="Open slots of the destination from earliest_date, for 7 days")

    @staticmethod
    def of(option: OptionAnswer) -> OptionView:
        return OptionView(method=option.method, picks=[PickView.of(p) for p in option.picks],
                          shipments=[ShipmentView.of(s) for s in option.shipments], parcels=option.parcels,
                          earliest_date=option.earliest_date, cost_cents=option.cost_cents,
                          slots=[SlotView.of(s) for s in option.slots])


class OptionsView(BaseModel, defer_build=True):
    slot_owner: SlotOwnerView
    goods_cents: int = Field(description="The basket at today's catalog prices")
    options: list[OptionView] = Field(description="Best first; empty when some SKU cannot be supplied in full")
    unavailable: list[str] = Field(description="SKUs no location can supply in the quantity asked")

    @staticmethod
    def of(answer: OptionsAnswer, *, goods_cents: int) -> OptionsView:
        return OptionsView(slot_owner=SlotOwnerView.of(answer.slot_owner), goods_cents=goods_cents,
                           options=[OptionView.of(o) for o in answer.options], unavailable=list(answer.unavailable))


class SlotsView(BaseModel, defer_build=True):
    slot_owner: SlotOwnerView
    first_day: date
    last_day: date
    slots: list[SlotView] = Field(description="Open slots (not full, before their cut-off), earliest first")
