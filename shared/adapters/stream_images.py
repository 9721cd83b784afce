"""What a changed item on the table stream means, found by its key prefix.

Each kind of record is registered once: the prefix its store writes (owned by that store's
codec), how to decode an image, and the events a change from the old image to the new one
means. The stream publisher looks the kind up here instead of keeping its own list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from shared.adapters.dynamodb_customers import CUSTOMER_PREFIX, customer_from_item
from shared.adapters.dynamodb_loyalty import ACCOUNT_SK, account_from_item
from shared.adapters.dynamodb_orders import ORDER_PREFIX, order_from_item
from shared.adapters.dynamodb_purchases import PURCHASE_PREFIX, purchase_from_item
from shared.adapters.dynamodb_reservations import RESERVATION_PREFIX, reservation_from_item
from shared.adapters.dynamodb_returns import RETURN_PREFIX, return_from_item
from shared.adapters.dynamodb_reviews import REVIEW_PREFIX, review_from_item
from shared.customers.publishing import events_for_customer
from shared.loyalty.publishing import events_for_account
from shared.notifications.publishing import events_for_review
from shared.orders.publishing import events_for_order
from shared.outbound import OutboundEvent
from shared.reservations.publishing import events_for_reservation
from shared.returns.publishing import events_for_purchase, events_for_return

T = TypeVar("T")


@dataclass(frozen=True)
class ItemImages(Generic[T]):
    """One kind of record on the stream: ``present`` is an attribute only a full image has (a
    keys-only image, or a purchase's chunk, has none and means nothing)."""

    prefix: str
    decode: Callable[[dict[str, Any]], T]
    present: str
    events: Callable[[T | None, T, datetime], list[OutboundEvent]]

    def image(self, record: dict[str, Any], which: str) -> T | None:
        image = record.get("dynamodb", {}).get(which)
        return self.decode(image) if image and self.present in image else None

    def events_of(self, record: dict[str, Any], occurred: datetime) -> list[OutboundEvent]:
        after = self.image(record, "NewImage")
        return [] if after is None else self.events(self.image(record, "OldImage"), after, occurred)


ITEM_IMAGES: dict[str, ItemImages[Any]] = {kind.prefix: kind for kind in (
    ItemImages(RESERVATION_PREFIX, reservation_from_item, "status", events_for_reservation),
    ItemImages(ORDER_PREFIX, order_from_item, "status", events_for_order),
    ItemImages(PURCHASE_PREFIX, purchase_from_item, "lines", events_for_purchase),
    ItemImages(RETURN_PREFIX, return_from_item, "lines", events_for_return),
    ItemImages(REVIEW_PREFIX, review_from_item, "source_id", events_for_review),
)}


# Kinds that share a partition prefix with others, told apart by their sort key: (pk prefix, sk).
ITEM_IMAGES_BY_SK: dict[tuple[str, str], ItemImages[Any]] = {
    (CUSTOMER_PREFIX, "#"): ItemImages(CUSTOMER_PREFIX, customer_from_item, "created_by", events_for_customer),
    (CUSTOMER_PREFIX, ACCOUNT_SK): ItemImages(CUSTOMER_PREFIX, account_from_item, "balance", events_for_account),
}


def images_of(pk: str, sk: str = "#") -> ItemImages[Any] | None:
    """The registered kind whose prefix (and, where kinds share it, sort key) is this key's, if any
    (stock items are not prefixed kinds; neither is a points ledger entry)."""
    by_sk = next((kind for (prefix, kind_sk), kind in ITEM_IMAGES_BY_SK.items()
                  if pk.startswith(prefix) and sk == kind_sk), None)
    return by_sk or next((kind for prefix, kind in ITEM_IMAGES.items() if pk.startswith(prefix)), None)
