"""Telling a customer about their order: which message, in their language, by which channels."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from shared.customers.model import Channel, Customer
from shared.locations.directory import LocationDirectory
from shared.notifications.ports import EmailSender, SmsSender
from shared.notifications.templates import PAYMENT, RETURN_TEMPLATES, TEMPLATES, render
from shared.orders.model import Order
from shared.purchases.model import Purchase, PurchaseChannel
from shared.returns.model import Return

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def notify_customer(*, event_type: str, order: Order, directory: LocationDirectory, email: EmailSender,
                    sms: SmsSender) -> list[str]:
    """Sends the message for this event; returns the message ids. Unknown events send nothing."""
    if event_type not in TEMPLATES:
        return []
    location = directory.get(order.location_id)
    language = order.contact.language
    deadline = order.pickup_deadline.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M") if order.pickup_deadline else ""
    values = {
        "order_ref": order.order_id[:8].upper(), "store": location.name,
        "address": f"{location.address.street}, {location.address.city}", "code": order.pickup_code or "",
        "deadline": deadline, "payment": PAYMENT[(order.payment.value, language)],
        "lines": "\n".join(f"{line.quantity} x {line.sku}" for line in order.lines if not line.short),
        "short_lines": "\n".join(f"{line.quantity} x {line.sku}" for line in order.lines if line.short),
    }
    message = render(event_type, language, values)
    sent = [email.send(order.contact.email, message.subject, message.body)]
    if order.contact.phone and event_type in ("OrderReadyForPickup", "OrderPickupReminder", "OrderLineShort"):
        sent.append(sms.send(order.contact.phone, message.sms))
    return sent


def euros(*, cents: int, language: str) -> str:
    text = f"{cents // 100},{cents % 100:02d}" if language == "nl" else f"{cents // 100}.{cents % 100:02d}"
    return f"\u20ac {text}"


def send_e_receipt(*, purchase: Purchase, directory: LocationDirectory, email: EmailSender) -> list[str]:
    """A store sale's e-receipt, when the customer asked for one (web orders get theirs at pickup)."""
    if not purchase.receipt_email or purchase.channel is not PurchaseChannel.STORE:
        return []
    location = directory.get(purchase.location_id)
    lines = [f"{x.quantity} x {x.sku}  {euros(cents=x.quantity * x.unit_price_cents, language='nl')}"
             for x in purchase.lines]
    values = {"store": location.name, "reference": purchase.reference,
              "amount": euros(cents=purchase.total_cents, language="nl"), "lines": "\n".join(lines)}
    message = render("PurchaseRecorded", location.language, values)
    return [email.send(purchase.receipt_email, message.subject, message.body)]


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
