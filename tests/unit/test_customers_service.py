"""Customer stories on the fakes: enrolled in a store with a card, found by the till, their own
account, an export of everything and erasure. Given/When/Then, pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from shared.customers import service
from shared.customers.model import (
    Channel,
    Consents,
    Customer,
    card_number_for,
    card_payload,
    ean13_check_digit,
    is_valid_card_number,
)
from shared.customers.publishing import events_for_customer
from shared.errors import Conflict, Forbidden, IdempotencyKeyReused, InvalidRequest, NotFound, Unavailable
from shared.identity import Caller, caller_from_claims, customer_id_from_claims
from shared.loyalty.model import PointsEntry, Reason
from shared.notifications.service import invite_customer
from shared.orders.fulfilments import DeliverTo, DeliveryAddress
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.returns.model import Return, ReturnLine, ReturnStatus
from tests.fakes.customers import MemoryAccounts, MemoryCustomerStore
from tests.fakes.loyalty import MemoryLoyaltyStore
from tests.fakes.notifications import MemoryEmailSender
from tests.fakes.orders import MemoryOrderStore
from tests.fakes.purchases import MemoryPurchaseStore
from tests.fakes.returns import MemoryReturnStore
from tests.fakes.transaction import MemoryTransactions

AMSTERDAM = "amsterdam-kalverstraat"
ASSOCIATE = Caller(role="staff", subject="kees", location_id=AMSTERDAM)
TILL = Caller(role="integration", subject="pos")
ENROLLED_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@dataclass
class Shop:
    customers: MemoryCustomerStore = field(default_factory=MemoryCustomerStore)
    accounts: MemoryAccounts = field(default_factory=MemoryAccounts)
    transactions: MemoryTransactions = field(default_factory=MemoryTransactions)
    purchases: MemoryPurchaseStore = field(default_factory=MemoryPurchaseStore)
    orders: MemoryOrderStore = field(default_factory=MemoryOrderStore)
    returns: MemoryReturnStore = field(default_factory=MemoryReturnStore)
    loyalty: MemoryLoyaltyStore = field(default_factory=MemoryLoyaltyStore)


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Shop:
    monkeypatch.setattr(service, "_now", lambda: ENROLLED_AT)
    return Shop()


def enrol(shop: Shop, key: str = "enrol-0001", *, email: str = "anna@example.nl", name: str = "Anna de Vries",
          caller: Caller = ASSOCIATE, language: str = "nl") -> tuple[Customer, bool]:
    return service.enrol(customers=shop.customers, accounts=shop.accounts, transactions=shop.transactions,
                         caller=caller, idempotency_key=key, name=name, email=email, language=language,
                         consents=Consents(marketing_email=True))


def as_customer(customer_id: str, email: str | None = None) -> Caller:
    return Caller(role="customer", subject=customer_id, email=email)


# -- the card -------------------------------------------------------------------------------


def test_a_card_number_is_an_ean13_derived_from_the_customer_id() -> None:
    assert ean13_check_digit("400638133393") == "1"  # a published EAN-13
    number = card_number_for("c-1")
    assert number == card_number_for("c-1") != card_number_for("c-2")
    assert len(number) == 13 and number.startswith("29") and is_valid_card_number(number)
    assert not is_valid_card_number(number[:12] + str((int(number[12]) + 1) % 10))
    assert card_payload(number, "https://shop.example/account/") == f"https://shop.example/account/card/{number}"
    assert card_payload(number, "") == number


# -- enrolment in the store (scenario C) ------------------------------------------------------


def test_an_associate_enrols_a_customer_with_a_card_and_an_invitation(shop: Shop) -> None:
    customer, created = enrol(shop)
    assert created and customer.created_by is Channel.STORE and customer.created_at == ENROLLED_AT
    assert customer.enrolled_at == AMSTERDAM
    assert customer.card_number == card_number_for(customer.customer_id)
    assert shop.customers.find_by_card(customer.card_number) == customer
    assert shop.customers.find_by_email("ANNA@example.nl ") == customer
    assert shop.accounts.users == {"anna@example.nl": (customer.customer_id, "nl")}
    assert len(shop.transactions.begun) == 1 and len(shop.transactions.begun[0]) == 3  # customer, card, e-mail


def test_a_retry_answers_the_same_customer_and_another_meaning_is_refused(shop: Shop) -> None:
    first, _ = enrol(shop)
    again, created = enrol(shop)
    assert (again, created) == (first, False)
    with pytest.raises(IdempotencyKeyReused):
        enrol(shop, name="Someone Else")
    assert len(shop.customers.customers) == 1


def test_an_invitation_that_failed_is_made_by_the_retry(shop: Shop) -> None:
    shop.accounts.fail_next = True
    with pytest.raises(Unavailable):
        enrol(shop)
    assert shop.accounts.users == {}
    customer, created = enrol(shop)
    assert not created and shop.accounts.users["anna@example.nl"][0] == customer.customer_id


def test_an_email_that_has_a_customer_is_a_conflict_and_nothing_is_written(shop: Shop) -> None:
    enrol(shop)
    with pytest.raises(Conflict) as refused:
        enrol(shop, "enrol-0002", email="Anna@Example.nl")
    assert refused.value.extra["field"] == "email" and "anna" not in refused.value.detail.lower()
    assert len(shop.customers.customers) == 1 and len(shop.customers.cards) == 1


def test_only_staff_and_head_office_enrol(shop: Shop) -> None:
    for caller in (as_customer("c-1"), TILL):
        with pytest.raises(Forbidden):
            enrol(shop, caller=caller)
    with pytest.raises(NotFound):  # staff of one store do not enrol for another
        service.enrol(customers=shop.customers, accounts=shop.accounts, transactions=shop.transactions,
                      caller=ASSOCIATE, idempotency_key="enrol-0009", name="A", email="a@example.nl", language="nl",
                      consents=Consents(), location_id="utrecht-oudegracht")


# -- found by the till and by staff -----------------------------------------------------------


def test_the_till_finds_a_customer_by_card_and_staff_by_email(shop: Shop) -> None:
    customer, _ = enrol(shop)
    assert service.find(customers=shop.customers, caller=TILL, card=customer.card_number) == customer
    assert service.find(customers=shop.customers, caller=ASSOCIATE, email="anna@example.nl") == customer
    assert service.get(customers=shop.customers, caller=ASSOCIATE, customer_id=customer.customer_id) == customer
    with pytest.raises(NotFound):
        service.find(customers=shop.customers, caller=TILL, card=card_number_for("nobody"))
    with pytest.raises(InvalidRequest):
        service.find(customers=shop.customers, caller=TILL, card="2900000000000")  # wrong check digit
    with pytest.raises(InvalidRequest):
        service.find(customers=shop.customers, caller=TILL, card=customer.card_number, email="anna@example.nl")
    with pytest.raises(Forbidden):
        service.find(customers=shop.customers, caller=as_customer("c-9"), card=customer.card_number)


def test_a_scanned_card_names_the_customer_of_a_sale_and_an_unknown_card_is_refused(shop: Shop) -> None:
    customer, _ = enrol(shop)
    assert service.customer_for_card(customers=shop.customers, card_number=customer.card_number) \
        == customer.customer_id
    for card, claimed in ((card_number_for("nobody"), None), ("1234", None), (customer.card_number, "c-other")):
        with pytest.raises(InvalidRequest) as refused:
            service.customer_for_card(customers=shop.customers, card_number=card, customer_id=claimed)
        assert refused.value.extra["field"] == "loyalty_card"


# -- their own account ----------------------------------------------------------------------


def test_an_online_sign_up_gets_its_customer_on_first_call(shop: Shop) -> None:
    me = service.me(customers=shop.customers, transactions=shop.transactions,
                    caller=as_customer("sub-1", "bo@example.nl"))
    assert (me.customer_id, me.email, me.created_by) == ("sub-1", "bo@example.nl", Channel.ONLINE)
    assert service.me(customers=shop.customers, transactions=shop.transactions, caller=as_customer("sub-1")) == me
    assert len(shop.transactions.begun) == 1
    assert service.find(customers=shop.customers, caller=TILL, card=me.card_number) == me


def test_an_online_sign_up_whose_address_was_enrolled_in_a_store_still_gets_an_account(shop: Shop) -> None:
    enrolled, _ = enrol(shop)
    me = service.me(customers=shop.customers, transactions=shop.transactions,
                    caller=as_customer("sub-3", "anna@example.nl"))
    assert me.customer_id == "sub-3" and me.email is None  # the address stays the enrolled customer's
    assert service.find(customers=shop.customers, caller=TILL, email="anna@example.nl") == enrolled


def test_an_enrolled_customer_signs_in_with_the_id_of_their_card(shop: Shop) -> None:
    customer, _ = enrol(shop)
    claims = {"sub": "cognito-sub-77", "cognito:groups": "[customer]", "custom:customer_id": customer.customer_id}
    caller = caller_from_claims(claims)
    assert service.me(customers=shop.customers, transactions=shop.transactions, caller=caller) == customer
    assert customer_id_from_claims({"sub": "s-1"}) == "s-1"
    with_email = caller_from_claims({**claims, "email": "anna@example.nl"})
    assert with_email.email == "anna@example.nl" and "anna" not in repr(with_email)  # never in a log line


def test_a_customer_changes_profile_and_consents_once(shop: Shop) -> None:
    customer, _ = enrol(shop)
    caller = as_customer(customer.customer_id)

    def update() -> Customer:
        return service.update_me(customers=shop.customers, transactions=shop.transactions, caller=caller,
                                 name="Anna V.", phone="+31612345678", language="en",
                                 consents=Consents(marketing_email=False, marketing_sms=True))

    after = update()
    assert (after.name, after.language, after.consents.marketing_sms, after.version) == ("Anna V.", "en", True, 2)
    begun = len(shop.transactions.begun)
    assert update() == after and len(shop.transactions.begun) == begun  # nothing new: nothing written
    assert after.email == customer.email and after.card_number == customer.card_number


def _history(shop: Shop, customer_id: str) -> None:
    shop.purchases.purchases["p-1"] = Purchase(
        purchase_id="p-1", channel=PurchaseChannel.STORE, location_id=AMSTERDAM,
        lines=(PurchasedLine("SKU-1", 1, 1995),), purchased_at=ENROLLED_AT, reference="R-1", customer_id=customer_id,
        receipt_email="anna@example.nl")
    shop.orders.orders["o-1"] = Order(
        order_id="o-1", customer_id=customer_id, location_id=AMSTERDAM, lines=(OrderLine("SKU-2", 1, 2995),),
        payment=Payment.PAID_ONLINE, contact=Contact("anna@example.nl", "nl", "+31612345678"), reservation_id="r-1",
        status=OrderStatus.PLACED, placed_at=ENROLLED_AT, fingerprint="f")
    shop.returns.returns["ret-1"] = Return(
        return_id="ret-1", purchase_id="p-1", customer_id=customer_id, location_id=AMSTERDAM,
        lines=(ReturnLine("SKU-1", 1, 1995),), status=ReturnStatus.REQUESTED, requested_at=ENROLLED_AT,
        contact_email="anna@example.nl", fingerprint="f")
    tx = shop.transactions.begin()
    shop.loyalty.add_entry(tx, entry=PointsEntry(customer_id=customer_id, source_id="p-1", reason=Reason.EARNED,
                                                 points=19, at=ENROLLED_AT, spend_cents=1995))
    tx.commit()


def test_the_export_holds_profile_card_purchases_orders_and_returns(shop: Shop) -> None:
    customer, _ = enrol(shop)
    _history(shop, customer.customer_id)
    export = service.export_me(customers=shop.customers, transactions=shop.transactions, purchases=shop.purchases,
                               orders=shop.orders, returns=shop.returns, loyalty=shop.loyalty,
                               caller=as_customer(customer.customer_id))
    assert export.customer == customer
    assert export.points.balance == 19 and [e.source_id for e in export.points_history] == ["p-1"]
    assert ([p.purchase_id for p in export.purchases], [o.order_id for o in export.orders],
            [r.return_id for r in export.returns]) == (["p-1"], ["o-1"], ["ret-1"])


def test_erasure_removes_personal_data_and_keeps_purchases_pseudonymous(shop: Shop) -> None:
    customer, _ = enrol(shop)
    _history(shop, customer.customer_id)
    caller = as_customer(customer.customer_id)

    def erase() -> None:
        service.erase_me(customers=shop.customers, accounts=shop.accounts, transactions=shop.transactions,
                         purchases=shop.purchases, orders=shop.orders, returns=shop.returns, caller=caller)

    erase()
    erased = shop.customers.get(customer.customer_id)
    assert erased is not None and erased.erased
    assert (erased.name, erased.email, erased.phone) == (None, None, None)
    assert shop.customers.cards == {} and shop.customers.emails == {} and shop.accounts.users == {}
    purchase = shop.purchases.purchases["p-1"]
    assert purchase.receipt_email is None and purchase.customer_id == customer.customer_id
    assert purchase.lines == (PurchasedLine("SKU-1", 1, 1995),)
    assert (shop.orders.orders["o-1"].contact.email, shop.orders.orders["o-1"].contact.phone) == ("", None)
    assert shop.returns.returns["ret-1"].contact_email is None
    begun = len(shop.transactions.begun)
    erase()  # again: nothing left to do
    assert len(shop.transactions.begun) == begun
    with pytest.raises(NotFound):
        service.me(customers=shop.customers, transactions=shop.transactions, caller=caller)
    with pytest.raises(NotFound):
        service.find(customers=shop.customers, caller=TILL, card=customer.card_number)
    assert enrol(shop, "enrol-0003")[1]  # the address is free again


def test_erasure_blanks_the_address_a_delivery_order_went_to(shop: Shop) -> None:
    # given a delivered home delivery order, addressed to the customer by name
    customer, _ = enrol(shop)
    home = DeliveryAddress(name="Anna de Vries", street="Damrak", house_number="1", postal_code="1012 LG",
                           city="Amsterdam")
    shop.orders.orders["o-2"] = Order(
        order_id="o-2", customer_id=customer.customer_id, location_id=AMSTERDAM, lines=(OrderLine("SKU-2", 1, 2995),),
        payment=Payment.PAID_ONLINE, contact=Contact("anna@example.nl", "nl", "+31612345678", name="Anna"),
        reservation_id="r-2", status=OrderStatus.DELIVERED, placed_at=ENROLLED_AT, fingerprint="f",
        destination=DeliverTo(home, zone_id="amsterdam"))
    # when the customer erases their account
    service.erase_me(customers=shop.customers, accounts=shop.accounts, transactions=shop.transactions,
                     purchases=shop.purchases, orders=shop.orders, returns=shop.returns,
                     caller=as_customer(customer.customer_id))
    # then the order stays for the books, with neither contact nor address (the zone is an area, not a person)
    kept = shop.orders.orders["o-2"]
    assert kept.contact == Contact(email="", language="nl")
    assert kept.destination == DeliverTo(DeliveryAddress("", "", "", "", ""), zone_id="amsterdam")
    assert "Damrak" not in repr(kept) and kept.lines == (OrderLine("SKU-2", 1, 2995),)


# -- events and the invitation ----------------------------------------------------------------


def test_events_for_the_erp_carry_no_contact_details_and_have_stable_ids(shop: Shop) -> None:
    customer, _ = enrol(shop)
    updated = customer.updated(name="A", phone=None, language="en", consents=Consents())
    erased = updated.erased_now()
    names = [[e.detail_type for e in events_for_customer(before, after, ENROLLED_AT)]
             for before, after in ((None, customer), (customer, updated), (updated, erased), (erased, erased))]
    assert names == [["CustomerRegistered"], ["CustomerUpdated"], ["CustomerErased"], []]
    first = events_for_customer(None, customer, ENROLLED_AT)[0]
    assert first.detail == events_for_customer(None, customer, ENROLLED_AT)[0].detail
    assert "anna" not in str(first.detail).lower() and first.detail["data"]["card_number"] == customer.card_number


def test_a_customer_enrolled_in_the_store_is_invited_in_their_language(shop: Shop) -> None:
    customer, _ = enrol(shop, language="en")
    mail = MemoryEmailSender()
    invite_customer(customer=customer, account_url="https://shop.example/account", email=mail)
    (sent,) = mail.sent
    to, subject, body = sent.to, sent.subject, sent.body
    assert to == "anna@example.nl" and subject == "Welcome, Anna de Vries: activate your account"
    assert f"https://shop.example/account/activate?card={customer.card_number}" in body
    online = service.me(customers=shop.customers, transactions=shop.transactions,
                        caller=as_customer("sub-2", "bo@example.nl"))
    assert invite_customer(customer=online, account_url="", email=mail) == []
