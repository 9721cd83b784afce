"""Loyalty: points earned on purchases in every channel, taken back on refunds, redeemed on orders; tiers."""
