"""Notifications on fakes: what a customer receives for which event, in Dutch or English and by
which channel, and what a store's devices show for which event (store_message)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from shared.locations.directory import LocationDirectory
from shared.locations.model import Address, Coordinates, Location, LocationType
from shared.notifications.service import notify_customer, notify_return, send_e_receipt
from shared.notifications.store_messages import store_message
from shared.observability import logger
from shared.orders.model import Contact, Order, OrderLine, OrderStatus, Payment
from shared.purchases.model import Purchase, PurchaseChannel, PurchasedLine
from shared.returns.model import Return, ReturnLine, ReturnStatus
from tests.fakes.locations import MemoryLocationStore
from tests.fakes.notifications import MemoryEmailSender, MemorySmsSender

UTRECHT, SCHIPHOL = "utrecht-oudegracht", "schiphol-plaza"
EMAIL, PHONE = "anna@example.nl", "+31612345678"
PLACED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WINTER_DEADLINE = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 in Amsterdam (CET)
SUMMER_DEADLINE = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Amsterdam (CEST)


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
                location_id: str = UTRECHT) -> Purchase:
    return Purchase(purchase_id="p-1", channel=channel, location_id=location_id, purchased_at=PLACED,
                    reference="till-0042", receipt_email=receipt_email,
                    lines=(PurchasedLine("JKT-RAIN-M", 1, 8999), PurchasedLine("SCF-RED", 2, 1999)))


def tell(event_type: str, order: Order, directory: LocationDirectory, email: MemoryEmailSender,
         sms: MemorySmsSender) -> list[str]:
    return notify_customer(event_type=event_type, order=order, directory=directory, email=email, sms=sms)


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
    send_e_receipt(purchase=a_till_sale(), directory=directory, email=email)
    # then
    assert not [r for r in caplog.records if EMAIL in r.getMessage() or PHONE in r.getMessage()
                or EMAIL in str(r.__dict__) or PHONE in str(r.__dict__)]


# -- customers: till receipts and returns ---------------------------------------------------------


def test_a_till_sale_sends_an_e_receipt_with_euro_amounts_when_asked(directory, email) -> None:
    # when
    sent = send_e_receipt(purchase=a_till_sale(), directory=directory, email=email)
    # then
    [mail] = email.sent
    assert sent == ["email-1"]
    assert (mail.to, mail.subject) == (EMAIL, "Je kassabon van Utrecht Oudegracht")
    assert "1 x JKT-RAIN-M  \u20ac 89,99\n2 x SCF-RED  \u20ac 39,98" in mail.body
    assert "Totaal: \u20ac 129,97\nBon till-0042" in mail.body


def test_no_e_receipt_unless_asked_and_none_for_collected_orders(directory, email) -> None:
    # when
    unasked = send_e_receipt(purchase=a_till_sale(receipt_email=None), directory=directory, email=email)
    collected = send_e_receipt(purchase=a_till_sale(channel=PurchaseChannel.CLICK_AND_COLLECT),
                               directory=directory, email=email)
    # then
    assert unasked == [] and collected == [] and email.sent == []


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
