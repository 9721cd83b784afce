"""The server owns the price: how a reservation, order or till line gets its price (pure).

Every line is priced from the catalog valid at its moment (``PriceList.prices``); a client's
price is only ever compared with it: a web shop's "shown" price that is out of date is a 409
``price-changed``, a till that charged another price needs a staff override with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from shared.catalog.model import PriceList, Text, UnitPrice, UnknownSkus
from shared.catalog.ports import PriceLists
from shared.errors import Conflict, InvalidRequest

MAX_REASON = 200


class PriceChanged(Conflict):
    """The customer was shown another price than the one that holds now: nothing was held."""

    def __init__(self, prices: Iterable[UnitPrice], shown: Mapping[str, int]) -> None:
        listed = list(prices)
        current = [{"sku": p.sku, "unit_price_cents": p.price_cents, "list_price_cents": p.list_price_cents,
                    "promotion_id": p.promotion_id, "shown_cents": shown.get(p.sku)} for p in listed]
        changed = sorted(p.sku for p in listed if shown.get(p.sku) not in (None, p.price_cents))
        super().__init__(f"The price of {', '.join(changed)} changed; show the current prices and "
                         "place the order again.", prices=current, skus=changed)


class PriceOverrideRequired(InvalidRequest):
    """A till line charged another price than the catalog's without a staff override and reason."""

    def __init__(self, skus: Iterable[str]) -> None:
        named = sorted(set(skus))
        super().__init__(f"Charged another price than the catalog for {', '.join(named)}: a price override "
                         "with a reason and the approving staff member is required.", field="lines", skus=named)


def priced(catalog: PriceLists, skus: Iterable[str], at: datetime) -> tuple[PriceList, dict[str, UnitPrice]]:
    """The catalog of these SKUs (one read) and each one's price at ``at``; UnknownSkus names the rest."""
    wanted = list(dict.fromkeys(skus))
    price_list = catalog.price_list(wanted)
    return price_list, price_list.prices(wanted, at)


def name_of(price_list: PriceList, sku: str) -> Text | None:
    entry = price_list.entries.get(sku)
    return None if entry is None else entry.name


def attributes_of(price_list: PriceList, sku: str) -> tuple[tuple[str, str], ...]:
    entry = price_list.entries.get(sku)
    return () if entry is None else entry.attributes


def check_shown(prices: Mapping[str, UnitPrice], shown: Mapping[str, int] | None) -> None:
    """409 when a price the customer was shown is not the price now (lines without one are not checked)."""
    if shown and any(prices[sku].price_cents != cents for sku, cents in shown.items() if sku in prices):
        raise PriceChanged(prices.values(), shown)


__all__ = ["MAX_REASON", "PriceChanged", "PriceOverrideRequired", "UnknownSkus", "attributes_of", "check_shown",
           "name_of", "priced"]
