"""Demo customers: two people enrolled in a store, each with a loyalty card (and a Cognito user in
the local pool), through the same use case as ``POST /customers``. Seeding twice changes nothing:
their enrolment keys are fixed, so their ids and card numbers are the same on every start."""

from __future__ import annotations

from shared import wiring
from shared.customers import service
from shared.customers.model import Consents, Customer
from shared.identity import Caller

HEAD_OFFICE = Caller(role="admin", subject="seed")
DEMO_CUSTOMERS = (
    ("demo-customer-anna", "Anna de Vries", "anna.demo@example.nl", "nl", "amsterdam-kalverstraat", True),
    ("demo-customer-tom", "Tom Baker", "tom.demo@example.nl", "en", "utrecht-oudegracht", False),
)


def seed_customers() -> list[Customer]:
    return [service.enrol(customers=wiring.customer_store(), accounts=wiring.accounts(),
                          transactions=wiring.transactions(), caller=HEAD_OFFICE, idempotency_key=key, name=name,
                          email=email, language=language, consents=Consents(marketing_email=offers),
                          location_id=location_id)[0]
            for key, name, email, language, location_id, offers in DEMO_CUSTOMERS]
