"""What goes with what: accessory categories per product category, for suggestions at pickup.

A SKU's category is its first segment (JKT-RAIN-NAVY-M is a jacket). The rules are the
retailer's merchandising choice; they live here as data until a catalogue service owns them.
"""

from __future__ import annotations

ACCESSORIES: dict[str, tuple[str, ...]] = {
    "JKT": ("SCF", "BAG"),
    "SNK": ("SOCK",),
    "JNS": ("TEE", "SOCK"),
    "SWT": ("SCF", "TEE"),
    "TEE": ("SOCK",),
    "BAG": ("SCF",),
}


def category(sku: str) -> str:
    return sku.split("-", 1)[0]


def goes_with(skus: list[str]) -> set[str]:
    """Categories worth suggesting with these SKUs (not their own)."""
    own = {category(sku) for sku in skus}
    return {c for cat in own for c in ACCESSORIES.get(cat, ())} - own
