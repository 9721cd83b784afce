"""Loyalty use cases: points booked in the transaction of what earns or costs them, and read back.

The writes here never commit: the purchase, collection, refund or order that earns, takes back
or spends points adds its entry to its own transaction, so the points exist exactly when it does.
"""

from __future__ import annotations

from datetime import datetime

from shared.errors import NotFound
from shared.identity import Caller
from shared.loyalty import model
from shared.loyalty.model import AccountChange, PointsAccount, PointsEntry
from shared.loyalty.ports import LoyaltyStore
from shared.transactions import Refused, Transaction

WRITES_PER_ENTRY = 2  # the ledger entry and the account: room a transaction must keep for points


def add_earned(*, tx: Transaction, loyalty: LoyaltyStore | None, customer_id: str | None, purchase_id: str,
               paid_cents: int, at: datetime) -> PointsEntry | None:
    """A purchase's points, when it belongs to a customer."""
    if loyalty is None or not customer_id:
        return None
    entry = model.earned(customer_id=customer_id, purchase_id=purchase_id, paid_cents=paid_cents, at=at)
    loyalty.add_entry(tx, entry=entry)
    return entry


def add_taken_back(*, tx: Transaction, loyalty: LoyaltyStore | None, customer_id: str | None, return_id: str,
                   refund_cents: int, at: datetime) -> PointsEntry | None:
    """A refund's points back, as far as the balance read now holds them. Should the balance fall
    before the commit (another refund, a redemption), the commit is refused (``refused_by_points``)
    and the caller tries again on a fresh read."""
    if loyalty is None or not customer_id:
        return None
    entry = model.taken_back(account=loyalty.account(customer_id), return_id=return_id, refund_cents=refund_cents,
                             at=at)
    loyalty.add_entry(tx, entry=entry)
    return entry


def refused_by_points(*, refused: Refused) -> bool:
    """Only the account's balance stood in the way: read it again and retry."""
    return bool(refused.of(AccountChange)) and len(refused.of(AccountChange)) == len(refused.failures)


def points(*, loyalty: LoyaltyStore, caller: Caller, customer_id: str | None = None, limit: int = 20,
           cursor: str | None = None) -> tuple[PointsAccount, list[PointsEntry], str | None]:
    """A customer's own points, or (staff, head office) any customer's: balance, tier and history."""
    if caller.role == "customer":
        if customer_id is not None and customer_id != caller.subject:
            raise NotFound("Customer was not found.")
        customer_id = caller.subject
    else:
        caller.require({"staff", "admin"})
    if not customer_id:
        raise NotFound("Customer was not found.")
    account = loyalty.account(customer_id)
    entries, next_cursor = loyalty.history(customer_id, limit, cursor)
    return account, entries, next_cursor
