"""Purchase use cases: a till sale recorded, one timeline of purchases from every channel."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.errors import NotFound
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.purchases.ports import PurchaseStore
from shared.stock.ports import IdempotencyClaim

_NAMESPACE = uuid.UUID("f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b")


def purchase_id_for(location_id: str, reference: str) -> str:
    """Stable per till receipt (or order): the same sale sent twice is one purchase."""
    return str(uuid.uuid5(_NAMESPACE, f"{location_id}\n{reference}"))


def record_store_sale(store: PurchaseStore, directory: LocationDirectory, caller: Caller, location_id: str,
                      receipt_id: str, lines: list[PurchasedLine], purchased_at: datetime,
                      customer_id: str | None, receipt_email: str | None) -> tuple[Purchase, bool]:
    """The till's sale: stock leaves the store and the purchase is kept, in one transaction."""
    caller.require_location(location_id)
    location = directory.get(location_id)
    merged: dict[str, PurchasedLine] = {}
    for line in lines:  # a SKU scanned twice at one price is one line
        known = merged.get(line.sku)
        merged[line.sku] = line if known is None else PurchasedLine(
            line.sku, known.quantity + line.quantity, min(known.unit_price_cents, line.unit_price_cents))
    purchase = Purchase(
        purchase_id=purchase_id_for(location_id, receipt_id), channel=PurchaseChannel.STORE,
        location_id=location_id, lines=tuple(merged[sku] for sku in sorted(merged)),
        purchased_at=purchased_at.astimezone(UTC), reference=receipt_id, customer_id=customer_id,
        receipt_email=receipt_email,
    )
    fingerprint = IdempotencyClaim.for_request("purchase", receipt_id, {
        "loc": location_id, "lines": [(x.sku, x.quantity, x.unit_price_cents) for x in purchase.lines],
        "customer": customer_id}).fingerprint
    return store.record_sale(purchase, fingerprint, location.low_stock_threshold)


def get(store: PurchaseStore, caller: Caller, purchase_id: str) -> Purchase:
    purchase = store.get_purchase(purchase_id)
    if purchase is not None and caller.sees(purchase.customer_id, purchase.location_id):
        return purchase
    raise NotFound(f"Purchase {purchase_id!r} was not found.")


def timeline(store: PurchaseStore, caller: Caller, limit: int, cursor: str | None) -> tuple[list[Purchase], str | None]:
    caller.require({"customer"})
    return store.timeline(caller.subject, limit, cursor)
