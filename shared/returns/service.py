"""Return use cases: request in any channel to any location that takes returns, then the steps."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from shared.errors import Conflict, InvalidRequest, NotFound
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.locations.directory import LocationDirectory
from shared.locations.model import Service
from shared.purchases.ports import ReturnStore
from shared.returns.model import Disposition, HistoryEntry, Return, ReturnStatus, check_request

_NAMESPACE = uuid.UUID("0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d")


def _now() -> datetime:
    return datetime.now(UTC)


def _visible(caller: Caller, ret: Return | None, return_id: str) -> Return:
    if ret is not None and caller.sees(ret.customer_id, ret.location_id):
        return ret
    raise NotFound(f"Return {return_id!r} was not found.")


def request(*, store: ReturnStore, directory: LocationDirectory, caller: Caller, purchase_id: str,
            wanted: dict[str, int], location_id: str, idempotency_key: str, contact_email: str | None,
            reason: str | None, language: str = "nl") -> tuple[Return, bool]:
    from shared.purchases import service as purchases

    if caller.role == "staff":  # any store's purchase, taken back at the associate's own store
        caller.require_location(location_id)
        purchase = store.get_purchase(purchase_id)
        if purchase is None:
            raise NotFound(f"Purchase {purchase_id!r} was not found.")
    else:
        purchase = purchases.get(store=store, caller=caller, purchase_id=purchase_id)  # 404 for someone else's purchase
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
    )
    return store.request(ret)


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


def step(*, store: ReturnStore, caller: Caller, return_id: str, status: ReturnStatus,
         dispositions: dict[str, Disposition] | None = None, refund_reference: str | None = None) -> Return:
    """A staff step at the receiving location (or head office). Repeating the current step is a no-op."""
    ret = get(store=store, caller=caller, return_id=return_id)
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
    return store.save(ret, after, restore_remaining=status is ReturnStatus.REJECTED)
