"""Points and tiers (pure): what a purchase earns, what a refund takes back, what points are worth.

Every change of a customer's points is one ledger entry, named by its reason and the thing it
is for (a purchase, a return, an order's redemption): one entry per source, so a retry or a
redelivered event can never book it twice. The account holds the sums, which never go below 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.errors import Conflict, InvalidRequest

CENTS_PER_POINT = 100  # one point per whole euro paid, in every channel
# Tiers by what a customer kept (spend net of returns): seed 003 tags customers by spend; the
# thresholds are the retailer's marketing choice, a few purchases apart for a regular customer.
SILVER_FROM_CENTS = 250_00
GOLD_FROM_CENTS = 1_000_00
# Redeemed in blocks: 100 points are 5 EUR off (5% back on what earned them), no change given.
REDEEM_BLOCK_POINTS = 100
REDEEM_BLOCK_CENTS = 500


class Tier(StrEnum):
    BRONZE = "BRONZE"
    SILVER = "SILVER"
    GOLD = "GOLD"


def tier_for(net_spend_cents: int) -> Tier:
    if net_spend_cents >= GOLD_FROM_CENTS:
        return Tier.GOLD
    if net_spend_cents >= SILVER_FROM_CENTS:
        return Tier.SILVER
    return Tier.BRONZE


class Reason(StrEnum):
    EARNED = "earned"  # a purchase (source: purchase id)
    TAKEN_BACK = "taken_back"  # a return's refund (source: return id)
    REDEEMED = "redeemed"  # points spent as a discount on an order (source: order id)
    RESTORED = "restored"  # an order's redeemed points back: cancelled or not collected (source: order id)


class NotEnoughPoints(Conflict):
    """A redemption of more points than the balance holds: points never go negative."""


@dataclass(frozen=True)
class PointsEntry:
    """One change of a customer's points (signed) and of their net spend, for one source."""

    customer_id: str
    source_id: str
    reason: Reason
    points: int
    at: datetime
    spend_cents: int = 0  # what it changes the spend the tier is counted from (a refund lowers it)

    @property
    def key(self) -> str:
        """Unique per reason and source: the ledger's exactly-once key."""
        return f"{self.reason.value}#{self.source_id}"


@dataclass(frozen=True)
class AccountChange:
    """An entry's effect on the account: refused when it would take the balance (or spend) below 0."""

    entry: PointsEntry


@dataclass(frozen=True)
class PointsAccount:
    customer_id: str
    balance: int = 0
    net_spend_cents: int = 0
    earned: int = 0  # every point ever earned (the ledger's EARNED entries)
    version: int = 0  # counts the entries booked: 0 is an account nothing was booked on yet

    @property
    def tier(self) -> Tier:
        return tier_for(self.net_spend_cents)

    def after(self, entry: PointsEntry) -> PointsAccount | None:
        """The account with the entry booked, or None when it would go below 0."""
        balance, spend = self.balance + entry.points, self.net_spend_cents + entry.spend_cents
        if balance < 0 or (entry.spend_cents < 0 and spend < 0):
            return None
        return PointsAccount(self.customer_id, balance, spend,
                             self.earned + (entry.points if entry.reason is Reason.EARNED else 0), self.version + 1)


def points_for(paid_cents: int) -> int:
    """1 point per whole euro (nothing for a purchase paid entirely with points)."""
    return max(0, paid_cents) // CENTS_PER_POINT


def earned(*, customer_id: str, purchase_id: str, paid_cents: int, at: datetime) -> PointsEntry:
    return PointsEntry(customer_id, purchase_id, Reason.EARNED, points_for(paid_cents), at, max(0, paid_cents))


def taken_back(*, account: PointsAccount, return_id: str, refund_cents: int, at: datetime) -> PointsEntry:
    """What the refund's euros earned, but never more than the balance holds (points spent are
    spent): the entry records what was actually taken. Net spend falls by the refund (not below 0)."""
    points = min(points_for(refund_cents), max(0, account.balance))
    spend = min(max(0, refund_cents), max(0, account.net_spend_cents))
    return PointsEntry(account.customer_id, return_id, Reason.TAKEN_BACK, -points, at, -spend)


def discount_cents(points: int) -> int:
    return points // REDEEM_BLOCK_POINTS * REDEEM_BLOCK_CENTS


def redeemed(*, account: PointsAccount, order_id: str, points: int, total_cents: int, at: datetime) -> PointsEntry:
    """Points off the balance as a discount on an order: whole blocks, at most the balance, and no
    more than the order costs."""
    if points <= 0 or points % REDEEM_BLOCK_POINTS:
        raise InvalidRequest(f"Points are redeemed in blocks of {REDEEM_BLOCK_POINTS}.", field="redeem_points")
    if discount_cents(points) > total_cents:
        raise InvalidRequest("More points than the order costs.", field="redeem_points")
    if points > account.balance:
        raise NotEnoughPoints(f"Only {account.balance} points can be redeemed.", balance=account.balance)
    return PointsEntry(account.customer_id, order_id, Reason.REDEEMED, -points, at)


def restored(*, customer_id: str, order_id: str, points: int, at: datetime) -> PointsEntry:
    """An order's redeemed points back, when it ends without being collected."""
    return PointsEntry(customer_id, order_id, Reason.RESTORED, points, at)
