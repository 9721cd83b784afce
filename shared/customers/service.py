"""Customer use cases: enrolled in a store or signed up online, found by card or e-mail, their own
profile, an export of everything kept about them, and erasure (purchases stay, pseudonymous)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from shared.customers.model import (
    LANGUAGES,
    CardClaim,
    Channel,
    Consents,
    Customer,
    EmailClaim,
    card_number_for,
    is_valid_card_number,
)
from shared.customers.ports import Accounts, CustomerStore
from shared.errors import Conflict, IdempotencyKeyReused, InvalidRequest, NotFound
from shared.idempotency import IdempotencyClaim
from shared.identity import Caller
from shared.loyalty.model import PointsAccount, PointsEntry
from shared.loyalty.ports import LoyaltyStore
from shared.orders.fulfilments import DeliverTo, DeliveryAddress
from shared.orders.model import Contact, Order
from shared.orders.ports import OrderStore
from shared.purchases.model import Purchase
from shared.purchases.ports import PurchaseStore
from shared.returns.model import Return
from shared.returns.ports import ReturnStore
from shared.transactions import MAX_WRITES, Refused, Transactions

_NAMESPACE = uuid.UUID("9b8e7d6c-5a4f-4e3d-8c2b-1a0f9e8d7c6b")
FINDERS = frozenset({"staff", "admin", "integration"})  # the till finds a customer by card
T = TypeVar("T")


def customer_id_for(*, caller: Caller, idempotency_key: str) -> str:
    """The id of a customer enrolled in a store: a retry of the enrolment names the same customer."""
    return str(uuid.uuid5(_NAMESPACE, f"{caller.principal}\n{idempotency_key}"))


def _now() -> datetime:
    return datetime.now(UTC)


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidRequest(f"The language must be one of {', '.join(LANGUAGES)}.", field="language")
    return language


def enrol(*, customers: CustomerStore, accounts: Accounts, transactions: Transactions, caller: Caller,
          idempotency_key: str, name: str, email: str, language: str, consents: Consents,
          phone: str | None = None, location_id: str | None = None) -> tuple[Customer, bool]:
    """An associate makes a digital loyalty card (scenario C): the customer, the card and the e-mail
    index in one transaction, then a Cognito user linked to the customer (the notifier mails the
    invitation to activate it). A retry with the same key answers the same customer. Staff enrol at
    their own store (the one named, or theirs when none is)."""
    caller.require({"staff", "admin"})
    if location_id is not None:
        caller.require_location(location_id)
    location_id = location_id or caller.location_id
    customer_id = customer_id_for(caller=caller, idempotency_key=idempotency_key)
    fingerprint = IdempotencyClaim.for_request("customer", idempotency_key, {
        "name": name, "email": email.strip().lower(), "phone": phone, "language": language,
        "consents": [consents.marketing_email, consents.marketing_sms], "at": location_id}).fingerprint
    customer = Customer(
        customer_id=customer_id, name=name, email=email.strip(), phone=phone, language=_language(language),
        consents=consents, card_number=card_number_for(customer_id), created_at=_now(), created_by=Channel.STORE,
        fingerprint=fingerprint, enrolled_at=location_id)
    created = _register(customers=customers, transactions=transactions, customer=customer)
    if created.fingerprint != fingerprint:
        raise IdempotencyKeyReused("This Idempotency-Key enrolled another customer.")
    if created.email:  # also on a retry: the first attempt may have stopped before the user was made
        accounts.invite(created.customer_id, created.email, created.language)
    return created, created is customer


def _register(*, customers: CustomerStore, transactions: Transactions, customer: Customer) -> Customer:
    """The new customer, or the one stored before under its id (a retry or a concurrent first call)."""
    tx = transactions.begin()
    customers.add_registered(tx, customer=customer)
    try:
        tx.commit()
    except Refused as refused:
        before = refused.about(customer)
        if before is not None and isinstance(before.current, Customer):
            return before.current
        if refused.of(EmailClaim):
            raise Conflict("This e-mail address belongs to another customer.", field="email") from None
        if refused.of(CardClaim):
            raise Conflict("The card number derived for this customer is taken; retry with a new key.") from None
        raise
    return customer


def find(*, customers: CustomerStore, caller: Caller, card: str | None = None,
         email: str | None = None) -> Customer:
    """Staff, the till and head office find a customer by the card scanned or the e-mail given."""
    caller.require(FINDERS)
    if (card is None) == (email is None):
        raise InvalidRequest("Give one of card or email.", field="card")
    if card is not None:
        if not is_valid_card_number(card):
            raise InvalidRequest("Not a card number (13 digits with a valid check digit).", field="card")
        found = customers.find_by_card(card)
    else:
        found = customers.find_by_email(str(email))
    if found is None or found.erased:
        raise NotFound("No customer was found.")
    return found


def get(*, customers: CustomerStore, caller: Caller, customer_id: str) -> Customer:
    caller.require(FINDERS)
    found = customers.get(customer_id)
    if found is None or found.erased:
        raise NotFound(f"Customer {customer_id!r} was not found.")
    return found


def customer_for_card(*, customers: CustomerStore, card_number: str, customer_id: str | None = None) -> str:
    """The customer a scanned card belongs to (a till sale links to them); an unknown card, or one of
    another customer than the ``customer_id`` also sent, is refused."""
    found = customers.find_by_card(card_number) if is_valid_card_number(card_number) else None
    if found is None or found.erased:
        raise InvalidRequest("This loyalty card is not known.", field="loyalty_card")
    if customer_id is not None and customer_id != found.customer_id:
        raise InvalidRequest("The loyalty card belongs to another customer than customer_id.", field="loyalty_card")
    return found.customer_id


def me(*, customers: CustomerStore, transactions: Transactions, caller: Caller) -> Customer:
    """The caller's own customer record, made on first call for an online sign-up (their token's
    ``sub`` is their id, its e-mail their address). An erased customer is gone."""
    caller.require({"customer"})
    found = customers.get(caller.subject)
    if found is None:
        customer_id = caller.subject
        signed_up = Customer(
            customer_id=customer_id, name=None, email=caller.email, phone=None, language="nl", consents=Consents(),
            card_number=card_number_for(customer_id), created_at=_now(), created_by=Channel.ONLINE)
        try:
            found = _register(customers=customers, transactions=transactions, customer=signed_up)
        except Conflict:
            # the address is another customer's (enrolled in a store before this sign-up): the account
            # works without it rather than not at all; joining the two is for customer service
            found = _register(customers=customers, transactions=transactions, customer=replace(signed_up, email=None))
    if found.erased:
        raise NotFound("This customer account was erased.")
    return found


def update_me(*, customers: CustomerStore, transactions: Transactions, caller: Caller, name: str | None,
              phone: str | None, language: str, consents: Consents) -> Customer:
    """Profile, language and consents (the e-mail is the sign-in's, changed in the account itself)."""
    for _ in range(3):  # a concurrent change: read again and apply this one on top
        before = me(customers=customers, transactions=transactions, caller=caller)
        after = before.updated(name=name, phone=phone, language=_language(language), consents=consents)
        if replace(after, version=before.version) == before:
            return before  # nothing changes: nothing written, no event
        tx = transactions.begin()
        customers.add_saved(tx, before=before, after=after)
        try:
            tx.commit()
            return after
        except Refused:
            continue
    raise Conflict("The profile changed meanwhile; try again.")


@dataclass(frozen=True)
class CustomerExport:
    """Everything kept about a customer: for their right of access and portability."""

    customer: Customer
    purchases: list[Purchase]
    orders: list[Order]
    returns: list[Return]
    points: PointsAccount
    points_history: list[PointsEntry]


def _all(page: Callable[[str | None], tuple[list[T], str | None]]) -> Iterator[T]:
    cursor: str | None = None
    while True:
        found, cursor = page(cursor)
        yield from found
        if not cursor:
            return


def export_me(*, customers: CustomerStore, transactions: Transactions, purchases: PurchaseStore,
              orders: OrderStore, returns: ReturnStore, loyalty: LoyaltyStore, caller: Caller) -> CustomerExport:
    customer = me(customers=customers, transactions=transactions, caller=caller)
    cid = customer.customer_id
    return CustomerExport(
        customer=customer,
        purchases=list(_all(lambda cursor: purchases.timeline(cid, 100, cursor))),
        orders=list(_all(lambda cursor: orders.list_for_customer(cid, 100, cursor))),
        returns=list(_all(lambda cursor: returns.list_for_customer(cid, 100, cursor))),
        points=loyalty.account(cid), points_history=list(_all(lambda cursor: loyalty.history(cid, 100, cursor))))


def erase_me(*, customers: CustomerStore, accounts: Accounts, transactions: Transactions, purchases: PurchaseStore,
             orders: OrderStore, returns: ReturnStore, caller: Caller) -> None:
    """Personal data goes; purchases, orders and returns stay for the books under the customer id,
    without e-mail addresses. The customer record is erased last, so a retry after a failure
    part-way does the rest (every step is safe to repeat)."""
    caller.require({"customer"})
    cid = caller.subject
    _forget_contacts(transactions=transactions, purchases=purchases, orders=orders, returns=returns, customer_id=cid)
    stored = customers.get(cid)
    accounts.delete(cid, stored.email if stored else None)
    for _ in range(3):
        before = customers.get(cid)
        if before is None or before.erased:
            return
        tx = transactions.begin()
        customers.add_erased(tx, before=before, after=before.erased_now())
        try:
            tx.commit()
            return
        except Refused:
            continue
    raise Conflict("The customer changed meanwhile; try again.")


def _forget_contacts(*, transactions: Transactions, purchases: PurchaseStore, orders: OrderStore,
                     returns: ReturnStore, customer_id: str) -> None:
    with_email = [p.purchase_id for p in _all(lambda c: purchases.timeline(customer_id, 100, c)) if p.receipt_email]
    for start in range(0, len(with_email), MAX_WRITES):
        tx = transactions.begin()
        for purchase_id in with_email[start:start + MAX_WRITES]:
            purchases.add_receipt_email_removed(tx, purchase_id=purchase_id)
        tx.commit()
    for order in _all(lambda c: orders.list_for_customer(customer_id, 100, c)):
        _until_written(order.order_id, orders.get, _order_without_contact, orders.add_saved, transactions)
    for ret in _all(lambda c: returns.list_for_customer(customer_id, 100, c)):
        _until_written(ret.return_id, returns.get, _return_without_contact, returns.add_saved, transactions)


ERASED_ADDRESS = DeliveryAddress(name="", street="", house_number="", postal_code="", city="")


def _order_without_contact(order: Order) -> Order | None:
    """The order without its contact and, for a delivery, without the address it went to (the
    delivery zone stays: it names an area, not a person)."""
    destination = order.destination
    addressed = isinstance(destination, DeliverTo) and destination.address != ERASED_ADDRESS
    if not order.contact.email and not order.contact.phone and not order.contact.name and not addressed:
        return None
    if isinstance(destination, DeliverTo):
        destination = replace(destination, address=ERASED_ADDRESS)
    return replace(order, contact=Contact(email="", language=order.contact.language), destination=destination,
                   version=order.version + 1)


def _return_without_contact(ret: Return) -> Return | None:
    return replace(ret, contact_email=None, version=ret.version + 1) if ret.contact_email else None


def _until_written(key: str, read: Callable[[str], T | None], change: Callable[[T], T | None],
                   save: Callable[..., None], transactions: Transactions) -> None:
    """``change`` applied to the record as stored now (read again when it changed meanwhile)."""
    for _ in range(3):
        before = read(key)
        after = change(before) if before is not None else None
        if before is None or after is None:
            return
        tx = transactions.begin()
        save(tx, before=before, after=after)
        try:
            tx.commit()
            return
        except Refused:
            continue
    raise Conflict("A record changed meanwhile; try again.")
