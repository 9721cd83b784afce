"""The stream publisher finds a record kind by the key prefix its store writes, not by a list of its own."""

from __future__ import annotations

from shared.adapters import (
    dynamodb_customers,
    dynamodb_loyalty,
    dynamodb_orders,
    dynamodb_purchases,
    dynamodb_reservations,
    dynamodb_returns,
    dynamodb_reviews,
)
from shared.adapters.stream_images import ITEM_IMAGES, ITEM_IMAGES_BY_SK, images_of


def test_each_store_key_leads_to_its_registered_kind() -> None:
    keys = {
        dynamodb_reservations._key("r-1")["pk"]["S"]: dynamodb_reservations.reservation_from_item,
        dynamodb_orders._key("o-1")["pk"]["S"]: dynamodb_orders.order_from_item,
        dynamodb_purchases._purchase_key("p-1")["pk"]["S"]: dynamodb_purchases.purchase_from_item,
        dynamodb_returns._return_key("t-1")["pk"]["S"]: dynamodb_returns.return_from_item,
        dynamodb_reviews._key("p-1")["pk"]["S"]: dynamodb_reviews.review_from_item,
        dynamodb_customers._customer_key("c-1")["pk"]["S"]: dynamodb_customers.customer_from_item,
    }
    for pk, decode in keys.items():
        kind = images_of(pk)
        assert kind is not None and kind.decode is decode, pk
    assert len(ITEM_IMAGES) + len(ITEM_IMAGES_BY_SK) == len(keys) + 1  # and the points account:


def test_a_customer_partition_holds_the_profile_the_points_account_and_ledger_entries() -> None:
    pk = dynamodb_customers._customer_key("c-1")["pk"]["S"]
    points = images_of(pk, dynamodb_loyalty.ACCOUNT_SK)
    assert points is not None and points.decode is dynamodb_loyalty.account_from_item
    assert images_of(pk, f"{dynamodb_loyalty.ENTRY_SK_PREFIX}earned#p-1") is None


def test_stock_and_other_items_are_not_registered_kinds() -> None:
    assert images_of("SKU#A-1") is None
    assert images_of("LOCATION#store-one") is None
    assert images_of("CARD#2900000000000") is None and images_of("EMAIL#ab12") is None
