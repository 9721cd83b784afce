"""What a customer reads, per event and language. Plain text: it survives every mail client.

Placeholders: {order_ref} / {return_ref} (short numbers), {store}, {address}, {code}, {deadline},
{lines} (one per line), {short_lines}, {payment}, {amount}, {reference}, {account} (the e-receipt's
link to the account, or an invitation to make one), {until} (a hold's end), {products} (one link per line);
{name}, {card}, {link} (a store-enrolled customer's invitation to activate their account);
{status} (the link to the order's status page), {ready} (when a pickup order is expected ready, or nothing),
{when} (a delivery's slot or expected date), {fee} (the delivery fee), {tracking} (the parcels' tracking links),
{new_date} (a changed promise), {parcel} (the lines of a parcel, one per line).
A key "<event>.delivery" is the message for an order delivered to the customer, where it differs.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "OrderPlaced": {
        "nl": ("Je bestelling {order_ref} is ontvangen",
               "Bedankt! We leggen je bestelling klaar in {store}.\n\n{lines}\n\n"
               "{ready}Je krijgt bericht zodra je hem kunt ophalen.\n\n{status}"),
        "en": ("We have received your order {order_ref}",
               "Thank you! We are preparing your order at {store}.\n\n{lines}\n\n"
               "{ready}We will let you know as soon as you can collect it.\n\n{status}"),
    },
    "OrderPlaced.delivery": {
        "nl": ("Je bestelling {order_ref} is ontvangen",
               "Bedankt! {when}\n\n{lines}\n\nBezorgkosten: {fee}\n{payment}\n\n{status}"),
        "en": ("We have received your order {order_ref}",
               "Thank you! {when}\n\n{lines}\n\nDelivery: {fee}\n{payment}\n\n{status}"),
    },
    "OrderShipped": {
        "nl": ("Je bestelling {order_ref} is onderweg",
               "Je bestelling is verzonden.\n\n{lines}\n\n{tracking}\n\n{status}"),
        "en": ("Your order {order_ref} is on its way",
               "Your order has been shipped.\n\n{lines}\n\n{tracking}\n\n{status}"),
    },
    "OrderDelivered": {
        "nl": ("Je bestelling {order_ref} is bezorgd",
               "Je bestelling is bezorgd. Veel plezier ermee!\n\n{lines}\n\n{status}"),
        "en": ("Your order {order_ref} was delivered",
               "Your order was delivered. Enjoy!\n\n{lines}\n\n{status}"),
    },
    "OrderPromiseChanged": {
        "nl": ("Nieuwe datum voor je bestelling {order_ref}",
               "De verwachte datum van je bestelling is veranderd: we verwachten dat hij op {new_date} "
               "voor je klaarligt in {store}. Je krijgt bericht zodra je hem kunt ophalen.\n\n{status}"),
        "en": ("A new date for your order {order_ref}",
               "The expected date of your order has changed: we now expect it to be ready for you at {store} "
               "on {new_date}. We will let you know as soon as you can collect it.\n\n{status}"),
    },
    "OrderPromiseChanged.delivery": {
        "nl": ("Nieuwe datum voor je bestelling {order_ref}",
               "De verwachte datum van je bestelling is veranderd: we verwachten hem op {new_date} te "
               "bezorgen.\n\n{status}"),
        "en": ("A new date for your order {order_ref}",
               "The expected date of your order has changed: we now expect to deliver it on {new_date}."
               "\n\n{status}"),
    },
    "ShipmentFailed": {
        "nl": ("We konden je bestelling {order_ref} niet bezorgen",
               "Het is de vervoerder niet gelukt dit af te leveren:\n\n{parcel}\n\n"
               "We zoeken uit wat er is gebeurd en laten je weten hoe het verder gaat.\n\n{status}"),
        "en": ("We could not deliver your order {order_ref}",
               "The carrier could not deliver this:\n\n{parcel}\n\n"
               "We are finding out what happened and will let you know what happens next.\n\n{status}"),
    },
    "OrderReadyForPickup": {
        "nl": ("Je bestelling {order_ref} ligt klaar",
               "Je bestelling ligt klaar in {store}, {address}.\n\n{lines}\n\n"
               "Je ophaalcode: {code}\nHaal je bestelling op vóór {deadline}. {payment}"),
        "en": ("Your order {order_ref} is ready for pickup",
               "Your order is ready at {store}, {address}.\n\n{lines}\n\n"
               "Your pickup code: {code}\nPlease collect it before {deadline}. {payment}"),
    },
    "OrderPickupReminder": {
        "nl": ("Herinnering: haal je bestelling {order_ref} op",
               "Je bestelling ligt nog klaar in {store}, tot {deadline}.\nJe ophaalcode: {code}"),
        "en": ("Reminder: collect your order {order_ref}",
               "Your order is still waiting at {store}, until {deadline}.\nYour pickup code: {code}"),
    },
    "OrderLineShort": {
        "nl": ("Een artikel uit je bestelling {order_ref} is niet beschikbaar",
               "Sorry, we konden dit niet vinden in {store}:\n{short_lines}\n\n"
               "De rest van je bestelling leggen we voor je klaar. Je betaalt niet voor wat ontbreekt."),
        "en": ("An item in your order {order_ref} is not available",
               "Sorry, we could not find this at {store}:\n{short_lines}\n\n"
               "We are preparing the rest of your order. You do not pay for what is missing."),
    },
    "OrderCollected": {
        "nl": ("Bon van je bestelling {order_ref}",
               "Bedankt voor het ophalen in {store}.\n\n{lines}\n\n{payment}\nBewaar deze e-mail als bon."),
        "en": ("Receipt for your order {order_ref}",
               "Thank you for collecting your order at {store}.\n\n{lines}\n\n{payment}\n"
               "Keep this e-mail as your receipt."),
    },
    "OrderCancelled": {
        "nl": ("Je bestelling {order_ref} is geannuleerd",
               "Je bestelling bij {store} is geannuleerd. Heb je al betaald, dan krijg je je geld terug."),
        "en": ("Your order {order_ref} was cancelled",
               "Your order at {store} was cancelled. If you paid already, you will get your money back."),
    },
    "OrderNotCollected": {
        "nl": ("Je bestelling {order_ref} is niet opgehaald",
               "Je bestelling lag tot {deadline} klaar in {store} en is niet opgehaald. "
               "Heb je al betaald, dan krijg je je geld terug."),
        "en": ("Your order {order_ref} was not collected",
               "Your order waited at {store} until {deadline} and was not collected. "
               "If you paid already, you will get your money back."),
    },
}
RETURN_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "ReturnRequested": {
        "nl": ("Je retour {return_ref} is aangemeld", "We hebben je retour aangemeld bij {store}.\n\n{lines}"),
        "en": ("Your return {return_ref} is registered", "We registered your return at {store}.\n\n{lines}"),
    },
    "ReturnApproved": {
        "nl": ("Je retour {return_ref} is goedgekeurd", "Breng of stuur de artikelen naar {store}, {address}."),
        "en": ("Your return {return_ref} is approved", "Bring or send the items to {store}, {address}."),
    },
    "ReturnRejected": {
        "nl": ("Je retour {return_ref} is afgewezen", "We kunnen deze retour helaas niet aannemen."),
        "en": ("Your return {return_ref} was rejected", "Unfortunately we cannot accept this return."),
    },
    "ReturnReceived": {
        "nl": ("We hebben je retour {return_ref} ontvangen", "Je retour is binnen bij {store}; we bekijken hem nu."),
        "en": ("We received your return {return_ref}", "Your return arrived at {store}; we are checking it now."),
    },
    "ReturnInspected": {
        "nl": ("Je retour {return_ref} is gecontroleerd", "We storten {amount} terug op je oorspronkelijke betaling."),
        "en": ("Your return {return_ref} was checked", "We are refunding {amount} to your original payment."),
    },
    "ReturnRefunded": {
        "nl": ("Je geld voor retour {return_ref} is teruggestort",
               "{amount} is teruggestort (referentie {reference})."),
        "en": ("Your refund for return {return_ref} was paid", "{amount} was refunded (reference {reference})."),
    },
    "ReturnClosed": {
        "nl": ("Je retour {return_ref} is afgerond", "Bedankt. Je retour is afgerond."),
        "en": ("Your return {return_ref} is complete", "Thank you. Your return is complete."),
    },
    "PurchaseRecorded": {
        "nl": ("Je kassabon van {store}", "Bedankt voor je aankoop bij {store}.\n\n{lines}\n\nTotaal: {amount}\n"
               "Bon {reference}\n\n{account}"),
        "en": ("Your receipt from {store}", "Thank you for shopping at {store}.\n\n{lines}\n\nTotal: {amount}\n"
               "Receipt {reference}\n\n{account}"),
    },
}
MESSAGE_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "ReservationCreated": {
        "nl": ("Je reservering {reservation_ref} bij {store}",
               "We houden dit voor je apart in {store}, {address}:\n\n{lines}\n\n"
               "Het ligt voor je klaar tot {until}. Je betaalt in de winkel."),
        "en": ("Your reservation {reservation_ref} at {store}",
               "We are holding this for you at {store}, {address}:\n\n{lines}\n\n"
               "It is kept for you until {until}. You pay in the store."),
    },
    "ReviewRequested": {
        "nl": ("Wat vind je van je aankoop bij {store}?",
               "Je hebt je artikelen nu een paar dagen. Vertel andere klanten wat je ervan vindt:\n\n{products}\n\n"
               "Bedankt!"),
        "en": ("How do you like what you bought at {store}?",
               "You have had your items for a few days now. Tell other customers what you think:\n\n{products}\n\n"
               "Thank you!"),
    },
    "CustomerRegistered": {
        "nl": ("Welkom, {name}: activeer je account",
               "Je digitale klantenkaart is klaar: {card}.\n\nActiveer je online account om je aankopen, "
               "punten en aanbiedingen te zien:\n{link}"),
        "en": ("Welcome, {name}: activate your account",
               "Your digital loyalty card is ready: {card}.\n\nActivate your online account to see your "
               "purchases, points and offers:\n{link}"),
    },
}
ACCOUNT = {
    ("account", "nl"): "Al je aankopen en bonnen vind je in je account: {url}",
    ("account", "en"): "Find all your purchases and receipts in your account: {url}",
    ("invitation", "nl"): "Nog geen account? Maak er een aan en bewaar al je bonnen op één plek: {url}",
    ("invitation", "en"): "No account yet? Create one and keep all your receipts in one place: {url}",
}
PAYMENT = {
    ("paid_online", "nl"): "Je hebt online betaald.",
    ("paid_online", "en"): "You paid online.",
    ("pay_at_pickup", "nl"): "Je betaalt bij het ophalen in de winkel.",
    ("pay_at_pickup", "en"): "You pay when you collect it in the store.",
    ("pay_in_store", "nl"): "Je betaalt aan de kassa in de winkel.",
    ("pay_in_store", "en"): "You pay at the till in the store.",
}
STATUS = {"nl": "Volg je bestelling: {url}", "en": "Follow your order: {url}"}
READY = {"nl": "We verwachten dat hij op {day} klaarligt. ", "en": "We expect it to be ready on {day}. "}
WHEN = {
    ("slot", "nl"): "We bezorgen je bestelling op {day} tussen {start} en {end}.",
    ("slot", "en"): "We will deliver your order on {day} between {start} and {end}.",
    ("date", "nl"): "We verwachten je bestelling op {day} te bezorgen.",
    ("date", "en"): "We expect to deliver your order on {day}.",
    ("unknown", "nl"): "We laten je weten wanneer we je bestelling bezorgen.",
    ("unknown", "en"): "We will let you know when we deliver your order.",
}
FREE = {"nl": "gratis", "en": "free"}
TRACKING = {
    ("one", "nl"): "Volg je pakket: {urls}",
    ("one", "en"): "Track your parcel: {urls}",
    ("many", "nl"): "Volg je pakketten:\n{urls}",
    ("many", "en"): "Track your parcels:\n{urls}",
    ("none", "nl"): "De vervoerder bezorgt het zo snel mogelijk.",
    ("none", "en"): "The carrier will deliver it as soon as possible.",
}
WEEKDAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str  # a short version for SMS


def render(event_type: str, language: str, values: dict[str, str]) -> Message:
    language = language if language in ("nl", "en") else "nl"
    subject, body = (TEMPLATES | RETURN_TEMPLATES | MESSAGE_TEMPLATES)[event_type][language]
    filled_subject, filled_body = subject.format(**values), body.format(**values)
    sms = f"{filled_subject}." + (f" Code: {values['code']}" if "{code}" in body else "")
    return Message(subject=filled_subject, body=filled_body, sms=sms[:160])
