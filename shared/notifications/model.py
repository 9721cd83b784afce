"""What messages to customers are made of: where a customer is reached, links, and review requests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

LANGUAGES = ("nl", "en")


def language_or(*choices: str | None) -> str:
    """The first of ``choices`` a message can be written in (Dutch when none is)."""
    return next((choice for choice in choices if choice in LANGUAGES), "nl")


@dataclass(frozen=True)
class Links:
    """Per deployment: the customer's account page and the webshop (a product's page per SKU)."""

    account_url: str
    webshop_url: str

    def product(self, sku: str) -> str:
        return f"{self.webshop_url.rstrip('/')}/p/{sku}"

    def order(self, order_id: str) -> str:
        """The order's status page in the customer's account."""
        return f"{self.account_url.rstrip('/')}/orders/{order_id}"


@dataclass(frozen=True)
class OrderNews:
    """What an order event tells beyond the order the notifier reads: where and when the goods come,
    the fee, the parcels' tracking pages, and the lines a fulfilment step is about (sku, quantity)."""

    destination_type: str = "pickup"  # "pickup" | "delivery"
    slot_starts_at: datetime | None = None
    slot_ends_at: datetime | None = None
    earliest_date: date | None = None
    delivery_fee_cents: int = 0
    tracking_urls: tuple[str, ...] = ()
    lines: tuple[tuple[str, int], ...] = ()

    @property
    def delivered_to_customer(self) -> bool:
        return self.destination_type == "delivery"


class ReviewSource(StrEnum):
    ORDER = "order"  # a click & collect order, once collected
    PURCHASE = "purchase"  # a till sale with a customer or an e-receipt


@dataclass(frozen=True)
class ReviewRequest:
    """A review asked for some days after the customer has the goods; scheduled once per source
    (a redelivered event finds it there) and requested once (``requested_at`` set by one sweep)."""

    source: ReviewSource
    source_id: str  # the order's or purchase's id: one review request per source
    location_id: str
    customer_id: str | None
    skus: tuple[str, ...]
    due_at: datetime
    requested_at: datetime | None = None

    @staticmethod
    def after(*, source: ReviewSource, source_id: str, location_id: str, customer_id: str | None,
              skus: list[str], received_at: datetime, wait: timedelta) -> ReviewRequest:
        unique = tuple(dict.fromkeys(skus))  # a SKU once, in the order bought
        return ReviewRequest(source=source, source_id=source_id, location_id=location_id, customer_id=customer_id,
                             skus=unique, due_at=received_at + wait)

    def requested(self, at: datetime) -> ReviewRequest:
        return replace(self, requested_at=at)


NO_NEWS = OrderNews()  # an event that adds nothing to the order it is about
