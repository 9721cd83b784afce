"""The stream publisher finds a record kind by the key prefix its store writes, not by a list of its own."""

from __future__ import annotations

from shared.adapters import (
    dynamodb_orders,
    dynamodb_purchases,
    dynamodb_reservations,
    dynamodb_returns,
    dynamodb_reviews,
)
from shared.adapters.stream_images import ITEM_IMAGES, images_of


def test_each_store_key_leads_to_its_registered_kind() -> None:
    keys = {
        dynamodb_reservations._key("r-1")["pk"]["S"]: dynamodb_reservations.reservation_from_item,
        dynamodb_orders._key("o-1")["pk"]["S"]: dynamodb_orders.order_from_item,
        dynamodb_purchases._purchase_key("p-1")["pk"]["S"]: dynamodb_purchases.purchase_from_item,
        dynamodb_returns._return_key("t-1")["pk"]["S"]: dynamodb_returns.return_from_item,
        dynamodb_reviews._key("p-1")["pk"]["S"]: dynamodb_reviews.review_from_item,
    }
    for pk, decode in keys.items():
        kind = images_of(pk)
        assert kind is not None and kind.decode is decode, pk
    assert len(ITEM_IMAGES) == len(keys)


def test_stock_and_other_items_are_not_registered_kinds() -> None:
    assert images_of("SKU#A-1") is None
    assert images_of("LOCATION#store-one") is None
