"""Demo customers: two people enrolled in a store, each with a loyalty card (and a Cognito user in
the local pool), through the same use case as ``POST /customers``, and a few till sales on their
cards (the same use case as ``POST /purchases``: catalog prices, points in the same transaction).
Seeding twice changes nothing: enrolment keys and receipt ids are fixed, so ids, card numbers,
purchases and points are the same on every start."""

from __future__ import annotations

from datetime import UTC, datetime

from shared import wiring
from shared.customers import service
from shared.customers.model import Consents, Customer
from shared.identity import Caller
from shared.purchases.model import PurchasedLine
from shared.purchases.till import record_till_sale

HEAD_OFFICE = Caller(role="admin", subject="seed")
DEMO_CUSTOMERS = (
    ("demo-customer-anna", "Anna de Vries", "anna.demo@example.nl", "nl", "amsterdam-kalverstraat", True),
    ("demo-customer-tom", "Tom Baker", "tom.demo@example.nl", "en", "utrecht-oudegracht", False),
)


# (customer key, store, receipt id, when, [(sku, units)]): what each bought before today
HISTORY = (
    ("demo-customer-anna", "amsterdam-kalverstraat", "DEMO-A-0001", datetime(2026, 10, 3, 14, 20, tzinfo=UTC),
     [("JKT-RAIN-NAVY-M", 1), ("SOCK-3PK-MIX-39-42", 1)]),
    ("demo-customer-anna", "amsterdam-kalverstraat", "DEMO-A-0002", datetime(2026, 11, 7, 11, 5, tzinfo=UTC),
     [("TEE-BASIC-BLACK-M", 2)]),
    ("demo-customer-tom", "utrecht-oudegracht", "DEMO-T-0001", datetime(2026, 10, 18, 16, 45, tzinfo=UTC),
     [("SNK-RUN-WHITE-43", 1)]),
)


def seed_customers() -> list[Customer]:
    customers = _enrol()
    by_key = dict(zip((key for key, *_ in DEMO_CUSTOMERS), customers, strict=True))
    for key, location_id, receipt_id, when, lines in HISTORY:
        catalog = wiring.catalog()
        prices = catalog.price_list(sku for sku, _ in lines)
        record_till_sale(
            **wiring.holds(), purchases=wiring.purchase_store(), orders=wiring.order_store(),
            directory=wiring.location_directory(), caller=Caller(role="staff", subject="seed-till",
                                                                 location_id=location_id),
            location_id=location_id, receipt_id=receipt_id, purchased_at=when,
            lines=[PurchasedLine(sku, units, prices.price(sku, when).price_cents) for sku, units in lines],
            customer_id=by_key[key].customer_id, loyalty=wiring.loyalty_store(), catalog=catalog)
    return customers


def _enrol() -> list[Customer]:
    return [service.enrol(customers=wiring.customer_store(), accounts=wiring.accounts(),
                          transactions=wiring.transactions(), caller=HEAD_OFFICE, idempotency_key=key, name=name,
                          email=email, language=language, consents=Consents(marketing_email=offers),
                          location_id=location_id)[0]
            for key, name, email, language, location_id, offers in DEMO_CUSTOMERS]
