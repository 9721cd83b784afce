"""Every event on the retail bus: a versioned envelope around a typed payload.

EventBridge carries ``source`` and ``detail-type``; the ``detail`` is always
``{"metadata": {...}, "data": {...}}``. ``metadata.event_id`` is stable across redelivery
and retries of the producer, so consumers deduplicate on it. A breaking change to a payload
gets a new ``event_version`` and a new schema file beside the old one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from events.patterns import CATEGORY_PATTERN, LOCATION_PATTERN, PRODUCT_ID_PATTERN, PROMOTION_ID_PATTERN, SKU_PATTERN
from events.sources import (
    CATALOG_SOURCES,
    CUSTOMER_EVENT_SOURCE,
    INBOUND_STOCK_SOURCES,
    LOYALTY_EVENT_SOURCE,
    MESSAGE_EVENT_SOURCE,
    ORDER_EVENT_SOURCE,
    RESERVATION_EVENT_SOURCE,
    RETURN_EVENT_SOURCE,
    STOCK_EVENT_SOURCE,
)


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(Contract):
    event_id: str = Field(min_length=1, max_length=128)
    event_type: str
    event_version: str = "1"
    occurred_at: datetime
    producer: str
    correlation_id: str | None = None


# -- published by this system (source retail.stock) -----------------------------------------


class Quantities(Contract):
    on_hand: int
    reserved: int
    safety_stock: int
    damaged: int
    quality_check: int
    available: int
    shortfall: int = 0  # units held for customers that the books no longer have
    in_transit: int = 0  # shipped from this location to another one, not received there yet


class ChangeInfo(Contract):
    change_id: str
    kind: str
    on_hand_delta: int | None = None
    source: str


class StockChanged(Contract):
    sku: str
    location_id: str
    version: int
    change: ChangeInfo
    before: Quantities | None
    after: Quantities


class StockLow(Contract):
    sku: str
    location_id: str
    available: int
    low_stock_threshold: int


class OutOfStock(Contract):
    sku: str
    location_id: str


class BackInStock(Contract):
    sku: str
    location_id: str
    available: int


class StockShortfall(Contract):
    """A fact (till sale, count) left fewer units than are held: the store is told, and the
    holds that can no longer be served are resolved (newest first) from this event."""

    sku: str
    location_id: str
    version: int
    on_hand: int
    reserved: int
    shortfall: int
    change: ChangeInfo


# -- published by this system (source retail.reservations) ----------------------------------


class HeldLine(Contract):
    sku: str
    quantity: int
    unit_price_cents: int | None = None  # priced by the server when held: what the customer pays at the till
    list_price_cents: int | None = None
    promotion_id: str | None = None
    vat_rate_percent: int | None = None


class ReservationEvent(Contract):
    """The same payload for every step of a reservation's life: what is held, where, until when."""

    reservation_id: str
    customer_id: str
    location_id: str
    lines: list[HeldLine]
    channel: str
    status: str
    expires_at: datetime
    order_id: str | None = None


class ReservationCreated(ReservationEvent):
    pass


class ReservationCancelled(ReservationEvent):
    pass


class ReservationExpired(ReservationEvent):
    pass


class ReservationFulfilled(ReservationEvent):
    pass


# -- published by this system (source retail.orders) -----------------------------------------


class OrderedLine(Contract):
    sku: str
    quantity: int
    short: bool
    unit_price_cents: int | None = None  # what the customer pays per unit, priced by the server when placed
    list_price_cents: int | None = None
    promotion_id: str | None = None
    vat_rate_percent: int | None = None


class OrderEvent(Contract):
    """Every step of an order (click & collect or delivered). No contact details, address or pickup
    code: consumers that must reach the customer read the order itself.

    The fields after ``notice`` are additions within version 1 (absent: a pickup order as before).
    """

    order_id: str
    customer_id: str
    location_id: str  # the pickup store; for a delivery order the location it is served from
    status: str
    payment: str
    lines: list[OrderedLine]
    pickup_deadline: datetime | None = None
    notice: int = 0  # which ready-message this is (re-sends count up)
    destination_type: str = "pickup"  # "pickup" | "delivery"
    slot_id: str | None = None
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    earliest_date: date | None = None  # the date promised to the customer (ready or delivered)
    delivery_fee_cents: int = 0
    tracking_urls: list[str] = []  # the carriers' pages of the order's parcels


