"""The adapters each function uses, made once per container on first use (never at import).

Each factory imports its adapter itself: a function loads only the adapters it calls (and
boto3's DynamoDB helpers only when it touches the table), which keeps cold starts short.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.adapters.cognito_accounts import CognitoAccounts
    from shared.adapters.dynamodb_capacity import DynamoDBShipCapacity
    from shared.adapters.dynamodb_catalog import DynamoDBCatalog
    from shared.adapters.dynamodb_catalog_browsing import DynamoDBBoughtTogether, DynamoDBProductListing
    from shared.adapters.dynamodb_customers import DynamoDBCustomerStore
    from shared.adapters.dynamodb_devices import DynamoDBDeviceStore
    from shared.adapters.dynamodb_limits import DynamoDBHoldCounters
    from shared.adapters.dynamodb_locations import DynamoDBLocationStore
    from shared.adapters.dynamodb_loyalty import DynamoDBLoyaltyStore
    from shared.adapters.dynamodb_orders import DynamoDBOrderStore
    from shared.adapters.dynamodb_purchases import DynamoDBPurchaseStore
    from shared.adapters.dynamodb_reservations import DynamoDBReservationStore
    from shared.adapters.dynamodb_returns import DynamoDBReturnStore
    from shared.adapters.dynamodb_reviews import DynamoDBReviewSchedule
    from shared.adapters.dynamodb_slots import DynamoDBSlotStore
    from shared.adapters.dynamodb_stock import DynamoDBStockStore
    from shared.adapters.dynamodb_transaction import DynamoDBTransactions
    from shared.adapters.event_bus import EventBridgePublisher
    from shared.adapters.sandbox_carrier import SandboxCarrier
    from shared.locations.directory import LocationDirectory
    from shared.reservations.holding import HoldWrites
    from shared.slots.model import SlotCalendar


@cache
def transactions() -> DynamoDBTransactions:
    """Where use cases begin the transaction their stores add writes to."""
    from shared.adapters.dynamodb_transaction import DynamoDBTransactions

    return DynamoDBTransactions()


@cache
def stock_store() -> DynamoDBStockStore:
    from shared.adapters.dynamodb_stock import DynamoDBStockStore

    return DynamoDBStockStore()


@cache
def location_store() -> DynamoDBLocationStore:
    from shared.adapters.dynamodb_locations import DynamoDBLocationStore

    return DynamoDBLocationStore()


@cache
def location_directory() -> LocationDirectory:
    from shared.locations.directory import LocationDirectory

    return LocationDirectory(location_store())


@cache
def reservation_store() -> DynamoDBReservationStore:
    from shared.adapters.dynamodb_reservations import DynamoDBReservationStore

    return DynamoDBReservationStore()


@cache
def order_store() -> DynamoDBOrderStore:
    from shared.adapters.dynamodb_orders import DynamoDBOrderStore

    return DynamoDBOrderStore()


@cache
def hold_counters() -> DynamoDBHoldCounters:
    """What each customer holds per location, counted in the holds' transactions (their limits)."""
    from shared.adapters.dynamodb_limits import DynamoDBHoldCounters

    return DynamoDBHoldCounters()


def holds() -> HoldWrites:
    """The stores every hold and its end write to, with the transactions: ``f(**wiring.holds(), ...)``."""
    return {"reservations": reservation_store(), "counters": hold_counters(), "stock": stock_store(),
            "transactions": transactions()}


@cache
def purchase_store() -> DynamoDBPurchaseStore:
    from shared.adapters.dynamodb_purchases import DynamoDBPurchaseStore

    return DynamoDBPurchaseStore()


@cache
def return_store() -> DynamoDBReturnStore:
    from shared.adapters.dynamodb_returns import DynamoDBReturnStore

    return DynamoDBReturnStore()


@cache
def catalog() -> DynamoDBCatalog:
    """Products, SKUs, prices and promotions: what every line is priced from."""
    from shared.adapters.dynamodb_catalog import DynamoDBCatalog

    return DynamoDBCatalog()


@cache
def product_listing() -> DynamoDBProductListing:
    """Lists and searches of products (by category, name, stock at a location)."""
    from shared.adapters.dynamodb_catalog_browsing import DynamoDBProductListing

    return DynamoDBProductListing()


@cache
def bought_together() -> DynamoDBBoughtTogether:
    """How often products were bought together: half of what goes with what."""
    from shared.adapters.dynamodb_catalog_browsing import DynamoDBBoughtTogether

    return DynamoDBBoughtTogether()


@cache
def loyalty_store() -> DynamoDBLoyaltyStore:
    """Points, booked in the transactions of purchases, refunds and orders."""
    from shared.adapters.dynamodb_loyalty import DynamoDBLoyaltyStore

    return DynamoDBLoyaltyStore()


@cache
def device_store() -> DynamoDBDeviceStore:
    from shared.adapters.dynamodb_devices import DynamoDBDeviceStore

    return DynamoDBDeviceStore()


@cache
def customer_store() -> DynamoDBCustomerStore:
    from shared.adapters.dynamodb_customers import DynamoDBCustomerStore

    return DynamoDBCustomerStore()


@cache
def accounts() -> CognitoAccounts:
    """Customers' online accounts (the Cognito user pool)."""
    from shared.adapters.cognito_accounts import CognitoAccounts

    return CognitoAccounts()


def customer_contacts() -> DynamoDBCustomerStore:
    """Where customers with an account are reached: the customer store answers (their record)."""
    return customer_store()


@cache
def review_schedule() -> DynamoDBReviewSchedule:
    from shared.adapters.dynamodb_reviews import DynamoDBReviewSchedule

    return DynamoDBReviewSchedule()


@cache
def slot_store() -> DynamoDBSlotStore:
    """Places taken per time slot and each order's booking, written in the order's transaction."""
    from shared.adapters.dynamodb_slots import DynamoDBSlotStore

    return DynamoDBSlotStore()


@cache
def ship_capacity() -> DynamoDBShipCapacity:
    """Each source's fulfilments per local day, counted in the transaction that gives it one."""
    from shared.adapters.dynamodb_capacity import DynamoDBShipCapacity

    return DynamoDBShipCapacity()


def slot_calendar() -> SlotCalendar:
    """The delivery zones and slot templates: data shipped with the code (no read)."""
    from shared.slots.calendar import CALENDAR

    return CALENDAR


@cache
def event_publisher() -> EventBridgePublisher:
    from shared.adapters.event_bus import EventBridgePublisher

    return EventBridgePublisher()


@cache
def carrier() -> SandboxCarrier:
    """The carrier orders ship with: the sandbox one (parcels simulated in the table)."""
    from shared.adapters.sandbox_carrier import SandboxCarrier

    return SandboxCarrier()


def reset() -> None:
    """Tests that recreate the emulated AWS between runs drop what was made for the last."""
    from shared.adapters.aws import reset_clients
    from shared.settings import settings

    for made in (transactions, stock_store, location_store, location_directory, reservation_store, order_store,
                 hold_counters, purchase_store, return_store, loyalty_store, catalog, product_listing, bought_together,
                 device_store, review_schedule, customer_store, accounts, slot_store, ship_capacity, event_publisher,
                 carrier, settings):
        made.cache_clear()
    reset_clients()
