"""Notifications on fakes: what a customer receives for which event, in Dutch or English and by
which channel, and what a store's devices show for which event (store_message)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.catalog.model import Text
from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType
from shared.notifications.model import Links, ReviewRequest, ReviewSource
from shared.notifications.publishing import events_for_review
from shared.notifications.service import (
    confirm_reservation,
    notify_customer,
    notify_return,
    request_due_reviews,
    schedule_review_of_order,
    schedule_review_of_purchase,
    send_e_receipt,
    send_review_request,
)
from shared.notifications.store_messages import store_message
from shared.observability import logger
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.returns.model import Return, ReturnLine, ReturnStatus
from tests.fakes.contacts import MemoryCustomerContacts
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.notifications import MemoryEmailSender, MemoryReviewSchedule, MemorySmsSender

UTRECHT, SCHIPHOL = "utrecht-oudegracht", "schiphol-plaza"
EMAIL, PHONE = "anna@example.nl", "+31612345678"
PLACED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WINTER_DEADLINE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 in Amsterdam (CET)
SUMMER_DEADLINE = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Amsterdam (CEST)
LINKS = Links(account_url="https://shop.example.nl/account", webshop_url="https://shop.example.nl")


def a_store(location_id: str, name: str, street: str, language: str) -> Location:
    return Location(location_id=location_id, name=name, type=LocationType.STORE, language=language,
                    address=Address(street=street, postal_code="1234 AB", city="Utrecht" if language == "nl"
                                    else "Schiphol"),
                    coordinates=Coordinates(lat=52.09, lon=5.12))


UTRECHT_STORE = a_store(UTRECHT, "Utrecht Oudegracht", "Oudegracht 150", "nl")
SCHIPHOL_STORE = a_store(SCHIPHOL, "Schiphol Plaza", "Evert van de Beekstraat 1", "en")


@pytest.fixture
def directory() -> LocationDirectory:
    store = MemoryLocationStore()
    store.put(UTRECHT_STORE)
    store.put(SCHIPHOL_STORE)
    return LocationDirectory(store)


@pytest.fixture
def email() -> MemoryEmailSender:
    return MemoryEmailSender()


@pytest.fixture
def sms() -> MemorySmsSender:
    return MemorySmsSender()


def an_order(*, language: str = "nl", phone: str | None = PHONE, status: OrderStatus = OrderStatus.READY_FOR_PICKUP,
             payment: Payment = Payment.PAID_ONLINE, deadline: datetime | None = WINTER_DEADLINE,
             lines: tuple[OrderLine, ...] = (OrderLine("JKT-RAIN-M", 1, 8999), OrderLine("SCF-RED", 2, 1999)),
             location_id: str = UTRECHT) -> Order:
    return Order(order_id="ab12cd34-0000-4000-8000-000000000001", customer_id="c-1", location_id=location_id,
                 lines=lines, payment=payment, contact=Contact(email=EMAIL, language=language, phone=phone),
                 reservation_id="r-1", status=status, placed_at=PLACED, fingerprint="f",
                 pickup_code="042917", pickup_deadline=deadline)


def a_return(*, language: str = "nl", contact_email: str | None = EMAIL) -> Return:
    return Return(return_id="ef56ab78-0000-4000-8000-000000000002", purchase_id="p-1", customer_id="c-1",
                  location_id=UTRECHT, lines=(ReturnLine("JKT-RAIN-M", 1, 8999), ReturnLine("SCF-RED", 1, 1999)),
                  status=ReturnStatus.REFUNDED, requested_at=PLACED, contact_email=contact_email, fingerprint="f",
                  refund_reference="refund-77", language=language)


def a_till_sale(*, receipt_email: str | None = EMAIL, channel: PurchaseChannel = PurchaseChannel.STORE,
                location_id: str = UTRECHT, customer_id: str | None = None,
                receipt_language: str | None = None) -> Purchase:
    return Purchase(purchase_id="p-1", channel=channel, location_id=location_id, purchased_at=PLACED,
                    reference="till-0042", receipt_email=receipt_email, customer_id=customer_id,
                    receipt_language=receipt_language,
                    lines=(PurchasedLine("JKT-RAIN-M", 1, 8999), PurchasedLine("SCF-RED", 2, 1999)))


def e_receipt(purchase: Purchase, directory: LocationDirectory, email: MemoryEmailSender,
              contacts: MemoryCustomerContacts | None = None) -> list[str]:
    return send_e_receipt(purchase=purchase, directory=directory, email=email,
                          contacts=contacts or MemoryCustomerContacts(), links=LINKS)


def tell(event_type: str, order: Order, directory: LocationDirectory, email: MemoryEmailSender,
         sms: MemorySmsSender) -> list[str]:
    return notify_customer(event_type=event_type, order=order, directory=directory, email=email, sms=sms,
                           links=LINKS)


# -- customers: orders ----------------------------------------------------------------------------


def test_a_ready_order_is_mailed_in_dutch_with_code_deadline_in_local_time_and_payment(directory, email, sms) -> None:
    # when
    sent = tell("OrderReadyForPickup", an_order(), directory, email, sms)
    # then
    [mail] = email.sent
    assert sent == ["email-1", "sms-1"]
    assert (mail.to, mail.subject) == (EMAIL, "Je bestelling AB12CD34 ligt klaar")
    assert "Utrecht Oudegracht, Oudegracht 150, Utrecht" in mail.body
    assert "1 x JKT-RAIN-M\n2 x SCF-RED" in mail.body
    assert "Je ophaalcode: 042917" in mail.body
    assert "vóór 25-11-2026 18:00" in mail.body
    assert "Je hebt online betaald." in mail.body


def test_an_english_speaking_customer_reads_english(directory, email, sms) -> None:
    # when
    tell("OrderReadyForPickup", an_order(language="en", payment=Payment.PAY_AT_PICKUP), directory, email, sms)
    # then
    [mail] = email.sent
    assert mail.subject == "Your order AB12CD34 is ready for pickup"
    assert "Please collect it before 25-11-2026 18:00. You pay when you collect it in the store." in mail.body


def test_the_deadline_follows_summer_time(directory, email, sms) -> None:
    # when
    tell("OrderPickupReminder", an_order(deadline=SUMMER_DEADLINE), directory, email, sms)
    # then
    assert "tot 01-07-2026 12:00" in email.sent[0].body


@pytest.mark.parametrize("event_type", ["OrderReadyForPickup", "OrderPickupReminder", "OrderLineShort"])
def test_what_needs_action_also_goes_by_sms_short_and_with_the_code(event_type, directory, email, sms) -> None:
    # when
    tell(event_type, an_order(), directory, email, sms)
    # then
    [text] = sms.sent
    assert text.phone == PHONE and len(text.text) <= 160
    assert text.text.startswith(email.sent[0].subject + ".")
    assert ("Code: 042917" in text.text) == (event_type != "OrderLineShort")


@pytest.mark.parametrize("event_type", ["OrderPlaced", "OrderCollected", "OrderCancelled", "OrderNotCollected"])
def test_news_without_action_goes_by_e_mail_only(event_type, directory, email, sms) -> None:
    # when
    sent = tell(event_type, an_order(), directory, email, sms)
    # then
    assert sent == ["email-1"] and sms.sent == []


def test_without_a_phone_number_there_is_no_sms(directory, email, sms) -> None:
    # when
    sent = tell("OrderReadyForPickup", an_order(phone=None), directory, email, sms)
    # then
    assert sent == ["email-1"] and sms.sent == []


def test_a_short_line_is_named_and_the_rest_is_not(directory, email, sms) -> None:
    # given
    order = an_order(lines=(OrderLine("JKT-RAIN-M", 1, 8999, short=True), OrderLine("SCF-RED", 2, 1999)))
    # when
    tell("OrderLineShort", order, directory, email, sms)
    # then
    body = email.sent[0].body
    assert "niet vinden in Utrecht Oudegracht:\n1 x JKT-RAIN-M\n" in body and "SCF-RED" not in body


def test_an_event_without_a_customer_message_sends_nothing(directory, email, sms) -> None:
    # when
    sent = tell("OrderAccepted", an_order(), directory, email, sms)
    # then
    assert sent == [] and email.sent == [] and sms.sent == []


def test_no_address_or_number_reaches_the_logs(directory, email, sms, caplog: pytest.LogCaptureFixture) -> None:
    # given
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger=logger.name)
    # when
    for event_type in ("OrderPlaced", "OrderReadyForPickup", "OrderLineShort"):
        tell(event_type, an_order(), directory, email, sms)
    notify_return(event_type="ReturnRefunded", ret=a_return(), directory=directory, email=email)
    e_receipt(a_till_sale(), directory, email)
    contacts = MemoryCustomerContacts()
    contacts.add("c-1", EMAIL)
    confirm(contacts, directory, email)
    ask(directory, email, source=ReviewSource.PURCHASE, purchase=a_till_sale(customer_id="c-1"), contacts=contacts)
    # then
    assert not [r for r in caplog.records if EMAIL in r.getMessage() or PHONE in r.getMessage()
                or EMAIL in str(r.__dict__) or PHONE in str(r.__dict__)]


# -- customers: till receipts and returns ---------------------------------------------------------


def test_a_till_sale_sends_an_e_receipt_with_euro_amounts_when_asked(directory, email) -> None:
    # when
    sent = e_receipt(a_till_sale(), directory, email)
    # then
    [mail] = email.sent
    assert sent == ["email-1"]
    assert (mail.to, mail.subject) == (EMAIL, "Je kassabon van Utrecht Oudegracht")
    assert "1 x JKT-RAIN-M  \u20ac 89,99\n2 x SCF-RED  \u20ac 39,98" in mail.body
    assert "Totaal: \u20ac 129,97\nBon till-0042" in mail.body


def test_lines_carry_the_catalog_name_in_the_mail_s_language_then_the_sku(directory, email, sms) -> None:
    # given: an order whose lines were named when placed, and a till sale whose names come from the catalog
    jacket = Text(nl="Regenjas navy", en="Rain jacket navy")
    order = an_order(language="en",
                     lines=(OrderLine("JKT-RAIN-M", 1, 8999, name=jacket), OrderLine("SCF-RED", 2, 1999)))
    # when
    tell("OrderReadyForPickup", order, directory, email, sms)
    send_e_receipt(purchase=a_till_sale(), directory=directory, email=email, contacts=MemoryCustomerContacts(),
                   links=LINKS, names={"JKT-RAIN-M": jacket})
    # then: a SKU the catalog does not name stays a SKU
    ready, receipt = email.sent
    assert "1 x Rain jacket navy (JKT-RAIN-M)\n2 x SCF-RED" in ready.body
    assert "1 x Regenjas navy (JKT-RAIN-M)  \u20ac 89,99\n2 x SCF-RED  \u20ac 39,98" in receipt.body


def test_an_erased_customers_order_is_mailed_nothing(directory, email, sms) -> None:
    # given: erasure left the order without an address
    order = replace(an_order(phone=None), contact=Contact(email="", language="nl"))
    # when
    sent = tell("OrderCancelled", order, directory, email, sms)
    # then: no mail to "" (SES would refuse it, and the message would end in the dead letters)
    assert sent == [] and email.sent == []


def test_no_e_receipt_unless_asked_and_none_for_collected_orders(directory, email) -> None:
    # when
    unasked = e_receipt(a_till_sale(receipt_email=None), directory, email)
    collected = e_receipt(a_till_sale(channel=PurchaseChannel.CLICK_AND_COLLECT), directory, email)
    # then
    assert unasked == [] and collected == [] and email.sent == []


def test_an_english_speaking_customers_e_receipt_is_english_to_the_amounts_with_a_link_to_their_account(
        directory, email) -> None:
    """The bug this fixes: amounts were written the Dutch way in English e-receipts."""
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-en", "sam@example.com", language="en")
    # when
    e_receipt(a_till_sale(customer_id="c-en"), directory, email, contacts)
    # then
    [mail] = email.sent
    assert mail.to == EMAIL  # where the till was asked to send it
    assert mail.subject == "Your receipt from Utrecht Oudegracht"
    assert "1 x JKT-RAIN-M  \u20ac 89.99\n2 x SCF-RED  \u20ac 39.98" in mail.body
    assert "Total: \u20ac 129.97\nReceipt till-0042" in mail.body
    assert mail.body.endswith("Find all your purchases and receipts in your account: https://shop.example.nl/account")


def test_the_customers_language_goes_before_the_tills_and_the_stores(directory, email) -> None:
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-nl", "anna@example.nl", language="nl")
    # when
    e_receipt(a_till_sale(customer_id="c-nl", receipt_language="en", location_id=SCHIPHOL), directory, email, contacts)
    # then
    [mail] = email.sent
    assert mail.subject == "Je kassabon van Schiphol Plaza" and "Totaal: \u20ac 129,97" in mail.body


def test_without_an_account_the_till_may_choose_english_and_the_mail_invites_to_an_account(directory, email) -> None:
    # when
    e_receipt(a_till_sale(receipt_language="en"), directory, email)
    # then
    [mail] = email.sent
    assert "Total: \u20ac 129.97" in mail.body
    assert mail.body.endswith("No account yet? Create one and keep all your receipts in one place: "
                              "https://shop.example.nl/account")


@pytest.mark.parametrize(("location_id", "expected"), [(UTRECHT, "Totaal: \u20ac 129,97"),
                                                       (SCHIPHOL, "Total: \u20ac 129.97")])
def test_without_an_account_or_a_choice_the_store_speaks_its_own_language(location_id, expected, directory,
                                                                           email) -> None:
    # when
    e_receipt(a_till_sale(location_id=location_id), directory, email)
    # then
    assert expected in email.sent[0].body


def test_an_unknown_or_erased_card_gets_the_invitation_in_the_stores_language(directory, email) -> None:
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-gone", "gone@example.com", language="en")
    contacts.erase("c-gone")
    # when
    e_receipt(a_till_sale(customer_id="c-gone"), directory, email, contacts)
    e_receipt(a_till_sale(customer_id="c-unknown"), directory, email, contacts)
    # then
    assert [m.body.splitlines()[-1] for m in email.sent] == [
        "Nog geen account? Maak er een aan en bewaar al je bonnen op één plek: https://shop.example.nl/account"] * 2


def test_a_refund_is_mailed_with_the_amount_written_the_customers_way(directory, email) -> None:
    # when
    notify_return(event_type="ReturnRefunded", ret=a_return(), directory=directory, email=email)
    notify_return(event_type="ReturnRefunded", ret=a_return(language="en"), directory=directory, email=email)
    # then
    dutch, english = email.sent
    assert dutch.subject == "Je geld voor retour EF56AB78 is teruggestort"
    assert dutch.body == "\u20ac 109,98 is teruggestort (referentie refund-77)."
    assert english.subject == "Your refund for return EF56AB78 was paid"
    assert english.body == "\u20ac 109.98 was refunded (reference refund-77)."


def test_an_approved_return_says_where_to_bring_it(directory, email) -> None:
    # when
    notify_return(event_type="ReturnApproved", ret=a_return(), directory=directory, email=email)
    # then
    assert email.sent[0].body == "Breng of stuur de artikelen naar Utrecht Oudegracht, Oudegracht 150, Utrecht."


def test_a_return_without_an_address_or_message_sends_nothing(directory, email) -> None:
    # when
    anonymous = notify_return(event_type="ReturnRefunded", ret=a_return(contact_email=None), directory=directory,
                              email=email)
    no_message = notify_return(event_type="OrderPlaced", ret=a_return(), directory=directory, email=email)
    # then
    assert anonymous == [] and no_message == [] and email.sent == []


# -- customers: reservations ----------------------------------------------------------------------


HELD_UNTIL = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 in Amsterdam


def confirm(contacts: MemoryCustomerContacts, directory: LocationDirectory, email: MemoryEmailSender,
            customer_id: str = "c-1") -> list[str]:
    return confirm_reservation(reservation_id="cd34ef56-0000-4000-8000-000000000003", customer_id=customer_id,
                               location_id=UTRECHT, lines=[("SNK-42", 1), ("SCF-RED", 2)], held_until=HELD_UNTIL,
                               directory=directory, contacts=contacts, email=email)


@pytest.mark.parametrize(("language", "subject", "until"), [
    ("nl", "Je reservering CD34EF56 bij Utrecht Oudegracht", "Het ligt voor je klaar tot 25-11-2026 18:00."),
    ("en", "Your reservation CD34EF56 at Utrecht Oudegracht", "It is kept for you until 25-11-2026 18:00."),
])
def test_a_reservation_is_confirmed_with_store_address_lines_and_until_when(language, subject, until, directory,
                                                                            email) -> None:
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-1", EMAIL, language=language)
    # when
    sent = confirm(contacts, directory, email)
    # then
    [mail] = email.sent
    assert sent == ["email-1"] and (mail.to, mail.subject) == (EMAIL, subject)
    assert "Utrecht Oudegracht, Oudegracht 150, Utrecht" in mail.body
    assert "1 x SNK-42\n2 x SCF-RED" in mail.body and until in mail.body


def test_a_reservation_of_a_customer_without_contact_sends_nothing(directory, email) -> None:
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-erased", EMAIL)
    contacts.erase("c-erased")
    # when
    unknown = confirm(contacts, directory, email, customer_id="c-unknown")
    erased = confirm(contacts, directory, email, customer_id="c-erased")
    # then
    assert unknown == [] and erased == [] and email.sent == []


# -- customers: review requests -------------------------------------------------------------------


WAIT = timedelta(days=7)
COLLECTED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def test_a_collected_order_is_scheduled_for_a_review_once_with_what_was_handed_over() -> None:
    # given
    reviews = MemoryReviewSchedule()
    order = an_order(status=OrderStatus.COLLECTED,
                     lines=(OrderLine("JKT-RAIN-M", 1, 8999, short=True), OrderLine("SCF-RED", 2, 1999)))
    # when
    first = schedule_review_of_order(order=order, received_at=COLLECTED, reviews=reviews, wait=WAIT)
    again = schedule_review_of_order(order=order, received_at=COLLECTED + timedelta(minutes=5), reviews=reviews,
                                     wait=WAIT)
    # then
    [request] = reviews.requests.values()
    assert (first, again) == (True, False)
    assert (request.source, request.source_id, request.skus) == (ReviewSource.ORDER, order.order_id, ("SCF-RED",))
    assert request.due_at == COLLECTED + WAIT and request.requested_at is None


def test_a_till_sale_is_scheduled_when_the_customer_is_known_and_a_collected_orders_purchase_is_not() -> None:
    # given
    reviews = MemoryReviewSchedule()
    # when
    anonymous = schedule_review_of_purchase(purchase=a_till_sale(receipt_email=None), reviews=reviews, wait=WAIT)
    web = schedule_review_of_purchase(purchase=a_till_sale(channel=PurchaseChannel.CLICK_AND_COLLECT),
                                      reviews=reviews, wait=WAIT)
    by_card = schedule_review_of_purchase(purchase=a_till_sale(receipt_email=None, customer_id="c-1"),
                                          reviews=reviews, wait=WAIT)
    # then
    assert (anonymous, web, by_card) == (False, False, True)
    assert reviews.requests["p-1"].due_at == PLACED + WAIT
    assert reviews.requests["p-1"].skus == ("JKT-RAIN-M", "SCF-RED")


def test_a_due_review_is_requested_once_and_only_when_due() -> None:
    # given
    reviews = MemoryReviewSchedule()
    schedule_review_of_purchase(purchase=a_till_sale(), reviews=reviews, wait=WAIT)
    due = PLACED + WAIT
    # when
    early = request_due_reviews(reviews=reviews, now=due - timedelta(seconds=1))
    on_time = request_due_reviews(reviews=reviews, now=due)
    later = request_due_reviews(reviews=reviews, now=due + timedelta(minutes=1))
    # then
    assert (early, on_time, later) == (0, 1, 0)
    assert reviews.requests["p-1"].requested_at == due


def test_a_requested_review_is_published_once_with_a_stable_id() -> None:
    # given
    waiting = ReviewRequest.after(source=ReviewSource.PURCHASE, source_id="p-1", location_id=UTRECHT,
                                  customer_id="c-1", skus=["SCF-RED", "JKT-RAIN-M", "SCF-RED"], received_at=PLACED,
                                  wait=WAIT)
    requested = waiting.requested(PLACED + WAIT)
    # when
    scheduled = events_for_review(None, waiting, PLACED)
    [event] = events_for_review(waiting, requested, PLACED + WAIT)
    replayed = events_for_review(waiting, requested, PLACED + WAIT + timedelta(seconds=3))
    touched_again = events_for_review(requested, requested, PLACED + WAIT)
    # then
    assert scheduled == [] and touched_again == []
    assert (event.source, event.detail_type) == ("retail.messages", "ReviewRequested")
    assert event.detail["data"]["skus"] == ["SCF-RED", "JKT-RAIN-M"]
    assert event.detail["metadata"]["event_id"] == replayed[0].detail["metadata"]["event_id"]


def ask(directory: LocationDirectory, email: MemoryEmailSender, *, source: ReviewSource, order: Order | None = None,
        purchase: Purchase | None = None, contacts: MemoryCustomerContacts | None = None) -> list[str]:
    return send_review_request(source=source, skus=["JKT-RAIN-M", "SCF-RED"], location_id=UTRECHT, order=order,
                               purchase=purchase, directory=directory, contacts=contacts or MemoryCustomerContacts(),
                               email=email, links=LINKS)


def test_a_review_request_links_each_product_on_the_webshop_in_the_customers_language(directory, email) -> None:
    # when
    ask(directory, email, source=ReviewSource.ORDER, order=an_order(language="en", status=OrderStatus.COLLECTED))
    # then
    [mail] = email.sent
    assert (mail.to, mail.subject) == (EMAIL, "How do you like what you bought at Utrecht Oudegracht?")
    assert ("JKT-RAIN-M: https://shop.example.nl/p/JKT-RAIN-M\nSCF-RED: https://shop.example.nl/p/SCF-RED"
            in mail.body)


def test_a_till_sales_review_goes_to_the_account_else_to_the_e_receipts_address(directory, email) -> None:
    # given
    contacts = MemoryCustomerContacts()
    contacts.add("c-en", "sam@example.com", language="en")
    # when
    ask(directory, email, source=ReviewSource.PURCHASE, purchase=a_till_sale(customer_id="c-en"), contacts=contacts)
    ask(directory, email, source=ReviewSource.PURCHASE, purchase=a_till_sale())
    nobody = ask(directory, email, source=ReviewSource.PURCHASE,
                 purchase=a_till_sale(receipt_email=None, customer_id="c-unknown"))
    gone = ask(directory, email, source=ReviewSource.PURCHASE, purchase=None)
    # then
    account, receipt = email.sent
    assert (account.to, account.subject) == ("sam@example.com",
                                             "How do you like what you bought at Utrecht Oudegracht?")
    assert (receipt.to, receipt.subject) == (EMAIL, "Wat vind je van je aankoop bij Utrecht Oudegracht?")
    assert nobody == [] and gone == []


# -- store devices ------------------------------------------------------------------------------


ORDER_PLACED = {"order_id": "ab12cd34-0000-4000-8000-000000000001", "location_id": UTRECHT,
                "lines": [{"sku": "JKT-RAIN-M", "quantity": 1, "short": False},
                          {"sku": "SCF-RED", "quantity": 2, "short": True}]}


def test_a_store_is_told_of_a_new_order_in_its_language_with_a_link_to_it() -> None:
    # when
    dutch = store_message("OrderPlaced", ORDER_PLACED, UTRECHT_STORE)
    english = store_message("OrderPlaced", {**ORDER_PLACED, "location_id": SCHIPHOL}, SCHIPHOL_STORE)
    # then
    assert dutch is not None and english is not None
    assert (dutch.title, dutch.body) == ("Nieuwe click & collect-bestelling",
                                         "AB12CD34: 1 x JKT-RAIN-M. Leg de artikelen klaar.")
    assert (english.title, english.body) == ("New click & collect order",
                                             "AB12CD34: 1 x JKT-RAIN-M. Please set the items aside.")
    assert (dutch.kind, dutch.link, dutch.location_id) == (
        "OrderPlaced", "/orders/ab12cd34-0000-4000-8000-000000000001", UTRECHT)
    assert english.location_id == SCHIPHOL


def test_a_reservation_is_announced_with_its_end_but_an_orders_own_hold_is_not() -> None:
    """The store hears of an order once, as the order, not again as the hold behind it."""
    # given
    hold = {"reservation_id": "cd34ef56-0000", "location_id": UTRECHT, "expires_at": "2026-11-23T18:30:00+00:00",
            "lines": [{"sku": "SNK-42", "quantity": 1}]}
    # when
    plain = store_message("ReservationCreated", hold, UTRECHT_STORE)
    of_an_order = store_message("ReservationCreated", {**hold, "order_id": "o-1"}, UTRECHT_STORE)
    # then
    assert plain is not None and of_an_order is None
    assert plain.body == "1 x SNK-42 gereserveerd tot 2026-11-23 18:30."
    assert plain.link == "/reservations/cd34ef56-0000"


def test_stock_signals_link_to_the_sku_and_a_shortfall_names_how_many() -> None:
    # when
    low = store_message("StockLow", {"sku": "JKT-RAIN-M", "available": 1}, UTRECHT_STORE)
    short = store_message("StockShortfall", {"sku": "JKT-RAIN-M", "shortfall": 2}, SCHIPHOL_STORE)
    # then
    assert low is not None and short is not None
    assert (low.title, low.body, low.link) == ("Voorraad bijna op", "JKT-RAIN-M: nog 1 beschikbaar.",
                                               "/stock/JKT-RAIN-M")
    assert short.body.startswith("JKT-RAIN-M: 2 fewer than held for customers")


@pytest.mark.parametrize("detail_type", ["StockChanged", "OrderCollected", "ReturnRefunded"])
def test_events_a_store_need_not_act_on_reach_no_device(detail_type: str) -> None:
    # then
    assert store_message(detail_type, ORDER_PLACED, UTRECHT_STORE) is None


# -- settings ------------------------------------------------------------------------------------


def test_a_review_waits_a_week_unless_the_deployment_says_days_or_a_test_says_seconds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    from shared.settings import settings

    for name in ("REVIEW_AFTER_DAYS", "REVIEW_AFTER_SECONDS", "ACCOUNT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TABLE_NAME", "retail")
    settings.cache_clear()
    default = settings().review_after
    monkeypatch.setenv("REVIEW_AFTER_DAYS", "3")
    settings.cache_clear()
    days = settings().review_after
    monkeypatch.setenv("REVIEW_AFTER_SECONDS", "2")
    settings.cache_clear()
    seconds = settings().review_after
    settings.cache_clear()
    # then
    assert (default, days, seconds) == (timedelta(days=7), timedelta(days=3), timedelta(seconds=2))