ORDER_EVENT_NAMES = (
    "OrderPlaced", "OrderAccepted", "OrderPickingStarted", "OrderLineShort", "OrderReadyForPickup",
    "OrderPickupReminder", "OrderCollected", "OrderCancelled", "OrderNotCollected",
    "OrderPaid", "OrderShipped", "OrderDelivered", "OrderPromiseChanged",
)
ORDER_EVENTS: dict[str, type[OrderEvent]] = {
    name: type(name, (OrderEvent,), {"__doc__": f"{name}: see events/README.md"}) for name in ORDER_EVENT_NAMES
}


class FulfilledLine(Contract):
    sku: str
    quantity: int


class FulfilmentEvent(Contract):
    """A step of one fulfilment of an order: units that leave another location than the pickup store
    (a transfer to it, or a parcel to the customer). No address: the carrier and the store read the order.

    ``location_id`` is the location that must act or that it concerns: the source for FulfilmentRequested,
    LineRejected and the Shipment* events; the receiving pickup store for TransferDispatched/TransferReceived.
    """

    order_id: str
    customer_id: str
    fulfilment_id: str
    location_id: str
    source_id: str
    kind: str  # "transfer" | "delivery"
    destination_location_id: str | None = None  # the pickup store a transfer goes to
    status: str
    lines: list[FulfilledLine]
    earliest_date: date | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None


FULFILMENT_EVENT_NAMES = (
    "FulfilmentRequested", "ShipmentCreated", "ShipmentInTransit", "ShipmentDelivered", "ShipmentFailed",
    "TransferDispatched", "TransferReceived",
)
FULFILMENT_STEP_EVENTS: dict[str, type[FulfilmentEvent]] = {
    name: type(name, (FulfilmentEvent,), {"__doc__": f"{name}: see events/README.md"})
    for name in FULFILMENT_EVENT_NAMES
}


class LineRejected(FulfilmentEvent):
    """The source could not send a line (not found, damaged): ``rerouted`` tells whether another
    location took it on (then an OrderRouted follows) or the line went short."""

    sku: str
    quantity: int
    reason: str
    rerouted: bool


FULFILMENT_EVENTS: dict[str, type[FulfilmentEvent]] = {**FULFILMENT_STEP_EVENTS, "LineRejected": LineRejected}


class RoutedPick(Contract):
    sku: str
    location_id: str  # where these units are picked
    quantity: int


class OrderRouted(Contract):
    """Where an order's units come from: when placed, and again after a rejected line was rerouted."""

    order_id: str
    customer_id: str
    location_id: str
    reason: str  # "placed" | "rerouted"
    picks: list[RoutedPick]
    earliest_date: date | None = None


ROUTING_EVENTS: dict[str, type[Contract]] = {"OrderRouted": OrderRouted}


# -- published by this system (source retail.returns) ----------------------------------------


class PriceOverride(Contract):
    """Why a till charged another price than the catalog, and the staff member who approved it."""

    reason: str = Field(min_length=1, max_length=200)
    approved_by: str = Field(min_length=1, max_length=128)


class PaidLine(Contract):
    sku: str
    quantity: int
    unit_price_cents: int  # what was paid
    list_price_cents: int | None = None  # the catalog price before promotions (absent: not in the catalog)
    promotion_id: str | None = None
    vat_rate_percent: int | None = None
    catalog_price_cents: int | None = None  # the catalog's price at the time of purchase
    price_override: PriceOverride | None = None
    approved: bool = True  # False: the till reported another price or an unknown SKU, without an override


class PurchaseRecorded(Contract):
    purchase_id: str
    channel: str
    location_id: str
    customer_id: str | None
    reference: str
    purchased_at: datetime
    lines: list[PaidLine]
    total_cents: int
    e_receipt: bool


class ReturnedLine(Contract):
    sku: str
    quantity: int
    unit_price_cents: int
    disposition: str | None = None


class ReturnEvent(Contract):
    return_id: str
    purchase_id: str
    customer_id: str | None
    location_id: str
    status: str
    lines: list[ReturnedLine]
    refund_cents: int


class RefundRequested(Contract):
    """For the payment integration: refund this amount against the original payment."""

    return_id: str
    purchase_id: str
    amount_cents: int
    currency: str = "EUR"


RETURN_EVENT_NAMES = ("ReturnRequested", "ReturnApproved", "ReturnRejected", "ReturnReceived", "ReturnInspected",
                      "ReturnRefunded", "ReturnClosed")
RETURN_STATUS_EVENTS: dict[str, type[ReturnEvent]] = {
    name: type(name, (ReturnEvent,), {"__doc__": f"{name}: see events/README.md"}) for name in RETURN_EVENT_NAMES
}
RETURN_EVENTS: dict[str, type[Contract]] = {
    "PurchaseRecorded": PurchaseRecorded, "RefundRequested": RefundRequested, **RETURN_STATUS_EVENTS}


