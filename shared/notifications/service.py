"""Telling a customer about their orders, holds, receipts and returns, and asking for reviews: which
message, in their language, by which channels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.catalog.model import Text
from shared.customers.model import Channel, Customer
from shared.locations.directory import LocationDirectory
from shared.notifications.model import NO_NEWS, Links, OrderNews, ReviewRequest, ReviewSource, language_or
from shared.notifications.ports import CustomerContacts, EmailSender, ReviewSchedule, SmsSender
from shared.notifications.templates import (
    ACCOUNT,
    FREE,
    PAYMENT,
    READY,
    RETURN_TEMPLATES,
    STATUS,
    TEMPLATES,
    TRACKING,
    WEEKDAYS,
    WHEN,
    render,
)
from shared.orders.model import Contact, Order, OrderStatus
from shared.purchases.model import Purchase, PurchaseChannel
from shared.returns.model import Return

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def _line(quantity: int, sku: str, name: Text | None, language: str) -> str:
    """``2 x Rain jacket navy (JKT-RAIN-NAVY-M)``: the name the customer knows, the SKU staff scan."""
    return f"{quantity} x {name.in_(language)} ({sku})" if name else f"{quantity} x {sku}"


def notify_customer(*, event_type: str, order: Order, directory: LocationDirectory, email: EmailSender,
                    sms: SmsSender, links: Links, news: OrderNews = NO_NEWS) -> list[str]:
    """Sends the message for this event; returns the message ids. Unknown events send nothing, nor
    does a changed promise without a date. ``news`` is what the event adds to the order it read."""
    if event_type not in TEMPLATES or (event_type == "OrderPromiseChanged" and news.earliest_date is None):
        return []
    for_delivery = f"{event_type}.delivery"
    template = for_delivery if news.delivered_to_customer and for_delivery in TEMPLATES else event_type
    location = directory.get(order.location_id)
    language = language_or(order.contact.language)
    deadline = order.pickup_deadline.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M") if order.pickup_deadline else ""
    names = {x.sku: x.name for x in order.lines}
    values = {
        "order_ref": order.order_id[:8].upper(), "store": location.name,
        "address": f"{location.address.street}, {location.address.city}", "code": order.pickup_code or "",
        "deadline": deadline, "payment": PAYMENT.get((order.payment.value, language), ""),
        "lines": "\n".join(_line(x.quantity, x.sku, x.name, language) for x in order.lines if not x.short),
        "short_lines": "\n".join(_line(x.quantity, x.sku, x.name, language) for x in order.lines if x.short),
        "status": STATUS[language].format(url=links.order(order.order_id)),
        "ready": READY[language].format(day=_day_text(news.earliest_date, language)) if news.earliest_date else "",
        "when": _when(news, language),
        "fee": euros(cents=news.delivery_fee_cents, language=language) if news.delivery_fee_cents else FREE[language],
        "tracking": _tracking(news.tracking_urls, language),
        "new_date": _day_text(news.earliest_date, language) if news.earliest_date else "",
        "parcel": "\n".join(_line(quantity, sku, names.get(sku), language) for sku, quantity in news.lines),
    }
    message = render(template, language, values)
    # an erased customer's order keeps no address: nothing to send it to
    sent = [email.send(order.contact.email, message.subject, message.body)] if order.contact.email else []
    if order.contact.phone and event_type in ("OrderReadyForPickup", "OrderPickupReminder", "OrderLineShort"):
        sent.append(sms.send(order.contact.phone, message.sms))
    return sent


def _day_text(day: date, language: str) -> str:
    """``woensdag 25-11-2026`` / ``Wednesday 25-11-2026``: the weekday in the customer's language."""
    return f"{WEEKDAYS[language][day.weekday()]} {day:%d-%m-%Y}"


def _when(news: OrderNews, language: str) -> str:
    """A delivery's promise: its slot in local time, else the expected date."""
    if news.slot_starts_at and news.slot_ends_at:
        start, end = news.slot_starts_at.astimezone(LOCAL_TIME), news.slot_ends_at.astimezone(LOCAL_TIME)
        return WHEN[("slot", language)].format(day=_day_text(start.date(), language), start=f"{start:%H:%M}",
                                               end=f"{end:%H:%M}")
    if news.earliest_date:
        return WHEN[("date", language)].format(day=_day_text(news.earliest_date, language))
    return WHEN[("unknown", language)]


def _tracking(urls: tuple[str, ...], language: str) -> str:
    how_many = "none" if not urls else "one" if len(urls) == 1 else "many"
    return TRACKING[(how_many, language)].format(urls="\n".join(urls))


def euros(*, cents: int, language: str) -> str:
    text = f"{cents // 100},{cents % 100:02d}" if language == "nl" else f"{cents // 100}.{cents % 100:02d}"
    return f"\u20ac {text}"


def receipt_language(*, purchase: Purchase, contact: Contact | None, store_language: str) -> str:
    """A customer's own language; else the one the till asked for; else the store's (else Dutch)."""
    return language_or(contact.language if contact else None, purchase.receipt_language, store_language)


