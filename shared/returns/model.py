"""A return (RMA) and its lifecycle (pure).

REQUESTED -> APPROVED | REJECTED; APPROVED -> RECEIVED -> INSPECTED -> REFUNDED -> CLOSED.
Each line gets a disposition at inspection: RESTOCK (sellable again at the receiving
location), DAMAGED or QUALITY_CHECK. The refund is what was paid for the returned units.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import Conflict, InvalidRequest
from shared.purchases.model import Purchase, ReturnableUnits

RETURN_WINDOW = timedelta(days=30)


class ReturnStatus(StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    RECEIVED = "RECEIVED"
    INSPECTED = "INSPECTED"
    REFUNDED = "REFUNDED"
    CLOSED = "CLOSED"


# Statuses of a return still on its way to (or at) the receiving location: its work list there.
ON_ITS_WAY = frozenset({ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED})


class Disposition(StrEnum):
    RESTOCK = "RESTOCK"
    DAMAGED = "DAMAGED"
    QUALITY_CHECK = "QUALITY_CHECK"


NEXT = {
    ReturnStatus.REQUESTED: {ReturnStatus.APPROVED, ReturnStatus.REJECTED},
    ReturnStatus.APPROVED: {ReturnStatus.RECEIVED},
    ReturnStatus.RECEIVED: {ReturnStatus.INSPECTED},
    ReturnStatus.INSPECTED: {ReturnStatus.REFUNDED},
    ReturnStatus.REFUNDED: {ReturnStatus.CLOSED},
}


@dataclass(frozen=True)
class ReturnLine:
    sku: str
    quantity: int
    unit_price_cents: int
    disposition: Disposition | None = None


@dataclass(frozen=True)
class HistoryEntry:
    status: ReturnStatus
    at: datetime


@dataclass(frozen=True)
class Return:
    return_id: str
    purchase_id: str
    customer_id: str | None
    location_id: str  # where it is brought or sent to
    lines: tuple[ReturnLine, ...]
    status: ReturnStatus
    requested_at: datetime
    contact_email: str | None
    fingerprint: str
    history: tuple[HistoryEntry, ...] = ()
    reason: str | None = None
    refund_reference: str | None = None
    language: str = "nl"
    version: int = 1
    points_discount_cents: int = 0  # the returned lines' share of what was paid with points: not money back

    @property
    def refund_cents(self) -> int:
        return max(0, sum(line.quantity * line.unit_price_cents for line in self.lines) - self.points_discount_cents)

    @property
    def units(self) -> ReturnableUnits:
        """What this return takes off its purchase's returnable units (a rejection gives them back)."""
        return ReturnableUnits(self.purchase_id, tuple((line.sku, line.quantity) for line in self.lines))

    def moved_to(self, status: ReturnStatus, at: datetime) -> Return:
        if status not in NEXT.get(self.status, set()):
            raise Conflict(f"Return {self.return_id} is {self.status.value}; it cannot become {status.value}.",
                           current_status=self.status.value)
        return replace(self, status=status, version=self.version + 1,
                       history=(*self.history, HistoryEntry(status, at)))

    def inspected(self, dispositions: dict[str, Disposition], at: datetime) -> Return:
        if set(dispositions) != {line.sku for line in self.lines}:
            raise InvalidRequest("Give one disposition for every returned line.", field="dispositions")
        moved = self.moved_to(ReturnStatus.INSPECTED, at)
        return replace(moved, lines=tuple(replace(line, disposition=dispositions[line.sku]) for line in self.lines))


def check_request(purchase: Purchase, wanted: dict[str, int], now: datetime) -> tuple[ReturnLine, ...]:
    """The window and what was bought; the 'not more than bought across returns' rule is enforced
    atomically by the store, which keeps a remaining count per line on the purchase."""
    if now - purchase.purchased_at > RETURN_WINDOW:
        raise InvalidRequest(f"The return window of {RETURN_WINDOW.days} days has passed.", field="purchase_id")
    lines = []
    for sku, quantity in sorted(wanted.items()):
        bought = purchase.line(sku)
        if bought is None:
            raise InvalidRequest(f"{sku} is not part of this purchase.", field="lines")
        if quantity <= 0 or quantity > bought.quantity:
            raise InvalidRequest(f"At most {bought.quantity} of {sku} can be returned.", field="lines")
        lines.append(ReturnLine(sku, quantity, bought.creditable_unit_cents))
    if not lines:
        raise InvalidRequest("A return needs at least one line.", field="lines")
    return tuple(lines)


def points_share(purchase: Purchase, lines: tuple[ReturnLine, ...]) -> int:
    """The part of an order's points discount that these lines carry, in proportion to what they
    cost, rounded up: money back never exceeds the money paid, over any number of returns."""
    gross = purchase.creditable_cents
    if not purchase.points_discount_cents or gross <= 0:
        return 0
    returned = sum(line.quantity * line.unit_price_cents for line in lines)
    return min(purchase.points_discount_cents, -(-purchase.points_discount_cents * returned // gross))