# -- published by this system (source retail.customers), for the ERP ---------------------------


class CustomerConsents(Contract):
    marketing_email: bool
    marketing_sms: bool


class CustomerEvent(Contract):
    """A customer account changed. No contact details travel in events: the ERP reads them with
    ``GET /customers/{customer_id}`` (integration role); an erased customer has none left."""

    customer_id: str
    card_number: str
    language: str
    consents: CustomerConsents
    created_by: str  # store | online
    created_at: datetime
    version: int


class CustomerRegistered(CustomerEvent):
    pass


class CustomerUpdated(CustomerEvent):
    pass


class CustomerErased(CustomerEvent):
    """Personal data is gone: the ERP removes its copy; purchases stay under the id, pseudonymous."""


CUSTOMER_EVENTS: dict[str, type[CustomerEvent]] = {
    "CustomerRegistered": CustomerRegistered, "CustomerUpdated": CustomerUpdated, "CustomerErased": CustomerErased}


# -- published by this system (source retail.loyalty) ---------------------------------------


class CustomerTierChanged(Contract):
    """A customer's tier moved (up with purchases, down with refunds): for marketing and the ERP."""

    customer_id: str
    old_tier: str
    new_tier: str
    net_spend_cents: int  # spend net of returns, which the tier is counted from
    balance: int  # points


LOYALTY_EVENTS: dict[str, type[Contract]] = {"CustomerTierChanged": CustomerTierChanged}


# -- published by this system (source retail.messages) ---------------------------------------


class ReviewRequested(Contract):
    """Some days after a customer had their goods: ask them for a review of these products. No
    contact details: the notifier reads the order or purchase (``source``, ``source_id``)."""

    source: str  # "order" (collected) or "purchase" (a till sale)
    source_id: str
    location_id: str
    customer_id: str | None
    skus: list[str]
    due_at: datetime


MESSAGE_EVENTS: dict[str, type[Contract]] = {"ReviewRequested": ReviewRequested}


# -- put on the bus by POS, ERP and WMS, consumed here --------------------------------------


class Line(Contract):
    sku: str = Field(pattern=SKU_PATTERN)
    quantity: int = Field(gt=0, le=100_000)


class SoldLine(Line):
    unit_price_cents: int = Field(default=0, ge=0, le=10_000_000)  # what the till charged
    # when it differs from the catalog's price: the reason and the approving staff member. Without
    # one the sale is still recorded (a fact), at the till's price, listed as unapproved.
    price_override: PriceOverride | None = None


class SaleRecorded(Contract):
    """A till's sale: recorded as the same purchase as ``POST /purchases`` with this receipt id.

    The optional fields are additions within version 1 (older tills omit them).
    """

    location_id: str = Field(pattern=LOCATION_PATTERN)
    receipt_id: str = Field(min_length=1, max_length=64)
    lines: list[SoldLine] = Field(min_length=1, max_length=200)
    purchased_at: datetime | None = None  # defaults to metadata.occurred_at
    customer_id: str | None = Field(default=None, max_length=128)  # from the loyalty card
    receipt_email: str | None = Field(default=None, max_length=254)  # where the e-receipt goes
    order_id: str | None = Field(default=None, max_length=64)  # a pay-at-pickup order rung up here


class GoodsReceived(Contract):
    location_id: str = Field(pattern=LOCATION_PATTERN)
    delivery_id: str = Field(min_length=1, max_length=64)
    lines: list[Line] = Field(min_length=1, max_length=200)


class Count(Contract):
    sku: str = Field(pattern=SKU_PATTERN)
    on_hand: int = Field(ge=0, le=10_000_000)


class StockCounted(Contract):
    location_id: str = Field(pattern=LOCATION_PATTERN)
    as_of: datetime
    counts: list[Count] = Field(min_length=1, max_length=200)


# -- put on the bus by the ERP, consumed by the catalog (the same updates as its API) ---------


class Texts(Contract):
    nl: str = Field(max_length=2000)
    en: str = Field(max_length=2000)


class CatalogVariant(Contract):
    sku: str = Field(pattern=SKU_PATTERN)
    attributes: dict[str, str] = Field(default={}, max_length=20)  # e.g. {"size": "M", "colour": "navy"}


class Related(Contract):
    accessories: list[str] = Field(default=[], max_length=20)  # product ids offered with this one
    similar: list[str] = Field(default=[], max_length=20)


