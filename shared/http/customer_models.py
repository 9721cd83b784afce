"""API models for customers: enrolment in a store, the profile a customer edits, what staff find,
the card with its QR code, and the export of everything kept about a customer."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, EmailStr, Field

from events.patterns import LOCATION_PATTERN
from shared.customers.model import Consents, Customer, card_payload
from shared.customers.service import CustomerExport
from shared.http.bodies import ApiModel
from shared.http.loyalty_models import PointsView
from shared.http.order_models import OrderView
from shared.http.purchase_models import PurchaseView
from shared.http.return_models import ReturnView
from shared.settings import settings

PHONE_PATTERN = r"^\+[1-9][0-9]{7,14}$"


class ConsentsBody(ApiModel):
    marketing_email: bool = False
    marketing_sms: bool = False

    def to_domain(self) -> Consents:
        return Consents(marketing_email=self.marketing_email, marketing_sms=self.marketing_sms)


class EnrolmentBody(ApiModel):
    """What the associate asks the customer in the store (scenario C)."""

    location_id: str | None = Field(default=None, pattern=LOCATION_PATTERN,
                                    description="The store enrolling the customer (staff: their own)")
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="E.164")
    language: Literal["nl", "en"] = "nl"
    consents: ConsentsBody = Field(default_factory=ConsentsBody)


class ProfileBody(ApiModel):
    """The customer's own profile, whole (PUT: what is left out is cleared; the e-mail is their
    sign-in's, changed in the account)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="E.164")
    language: Literal["nl", "en"]
    consents: ConsentsBody = Field(default_factory=ConsentsBody)


class ConsentsView(BaseModel, defer_build=True):
    marketing_email: bool
    marketing_sms: bool


@lru_cache(maxsize=256)
def qr_svg(payload: str) -> str:
    import segno  # pure Python; loaded only by the routes that show a card

    return str(segno.make(payload, error="m").svg_data_uri(scale=4))


class CustomerView(BaseModel, defer_build=True):
    customer_id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str
    consents: ConsentsView
    card_number: str = Field(description="The loyalty card, EAN-13: what the till scans")
    qr_payload: str = Field(description="What the card's QR code holds: the account link with the number")
    qr_svg: str = Field(description="The card's QR code as an SVG data URI, ready for an <img src>")
    enrolled_at: str | None = Field(description="The store that enrolled the customer (none: signed up online)")
    created_at: datetime
    created_by: str

    @staticmethod
    def of(c: Customer) -> CustomerView:
        payload = card_payload(c.card_number, settings().account_url)
        return CustomerView(
            customer_id=c.customer_id, name=c.name, email=c.email, phone=c.phone, language=c.language,
            consents=ConsentsView(marketing_email=c.consents.marketing_email,
                                  marketing_sms=c.consents.marketing_sms),
            card_number=c.card_number, qr_payload=payload, qr_svg=qr_svg(payload), enrolled_at=c.enrolled_at,
            created_at=c.created_at, created_by=c.created_by.value)


class ExportedPurchase(PurchaseView):
    receipt_email: str | None


class ExportedOrder(OrderView):
    contact_email: str | None
    contact_phone: str | None


class ExportedReturn(ReturnView):
    contact_email: str | None


class CustomerExportView(BaseModel, defer_build=True):
    """Everything kept about the caller (GDPR access and portability), as JSON."""

    customer: CustomerView
    purchases: list[ExportedPurchase]
    orders: list[ExportedOrder]
    returns: list[ExportedReturn]
    points: PointsView  # balance, tier and every ledger entry

    @staticmethod
    def of(export: CustomerExport) -> CustomerExportView:
        return CustomerExportView(
            customer=CustomerView.of(export.customer),
            purchases=[ExportedPurchase(**PurchaseView.of(p).model_dump(), receipt_email=p.receipt_email)
                       for p in export.purchases],
            orders=[ExportedOrder(**OrderView.of(o).model_dump(), contact_email=o.contact.email or None,
                                  contact_phone=o.contact.phone) for o in export.orders],
            returns=[ExportedReturn(**ReturnView.of(r).model_dump(), contact_email=r.contact_email)
                     for r in export.returns],
            points=PointsView.of(export.points, export.points_history, None))