def send_e_receipt(*, purchase: Purchase, directory: LocationDirectory, email: EmailSender,
                   contacts: CustomerContacts, links: Links, names: Mapping[str, Text] | None = None) -> list[str]:
    """A store sale's e-receipt, when the customer asked for one (web orders get theirs at pickup),
    written and with amounts in one language, with a link to the account (or an invitation to one)."""
    if not purchase.receipt_email or purchase.channel is not PurchaseChannel.STORE:
        return []
    location = directory.get(purchase.location_id)
    contact = contacts.contact_of(purchase.customer_id) if purchase.customer_id else None
    language = receipt_language(purchase=purchase, contact=contact, store_language=location.language)
    lines = [f"{_line(x.quantity, x.sku, (names or {}).get(x.sku), language)}  "
             f"{euros(cents=x.quantity * x.unit_price_cents, language=language)}" for x in purchase.lines]
    account = ACCOUNT[("account" if contact else "invitation", language)].format(url=links.account_url)
    values = {"store": location.name, "reference": purchase.reference, "account": account,
              "amount": euros(cents=purchase.total_cents, language=language), "lines": "\n".join(lines)}
    message = render("PurchaseRecorded", language, values)
    return [email.send(purchase.receipt_email, message.subject, message.body)]


def confirm_reservation(*, reservation_id: str, customer_id: str, location_id: str, lines: list[tuple[str, int]],
                        held_until: datetime, directory: LocationDirectory, contacts: CustomerContacts,
                        email: EmailSender) -> list[str]:
    """Tells the customer what is held for them, where and until when; nothing without a contact."""
    contact = contacts.contact_of(customer_id)
    if contact is None:
        return []
    location = directory.get(location_id)
    language = language_or(contact.language)
    values = {"reservation_ref": reservation_id[:8].upper(), "store": location.name,
              "address": f"{location.address.street}, {location.address.city}",
              "lines": "\n".join(f"{quantity} x {sku}" for sku, quantity in lines),
              "until": held_until.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")}
    message = render("ReservationCreated", language, values)
    return [email.send(contact.email, message.subject, message.body)]


# -- review requests: scheduled when the customer has the goods, asked for when due ---------------


HAD_THE_GOODS = frozenset({OrderStatus.COLLECTED, OrderStatus.DELIVERED})  # the customer has the goods


def schedule_review_of_order(*, order: Order, received_at: datetime, reviews: ReviewSchedule,
                             wait: timedelta) -> bool:
    """A collected or delivered order's review request, due ``wait`` after the customer had the goods
    (once per order)."""
    if order.status not in HAD_THE_GOODS:
        return False
    return reviews.schedule(ReviewRequest.after(
        source=ReviewSource.ORDER, source_id=order.order_id, location_id=order.location_id,
        customer_id=order.customer_id, skus=[x.sku for x in order.lines if not x.short], received_at=received_at,
        wait=wait))


def schedule_review_of_purchase(*, purchase: Purchase, reviews: ReviewSchedule, wait: timedelta) -> bool:
    """A till sale's review request when the customer is known (account or e-receipt); a collected
    order's purchase is not scheduled again (its order is)."""
    if purchase.channel is not PurchaseChannel.STORE or not (purchase.customer_id or purchase.receipt_email):
        return False
    return reviews.schedule(ReviewRequest.after(
        source=ReviewSource.PURCHASE, source_id=purchase.purchase_id, location_id=purchase.location_id,
        customer_id=purchase.customer_id, skus=[x.sku for x in purchase.lines], received_at=purchase.purchased_at,
        wait=wait))


def request_due_reviews(*, reviews: ReviewSchedule, now: datetime) -> int:
    """Marks every due request as requested (its ReviewRequested event follows from the change);
    overlapping sweeps mark each once. Returns how many this sweep marked."""
    return sum(1 for request in reviews.due(now) if reviews.mark_requested(request, now))


def send_review_request(*, source: ReviewSource, skus: list[str], location_id: str, order: Order | None,
                        purchase: Purchase | None, directory: LocationDirectory, contacts: CustomerContacts,
                        email: EmailSender, links: Links) -> list[str]:
    """Asks for a review with a link per product: to the order's contact, or to a till sale's
    customer (their account's address) or the address its e-receipt went to."""
    location = directory.get(location_id)
    if source is ReviewSource.ORDER:
        if order is None or not order.contact.email:  # an erased customer's order has no address left
            return []
        to, language = order.contact.email, language_or(order.contact.language)
    else:
        if purchase is None:
            return []
        contact = contacts.contact_of(purchase.customer_id) if purchase.customer_id else None
        if contact is None and not purchase.receipt_email:
            return []
        to = contact.email if contact else str(purchase.receipt_email)
        language = receipt_language(purchase=purchase, contact=contact, store_language=location.language)
    values = {"store": location.name, "products": "\n".join(f"{sku}: {links.product(sku)}" for sku in skus)}
    message = render("ReviewRequested", language, values)
    return [email.send(to, message.subject, message.body)]


def notify_return(*, event_type: str, ret: Return, directory: LocationDirectory, email: EmailSender) -> list[str]:
    if event_type not in RETURN_TEMPLATES or not ret.contact_email:
        return []
    location = directory.get(ret.location_id)
    values = {"return_ref": ret.return_id[:8].upper(), "store": location.name,
              "address": f"{location.address.street}, {location.address.city}",
              "amount": euros(cents=ret.refund_cents, language=ret.language), "reference": ret.refund_reference or "",
              "lines": "\n".join(f"{x.quantity} x {x.sku}" for x in ret.lines)}
    message = render(event_type, ret.language, values)
    return [email.send(ret.contact_email, message.subject, message.body)]


def invite_customer(*, customer: Customer, account_url: str, email: EmailSender) -> list[str]:
    """A customer enrolled in a store is invited to activate their online account (an online sign-up has one)."""
    if customer.erased or not customer.email or customer.created_by is not Channel.STORE:
        return []
    link = f"{account_url.rstrip('/')}/activate?card={customer.card_number}"
    message = render("CustomerRegistered", customer.language,
                     {"name": customer.name or "", "card": customer.card_number, "link": link})
    return [email.send(customer.email, message.subject, message.body)]
