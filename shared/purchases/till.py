"""The one till-sale path: ``POST /purchases`` and the ``SaleRecorded`` event both land here.

A sale is a fact: it is recorded whatever the books say (a shortfall shows where it took held
units). When the till rings up a pay-at-pickup order (the sale names ``order_id``), the order's
units leave once, as the order's collection and purchase; only the other lines of the receipt
are a store sale. Both parts are idempotent, so the API and the event for one receipt, or a
retry of either, record it once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.catalog.ports import PriceLists
from shared.errors import Conflict
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.loyalty.ports import LoyaltyStore
from shared.orders.model import OrderStatus
from shared.orders.ports import OrderStore
from shared.orders.service import finish, purchase_of
from shared.purchases.model import Purchase, PurchasedLine
from shared.purchases.ports import PurchaseStore
from shared.purchases.service import price_sale, purchase_id_for, record_store_sale
from shared.reservations.model import ReservationStatus
from shared.reservations.ports import HoldCounters, ReservationStore
from shared.stock.ports import StockStore
from shared.transactions import Transactions

MAX_ATTEMPTS = 3


def _collect_at_till(*, orders: OrderStore, reservations: ReservationStore, counters: HoldCounters,
                     stock: StockStore, transactions: Transactions, purchases: PurchaseStore, order_id: str,
                     location_id: str, purchased_at: datetime,
                     loyalty: LoyaltyStore | None = None) -> tuple[Purchase, bool] | None:
    """Hands the order over (once): (the order's purchase, handed over now), or None when the
    sale is not the order's."""
    for _ in range(MAX_ATTEMPTS):
        order = orders.get(order_id)
        if order is None or order.location_id != location_id:
            return None
        if order.status is OrderStatus.COLLECTED:
            taken = purchases.get_purchase(purchase_id_for(location_id=location_id, reference=order_id))
            return taken or purchase_of(order=order, purchased_at=purchased_at), False
        if not order.is_open:
            return None  # cancelled or not collected: its units were released; this is a plain sale
        purchase = purchase_of(order=order, purchased_at=purchased_at)
        try:
            finish(orders=orders, reservations=reservations, counters=counters, stock=stock,
                   transactions=transactions, before=order, after=order.handed_over_at_till(),
                   hold_ends_as=ReservationStatus.FULFILLED, purchases=purchases, purchase=purchase, loyalty=loyalty)
            return purchase, True
        except Conflict:
            continue  # an associate changed it meanwhile: read again
    raise Conflict(f"Order {order_id} kept changing; send the sale again.")


def _minus(lines: list[PurchasedLine], taken: Purchase) -> list[PurchasedLine]:
    """The receipt's lines less the units that were the order's."""
    left = {line.sku: line.quantity for line in taken.lines}
    rest = []
    for line in lines:
        covered = min(line.quantity, left.get(line.sku, 0))
        left[line.sku] = left.get(line.sku, 0) - covered
        if line.quantity > covered:
            rest.append(replace(line, quantity=line.quantity - covered))
    return rest


def record_till_sale(*, purchases: PurchaseStore, orders: OrderStore, reservations: ReservationStore,
                     counters: HoldCounters, stock: StockStore, transactions: Transactions,
                     directory: LocationDirectory, caller: Caller, location_id: str, receipt_id: str,
                     lines: list[PurchasedLine], purchased_at: datetime, customer_id: str | None = None,
                     receipt_email: str | None = None, receipt_language: str | None = None,
                     order_id: str | None = None, loyalty: LoyaltyStore | None = None, catalog: PriceLists,
                     as_fact: bool = False) -> tuple[Purchase, bool]:
    """Records the sale; returns (the receipt's purchase, or the order's when that was all, created).

    The order's units keep the price the order was placed at; the other lines are priced from the
    catalog, and refused (unknown SKU, a price without override) before the order is handed over.
    """
    caller.require_location(location_id)
    directory.get(location_id)
    if order_id and not as_fact:
        pending = orders.get(order_id)
        ordered = pending is not None and pending.location_id == location_id \
            and (pending.is_open or pending.status is OrderStatus.COLLECTED)
        others = _minus(lines, purchase_of(order=pending, purchased_at=purchased_at)) \
            if pending is not None and ordered else lines
        if others:
            price_sale(catalog=catalog, caller=caller, lines=others, at=purchased_at)
    collected = _collect_at_till(
        orders=orders, reservations=reservations, counters=counters, stock=stock, transactions=transactions,
        purchases=purchases, order_id=order_id, location_id=location_id, purchased_at=purchased_at, loyalty=loyalty,
    ) if order_id else None
    rest = _minus(lines, collected[0]) if collected else lines
    if collected is not None and not rest:
        return collected
    return record_store_sale(purchases=purchases, stock=stock, transactions=transactions, directory=directory,
                             caller=caller, location_id=location_id, receipt_id=receipt_id, lines=rest,
                             purchased_at=purchased_at, customer_id=customer_id, receipt_email=receipt_email,
                             receipt_language=receipt_language, loyalty=loyalty, catalog=catalog,
                             as_fact=as_fact)
