"""Customers: enrolled in a store with a loyalty card, found by card or e-mail, and each customer's
own account (profile, consents, export, erasure)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import wiring
from shared.customers import service
from shared.http.app import current_caller, http_app, resolve
from shared.http.customer_models import CustomerExportView, CustomerView, EnrolmentBody, ProfileBody
from shared.http.params import IdempotencyKey, created_or_replayed
from shared.http.responses import declared
from shared.observability import logger, metrics, tracer

app = http_app()
CustomerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


@app.post(**declared("POST /customers", created="Enrolled", conflict=True, contended=True),
          summary="Enrol a customer in the store: a loyalty card, and an invitation to the online account")
def enrol(body: EnrolmentBody, idempotency_key: IdempotencyKey) -> Response[CustomerView]:
    customer, created = service.enrol(
        customers=wiring.customer_store(), accounts=wiring.accounts(), transactions=wiring.transactions(),
        caller=current_caller(app), idempotency_key=idempotency_key, name=body.name, email=str(body.email),
        phone=body.phone, language=body.language, consents=body.consents.to_domain(), location_id=body.location_id)
    return created_or_replayed(CustomerView.of(customer), created=created)


@app.get(**declared("GET /customers", unknown=True), summary="Find a customer by loyalty card or e-mail")
def find(card: Annotated[str | None, Query(pattern=r"^[0-9]{13}$", description="The scanned card number")] = None,
         email: Annotated[str | None, Query(min_length=3, max_length=254)] = None) -> CustomerView:
    return CustomerView.of(service.find(customers=wiring.customer_store(), caller=current_caller(app), card=card,
                                        email=email))


@app.get(**declared("GET /customers/{customer_id}"), summary="Read a customer")
def read(customer_id: CustomerId) -> CustomerView:
    return CustomerView.of(service.get(customers=wiring.customer_store(), caller=current_caller(app),
                                       customer_id=customer_id))


@app.get(**declared("GET /me", conflict=True, contended=True),
         summary="The caller's customer account (made on first call after an online sign-up)")
def me() -> CustomerView:
    return CustomerView.of(service.me(customers=wiring.customer_store(), transactions=wiring.transactions(),
                                      caller=current_caller(app)))


@app.put(**declared("PUT /me", conflict=True, contended=True), summary="Change profile, language and consents")
def update_me(body: ProfileBody) -> CustomerView:
    return CustomerView.of(service.update_me(
        customers=wiring.customer_store(), transactions=wiring.transactions(), caller=current_caller(app),
        name=body.name, phone=body.phone, language=body.language, consents=body.consents.to_domain()))


@app.get(**declared("GET /me/export", conflict=True, contended=True),
         summary="Everything kept about the caller: profile, card, purchases, orders, returns")
def export_me() -> CustomerExportView:
    return CustomerExportView.of(service.export_me(
        customers=wiring.customer_store(), transactions=wiring.transactions(), purchases=wiring.purchase_store(),
        orders=wiring.order_store(), returns=wiring.return_store(), loyalty=wiring.loyalty_store(),
        caller=current_caller(app)))


@app.delete(**declared("DELETE /me", deleted="Erased", conflict=True, contended=True),
            summary="Erase the caller's personal data (purchases stay for the books, pseudonymous)")
def erase_me() -> Response[str]:
    service.erase_me(customers=wiring.customer_store(), accounts=wiring.accounts(), transactions=wiring.transactions(),
                     purchases=wiring.purchase_store(), orders=wiring.order_store(), returns=wiring.return_store(),
                     caller=current_caller(app))
    return Response(status_code=204, body="")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
