"""What a store device shows for an event, in the store's language, with a deep link."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.devices.model import StoreMessage
from shared.locations.model import Location

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "OrderPlaced": {"nl": ("Nieuwe click & collect-bestelling", "{ref}: {lines}. Leg de artikelen klaar."),
                    "en": ("New click & collect order", "{ref}: {lines}. Please set the items aside.")},
    "ReservationCreated": {"nl": ("Nieuwe reservering", "{lines} gereserveerd tot {until}."),
                           "en": ("New reservation", "{lines} reserved until {until}.")},
    "OrderPickupReminder": {"nl": ("Bestelling nog niet opgehaald", "{ref} ligt klaar; de ophaaltermijn loopt af."),
                            "en": ("Order not collected yet", "{ref} is waiting; its pickup window ends soon.")},
    "OrderCancelled": {"nl": ("Bestelling geannuleerd", "{ref} is geannuleerd; zet de artikelen terug."),
                       "en": ("Order cancelled", "{ref} was cancelled; put the items back.")},
    "StockLow": {"nl": ("Voorraad bijna op", "{sku}: nog {available} beschikbaar."),
                 "en": ("Stock running low", "{sku}: {available} left.")},
    "OutOfStock": {"nl": ("Uitverkocht", "{sku} is niet meer beschikbaar in deze winkel."),
                   "en": ("Out of stock", "{sku} is no longer available in this store.")},
    "StockShortfall": {"nl": ("Tekort aan gereserveerde voorraad",
                              "{sku}: {shortfall} minder dan gereserveerd voor klanten; betrokken "
                              "bestellingen en reserveringen worden bijgewerkt."),
                       "en": ("Held stock short",
                              "{sku}: {shortfall} fewer than held for customers; the orders and "
                              "reservations affected are being updated.")},
    "ReturnApproved": {"nl": ("Retour onderweg", "Retour {ref} komt naar deze winkel: {lines}."),
                       "en": ("Return on its way", "Return {ref} is coming to this store: {lines}.")},
    "FulfilmentRequested": {"nl": ("Verzenden vanuit de winkel", "{items} voor bestelling {ref}{by}."),
                            "en": ("Ship from store", "{items} for order {ref}{by}.")},
    "TransferDispatched": {"nl": ("Overboeking onderweg",
                                  "Onderweg naar deze winkel: {items} voor bestelling {ref}, van {source}."),
                           "en": ("Transfer on its way",
                                  "On its way to this store: {items} for order {ref}, from {source}.")},
}
LINK = {"OrderPlaced": "/orders/{order_id}", "OrderPickupReminder": "/orders/{order_id}",
        "OrderCancelled": "/orders/{order_id}", "ReservationCreated": "/reservations/{reservation_id}",
        "StockLow": "/stock/{sku}", "StockShortfall": "/stock/{sku}",
        "OutOfStock": "/stock/{sku}", "ReturnApproved": "/returns/{return_id}",
        "FulfilmentRequested": "/orders/{order_id}/fulfilments/{fulfilment_id}",
        "TransferDispatched": "/orders/{order_id}/fulfilments/{fulfilment_id}"}
ITEMS = {("one", "nl"): "1 artikel", ("many", "nl"): "{n} artikelen",
         ("one", "en"): "1 item", ("many", "en"): "{n} items"}
BY = {"nl": ", uiterlijk {day}", "en": ", by {day}"}


def _items(lines: list[dict[str, Any]], language: str) -> str:
    n = sum(int(line.get("quantity", 0)) for line in lines if not line.get("short"))
    return ITEMS[("one" if n == 1 else "many", language)].format(n=n)


def _by(earliest_date: object, language: str) -> str:
    """When the customer was promised the goods, as the store writes a date; nothing without one."""
    return BY[language].format(day=f"{date.fromisoformat(str(earliest_date)):%d-%m-%Y}") if earliest_date else ""


def store_message(detail_type: str, data: dict[str, Any], location: Location) -> StoreMessage | None:
    if detail_type not in TEXTS:
        return None
    if detail_type == "ReservationCreated" and data.get("order_id"):
        return None  # an order's own hold: the store is told about the order itself
    ident = data.get("order_id") or data.get("reservation_id") or data.get("return_id") or ""
    language = location.language if location.language in ("nl", "en") else "nl"
    values = {
        "ref": str(ident)[:8].upper(), "sku": data.get("sku", ""), "available": data.get("available", 0),
        "shortfall": data.get("shortfall", 0),
        "until": str(data.get("expires_at", ""))[:16].replace("T", " "),
        "lines": ", ".join(f"{line['quantity']} x {line['sku']}" for line in data.get("lines", [])
                           if not line.get("short")),
        "items": _items(data.get("lines", []), language), "by": _by(data.get("earliest_date"), language),
        "source": data.get("source_id", ""),
    }
    title, body = TEXTS[detail_type][language]
    link = LINK[detail_type].format(**{k: data.get(k, "") for k in (
        "order_id", "reservation_id", "return_id", "sku", "fulfilment_id")})
    return StoreMessage(title=title, body=body.format(**values), kind=detail_type, link=link,
                        location_id=location.location_id)
