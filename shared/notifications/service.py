"""Telling a customer about their order: which message, in their language, by which channels."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from shared.locations.directory import LocationDirectory
from shared.notifications.ports import EmailSender, SmsSender
from shared.notifications.templates import PAYMENT, TEMPLATES, render
from shared.orders.model import Order

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def notify_customer(event_type: str, order: Order, directory: LocationDirectory, email: EmailSender,
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
