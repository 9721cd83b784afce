"""Return use cases: request in any channel to any location that takes returns, then the steps."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from shared.errors import Conflict, IdempotencyKeyReused, InvalidRequest, NotFound
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Service
from shared.loyalty import service as loyalty_service
from shared.loyalty.ports import LoyaltyStore
from shared.purchases import service as purchase_service
from shared.purchases.ports import PurchaseStore
from shared.returns.model import (
    Disposition,
    HistoryEntry,
    Return,
    ReturnLine,
    ReturnStatus,
    check_request,
    points_share,
)
from shared.returns.ports import ReturnStore
from shared.stock.model import INCREASE, INTO_DAMAGED, INTO_QUALITY_CHECK, StockMove
from shared.stock.ports import ChangeReceipt, StockStore
from shared.transactions import Refused, Transactions

_NAMESPACE = uuid.UUID("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")


def _now() -> datetime:
    return datetime.now(UTC)


def _visible(caller: Caller, ret: Return | None, return_id: str) -> Return:
    if ret is not None and caller.sees(ret.customer_id, ret.location_id):
        return ret
    raise NotFound(f"Return {return_id!r} was not found.")


def request(*, returns: ReturnStore, purchases: PurchaseStore, transactions: Transactions,
            directory: LocationDirectory, caller: Caller, purchase_id: str, wanted: dict[str, int],
            location_id: str, idempotency_key: str, contact_email: str | None, reason: str | None,
            language: str = "nl") -> tuple[Return, bool]:
    """The return and its units off what the purchase may still return, together: concurrent
    requests can never return more than was bought. A retry (same key, same request) is answered
    with the return made the first time."""
    if caller.role == "staff":  # any store's purchase, taken back at the associate's own store
        caller.require_location(location_id)
        purchase = purchases.get_purchase(purchase_id)
        if purchase is None:
            raise NotFound(f"Purchase {purchase_id!r} was not found.")
    else:  # 404 for someone else's purchase
        purchase = purchase_service.get(store=purchases, caller=caller, purchase_id=purchase_id)
    location = directory.get(location_id)
    if not location.offers(Service.RETURNS):
        raise InvalidRequest(f"{location.name} does not take returns.", field="location_id")
    now = _now()
    lines = check_request(purchase, wanted, now)
    claim = IdempotencyClaim.for_request(caller.principal, idempotency_key, {
        "purchase": purchase_id, "loc": location_id, "lines": sorted(wanted.items())})
    ret = Return(
        return_id=str(uuid.uuid5(_NAMESPACE, f"{claim.scope}\n{claim.key}")), purchase_id=purchase_id,
        customer_id=purchase.customer_id, location_id=location_id, lines=lines, status=ReturnStatus.REQUESTED,
        requested_at=now, contact_email=contact_email or purchase.receipt_email, fingerprint=claim.fingerprint,
        history=(HistoryEntry(ReturnStatus.REQUESTED, now),), reason=reason, language=language,
        points_discount_cents=points_share(purchase, lines),
    )
    tx = transactions.begin()
    returns.add_requested(tx, ret=ret)
    purchases.add_returnable_taken(tx, units=ret.units)
    try:
        tx.commit()
    except Refused as refused:
        if refused.about(ret) is not None:
            existing = returns.get(ret.return_id)
            if existing is not None:
                if existing.fingerprint != ret.fingerprint:
                    raise IdempotencyKeyReused("This Idempotency-Key was used for another return.") from None
                return existing, False
        raise Conflict("More units would be returned than were bought (other returns of this purchase "
                       "count too).", field="lines") from None
    return ret, True


def get(*, store: ReturnStore, caller: Caller, return_id: str) -> Return:
    return _visible(caller, store.get(return_id), return_id)


def list_mine(*, store: ReturnStore, caller: Caller, limit: int = 50,
              cursor: str | None = None) -> tuple[list[Return], str | None]:
    caller.require({"customer"})
    return store.list_for_customer(caller.subject, limit, cursor)


def expected_at(*, store: ReturnStore, caller: Caller, location_id: str, limit: int = 50,
                cursor: str | None = None) -> tuple[list[Return], str | None]:
    caller.require_location(location_id)
    return store.expected_at(location_id, limit, cursor)


def step(*, returns: ReturnStore, purchases: PurchaseStore, stock: StockStore, transactions: Transactions,
         caller: Caller, return_id: str, status: ReturnStatus, dispositions: dict[str, Disposition] | None = None,
         refund_reference: str | None = None, loyalty: LoyaltyStore | None = None) -> Return:
    """A staff step at the receiving location (or head office). Repeating the current step is a no-op.

    Saved on the version read, with what the step changes elsewhere in the same transaction: a
    rejection makes the units returnable again, an inspection moves each line into stock, the
    refund takes back the customer's points for it.
    """
    ret = get(store=returns, caller=caller, return_id=return_id)
    if caller.role == "customer":
        raise NotFound(f"Return {return_id!r} was not found.")
    if ret.status is status:
        if status is ReturnStatus.REFUNDED and refund_reference and refund_reference != ret.refund_reference:
            raise Conflict("This return was refunded already, under another refund reference.")
        return ret
    now = _now()
    inspecting = status is ReturnStatus.INSPECTED
    after = ret.inspected(dispositions or {}, now) if inspecting else ret.moved_to(status, now)
    if status is ReturnStatus.REFUNDED:
        if not refund_reference:
            raise InvalidRequest("The payment system's refund reference is required.", field="refund_reference")
        after = replace(after, refund_reference=refund_reference)
    for _ in range(_POINTS_ATTEMPTS):
        tx = transactions.begin()
        returns.add_saved(tx, before=ret, after=after)
        if status is ReturnStatus.REJECTED:
            purchases.add_returnable_restored(tx, units=after.units)
        if inspecting:
            for line in after.lines:
                move, change = _into_stock(after, line, now)
                stock.add_move(tx, move=move, change=change, default_threshold=0)
        if status is ReturnStatus.REFUNDED:
            loyalty_service.add_taken_back(tx=tx, loyalty=loyalty, customer_id=after.customer_id,
                                           return_id=after.return_id, refund_cents=after.refund_cents, at=now)
        try:
            tx.commit()
            return after
        except Refused as refused:
            if not loyalty_service.refused_by_points(refused=refused):
                raise Conflict(f"Return {ret.return_id} changed meanwhile; read it and retry.") from None
    raise Conflict(f"The points of return {ret.return_id} kept changing; retry.")


_POINTS_ATTEMPTS = 5  # a refund retried on a fresh read of the points balance that another write lowered


_INTO = {Disposition.RESTOCK: (INCREASE, "return_restock"), Disposition.DAMAGED: (INTO_DAMAGED, "return_damaged"),
         Disposition.QUALITY_CHECK: (INTO_QUALITY_CHECK, "return_quality_check")}


def _into_stock(ret: Return, line: ReturnLine, now: datetime) -> tuple[StockMove, ChangeReceipt]:
    """An inspected line at the receiving location: sellable again (RESTOCK), or in its bucket."""
    effect, kind = _INTO[line.disposition or Disposition.QUALITY_CHECK]
    source = f"return:{ret.return_id}"
    change = ChangeReceipt(change_id=f"{source}:{kind}:{line.sku}", sku=line.sku, location_id=ret.location_id,
                           kind=kind, on_hand_delta=line.quantity if effect is INCREASE else 0, on_hand=None,
                           applied_at=now, source=source)
    return StockMove(line.sku, ret.location_id, effect, line.quantity), change
