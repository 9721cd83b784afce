"""A customer: one account in every channel, with a loyalty card derived from its id (pure)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

LANGUAGES = ("nl", "en")
CARD_PREFIX = "29"  # EAN-13 prefixes 20-29 are for internal use: no clash with product barcodes
_CARD_NAMESPACE = uuid.UUID("3c9a4e1d-7b2f-4d8e-9a61-5f0c2b7e8d14")


class Channel(StrEnum):
    STORE = "store"  # enrolled by an associate
    ONLINE = "online"  # signed up in the webshop or app (Cognito)


@dataclass(frozen=True)
class Consents:
    marketing_email: bool = False
    marketing_sms: bool = False


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str
    consents: Consents
    card_number: str
    created_at: datetime
    created_by: Channel
    erased: bool = False
    version: int = 1
    enrolled_at: str | None = None  # the store that enrolled them
    fingerprint: str = field(default="", compare=False)  # of the enrolment request (a retry has the same)

    def updated(self, *, name: str | None, phone: str | None, language: str, consents: Consents) -> Customer:
        return replace(self, name=name, phone=phone, language=language, consents=consents, version=self.version + 1)

    def erased_now(self) -> Customer:
        """Personal data gone; the id stays so purchases remain for the books, pseudonymous."""
        return replace(self, name=None, email=None, phone=None, consents=Consents(), erased=True,
                       version=self.version + 1)


@dataclass(frozen=True)
class CardClaim:
    """A card number taken by one customer (a write refused on it: the number is someone else's)."""

    card_number: str


@dataclass(frozen=True)
class EmailClaim:
    """An e-mail address taken by one customer, known by its hash only (no personal data in keys)."""

    email_hash: str


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def ean13_check_digit(first_twelve: str) -> str:
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError("An EAN-13 check digit needs twelve digits.")
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return str((10 - weighted % 10) % 10)


def is_valid_card_number(number: str) -> bool:
    return len(number) == 13 and number.isdigit() and ean13_check_digit(number[:12]) == number[12]


def card_number_for(customer_id: str) -> str:
    """Derived from the id (the same id always gets the same card): prefix, ten digits of a
    hash of the id, check digit. Two ids sharing a number is refused when the card is claimed."""
    digest = uuid.uuid5(_CARD_NAMESPACE, customer_id).int
    body = CARD_PREFIX + f"{digest % 10**10:010d}"
    return body + ean13_check_digit(body)


def card_payload(card_number: str, account_url: str) -> str:
    """What the card's QR code holds: a link to the account page with the number (tills read the number)."""
    return f"{account_url.rstrip('/')}/card/{card_number}" if account_url else card_number
