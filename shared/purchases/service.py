"""Purchase use cases: a till sale recorded, one timeline of purchases from every channel."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from shared.catalog.model import UnknownSkus
from shared.catalog.ports import PriceLists
from shared.errors import Conflict, Forbidden, IdempotencyKeyReused, InvalidRequest, NotFound
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.loyalty import service as loyalty_service
from shared.loyalty.ports import LoyaltyStore
from shared.orders.ports import OrderStore
from shared.pricing import PriceOverrideRequired
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine, ReceiptPart
from shared.purchases.ports import PurchaseStore
from shared.stock.model import SALE, StockMove
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import MAX_WRITES, Refused, Transactions

_NAMESPACE = uuid.UUID("f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b")


def purchase_id_for(*, location_id: str, reference: str) -> str:
    """Stable per till receipt (or order): the same sale sent twice is one purchase."""
    return str(uuid.uuid5(_NAMESPACE, f"{location_id}\n{reference}"))


def _merged(lines: list[PurchasedLine]) -> list[PurchasedLine]:
    """A SKU scanned twice is one line (at the lower price, with the first override given)."""
    merged: dict[str, PurchasedLine] = {}
    for line in lines:
        known = merged.get(line.sku)
        merged[line.sku] = line if known is None else PurchasedLine(
            line.sku, known.quantity + line.quantity, min(known.unit_price_cents, line.unit_price_cents),
            override=known.override or line.override)
    return [merged[sku] for sku in sorted(merged)]


def price_sale(*, catalog: PriceLists, caller: Caller, lines: list[PurchasedLine], at: datetime,
               as_fact: bool = False) -> list[PurchasedLine]:
    """The till's lines with the catalog's price at ``at`` beside what the till charged (one catalog read).

    Over the API an unknown SKU is a 422, and a price other than the catalog's needs an override
    with a reason (422 ``price-override-required``) from staff (403 for anyone else). A
    ``SaleRecorded`` event is a fact (``as_fact``): it is recorded at the till's price, and a
    deviation without an override, or a SKU the catalog does not know, is recorded unapproved.
    """
    merged = _merged(lines)
    price_list = catalog.price_list(line.sku for line in merged)
    catalog_prices = {line.sku: price for line in merged
                      if (price := price_list.price_if_sold(line.sku, at)) is not None}
    unknown = [line.sku for line in merged if line.sku not in catalog_prices]
    if unknown and not as_fact:
        raise UnknownSkus(unknown)
    missing, overridden, priced = [], [], []
    for line in merged:
        price = catalog_prices.get(line.sku)
        if price is None:
            priced.append(replace(line, override=None, approved=False))
            continue
        deviates = price.price_cents != line.unit_price_cents
        override = line.override if line.override is not None and line.override.reason.strip() \
            and line.override.approved_by.strip() else None
        line = replace(line, override=override)
        if deviates and line.override is None:
            missing.append(line.sku)
        elif deviates:
            overridden.append(line.sku)
        priced.append(replace(line, list_price_cents=price.list_price_cents, promotion_id=price.promotion_id,
                              vat_rate_percent=price.vat_rate_percent, catalog_price_cents=price.price_cents,
                              override=line.override if deviates else None,
                              approved=not deviates or line.override is not None))
    if not as_fact:
        if overridden and caller.role != "staff":
            raise Forbidden(f"Only store staff may override a price ({', '.join(overridden)}).")
        if missing:
            raise PriceOverrideRequired(missing)
    return priced


def record_store_sale(*, purchases: PurchaseStore, stock: StockStore, transactions: Transactions,
                      directory: LocationDirectory, caller: Caller, location_id: str, receipt_id: str,
                      lines: list[PurchasedLine], purchased_at: datetime, customer_id: str | None,
                      receipt_email: str | None, catalog: PriceLists, receipt_language: str | None = None,
                      loyalty: LoyaltyStore | None = None, as_fact: bool = False) -> tuple[Purchase, bool]:
    """The till's sale: stock leaves the store and the purchase is kept, in one transaction
    (with the customer's points, when the sale has a customer).

    A sale is a fact: no stock condition, so only an earlier recording of the receipt refuses it
    (a replay, or the same receipt id with other lines). Its lines are priced from the catalog at
    ``purchased_at`` (see ``price_sale``). A receipt with more lines than one
    transaction holds is written in parts, each marked (so a retry skips the parts done), and the
    purchase record last: it exists only when every line does.
    """
    caller.require_location(location_id)
    location = directory.get(location_id)
    priced = price_sale(catalog=catalog, caller=caller, lines=lines, at=purchased_at, as_fact=as_fact)
    purchase = Purchase(
        purchase_id=purchase_id_for(location_id=location_id, reference=receipt_id), channel=PurchaseChannel.STORE,
        location_id=location_id, lines=tuple(priced),
        purchased_at=purchased_at.astimezone(UTC), reference=receipt_id, customer_id=customer_id,
        receipt_email=receipt_email, receipt_language=receipt_language,
    )
    fingerprint = IdempotencyClaim.for_request("purchase", receipt_id, {
        "loc": location_id, "lines": [(x.sku, x.quantity, x.unit_price_cents) for x in purchase.lines],
        "customer": customer_id}).fingerprint
    now = _now()
    sales = [_sale(purchase, line, now) for line in purchase.lines]
    threshold = location.low_stock_threshold
    points_writes = loyalty_service.WRITES_PER_ENTRY if loyalty is not None and customer_id else 0
    if len(sales) + 1 + points_writes > MAX_WRITES:  # the lines, the purchase record and points do not fit in one
        replayed = _replay(purchases, purchase, fingerprint)
        if replayed is not None:
            return replayed, False
        _record_in_parts(purchases=purchases, stock=stock, transactions=transactions, purchase=purchase,
                         fingerprint=fingerprint, sales=sales, threshold=threshold)
        sales = []
    tx = transactions.begin()
    for move, change in sales:
        stock.add_move(tx, move=move, change=change, default_threshold=threshold)
    purchases.add_recorded(tx, purchase=purchase, fingerprint=fingerprint)
    loyalty_service.add_earned(tx=tx, loyalty=loyalty, customer_id=purchase.customer_id,
                               purchase_id=purchase.purchase_id, paid_cents=purchase.creditable_cents,
                               at=purchase.purchased_at)
    try:
        tx.commit()
    except Refused:
        replayed = _replay(purchases, purchase, fingerprint)
        if replayed is not None:
            return replayed, False
        raise Conflict(f"The sale {purchase.reference} could not be recorded; send it again.") from None
    return purchase, True


def _now() -> datetime:
    return datetime.now(UTC)


def _sale(purchase: Purchase, line: PurchasedLine, now: datetime) -> tuple[StockMove, ChangeReceipt]:
    """One line leaving the store's stock, stamped with the purchase it belongs to."""
    source = f"purchase:{purchase.purchase_id}"
    change = ChangeReceipt(change_id=f"{source}:sale:{line.sku}", sku=line.sku, location_id=purchase.location_id,
                           kind="sale", on_hand_delta=-line.quantity, on_hand=None, applied_at=now, source=source)
    return StockMove(line.sku, purchase.location_id, SALE, line.quantity), change


def _replay(purchases: PurchaseStore, purchase: Purchase, fingerprint: str) -> Purchase | None:
    """The purchase recorded before for this receipt (a retry), or None; another meaning is refused."""
    recorded = purchases.recorded(purchase.purchase_id)
    if recorded is None:
        return None
    if recorded.fingerprint != fingerprint:
        raise IdempotencyKeyReused("This receipt id was recorded with other lines.")
    return recorded.purchase


def _record_in_parts(*, purchases: PurchaseStore, stock: StockStore, transactions: Transactions, purchase: Purchase,
                     fingerprint: str, sales: list[tuple[StockMove, ChangeReceipt]], threshold: int) -> None:
    """The lines in transactions of MAX_WRITES - 1 lines and a mark each; parts written before are skipped."""
    size = MAX_WRITES - 1
    for number, start in enumerate(range(0, len(sales), size)):
        tx = transactions.begin()
        for move, change in sales[start:start + size]:
            stock.add_move(tx, move=move, change=change, default_threshold=threshold)
        part = ReceiptPart(purchase.purchase_id, number)
        purchases.add_part_recorded(tx, part=part, fingerprint=fingerprint)
        try:
            tx.commit()
        except Refused as refused:
            _part_written_before(refused, part, purchase, fingerprint)


def _part_written_before(refused: Refused, part: ReceiptPart, purchase: Purchase, fingerprint: str) -> None:
    """A part refused because a retry wrote it before is done; anything else is not."""
    failure = refused.about(part)
    if failure is None or failure.current is None:
        raise Conflict(f"The sale {purchase.reference} could not be recorded; send it again.") from None
    if failure.current != fingerprint:
        raise IdempotencyKeyReused("This receipt id was recorded with other lines.") from None


def get(*, store: PurchaseStore, caller: Caller, purchase_id: str) -> Purchase:
    purchase = store.get_purchase(purchase_id)
    if purchase is not None and caller.sees(purchase.customer_id, purchase.location_id):
        return purchase
    raise NotFound(f"Purchase {purchase_id!r} was not found.")


def lookup(*, store: PurchaseStore, orders: OrderStore, caller: Caller, receipt_id: str | None = None,
           location_id: str | None = None, order_id: str | None = None, customer_id: str | None = None,
           limit: int = 20, cursor: str | None = None) -> tuple[list[Purchase], str | None]:
    """Staff of any store find a purchase from any store or channel, to take it back (returns in any
    channel). One way at a time: a till receipt (ids are per store), an order, or a customer's timeline."""
    caller.require({"staff", "admin"})
    ways = [way for way in (receipt_id, order_id, customer_id) if way is not None]
    if len(ways) != 1:
        raise InvalidRequest("Give one of receipt_id (with location_id), order_id or customer_id.",
                             field="receipt_id")
    if customer_id is not None:
        return store.timeline(customer_id, limit, cursor)
    if receipt_id is not None:
        if location_id is None:
            raise InvalidRequest("A receipt id is only unique at its store: give location_id too.",
                                 field="location_id")
        found = store.get_purchase(purchase_id_for(location_id=location_id, reference=receipt_id))
    else:
        order = orders.get(str(order_id))
        found = None if order is None else store.get_purchase(
            purchase_id_for(location_id=order.location_id, reference=order.order_id))
    return ([found] if found else []), None


def timeline(*, store: PurchaseStore, caller: Caller, limit: int, cursor: str | None) -> tuple[list[Purchase],
                                                                                               str | None]:
    caller.require({"customer"})
    return store.timeline(caller.subject, limit, cursor)


def price_overrides(*, store: PurchaseStore, caller: Caller, location_id: str, limit: int = 50,
                    cursor: str | None = None) -> tuple[list[Purchase], str | None]:
    """The store's purchases whose till charged another price than the catalog: approved
    overrides and deviations nobody approved (from ``SaleRecorded`` facts), newest first."""
    caller.require({"staff", "admin"})
    caller.require_location(location_id)
    return store.with_overrides_at(location_id, limit, cursor)