class ProductUpserted(Contract):
    """The whole product as the ERP has it; applied only when ``version`` is newer than the stored one."""

    product_id: str = Field(pattern=PRODUCT_ID_PATTERN)
    name: Texts
    description: Texts = Texts(nl="", en="")
    category: str = Field(pattern=CATEGORY_PATTERN)
    vat_rate_percent: int = 21
    variants: list[CatalogVariant] = Field(min_length=1, max_length=49)  # with dropped ones: one transaction
    attributes: dict[str, str] = Field(default={}, max_length=20)
    images: list[str] = Field(default=[], max_length=20)
    related: Related = Related()
    version: int = Field(ge=1)


class ScheduledPrice(Contract):
    price_cents: int = Field(ge=0, le=10_000_000)  # including VAT
    valid_from: datetime


class PriceChanged(Contract):
    """A SKU's whole price schedule (now and planned); applied only when ``version`` is newer."""

    sku: str = Field(pattern=SKU_PATTERN)
    prices: list[ScheduledPrice] = Field(min_length=1, max_length=20)
    version: int = Field(ge=1)


class PromotionUpserted(Contract):
    """A time-bounded discount on SKUs or categories; applied only when ``version`` is newer."""

    promotion_id: str = Field(pattern=PROMOTION_ID_PATTERN)
    name: Texts
    starts_at: datetime
    ends_at: datetime
    percent_off: int = Field(default=0, ge=0, le=100)
    amount_off_cents: int = Field(default=0, ge=0, le=10_000_000)
    skus: list[str] = Field(default=[], max_length=100)
    categories: list[str] = Field(default=[], max_length=50)
    version: int = Field(ge=1)


STOCK_EVENTS: dict[str, type[Contract]] = {
    "StockChanged": StockChanged,
    "StockLow": StockLow,
    "OutOfStock": OutOfStock,
    "BackInStock": BackInStock,
    "StockShortfall": StockShortfall,
}
RESERVATION_EVENTS: dict[str, type[ReservationEvent]] = {
    "ReservationCreated": ReservationCreated,
    "ReservationCancelled": ReservationCancelled,
    "ReservationExpired": ReservationExpired,
    "ReservationFulfilled": ReservationFulfilled,
}
PUBLISHED = (STOCK_EVENTS | RESERVATION_EVENTS | ORDER_EVENTS | FULFILMENT_EVENTS | ROUTING_EVENTS | RETURN_EVENTS
             | LOYALTY_EVENTS | MESSAGE_EVENTS | CUSTOMER_EVENTS)
INBOUND_STOCK_EVENTS: dict[str, type[Contract]] = {
    "SaleRecorded": SaleRecorded,
    "GoodsReceived": GoodsReceived,
    "StockCounted": StockCounted,
}
CATALOG_UPDATES: dict[str, type[Contract]] = {
    "ProductUpserted": ProductUpserted,
    "PriceChanged": PriceChanged,
    "PromotionUpserted": PromotionUpserted,
}
CONSUMED = INBOUND_STOCK_EVENTS | CATALOG_UPDATES
SOURCES = {name: (STOCK_EVENT_SOURCE,) for name in STOCK_EVENTS} | {
    name: (RESERVATION_EVENT_SOURCE,) for name in RESERVATION_EVENTS} | {
    name: (ORDER_EVENT_SOURCE,) for name in ORDER_EVENTS} | {
    name: (ORDER_EVENT_SOURCE,) for name in FULFILMENT_EVENTS} | {
    name: (ORDER_EVENT_SOURCE,) for name in ROUTING_EVENTS} | {
    name: (RETURN_EVENT_SOURCE,) for name in RETURN_EVENTS} | {
    name: (LOYALTY_EVENT_SOURCE,) for name in LOYALTY_EVENTS} | {
    name: (MESSAGE_EVENT_SOURCE,) for name in MESSAGE_EVENTS} | {
    name: (CUSTOMER_EVENT_SOURCE,) for name in CUSTOMER_EVENTS} | {
    name: INBOUND_STOCK_SOURCES for name in INBOUND_STOCK_EVENTS} | {
    name: CATALOG_SOURCES for name in CATALOG_UPDATES
}


def envelope_model(detail_type: str) -> type[BaseModel]:
    """The model of a whole ``detail`` for one detail-type."""
    data_model = (PUBLISHED | CONSUMED)[detail_type]
    from pydantic import create_model

    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{detail_type}Detail", __base__=Contract, metadata=(Metadata, ...), data=(data_model, ...)
    )


def detail(event_type: str, data: Contract, event_id: str, occurred_at: datetime, producer: str,
           correlation_id: str | None = None) -> dict[str, Any]:
    meta = Metadata(event_id=event_id, event_type=event_type, occurred_at=occurred_at,
                    producer=producer, correlation_id=correlation_id)
    return {"metadata": meta.model_dump(mode="json"), "data": data.model_dump(mode="json")}
