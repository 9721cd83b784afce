"""API models for points: a customer's balance, tier and ledger."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from shared.loyalty.model import PointsAccount, PointsEntry, Reason, Tier


class PointsEntryView(BaseModel, defer_build=True):
    source_id: str  # the purchase, return or order it was for
    reason: Reason
    points: int  # signed: what it added to or took from the balance
    at: datetime

    @staticmethod
    def of(entry: PointsEntry) -> PointsEntryView:
        return PointsEntryView(source_id=entry.source_id, reason=entry.reason, points=entry.points, at=entry.at)


class PointsView(BaseModel, defer_build=True):
    customer_id: str
    balance: int
    tier: Tier
    net_spend_cents: int
    history: list[PointsEntryView]
    next_cursor: str | None = None

    @staticmethod
    def of(account: PointsAccount, entries: list[PointsEntry], next_cursor: str | None) -> PointsView:
        return PointsView(customer_id=account.customer_id, balance=account.balance, tier=account.tier,
                          net_spend_cents=account.net_spend_cents, history=[PointsEntryView.of(e) for e in entries],
                          next_cursor=next_cursor)
